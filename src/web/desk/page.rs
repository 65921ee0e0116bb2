//! What every desk page shares: the context it is rendered from (officer, desk, CSRF token),
//! desk work run on the blocking pool for the logged-in officer, and the one mapping of desk
//! failures to pages.

use actix_web::{HttpRequest, HttpResponse, http::header, web};

use super::extractors::DeskSession;
use crate::desk::accounts::Accounts;
use crate::desk::work::{DeskError, DeskWork};
use crate::store::ReportRecord;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// What a desk failure is told as, in the web area.
pub fn page_error(state: &AppState, lang: PageLang, error: DeskError) -> PageError {
    match error {
        DeskError::NotFound => state.fail(lang, Failure::NotFound),
        DeskError::Invalid(key) => state.fail(lang, Failure::Invalid(key)),
        DeskError::DiskFull => state.fail(lang, Failure::DiskFull),
        DeskError::Internal(cause) => state.fail(lang, Failure::Internal(cause)),
    }
}

/// Runs blocking desk work for the logged-in officer and maps its failures to pages.
pub async fn run<T: Send + 'static>(
    state: &AppState,
    lang: PageLang,
    session: &DeskSession,
    work: impl FnOnce(DeskWork) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, PageError> {
    let desk = state.desk_work(session.officer().clone());
    web::block(move || work(desk))
        .await
        .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?
        .map_err(|e| page_error(state, lang, e))
}

/// Runs account work (an admin's, or the officer's own) on the blocking pool for the logged-in
/// officer and maps its failures to pages.
pub async fn run_accounts<T: Send + 'static>(
    state: &web::Data<AppState>,
    lang: PageLang,
    session: &DeskSession,
    work: impl FnOnce(&Accounts<'_>) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, PageError> {
    let actor = session.officer().clone();
    let shared = state.clone();
    web::block(move || {
        work(&Accounts {
            officers: &shared.officers,
            audit: &shared.audit,
            desks: &shared.desks,
            actor: &actor,
            now_unix: shared.clock.now_unix(),
        })
    })
    .await
    .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?
    .map_err(|e| page_error(state, lang, e))
}

/// Account work for a form, then a 303 to `then` (a page with its confirmation).
pub async fn account_action(
    state: &web::Data<AppState>,
    lang: PageLang,
    session: &DeskSession,
    then: String,
    work: impl FnOnce(&Accounts<'_>) -> Result<(), DeskError> + Send + 'static,
) -> Result<HttpResponse, PageError> {
    run_accounts(state, lang, session, work).await?;
    Ok(see_other(then))
}

/// The context every desk page starts from.
pub fn desk_context(
    state: &AppState,
    req: &HttpRequest,
    lang: PageLang,
    session: &DeskSession,
) -> tera::Context {
    let mut ctx = state.templates.context(req, lang);
    ctx.insert("desk_area", &true);
    ctx.insert("officer", &session.officer().name);
    ctx.insert("csrf", session.csrf());
    ctx.insert("is_admin", &session.is_admin());
    ctx.insert("setting_up", &session.pending().any());
    let desk = state.desk(&session.officer().desk);
    let name = desk.map(|d| crate::web::reporter::submit::desk_name(d, lang.lang).to_owned());
    ctx.insert("officer_desk", &name.unwrap_or_default());
    ctx
}

/// A 303 to another desk page, after a form did its work.
pub fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Desk work on one report of the officer's desk: another desk's report, like a missing one,
/// answers "not found".
pub async fn with_report<T: Send + 'static>(
    state: &AppState,
    lang: PageLang,
    session: &DeskSession,
    id: String,
    work: impl FnOnce(&DeskWork, ReportRecord) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, PageError> {
    run(state, lang, session, move |desk| {
        let record = desk.report(&id)?;
        work(&desk, record)
    })
    .await
}

/// An inbox row as the desk's pages show it: its dates in words in the officer's language (the
/// API keeps them ISO) and its status label.
pub fn row_view(lang: PageLang, row: &crate::desk::work::InboxRow) -> serde_json::Value {
    let mut view = serde_json::to_value(row).unwrap_or_default();
    for key in ["received", "acknowledge_by", "feedback_by"] {
        if let Some(iso) = view.get(key).and_then(|v| v.as_str()).map(str::to_owned) {
            view[key] = crate::web::format::iso_date(lang.lang, &iso).into();
        }
    }
    let label = crate::web::i18n::text(lang.lang, &format!("desk_status_{}", row.status));
    view["status_label"] = label.into();
    view
}
