//! `GET /submit` shows the form; `POST /submit` receives a tip, has it stored
//! ([`crate::reporter::submission`]) and only then shows the receipt.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use secrecy::ExposeSecret;

use super::reception::{fail, reception};
use super::upload::{self, Target};
use crate::config::DeskSettings;
use crate::domain::Lang;
use crate::web::state::AppState;
use crate::web::{PageError, PageLang};

#[derive(Deserialize)]
pub struct DeskQuery {
    desk: Option<String>,
}

#[derive(Serialize)]
struct DeskChoice<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    selected: bool,
}

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    query: web::Query<DeskQuery>,
) -> HttpResponse {
    let chosen = query.desk.as_deref();
    let desks: Vec<DeskChoice> = state
        .settings
        .desks
        .iter()
        .map(|d| DeskChoice {
            id: d.id.as_str(),
            name: desk_name(d, lang.lang),
            description: match lang.lang {
                Lang::Nl => &d.description_nl,
                Lang::En => &d.description_en,
            },
            selected: chosen == Some(d.id.as_str()),
        })
        .collect();
    let limits = &state.settings.limits;
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert("desks", &desks);
    ctx.insert("max_chars", &limits.message_chars);
    ctx.insert("max_files", &limits.files);
    ctx.insert("max_mib", &(limits.submission_bytes / (1024 * 1024)));
    state.templates.page(StatusCode::OK, "submit.html", &ctx)
}

pub fn desk_name(desk: &DeskSettings, lang: Lang) -> &str {
    match lang {
        Lang::Nl => &desk.name_nl,
        Lang::En => &desk.name_en,
    }
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
