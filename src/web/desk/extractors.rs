//! The desk area's gates, as extractors (kanidm's `https/extractors` is the model): a handler
//! that takes a [`DeskSession`] only runs for an officer with a live session who is still in the
//! database with the same desk, and one that takes a [`DeskForm`] only runs for an url-encoded
//! form posted in such a session with its CSRF token. No handler repeats these checks, so none
//! can forget one; and no body is read before the session is known, so a stranger cannot make
//! the server read or store anything.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::session::COOKIE;
use crate::desk::work::Actor;
use crate::domain::Lang;
use crate::web::form::Fields;
use crate::web::session::Active;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// The logged-in officer. Missing or expired, it answers the "session expired" page (401); a
/// page that would rather send the visitor to the login form takes an `Option<DeskSession>`.
pub struct DeskSession {
    /// The cookie's value, so that log-out can end exactly this session.
    cookie: String,
    active: Active<Actor>,
}

impl DeskSession {
    pub fn officer(&self) -> &Actor {
        &self.active.data
    }

    /// The token every form of this session carries.
    pub fn csrf(&self) -> &str {
        self.active.csrf()
    }

    /// The one CSRF check of the desk area: a form's token must be this session's.
    pub fn check_csrf(
        &self,
        state: &AppState,
        lang: PageLang,
        submitted: Option<&str>,
    ) -> Result<(), PageError> {
        if submitted.is_some_and(|t| self.active.csrf_matches(t)) {
            Ok(())
        } else {
            Err(state.fail(lang, Failure::Invalid("err_csrf")))
        }
    }

    /// Ends this session at once.
    pub fn end(self, state: &AppState) {
        state.officer_sessions.remove(&self.cookie);
    }

    /// The officer's live session, if any. The officer is looked up in the database at every
    /// request, so a session ends on the very next request once the officer was removed (by
    /// `meldpunt officer remove` in another process, say) or moved to another desk.
    fn find(state: &AppState, req: &HttpRequest) -> Option<DeskSession> {
        let cookie = req.cookie(COOKIE)?.value().to_owned();
        let active = state.officer_sessions.get(&cookie)?;
        // A primary-key read from SQLite's page cache, without waiting for writers (WAL): short
        // enough to do here rather than on the blocking pool.
        let still = state.officers.get(&active.data.name).ok().flatten();
        if !still.is_some_and(|officer| officer.desk == active.data.desk) {
            state.officer_sessions.remove(&cookie);
            return None;
        }
        Some(DeskSession { cookie, active })
    }
}

/// What a desk gate opens to: the session, with the application's state and the page language
/// that the rest of the check (and its failures) need.
type Gate = (DeskSession, web::Data<AppState>, PageLang);

fn gate(req: &HttpRequest) -> Result<Gate, PageError> {
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Err(PageError {
            lang: PageLang::from_request_parts(req, Lang::Nl),
            failure: Failure::Internal("the application state is missing".into()),
            page: None,
        });
    };
    let lang = PageLang::from_request_parts(req, state.settings.default_lang);
    match DeskSession::find(state, req) {
        Some(session) => Ok((session, state.clone(), lang)),
        None => Err(state.fail(lang, Failure::SessionExpired)),
    }
}

impl FromRequest for DeskSession {
    type Error = PageError;
    type Future = Ready<Result<DeskSession, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(gate(req).map(|(session, _, _)| session))
    }
}

/// An url-encoded form posted by the logged-in officer, its CSRF token checked. The body is read
/// (within the app's payload limit) only once the session is known.
pub struct DeskForm {
    pub session: DeskSession,
    fields: Fields,
}

impl DeskForm {
    /// A field as typed; empty when it is missing.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).unwrap_or_default()
    }

    /// A field read by `parse`; missing or unreadable, the page names `invalid`.
    pub fn parsed<T>(
        &self,
        state: &AppState,
        lang: PageLang,
        name: &str,
        parse: impl FnOnce(&str) -> Option<T>,
        invalid: &'static str,
    ) -> Result<T, PageError> {
        self.fields
            .get(name)
            .and_then(parse)
            .ok_or_else(|| state.fail(lang, Failure::Invalid(invalid)))
    }
}

impl FromRequest for DeskForm {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<DeskForm, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let gate = gate(req);
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let (session, state, lang) = gate?;
            let body = web::Bytes::from_request(&req, &mut payload).await?;
            let fields =
                Fields::parse(&body).ok_or_else(|| state.fail(lang, Failure::Malformed))?;
            session.check_csrf(&state, lang, fields.get("csrf"))?;
            Ok(DeskForm { session, fields })
        })
    }
}
