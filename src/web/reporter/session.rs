//! What a reporter's session holds: the report it opened and the identity derived from the
//! receipt (to decrypt replies), in a zeroizing secret. The table itself is [`crate::web::session`];
//! reporter sessions end after 15 idle minutes or 2 hours in all.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretBox};

use crate::config::SessionSettings;
use crate::domain::ReportId;
use crate::web::session::Sessions;

pub const COOKIE: &str = "meldpunt_session";

pub struct ReporterSession {
    pub report: ReportId,
    pub identity: SecretBox<[u8; 32]>,
}

impl Clone for ReporterSession {
    fn clone(&self) -> Self {
        ReporterSession {
            report: self.report.clone(),
            identity: SecretBox::new(Box::new(*self.identity.expose_secret())),
        }
    }
}

pub type ReporterSessions = Sessions<ReporterSession>;

pub fn reporter_sessions(settings: &SessionSettings) -> ReporterSessions {
    Sessions::new(
        Duration::from_secs(settings.idle_minutes * 60),
        Duration::from_secs(settings.absolute_minutes * 60),
    )
}
