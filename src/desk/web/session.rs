//! Officer sessions: who is logged in and for which desk. Idle timeout 30 minutes, at most 12
//! hours in all; cookie `meldpunt_desk` (`HttpOnly; SameSite=Strict`, `Secure` over HTTPS).

use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};

use crate::desk::service::Actor;
use crate::state::AppState;
use crate::web::session::{Active, Sessions};

pub const COOKIE: &str = "meldpunt_desk";

pub type OfficerSessions = Sessions<Actor>;

pub fn officer_sessions() -> OfficerSessions {
    Sessions::new(Duration::from_secs(30 * 60), Duration::from_secs(12 * 3600))
}

/// The officer's live session, if any, with the cookie value.
pub fn current(state: &AppState, req: &HttpRequest) -> Option<(String, Active<Actor>)> {
    let cookie = req.cookie(COOKIE)?.value().to_owned();
    let active = state.officer_sessions.get(&cookie)?;
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
