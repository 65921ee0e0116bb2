//! The inbox: this desk's reports only, overdue first, 25 to a page, and below them the reports
//! this desk transferred that the receiving desk has not opened yet (with a take-back button).
//! Without a session it sends the visitor to the login form.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::extractors::DeskSession;
use super::page::{desk_context, run, see_other};
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

pub const PAGE_SIZE: usize = 25;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<usize>,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    session: Result<DeskSession, PageError>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let session = match session {
        Ok(session) => session,
        // An officer who must set up first is sent to their account, not to the login.
        Err(e) if matches!(e.failure, Failure::SetUpFirst) => return Err(e),
        Err(_) => return Ok(see_other(format!("{}/desk/login", lang.prefix()))),
    };
    let (rows, sent) = run(&state, lang, &session, |desk| {
        Ok((desk.inbox()?, desk.sent()?))
    })
    .await?;
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
    let mut ctx = desk_context(&state, &req, lang, &session);
    ctx.insert("rows", &shown);
    ctx.insert("sent", &sent);
    ctx.insert("total", &rows.len());
    ctx.insert("overdue", &rows.iter().filter(|r| r.overdue).count());
    ctx.insert("page", &page);
    ctx.insert("pages", &pages);
    Ok(state
        .templates
        .page(StatusCode::OK, "desk_inbox.html", &ctx))
}
