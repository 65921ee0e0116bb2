//! The reporter's thread page and its forms: status, replies, their own earlier messages as day and
//! size only, a follow-up, deleting read replies, log-out. Every handler here needs a live session
//! ([`SignedIn`]); the work is done by the reporter's use cases ([`crate::reporter::lookup`] and
//! [`crate::reporter::submission`]).

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::problem::Problem;
use super::reception::{fail, reception};
use super::session;
use super::signed_in::SignedIn;
use super::upload::{self, Rejected, Target, UploadError};
use super::view::{desk_name, insert_limits, status_key};
use crate::domain::ItemId;
use crate::reporter::Thread;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, format, i18n};

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

/// Back to the thread; `sent` asks it to confirm a follow-up. The address carries only that
/// flag, nothing that tells one reporter or report from another.
fn back_to_thread(lang: PageLang, sent: bool) -> HttpResponse {
    let flag = if sent { "?sent=1" } else { "" };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{}/thread{flag}", lang.prefix())))
        .finish()
}

#[derive(Deserialize)]
pub struct ThreadQuery {
    sent: Option<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    signed_in: SignedIn,
    query: web::Query<ThreadQuery>,
) -> Result<HttpResponse, PageError> {
    let shown = Shown::Sent(query.sent.is_some());
    show(&state, &req, lang, &signed_in, shown).await
}

/// What the thread page shows besides the thread: a follow-up just sent, or a follow-up refused
/// (its problem and the text as typed).
enum Shown<'a> {
    Sent(bool),
    Again(Problem, &'a str),
}

async fn show(
    state: &AppState,
    req: &HttpRequest,
    lang: PageLang,
    signed_in: &SignedIn,
    shown: Shown<'_>,
) -> Result<HttpResponse, PageError> {
    let thread = reception(state)
        .thread(signed_in.reporter())
        .await
        .map_err(|e| fail(state, lang, e))?;
    let mut ctx = state.templates.context(req, lang);
    fill(&mut ctx, lang, thread);
    ctx.insert("csrf", signed_in.csrf());
    insert_limits(&mut ctx, lang, &state.settings.limits);
    let status = match shown {
        Shown::Sent(sent) => {
            ctx.insert("sent", &sent);
            StatusCode::OK
        }
        Shown::Again(problem, message) => {
            problem.insert(&mut ctx);
            ctx.insert("message_text", message);
            ctx.insert("sent", &false);
            problem.status
        }
    };
    Ok(state.templates.page(status, "thread.html", &ctx))
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
            day: format::date(lang.lang, r.day),
            text: r.text.as_deref().map(String::as_str),
        })
        .collect();
    let messages: Vec<MessageView> = messages
        .iter()
        .map(|m| MessageView {
            day: format::date(lang.lang, m.day),
            size: format::size(lang.lang, m.size),
        })
        .collect();
    ctx.insert("status", &status);
    ctx.insert("desk_name", desk_name(&report.desk, lang.lang));
    let date = |day| format::date(lang.lang, day);
    ctx.insert("received", &date(record.received));
    ctx.insert("acknowledge_by", &date(deadlines.acknowledge_by));
    ctx.insert("feedback_by", &date(deadlines.feedback_by));
    ctx.insert("forwarded", &record.forwarded_from.is_some());
    ctx.insert("replies", &replies);
    ctx.insert("messages", &messages);
    let removed: Vec<String> = record.removed.iter().map(|r| date(r.day)).collect();
    ctx.insert("removed", &removed);
}

pub async fn post_message(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    signed_in: SignedIn,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let reception = reception(&state);
    let report = reception
        .report(signed_in.reporter())
        .map_err(|e| fail(&state, lang, e))?;
    let to = Target::Fixed(report.recipients());
    let upload = match upload::receive(payload, reception.intake(), to).await {
        Ok(upload) => upload,
        Err(rejected) => return refused(&state, &req, lang, &signed_in, rejected).await,
    };
    if !signed_in.csrf_matches(upload.csrf.as_deref()) {
        return Err(state.fail(lang, Failure::Invalid("err_csrf")));
    }
    reception
        .add_followup(&report, upload.parts)
        .await
        .map_err(|e| fail(&state, lang, e))?;
    Ok(back_to_thread(lang, true))
}

/// A refused follow-up: the thread again with its problem and the text as typed, for a form of
/// this session; an error page for anything else.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    lang: PageLang,
    signed_in: &SignedIn,
    rejected: Rejected,
) -> Result<HttpResponse, PageError> {
    let Rejected { error, typed } = rejected;
    let problem = match &error {
        UploadError::Refused(e) if signed_in.csrf_matches(typed.csrf.as_deref()) => {
            Problem::of(lang, e)
        }
        _ => None,
    };
    let Some(problem) = problem else {
        return Err(error.page(state, lang));
    };
    let message = typed.message();
    show(state, req, lang, signed_in, Shown::Again(problem, &message)).await
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
    Ok(back_to_thread(lang, false))
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
