//! One report in the web area: its items (kind, size, day — never content), deadlines and
//! history; downloads; replies typed or sealed offline; status, extension and transfer.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::inbox::{desk_context, page_error, require};
use super::upload::{self, FileUploadError};
use crate::desk::work::{DeskError, DeskWork};
use crate::seal::TempPath;
use crate::store::{ReportRecord, Status};
use crate::web::form::Fields;
use crate::web::session::Active;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

/// A transfer package may hold every item of a report, so allow twice a submission.
pub fn package_max(state: &AppState) -> u64 {
    state.installation().package_max
}

#[derive(Serialize)]
struct ItemView {
    id: String,
    kind: String,
    size: u64,
    day: String,
    batch: u32,
    new: bool,
}

#[derive(Serialize)]
struct Choice {
    key: &'static str,
    label: String,
}

#[derive(Deserialize)]
pub struct BundleQuery {
    new: Option<String>,
}

type Session = Active<crate::desk::work::Actor>;

/// Runs blocking desk work for the logged-in officer and maps its failures to pages.
async fn with_report<T: Send + 'static>(
    state: &web::Data<AppState>,
    lang: PageLang,
    active: &Session,
    id: String,
    work: impl FnOnce(&DeskWork, ReportRecord) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, PageError> {
    let desk = state.desk_work(active.data.clone());
    web::block(move || {
        let record = desk.report(&id)?;
        work(&desk, record)
    })
    .await
    .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?
    .map_err(|e| page_error(state, lang, e))
}

fn back_to_report(lang: PageLang, id: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("{}/desk/reports/{id}", lang.prefix()),
        ))
        .finish()
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let active = require(&state, &req, lang)?;
    let (record, row) = with_report(&state, lang, &active, path.into_inner(), |desk, record| {
        let row = desk.row(&record)?;
        Ok((record, row))
    })
    .await?;
    let t = |key: &str| i18n::text(lang.lang, key);
    let new: Vec<_> = record
        .new_for(&active.data.name)
        .iter()
        .map(|i| i.id.clone())
        .collect();
    let items: Vec<ItemView> = record
        .items
        .iter()
        .map(|i| ItemView {
            id: i.id.to_string(),
            kind: t(&format!(
                "desk_kind_{}",
                serde_json::to_value(i.kind)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or("")
            )),
            size: i.size,
            day: i.day.iso(),
            batch: i.batch,
            new: new.contains(&i.id),
        })
        .collect();
    let history: Vec<_> = record
        .history
        .iter()
        .map(|e| {
            serde_json::json!({
                "day": e.day.iso(),
                "status": t(&format!("desk_status_{}", e.status.key())),
                "reason": e.reason.clone().unwrap_or_default(),
            })
        })
        .collect();
    let position = |s: Status| Status::ALL.iter().position(|x| *x == s);
    let choices: Vec<Choice> = Status::ALL
        .into_iter()
        .filter(|s| {
            record.status == Status::Closed && *s != Status::Closed
                || position(*s) > position(record.status)
        })
        .map(|s| Choice {
            key: s.key(),
            label: t(&format!("desk_status_{}", s.key())),
        })
        .collect();
    let mut ctx = desk_context(&state, &req, lang, &active);
    ctx.insert("report", &row);
    ctx.insert(
        "status_label",
        &t(&format!("desk_status_{}", record.status.key())),
    );
    ctx.insert("closed", &(record.status == Status::Closed));
    ctx.insert("items", &items);
    ctx.insert("new_count", &new.len());
    ctx.insert("history", &history);
    ctx.insert("choices", &choices);
    ctx.insert(
        "extension_reason",
        &record
            .extension
            .as_ref()
            .map(|e| e.reason.clone())
            .unwrap_or_default(),
    );
    Ok(state
        .templates
        .page(StatusCode::OK, "desk_report.html", &ctx))
}

/// Streams a bundle: the whole report, or with `?new=1` what this officer has not downloaded.
pub async fn bundle(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    path: web::Path<String>,
    query: web::Query<BundleQuery>,
) -> Result<HttpResponse, PageError> {
    let active = require(&state, &req, lang)?;
    let only_new = query
        .new
        .as_deref()
        .is_some_and(|v| v == "1" || v == "true");
    let (file, manifest) = with_report(
        &state,
        lang,
        &active,
        path.into_inner(),
        move |desk, record| desk.bundle(&record, only_new),
    )
    .await?;
    Ok(tar_response(file, &manifest.report.to_string(), only_new))
}

