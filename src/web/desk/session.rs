//! Officer sessions: who is logged in and for which desk. Idle timeout 30 minutes, at most 12
//! hours in all; cookie `meldpunt_desk` (`HttpOnly; SameSite=Strict`, `Secure` over HTTPS).
//! Handlers meet a session through the [`super::extractors::DeskSession`] extractor.

use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite};

use crate::desk::work::Actor;
use crate::web::session::Sessions;

pub const COOKIE: &str = "meldpunt_desk";

pub type OfficerSessions = Sessions<Actor>;

pub fn officer_sessions() -> OfficerSessions {
    Sessions::new(Duration::from_secs(30 * 60), Duration::from_secs(12 * 3600))
}

pub fn cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}
