//! The reporter's thread page and its forms: status, replies, their own earlier messages as day and
//! size only, a follow-up, deleting read replies, log-out. Every handler here needs a live session
//! ([`SignedIn`]); the work is done by the reporter's use cases ([`crate::reporter::lookup`] and
//! [`crate::reporter::submission`]).

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::reception::{fail, reception};
use super::session;
use super::signed_in::SignedIn;
use super::upload::{self, Target};
use super::view::{desk_name, insert_limits, status_key};
use crate::domain::ItemId;
use crate::reporter::Thread;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

#[derive(Serialize)]
struct ReplyView<'a> {
    id: String,
    day: String,
    /// `None`: the reply did not open with the reporter's key (the desk has been told).
    /// Borrowed, so the only long-lived copy stays in the reply's wiped buffer.
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct MessageView {
    day: String,
    size: String,
}

fn back_to_thread(lang: PageLang) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{}/thread", lang.prefix())))
        .finish()
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    signed_in: SignedIn,
) -> Result<HttpResponse, PageError> {
    let thread = reception(&state)
        .thread(signed_in.reporter())
        .await
        .map_err(|e| fail(&state, lang, e))?;
    let mut ctx = state.templates.context(&req, lang);
    fill(&mut ctx, lang, thread);
    ctx.insert("csrf", signed_in.csrf());
    insert_limits(&mut ctx, &state.settings.limits);
    Ok(state.templates.page(StatusCode::OK, "thread.html", &ctx))
}

/// What the thread template shows of a thread.
fn fill(ctx: &mut tera::Context, lang: PageLang, thread: Thread) {
    let Thread {
        report,
        deadlines,
        replies,
        messages,
    } = thread;
    let record = &report.record;
    let status = i18n::text(lang.lang, status_key(record));
    let replies: Vec<ReplyView> = replies
        .iter()
        .map(|r| ReplyView {
            id: r.id.to_string(),
            day: r.day.iso(),
            text: r.text.as_deref().map(String::as_str),
        })
        .collect();
    let messages: Vec<MessageView> = messages
        .iter()
        .map(|m| MessageView {
            day: m.day.iso(),
            size: human_size(m.size),
        })
        .collect();
    ctx.insert("status", &status);
    ctx.insert("desk_name", desk_name(&report.desk, lang.lang));
    ctx.insert("received", &record.received.iso());
    ctx.insert("acknowledge_by", &deadlines.acknowledge_by.iso());
    ctx.insert("feedback_by", &deadlines.feedback_by.iso());
    ctx.insert("forwarded", &record.forwarded_from.is_some());
    ctx.insert("replies", &replies);
    ctx.insert("messages", &messages);
    let removed: Vec<String> = record.removed.iter().map(|r| r.day.iso()).collect();
    ctx.insert("removed", &removed);
}

pub async fn post_message(
    state: web::Data<AppState>,
    lang: PageLang,
    signed_in: SignedIn,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let reception = reception(&state);
    let report = reception
        .report(signed_in.reporter())
        .map_err(|e| fail(&state, lang, e))?;
    let to = Target::Fixed(report.recipients());
    let upload = upload::receive(payload, reception.intake(), to)
        .await
        .map_err(|e| e.page(&state, lang))?;
    if !signed_in.csrf_matches(upload.csrf.as_deref()) {
        return Err(state.fail(lang, Failure::Invalid("err_csrf")));
    }
    reception
        .add_followup(&report, upload.parts)
        .await
        .map_err(|e| fail(&state, lang, e))?;
    Ok(back_to_thread(lang))
}

pub async fn delete_replies(
    state: web::Data<AppState>,
    lang: PageLang,
    signed_in: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let fields = signed_in.form(&state, lang, &body)?;
    // Only replies that were on the page the reporter read, and only replies of this report.
    let shown: Vec<ItemId> = fields
        .all("reply")
        .filter_map(|id| id.parse().ok())
        .collect();
    reception(&state)
        .delete_replies(signed_in.reporter(), &shown)
        .await
        .map_err(|e| fail(&state, lang, e))?;
    Ok(back_to_thread(lang))
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    signed_in: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    signed_in.form(&state, lang, &body)?;
    state.sessions.remove(signed_in.cookie());
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert("title", &i18n::text(lang.lang, "logged_out_title"));
    ctx.insert("text", &i18n::text(lang.lang, "logged_out"));
    ctx.insert("is_error", &false);
    let mut response = state.templates.page(StatusCode::OK, "message.html", &ctx);
    let _ = response.add_cookie(&session::removal());
    Ok(response)
}