/// A tar file as a download.
pub fn tar_response(file: std::fs::File, report: &str, only_new: bool) -> HttpResponse {
    let name = format!("report-{report}{}.tar", if only_new { "-new" } else { "" });
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    HttpResponse::Ok()
        .content_type("application/x-tar")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .streaming(stream)
}

/// Reads an url-encoded form and checks its CSRF token.
fn checked_form(
    state: &AppState,
    lang: PageLang,
    active: &Session,
    body: &[u8],
) -> Result<Fields, PageError> {
    let fields = Fields::parse(body).ok_or_else(|| state.fail(lang, Failure::Malformed))?;
    if !fields.get("csrf").is_some_and(|t| active.csrf_matches(t)) {
        return Err(state.fail(lang, Failure::Invalid("err_csrf")));
    }
    Ok(fields)
}

pub async fn reply(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let active = require(&state, &req, lang)?;
    let fields = checked_form(&state, lang, &active, &body)?;
    let text = zeroize::Zeroizing::new(fields.get("text").unwrap_or_default().to_owned());
    let id = path.into_inner();
    with_report(&state, lang, &active, id.clone(), move |desk, record| {
        desk.reply_text(&record, &text)
    })
    .await?;
    Ok(back_to_report(lang, &id))
}

fn upload_failure(state: &AppState, lang: PageLang, error: FileUploadError) -> PageError {
    match error {
        FileUploadError::Malformed => state.fail(lang, Failure::Malformed),
        FileUploadError::TooLarge => state.fail(lang, Failure::Invalid("desk_err_upload_large")),
        FileUploadError::Io(e) => state.fail(lang, Failure::Internal(e.to_string())),
    }
}

async fn checked_upload(
    state: &web::Data<AppState>,
    lang: PageLang,
    active: &Session,
    payload: Multipart,
    max: u64,
) -> Result<TempPath, PageError> {
    let (csrf, file) = upload::multipart_file(payload, &state.store.tmp_dir(), max)
        .await
        .map_err(|e| upload_failure(state, lang, e))?;
    if !csrf.as_deref().is_some_and(|t| active.csrf_matches(t)) {
        return Err(state.fail(lang, Failure::Invalid("err_csrf")));
    }
    Ok(file)
}

pub async fn reply_sealed(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let active = require(&state, &req, lang)?;
    let max = crate::desk::work::SEALED_REPLY_MAX;
    let file = checked_upload(&state, lang, &active, payload, max).await?;
    let id = path.into_inner();
    with_report(&state, lang, &active, id.clone(), move |desk, record| {
        desk.reply_sealed(&record, file)
    })
    .await?;
    Ok(back_to_report(lang, &id))
}

pub async fn status(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let active = require(&state, &req, lang)?;
    let fields = checked_form(&state, lang, &active, &body)?;
    let to = fields
        .get("status")
        .and_then(Status::parse)
        .ok_or_else(|| state.fail(lang, Failure::Invalid("desk_err_status_order")))?;
    let reason = fields.get("reason").unwrap_or_default().to_owned();
    let id = path.into_inner();
    with_report(&state, lang, &active, id.clone(), move |desk, record| {
        desk.set_status(&record, to, &reason)
    })
    .await?;
    Ok(back_to_report(lang, &id))
}

pub async fn extend(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let active = require(&state, &req, lang)?;
    let fields = checked_form(&state, lang, &active, &body)?;
    let days: u32 = fields
        .get("feedback_days")
        .and_then(|d| d.trim().parse().ok())
        .ok_or_else(|| state.fail(lang, Failure::Invalid("desk_err_extension_days")))?;
    let reason = fields.get("reason").unwrap_or_default().to_owned();
    let id = path.into_inner();
    with_report(&state, lang, &active, id.clone(), move |desk, record| {
        desk.extend(&record, days, &reason)
    })
    .await?;
    Ok(back_to_report(lang, &id))
}

pub async fn transfer(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let active = require(&state, &req, lang)?;
    let file = checked_upload(&state, lang, &active, payload, package_max(&state)).await?;
    with_report(
        &state,
        lang,
        &active,
        path.into_inner(),
        move |desk, record| {
            let package = file
                .path()
                .map(ToOwned::to_owned)
                .ok_or(DeskError::Invalid("desk_err_package"))?;
            desk.transfer(&record, &package)
        },
    )
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{}/desk/", lang.prefix())))
        .finish())
}
