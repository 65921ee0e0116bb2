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
use crate::desk::officers::Pending;
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
    /// As the database says at this request.
    admin: bool,
    pending: Pending,
}

impl DeskSession {
    pub fn officer(&self) -> &Actor {
        &self.active.data
    }

    /// Whether the officer is an admin now (the use cases check again themselves).
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// What the officer must still set before working.
    pub fn pending(&self) -> Pending {
        self.pending
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
        let Some(officer) = still.filter(|officer| officer.desk == active.data.desk) else {
            state.officer_sessions.remove(&cookie);
            return None;
        };
        Some(DeskSession {
            cookie,
            active,
            admin: officer.admin,
            pending: officer.pending,
        })
    }
}

/// What a desk gate opens to: the session, with the application's state and the page language
/// that the rest of the check (and its failures) need.
type Gate = (DeskSession, web::Data<AppState>, PageLang);

/// Which sessions a gate lets through: every page but the account's own refuses an officer who
/// must still set a new password or authenticator, and sends them there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Admit {
    Working,
    SettingUp,
}

fn gate(req: &HttpRequest, admit: Admit) -> Result<Gate, PageError> {
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Err(PageError {
            lang: PageLang::from_request_parts(req, Lang::Nl),
            failure: Failure::Internal("the application state is missing".into()),
            page: None,
        });
    };
    let lang = PageLang::from_request_parts(req, state.settings.default_lang);
    match DeskSession::find(state, req) {
        Some(session) if admit == Admit::Working && session.pending.any() => {
            Err(state.fail(lang, Failure::SetUpFirst))
        }
        Some(session) => Ok((session, state.clone(), lang)),
        None => Err(state.fail(lang, Failure::SessionExpired)),
    }
}

impl FromRequest for DeskSession {
    type Error = PageError;
    type Future = Ready<Result<DeskSession, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(gate(req, Admit::Working).map(|(session, _, _)| session))
    }
}

/// The session on the officer's own account pages, which an officer who must still set a new
/// password or authenticator may reach (and nothing else).
pub struct AccountSession(pub DeskSession);

impl FromRequest for AccountSession {
    type Error = PageError;
    type Future = Ready<Result<AccountSession, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(gate(req, Admit::SettingUp).map(|(session, _, _)| AccountSession(session)))
    }
}

/// An url-encoded form posted by the logged-in officer, its CSRF token checked. The body is read
/// (within the app's payload limit) only once the session is known.
pub struct DeskForm<const SETTING_UP: bool = false> {
    pub session: DeskSession,
    fields: Fields,
}

/// A form of the officer's own account pages: reachable while the officer sets up.
pub type AccountForm = DeskForm<true>;

impl<const SETTING_UP: bool> DeskForm<SETTING_UP> {
    /// A field as typed; empty when it is missing.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).unwrap_or_default()
    }

    /// Every value of a field given many times (the ticked boxes of a list).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.fields.all(name)
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

impl<const SETTING_UP: bool> FromRequest for DeskForm<SETTING_UP> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<DeskForm<SETTING_UP>, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let admit = if SETTING_UP {
            Admit::SettingUp
        } else {
            Admit::Working
        };
        let gate = gate(req, admit);
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
