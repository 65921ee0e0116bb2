//! The inbox: this desk's reports only, overdue first, 25 to a page.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::session;
use crate::desk::work::DeskError;
use crate::web::session::Active;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

pub const PAGE_SIZE: usize = 25;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<usize>,
}

/// The logged-in officer, or the "not logged in" page.
pub fn require(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    lang: PageLang,
) -> Result<Active<crate::desk::work::Actor>, PageError> {
    session::current(state, req)
        .map(|(_, active)| active)
        .ok_or_else(|| state.fail(lang, Failure::SessionExpired))
}

/// What a desk failure is told as, in the web area.
pub fn page_error(state: &AppState, lang: PageLang, error: DeskError) -> PageError {
    match error {
        DeskError::NotFound => state.fail(lang, Failure::NotFound),
        DeskError::Invalid(key) => state.fail(lang, Failure::Invalid(key)),
        DeskError::DiskFull => state.fail(lang, Failure::DiskFull),
        DeskError::Internal(cause) => state.fail(lang, Failure::Internal(cause)),
    }
}

/// The context every desk page starts from.
pub fn desk_context(
    state: &AppState,
    req: &HttpRequest,
    lang: PageLang,
    active: &Active<crate::desk::work::Actor>,
) -> tera::Context {
    let mut ctx = state.templates.context(req, lang);
    ctx.insert("desk_area", &true);
    ctx.insert("officer", &active.data.name);
    ctx.insert("csrf", active.csrf());
    let desk = state.desk(&active.data.desk);
    let name = desk.map(|d| crate::web::reporter::submit::desk_name(d, lang.lang).to_owned());
    ctx.insert("officer_desk", &name.unwrap_or_default());
    ctx
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let Some((_, active)) = session::current(&state, &req) else {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{}/desk/login", lang.prefix())))
            .finish());
    };
    let work = state.desk_work(active.data.clone());
    let rows = web::block(move || work.inbox())
        .await
        .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?
        .map_err(|e| page_error(&state, lang, e))?;
    let pages = rows.len().div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<_> = rows
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|row| {
            let mut row = serde_json::to_value(row).unwrap_or_default();
            if let Some(status) = row
                .get("status")
                .and_then(|s| s.as_str())
                .map(str::to_owned)
            {
                row["status_label"] =
                    i18n::text(lang.lang, &format!("desk_status_{status}")).into();
            }
            row
        })
        .collect();
    let mut ctx = desk_context(&state, &req, lang, &active);
    ctx.insert("rows", &shown);
    ctx.insert("total", &rows.len());
    ctx.insert("overdue", &rows.iter().filter(|r| r.overdue).count());
    ctx.insert("page", &page);
    ctx.insert("pages", &pages);
    Ok(state
        .templates
        .page(StatusCode::OK, "desk_inbox.html", &ctx))
}
