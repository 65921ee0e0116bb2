//! `GET /receipt?t=TOKEN`: the receipt of a tip just stored, shown once ([`super::once`]). Any
//! later visit — a reload, the back button, the same form sent again, a made-up token — gets the
//! notice that the receipt was shown once and the tip was stored, and files nothing.
//!
//! A `HEAD` gets that notice's headers and leaves the receipt where it is: the one showing is
//! for the reporter's browser, not for a tool that looked at the address first.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::once;
use super::view::desk_name;
use crate::config::DeskSettings;
use crate::receipt::ReceiptCode;
use crate::web::state::AppState;
use crate::web::{PageLang, format, i18n};

#[derive(Deserialize)]
pub struct ReceiptQuery {
    t: Option<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    query: web::Query<ReceiptQuery>,
) -> HttpResponse {
    let held = query
        .t
        .as_deref()
        .filter(|t| once::well_formed(t) && req.method() != Method::HEAD)
        .and_then(|t| state.once.take(t));
    match held {
        Some(held) => show(&state, &req, lang, &held.code, &held.desk),
        None => shown_before(&state, &req, lang),
    }
}

/// The receipt page: the code in `#receipt`, the advice to write it down, the desk's terms.
pub fn show(
    state: &AppState,
    req: &HttpRequest,
    lang: PageLang,
    code: &ReceiptCode,
    desk: &DeskSettings,
) -> HttpResponse {
    let mut ctx = state.templates.context(req, lang);
    ctx.insert("receipt", code.grouped().expose_secret());
    ctx.insert("desk_name", desk_name(desk, lang.lang));
    let days = |n: u32| format::count(lang.lang, u64::from(n), "days");
    ctx.insert("acknowledge_days", &days(desk.acknowledge_days));
    ctx.insert("feedback_days", &days(desk.feedback_days));
    state.templates.page(StatusCode::OK, "receipt.html", &ctx)
}

/// The notice that the receipt was shown once and the tip stored.
fn shown_before(state: &AppState, req: &HttpRequest, lang: PageLang) -> HttpResponse {
    let mut ctx = state.templates.context(req, lang);
    ctx.insert("title", &i18n::text(lang.lang, "receipt_gone_title"));
    ctx.insert("text", &i18n::text(lang.lang, "receipt_gone"));
    ctx.insert("is_error", &false);
    state.templates.page(StatusCode::OK, "message.html", &ctx)
}
