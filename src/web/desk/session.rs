//! Officer sessions: who is logged in and for which desk. Idle timeout 30 minutes, at most 12
//! hours in all; cookie `meldpunt_desk` (`HttpOnly; SameSite=Strict`, `Secure` over HTTPS).

use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};

use crate::desk::work::Actor;
use crate::web::session::{Active, Sessions};
use crate::web::state::AppState;

pub const COOKIE: &str = "meldpunt_desk";

pub type OfficerSessions = Sessions<Actor>;

pub fn officer_sessions() -> OfficerSessions {
    Sessions::new(Duration::from_secs(30 * 60), Duration::from_secs(12 * 3600))
}

/// The officer's live session, if any, with the cookie value. The officer is looked up in the
/// database at every request, so a session ends on the very next request once the officer was
/// removed (by `meldpunt officer remove` in another process, say) or moved to another desk.
pub fn current(state: &AppState, req: &HttpRequest) -> Option<(String, Active<Actor>)> {
    let cookie = req.cookie(COOKIE)?.value().to_owned();
    let active = state.officer_sessions.get(&cookie)?;
    // A primary-key read from SQLite's page cache, without waiting for writers (WAL): short
    // enough to do here rather than on the blocking pool.
    let still = state.officers.get(&active.data.name).ok().flatten();
    if !still.is_some_and(|officer| officer.desk == active.data.desk) {
        state.officer_sessions.remove(&cookie);
        return None;
    }
    Some((cookie, active))
}

pub fn cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}
