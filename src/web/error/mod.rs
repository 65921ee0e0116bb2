//! The one place where failures become answers: pages here (a status, a message in the user's
//! language) and the API's JSON in [`json`]; for internal errors the request's operation id,
//! which the log has with the cause — never the cause itself.

pub mod json;
pub use json::{ApiFailure, CodedError};

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use super::i18n::{self, PageLang};
use crate::domain::Lang;

/// What went wrong, in the terms a reporter is told.
#[derive(Debug)]
pub enum Failure {
    /// The form could not be read.
    Malformed,
    /// A required part is missing or wrong; the key names the message.
    Invalid(&'static str),
    /// Over a limit; the text says which and how much.
    TooLarge(String),
    /// The Argon2 queue is full.
    Busy,
    /// Nothing was stored, for a passing reason the key names; sending again in a minute works.
    TryAgain(&'static str),
    /// The disk is full.
    DiskFull,
    /// Not there (or not yours).
    NotFound,
    /// The session ran out or is missing.
    SessionExpired,
    /// The officer must set a new password or authenticator first: a 303 to their account.
    SetUpFirst,
    /// Another site's page made the browser post here ([`super::origin`]).
    CrossSite,
    /// The path is there, but not for this method; the methods it takes, for `Allow`.
    MethodNotAllowed(String),
    /// Anything else; the cause goes to the log under an operation id.
    Internal(String),
}

/// A failure ready to render, with the language it must be told in.
pub struct PageError {
    pub lang: PageLang,
    pub failure: Failure,
    pub page: Option<std::sync::Arc<super::Templates>>,
}

impl fmt::Debug for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PageError({:?})", self.failure)
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.failure)
    }
}

tokio::task_local! {
    /// The operation id of the request this task serves (set by [`super::trace::root_span`]).
    pub static OPERATION: String;
}

/// A short random id for one request.
pub fn new_operation_id() -> String {
    let mut bytes = [0u8; 4];
    crate::random::fill(&mut bytes);
    hex::encode(bytes)
}

/// The id of the request being served, shown to the user with an internal error and found in
/// the log on the request's span; outside a request, a fresh one.
pub fn operation_id() -> String {
    OPERATION
        .try_with(String::clone)
        .unwrap_or_else(|_| new_operation_id())
}

impl Failure {
    pub fn status(&self) -> StatusCode {
        match self {
            Failure::Malformed | Failure::Invalid(_) => StatusCode::BAD_REQUEST,
            Failure::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Failure::Busy | Failure::TryAgain(_) => StatusCode::SERVICE_UNAVAILABLE,
            Failure::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
            Failure::NotFound => StatusCode::NOT_FOUND,
            Failure::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Failure::CrossSite => StatusCode::FORBIDDEN,
            Failure::SessionExpired => StatusCode::UNAUTHORIZED,
            Failure::SetUpFirst => StatusCode::SEE_OTHER,
            Failure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Title and explanation, in `lang`.
    fn words(&self, lang: Lang) -> (String, String) {
        let t = |k: &str| i18n::text(lang, k);
        match self {
            Failure::Malformed => (t("err_malformed_title"), t("err_malformed")),
            Failure::Invalid(key) => (t("err_invalid_title"), t(key)),
            Failure::TooLarge(limit) => (
                t("err_too_large_title"),
                format!("{} {limit}", t("err_too_large")),
            ),
            Failure::Busy => (t("err_busy_title"), t("err_busy")),
            Failure::TryAgain(key) => (t("err_busy_title"), t(key)),
            Failure::DiskFull => (t("err_disk_full_title"), t("err_disk_full")),
            Failure::NotFound => (t("err_not_found_title"), t("err_not_found")),
            Failure::CrossSite => (t("err_cross_site_title"), t("err_cross_site")),
            Failure::MethodNotAllowed(_) => (t("err_method_title"), t("err_method")),
            Failure::SessionExpired => (t("err_session_title"), t("err_session")),
            Failure::SetUpFirst => (t("account_setup_title"), t("account_setup_text")),
            Failure::Internal(_) => (t("err_internal_title"), t("err_internal")),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.failure.status()
    }

    fn error_response(&self) -> HttpResponse {
        if matches!(self.failure, Failure::SetUpFirst) {
            return HttpResponse::SeeOther()
                .insert_header((
                    actix_web::http::header::LOCATION,
                    format!("{}/desk/account", self.lang.prefix()),
                ))
                .finish();
        }
        let mut response = self.render();
        let headers = response.headers_mut();
        match &self.failure {
            Failure::Busy | Failure::TryAgain(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            }
            Failure::MethodNotAllowed(allow) => {
                // Method names only (see `web::methods`), so always a valid value.
                if let Ok(allow) = HeaderValue::from_str(allow) {
                    headers.insert(header::ALLOW, allow);
                }
            }
            _ => {}
        }
        response
    }
}

impl PageError {
    /// The message page, or plain text where no templates are at hand.
    fn render(&self) -> HttpResponse {
        let lang = self.lang.lang;
        let (title, mut text) = self.failure.words(lang);
        if let Failure::Internal(cause) = &self.failure {
            let op = operation_id();
            // The request's span carries the same operation id.
            tracing::error!(cause = %cause, "internal error");
            text = format!("{text} ({} {op})", i18n::text(lang, "err_operation"));
        }
        let Some(templates) = &self.page else {
            return HttpResponse::build(self.status_code())
                .content_type("text/plain; charset=utf-8")
                .body(format!("{title}\n\n{text}\n"));
        };
        let mut ctx = tera::Context::new();
        ctx.insert("t", i18n::strings(lang));
        ctx.insert("lang", lang.code());
        ctx.insert("prefix", self.lang.prefix());
        ctx.insert("switch_href", &self.lang.switch_href("/"));
        ctx.insert("switch_lang", lang.other().code());
        ctx.insert("demo", &templates.is_demo());
        ctx.insert("advise_tor", &false);
        ctx.insert("onion", "");
        ctx.insert("title", &title);
        ctx.insert("text", &text);
        ctx.insert("is_error", &true);
        ctx.insert("desk_area", &false);
        crate::web::reporter::problem::insert(&mut ctx, &[]);
        templates.page(self.status_code(), "message.html", &ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn an_internal_error_shows_the_operation_id_of_its_request() {
        let page = PageError {
            lang: PageLang {
                lang: Lang::En,
                default: Lang::Nl,
            },
            failure: Failure::Internal("the disk controller said no".into()),
            page: None,
        };
        let response = OPERATION
            .scope("0a1b2c3d".to_owned(), async { page.error_response() })
            .await;
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("0a1b2c3d"), "{body}");
        assert!(!body.contains("controller"), "never the cause: {body}");
    }
}
