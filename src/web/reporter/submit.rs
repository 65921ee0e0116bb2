//! `GET /submit` shows the form, with a one-time token; `POST /submit` receives a tip, has it
//! stored ([`crate::reporter::submission`]) and only then redirects to its receipt, which
//! [`super::receipt`] shows once. The same form sent twice files one tip ([`super::once`]).

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::once::{self, Claim};
use super::problem::Problem;
use super::receipt;
use super::reception::{fail, reception};
use super::upload::{self, Rejected, Target, UploadError};
/// The desk's inbox names desks as the reporter's pages do.
pub use super::view::desk_name;
use super::view::{DeskView, desk_view, insert_limits};
use crate::reporter::ReporterError;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

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
    show_form(&state, &req, lang, query.desk.as_deref(), None)
}

/// The submit form; shown again after bad input with its problem and what the reporter typed
/// (the files must be chosen again: a browser cannot be handed them back).
fn show_form(
    state: &AppState,
    req: &HttpRequest,
    lang: PageLang,
    chosen: Option<&str>,
    again: Option<(Problem, &str)>,
) -> HttpResponse {
    let desks: Vec<DeskView> = state
        .settings
        .desks
        .iter()
        .map(|d| desk_view(d, lang.lang, chosen == Some(d.id.as_str())))
        .collect();
    let mut ctx = state.templates.context(req, lang);
    ctx.insert("desks", &desks);
    ctx.insert("form_token", once::new_token().expose_secret());
    insert_limits(&mut ctx, lang, &state.settings.limits);
    let status = match again {
        Some((problem, message)) => {
            problem.insert(&mut ctx);
            ctx.insert("message_text", message);
            problem.status
        }
        None => StatusCode::OK,
    };
    state.templates.page(status, "submit.html", &ctx)
}

/// The answer to a refused upload: the form again for a problem of the reporter's input, an
/// error page for anything else.
fn refused(
    state: &AppState,
    req: &HttpRequest,
    lang: PageLang,
    rejected: Rejected,
) -> Result<HttpResponse, PageError> {
    let Rejected { error, typed } = rejected;
    match &error {
        UploadError::Refused(e) => match Problem::of(lang, e) {
            Some(problem) => {
                let message = typed.message();
                let again = Some((problem, message.as_str()));
                Ok(show_form(state, req, lang, typed.desk.as_deref(), again))
            }
            None => Err(error.page(state, lang)),
        },
        _ => Err(error.page(state, lang)),
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
    let upload =
        match upload::receive(payload, reception.intake(), Target::ChooseDesk(&resolve)).await {
            Ok(upload) => upload,
            Err(rejected) => return refused(&state, &req, lang, rejected),
        };
    let filing = match upload.form_token.as_deref() {
        None => None,
        Some(token) if !once::well_formed(token) => {
            return Err(state.fail(lang, Failure::Malformed));
        }
        Some(token) => match state.once.claim(token).await {
            Claim::File(filing) => Some(filing),
            Claim::Filed(held) => return Ok(to_receipt(lang, held)),
        },
    };
    // Stored in a task of its own: a browser that gives up on this request (a second click)
    // must not cut the storing short, or the form's claim would end before its tip is filed.
    let stored = actix_web::rt::spawn(async move {
        let tip = reception
            .store_tip(receipt, upload.desk.as_deref(), upload.parts)
            .await?;
        let desk = tip.desk.clone();
        let held = match filing {
            Some(filing) => filing.filed(tip.code, tip.desk),
            None => Err(tip.code),
        };
        Ok::<_, ReporterError>(held.map_err(|code| (code, desk)))
    })
    .await
    .map_err(|e| fail(&state, lang, ReporterError::Internal(e.to_string())))?
    .map_err(|e| fail(&state, lang, e))?;
    match stored {
        Ok(token) => Ok(to_receipt(lang, Some(token))),
        // A POST without the form's token (a script: it has no page to reload), or too many
        // receipts waiting to be shown: the receipt is in this answer rather than lost (a
        // reload of a form that had a token files nothing either: the form is filed).
        Err((code, desk)) => Ok(receipt::show(&state, &req, lang, &code, &desk)),
    }
}

/// The redirect to the receipt's page; without a token, to the notice that it was shown.
fn to_receipt(lang: PageLang, token: Option<SecretString>) -> HttpResponse {
    let query = token.map_or(String::new(), |t| format!("?t={}", t.expose_secret()));
    HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("{}/receipt{query}", lang.prefix()),
        ))
        .finish()
}
