//! What an officer does to a report from its page: a reply typed or sealed offline, a status
//! change, an extension of the feedback term, a transfer to another desk, taking a transferred
//! report back while the receiving desk has not opened it. Each form arrives
//! through the desk's gates (session, then CSRF) and ends in a 303 back to a page.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};

use super::canned::Done;
use crate::desk::work::{DeskError, DeskWork, SEALED_REPLY_MAX};
use crate::domain::ItemId;
use crate::seal::TempPath;
use crate::store::{ReportRecord, Status};
use crate::web::desk::extractors::{DeskForm, DeskSession};
use crate::web::desk::page::{run, see_other, with_report};
use crate::web::desk::upload::{self, FileUploadError};
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// Runs one action on the report `id` and sends the officer back to its page, which confirms
/// what was `done`.
pub(super) async fn act<T: Send + 'static>(
    state: &AppState,
    lang: PageLang,
    session: &DeskSession,
    id: String,
    done: Done,
    work: impl FnOnce(&DeskWork, ReportRecord) -> Result<T, DeskError> + Send + 'static,
) -> Result<HttpResponse, PageError> {
    let page = done_page(lang, &id, done);
    with_report(state, lang, session, id, work).await?;
    Ok(see_other(page))
}

pub async fn reply(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    typed(&state, lang, path, form, Done::Reply, DeskWork::reply_text).await
}

/// An internal note, sealed to the desk alone.
pub async fn note(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    typed(&state, lang, path, form, Done::Note, DeskWork::note).await
}

/// The form's typed `text` (held zeroized until dropped) handed to `work` on the report.
async fn typed(
    state: &AppState,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
    done: Done,
    work: fn(&DeskWork, &ReportRecord, &str) -> Result<ItemId, DeskError>,
) -> Result<HttpResponse, PageError> {
    let text = zeroize::Zeroizing::new(form.text("text").to_owned());
    act(
        state,
        lang,
        &form.session,
        path.into_inner(),
        done,
        move |desk, record| work(desk, &record, &text),
    )
    .await
}

pub async fn status(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let to = form.parsed(
        &state,
        lang,
        "status",
        Status::parse,
        "desk_err_status_order",
    )?;
    let reason = form.text("reason").to_owned();
    act(
        &state,
        lang,
        &form.session,
        path.into_inner(),
        Done::Status,
        move |desk, record| desk.set_status(&record, to, &reason),
    )
    .await
}

pub async fn extend(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let parse_days = |d: &str| d.trim().parse::<u32>().ok();
    let days = form.parsed(
        &state,
        lang,
        "feedback_days",
        parse_days,
        "desk_err_extension_days",
    )?;
    let reason = form.text("reason").to_owned();
    act(
        &state,
        lang,
        &form.session,
        path.into_inner(),
        Done::Extension,
        move |desk, record| desk.extend(&record, days, &reason),
    )
    .await
}

fn upload_failure(state: &AppState, lang: PageLang, error: FileUploadError) -> PageError {
    match error {
        FileUploadError::Malformed => state.fail(lang, Failure::Malformed),
        FileUploadError::TooLarge => state.fail(lang, Failure::Invalid("desk_err_upload_large")),
        FileUploadError::NotPackage => state.fail(lang, Failure::Invalid("desk_err_not_package")),
        FileUploadError::Io(e) => state.fail(lang, Failure::Internal(e.to_string())),
    }
}

/// The file of a multipart form posted in this session, once its CSRF token is checked.
async fn checked_upload(
    state: &AppState,
    lang: PageLang,
    session: &DeskSession,
    payload: Multipart,
    max: u64,
) -> Result<TempPath, PageError> {
    let (csrf, file) = upload::multipart_file(payload, &state.store.tmp_dir(), max)
        .await
        .map_err(|e| upload_failure(state, lang, e))?;
    session.check_csrf(state, lang, csrf.as_deref())?;
    Ok(file)
}

pub async fn reply_sealed(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    session: DeskSession,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    with_report(&state, lang, &session, id.clone(), |_, _| Ok(())).await?;
    let file = checked_upload(&state, lang, &session, payload, SEALED_REPLY_MAX).await?;
    act(
        &state,
        lang,
        &session,
        id,
        Done::Reply,
        move |desk, record| desk.reply_sealed(&record, file),
    )
    .await
}

pub async fn transfer(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    session: DeskSession,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let max = state.installation().package_max;
    let id = path.into_inner();
    // Another desk's report answers like a missing one before the body is looked at.
    with_report(&state, lang, &session, id.clone(), |_, _| Ok(())).await?;
    let file = checked_upload(&state, lang, &session, payload, max).await?;
    with_report(&state, lang, &session, id, move |desk, record| {
        desk.transfer(&record, file)
    })
    .await?;
    Ok(see_other(format!("{}/desk/?transferred=1", lang.prefix())))
}

/// Takes back a report this desk transferred (the form is on the inbox's list of sent reports).
pub async fn take_back(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let page = done_page(lang, &id, Done::TakenBack);
    run(&state, lang, &form.session, move |desk| desk.take_back(&id)).await?;
    Ok(see_other(page))
}

/// The report's page, confirming what was `done`.
fn done_page(lang: PageLang, id: &str, done: Done) -> String {
    format!("{}/desk/reports/{id}?done={}", lang.prefix(), done.key())
}
