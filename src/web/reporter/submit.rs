//! `GET /submit` shows the form; `POST /submit` receives a tip, has it stored
//! ([`crate::reporter::submission`]) and only then shows the receipt.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::reception::{fail, reception};
use super::upload::{self, Target};
/// The desk's inbox names desks as the reporter's pages do.
pub use super::view::desk_name;
use super::view::{DeskView, desk_view, insert_limits};
use crate::web::state::AppState;
use crate::web::{PageError, PageLang};

#[derive(Deserialize)]
pub struct DeskQuery {
    desk: Option<String>,
}

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    query: web::Query<DeskQuery>,
) -> HttpResponse {
    let chosen = query.desk.as_deref();
    let desks: Vec<DeskView> = state
        .settings
        .desks
        .iter()
        .map(|d| desk_view(d, lang.lang, chosen == Some(d.id.as_str())))
        .collect();
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert("desks", &desks);
    insert_limits(&mut ctx, &state.settings.limits);
    state.templates.page(StatusCode::OK, "submit.html", &ctx)
}

pub async fn post(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let reception = reception(&state);
    let receipt = reception
        .fresh_receipt()
        .map_err(|e| fail(&state, lang, e))?;
    let resolve = |desk: &str| reception.recipients_for(desk);
    let upload = upload::receive(payload, reception.intake(), Target::ChooseDesk(&resolve))
        .await
        .map_err(|e| e.page(&state, lang))?;
    let tip = reception
        .store_tip(receipt, upload.desk.as_deref(), upload.parts)
        .await
        .map_err(|e| fail(&state, lang, e))?;
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert("receipt", tip.code.grouped().expose_secret());
    ctx.insert("desk_name", desk_name(&tip.desk, lang.lang));
    ctx.insert("acknowledge_days", &tip.desk.acknowledge_days);
    ctx.insert("feedback_days", &tip.desk.feedback_days);
    Ok(state.templates.page(StatusCode::OK, "receipt.html", &ctx))
}
