//! `GET /followup` asks for the receipt; `POST /followup` opens a session for it.
//!
//! Whether a code is known, unknown or no code at all is the business of
//! [`crate::reporter::lookup`], which makes the three cost the same and take the same floor time;
//! here the two failures give the same page, so the response says nothing about which codes exist.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use super::problem::Problem;
use super::reception::{fail, reception};
use super::session;
use crate::receipt::ReceiptCode;
use crate::web::form::Fields;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

pub async fn form(state: web::Data<AppState>, req: HttpRequest, lang: PageLang) -> HttpResponse {
    let ctx = state.templates.context(&req, lang);
    state.templates.page(StatusCode::OK, "followup.html", &ctx)
}

pub async fn post(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let fields = Fields::parse(&body).ok_or_else(|| state.fail(lang, Failure::Malformed))?;
    let typed = fields.get("receipt").map(ReceiptCode::parse);
    drop(fields);
    let Some(typed) = typed else {
        return Err(state.fail(lang, Failure::Malformed));
    };
    let reporter = reception(&state)
        .open(typed)
        .await
        .map_err(|e| fail(&state, lang, e))?;
    let Some(reporter) = reporter else {
        let mut ctx = state.templates.context(&req, lang);
        let text = i18n::text(lang.lang, "followup_not_found");
        Problem::new(StatusCode::BAD_REQUEST, "receipt", text).insert(&mut ctx);
        return Ok(state
            .templates
            .page(StatusCode::BAD_REQUEST, "followup.html", &ctx));
    };
    let value = state.sessions.create(reporter);
    let cookie = session::cookie(value.expose_secret().to_owned(), state.settings.https);
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, format!("{}/thread", lang.prefix())))
        .finish())
}
