//! `GET /followup` asks for the receipt; `POST /followup` opens a session for it.
//!
//! A known code, an unknown code and input that is no code at all do the same work (one Argon2
//! derivation per cost setting in use) and take at least the same floor time, and the two failures
//! give the same answer, so the response says nothing about which codes exist.

use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use super::session::{COOKIE, ReporterSession};
use super::submit::kdf_failure;
use crate::receipt::{ReceiptCode, ReporterKeys};
use crate::store::ReportRecord;
use crate::web::form::Fields;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

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
    let started = Instant::now();
    let fields = Fields::parse(&body).ok_or_else(|| state.fail(lang, Failure::Malformed))?;
    let typed = fields.get("receipt").map(ReceiptCode::parse);
    drop(fields);
    let Some(typed) = typed else {
        return Err(state.fail(lang, Failure::Malformed));
    };
    let found = open_report(&state, typed).await.map_err(|e| match e {
        OpenError::Kdf(k) => kdf_failure(&state, lang, k),
        OpenError::Store(s) => state.fail(lang, Failure::Internal(s)),
    })?;
    let floor = Duration::from_millis(state.settings.followup_floor_ms);
    if let Some(rest) = floor.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    let Some((record, keys)) = found else {
        let mut ctx = state.templates.context(&req, lang);
        ctx.insert("not_found", &true);
        return Ok(state
            .templates
            .page(StatusCode::BAD_REQUEST, "followup.html", &ctx));
    };
    let cookie_value = state.sessions.create(ReporterSession {
        report: record.id,
        identity: keys.identity_secret(),
    });
    let cookie = Cookie::build(COOKIE, cookie_value.expose_secret().to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.https)
        .finish();
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, format!("{}/thread", lang.prefix())))
        .finish())
}

enum OpenError {
    Kdf(crate::kdf::KdfError),
    Store(String),
}

/// Stretches the code with every cost setting in use and looks each result up. Input that is no
/// code is replaced by a random one, so it costs the same and finds nothing.
async fn open_report(
    state: &AppState,
    typed: Option<ReceiptCode>,
) -> Result<Option<(ReportRecord, ReporterKeys)>, OpenError> {
    let valid = typed.is_some();
    let mut code = typed.unwrap_or_else(ReceiptCode::generate);
    let mut cost_sets = state
        .store
        .kdf_sets()
        .map_err(|e| OpenError::Store(e.to_string()))?;
    if !cost_sets.contains(&state.settings.argon2) {
        cost_sets.push(state.settings.argon2);
    }
    let mut found = None;
    for params in cost_sets {
        let (returned, keys) = state
            .kdf
            .derive(code, params)
            .await
            .map_err(OpenError::Kdf)?;
        code = returned;
        if found.is_none()
            && let Some(record) = state
                .store
                .find_by_lookup(&keys.lookup)
                .map_err(|e| OpenError::Store(e.to_string()))?
            && record.kdf == params
        {
            found = Some((record, keys));
        }
    }
    Ok(found.filter(|_| valid))
}
