//! One report in the web area: its items (kind, size, day — never content), deadlines and
//! history, and the forms to act on it. The page is here; what the forms post to is in
//! `actions`, and the bundle download in `download`.

pub mod actions;
pub mod canned;
pub mod deletion;
pub mod download;
pub mod handling;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::store::Status;
use crate::web::desk::extractors::DeskSession;
use crate::web::desk::page::{desk_context, with_report};
use crate::web::format;
use crate::web::state::AppState;
use crate::web::{PageError, PageLang, i18n};
use canned::{Done, TEMPLATES};

#[derive(Serialize)]
struct ItemView {
    id: String,
    kind: String,
    /// The kind's key (`manifest`, `message`, …), for what the page offers to delete.
    kind_key: String,
    /// A reply the reporter's key did not open.
    unreadable: bool,
    size: String,
    day: String,
    batch: u32,
    new: bool,
}

/// The page's own query: a confirmation and a reply template, both optional and both checked
/// against fixed lists (anything else is ignored, not an error).
#[derive(serde::Deserialize, Default)]
struct PageQuery {
    done: Option<String>,
    template: Option<String>,
}

#[derive(Serialize)]
struct Choice {
    key: &'static str,
    label: String,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    session: DeskSession,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (record, row) = with_report(&state, lang, &session, path.into_inner(), |desk, record| {
        let row = desk.row(&record)?;
        Ok((record, row))
    })
    .await?;
    let t = |key: &str| i18n::text(lang.lang, key);
    let new: Vec<_> = record
        .new_for(&session.officer().name)
        .iter()
        .map(|i| i.id.clone())
        .collect();
    let items: Vec<ItemView> = record
        .items
        .iter()
        .map(|i| {
            let kind_key = serde_json::to_value(i.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            ItemView {
                id: i.id.to_string(),
                kind: t(&format!("desk_kind_{kind_key}")),
                kind_key,
                unreadable: record.unreadable.contains(&i.id),
                size: format::number(lang.lang, i.size),
                day: format::date(lang.lang, i.day),
                batch: i.batch,
                new: new.contains(&i.id),
            }
        })
        .collect();
    let history: Vec<_> = record
        .history
        .iter()
        .map(|e| {
            serde_json::json!({
                "day": format::date(lang.lang, e.day),
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
    let mut ctx = desk_context(&state, &req, lang, &session);
    ctx.insert("report", &crate::web::desk::page::row_view(lang, &row));
    ctx.insert(
        "officers",
        &crate::web::desk::inbox::desk_officers(&state, &session),
    );
    ctx.insert(
        "status_label",
        &t(&format!("desk_status_{}", record.status.key())),
    );
    ctx.insert("closed", &(record.status == Status::Closed));
    ctx.insert("items", &items);
    ctx.insert("new_count", &new.len());
    ctx.insert("history", &history);
    ctx.insert("choices", &choices);
    let query = web::Query::<PageQuery>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    if let Some(done) = query.done.as_deref().and_then(Done::parse) {
        ctx.insert("done", &done.text(lang));
    }
    let templates: Vec<Choice> = TEMPLATES
        .into_iter()
        .map(|key| Choice {
            key,
            label: t(&format!("desk_canned_{key}")),
        })
        .collect();
    ctx.insert("templates", &templates);
    let reply_text = state
        .desk(&record.desk)
        .zip(query.template)
        .and_then(|(desk, key)| canned::template(desk, lang, &key));
    ctx.insert("reply_text", &reply_text.unwrap_or_default());
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
