//! Reporter sessions: the table of reporters who opened their report with a receipt, and the
//! cookie that names a session. The table itself is [`crate::web::session`]; what a session holds
//! is a [`Reporter`] (the report, and the identity that decrypts its replies, zeroized when the
//! session ends). Reporter sessions end after 15 idle minutes or 2 hours in all.
//!
//! Handlers ask for a live session with the `SignedIn` extractor (`signed_in.rs`).

use std::time::Duration;

use actix_web::cookie::Cookie;

use crate::config::SessionSettings;
use crate::reporter::Reporter;
use crate::web::session::{self, Sessions};

pub const COOKIE: &str = "meldpunt_session";

pub type ReporterSessions = Sessions<Reporter>;

pub fn reporter_sessions(settings: &SessionSettings) -> ReporterSessions {
    Sessions::new(
        Duration::from_secs(settings.idle_minutes * 60),
        Duration::from_secs(settings.absolute_minutes * 60),
    )
}

/// The cookie that names a reporter's session.
pub fn cookie(value: String, secure: bool) -> Cookie<'static> {
    session::cookie(COOKIE, value, secure)
}

/// A cookie that tells the browser to forget the session.
pub fn removal() -> Cookie<'static> {
    let mut gone = Cookie::build(COOKIE, "").path("/").http_only(true).finish();
    gone.make_removal();
    gone
}
