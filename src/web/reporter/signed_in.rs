//! The reporter-session extractor: a handler that takes a [`SignedIn`] runs only for a request
//! whose cookie names a live reporter session. Any other request gets the "session expired" page
//! in the reporter's language before the handler reads a byte of the body.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::session::COOKIE;
use crate::domain::Lang;
use crate::reporter::Reporter;
use crate::web::form::Fields;
use crate::web::session::Active;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// A reporter with a live session: who they are, the cookie value (to end the session) and the
/// session's CSRF token.
pub struct SignedIn {
    cookie: String,
    session: Active<Reporter>,
}

impl SignedIn {
    pub fn reporter(&self) -> &Reporter {
        &self.session.data
    }

    pub fn cookie(&self) -> &str {
        &self.cookie
    }

    pub fn csrf(&self) -> &str {
        self.session.csrf()
    }

    /// Whether a form carried this session's CSRF token (absent counts as wrong).
    pub fn csrf_matches(&self, submitted: Option<&str>) -> bool {
        submitted.is_some_and(|t| self.session.csrf_matches(t))
    }

    /// An url-encoded form of this session: parsed, and refused unless it carries the session's
    /// CSRF token — the one check every plain form of the thread goes through.
    pub fn form(&self, state: &AppState, lang: PageLang, body: &[u8]) -> Result<Fields, PageError> {
        let fields = Fields::parse(body).ok_or_else(|| state.fail(lang, Failure::Malformed))?;
        if !self.csrf_matches(fields.get("csrf")) {
            return Err(state.fail(lang, Failure::Invalid("err_csrf")));
        }
        Ok(fields)
    }
}

impl FromRequest for SignedIn {
    type Error = PageError;
    type Future = Ready<Result<SignedIn, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(signed_in(req))
    }
}

fn signed_in(req: &HttpRequest) -> Result<SignedIn, PageError> {
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Err(PageError {
            lang: PageLang::from_request_parts(req, Lang::Nl),
            failure: Failure::Internal("no application state".into()),
            page: None,
        });
    };
    let lang = PageLang::from_request_parts(req, state.settings.default_lang);
    let expired = || state.fail(lang, Failure::SessionExpired);
    let cookie = req
        .cookie(COOKIE)
        .map(|c| c.value().to_owned())
        .ok_or_else(expired)?;
    let session = state.sessions.get(&cookie).ok_or_else(expired)?;
    Ok(SignedIn { cookie, session })
}
