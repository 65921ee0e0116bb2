//! The reporter's thread: status, replies (decrypted with the identity held in the session), their
//! own earlier messages as day and size only, a follow-up form, deleting read replies, log-out.

use std::collections::BTreeMap;
use std::io::Read;

use actix_multipart::Multipart;
use actix_web::cookie::Cookie;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;
use serde::Serialize;

use super::session::{COOKIE, ReporterSession};
use super::submit::{desk_name, seal_submission, upload_failure};
use super::upload::{self, Target};
use crate::domain::ItemId;
use crate::receipt::identity_from_bytes;
use crate::seal::manifest::SubmissionKind;
use crate::seal::recipients_of;
use crate::store::{ItemKind, ReportRecord};
use crate::web::form::Fields;
use crate::web::session::Active;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

/// Replies larger than this are not shown in the browser (the desk keeps them short).
const REPLY_DISPLAY_MAX: u64 = 1024 * 1024;

#[derive(Serialize)]
struct ReplyView {
    id: String,
    day: String,
    text: String,
}

#[derive(Serialize)]
struct MessageView {
    day: String,
    size: String,
}

fn session(
    state: &AppState,
    req: &HttpRequest,
    lang: PageLang,
) -> Result<(String, Active<ReporterSession>), PageError> {
    let cookie = req
        .cookie(COOKIE)
        .map(|c| c.value().to_owned())
        .ok_or_else(|| state.fail(lang, Failure::SessionExpired))?;
    let active = state
        .sessions
        .get(&cookie)
        .ok_or_else(|| state.fail(lang, Failure::SessionExpired))?;
    Ok((cookie, active))
}

fn record(
    state: &AppState,
    active: &Active<ReporterSession>,
    lang: PageLang,
) -> Result<ReportRecord, PageError> {
    state
        .store
        .get(&active.data.report)
        .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?
        .ok_or_else(|| state.fail(lang, Failure::NotFound))
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
) -> Result<HttpResponse, PageError> {
    let (_, active) = session(&state, &req, lang)?;
    let record = record(&state, &active, lang)?;
    let desk = state
        .desk(&record.desk)
        .ok_or_else(|| state.fail(lang, Failure::NotFound))?;
    let replies = {
        let store = state.store.clone();
        let record = record.clone();
        let secret = active.data.clone().identity;
        web::block(move || {
            let identity = identity_from_bytes(secret.expose_secret()).ok()?;
            Some(
                record
                    .replies()
                    .map(|item| ReplyView {
                        id: item.id.to_string(),
                        day: item.day.iso(),
                        text: decrypt_reply(&store.item_path(&record.id, &item.id), &identity)
                            .unwrap_or_default(),
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .await
        .ok()
        .flatten()
        .ok_or_else(|| state.fail(lang, Failure::Internal("reply decryption failed".into())))?
    };
    let mut batches: BTreeMap<u32, (String, u64)> = BTreeMap::new();
    for item in record
        .items
        .iter()
        .filter(|i| i.kind != ItemKind::Reply && i.kind != ItemKind::Manifest)
    {
        let entry = batches.entry(item.batch).or_insert((item.day.iso(), 0));
        entry.1 += item.size;
    }
    let messages: Vec<MessageView> = batches
        .into_values()
        .map(|(day, size)| MessageView {
            day,
            size: human_size(size),
        })
        .collect();
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert(
        "status",
        &i18n::text(lang.lang, &format!("status_{}", record.status.key())),
    );
    ctx.insert("desk_name", desk_name(desk, lang.lang));
    ctx.insert("received", &record.received.iso());
    let terms = crate::desk::deadlines::deadlines(&record, desk, state.clock.today());
    ctx.insert("acknowledge_by", &terms.acknowledge_by.iso());
    ctx.insert("feedback_by", &terms.feedback_by.iso());
    ctx.insert("forwarded", &record.forwarded_from.is_some());
    ctx.insert("replies", &replies);
    ctx.insert("messages", &messages);
    ctx.insert("csrf", active.csrf());
    ctx.insert("max_chars", &state.settings.limits.message_chars);
    ctx.insert("max_files", &state.settings.limits.files);
    ctx.insert(
        "max_mib",
        &(state.settings.limits.submission_bytes / (1024 * 1024)),
    );
    Ok(state.templates.page(StatusCode::OK, "thread.html", &ctx))
}

/// Decrypts one reply with the reporter's identity; `None` if it does not open.
fn decrypt_reply(path: &std::path::Path, identity: &age::x25519::Identity) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let decryptor = age::Decryptor::new(std::io::BufReader::new(file)).ok()?;
    let reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .ok()?;
    let mut text = zeroize::Zeroizing::new(Vec::new());
    reader.take(REPLY_DISPLAY_MAX).read_to_end(&mut text).ok()?;
    Some(String::from_utf8_lossy(&text).into_owned())
}

pub async fn post_message(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let (_, active) = session(&state, &req, lang)?;
    let record = record(&state, &active, lang)?;
    let desk = state
        .desk(&record.desk)
        .ok_or_else(|| state.fail(lang, Failure::NotFound))?
        .clone();
    let upload = upload::receive(
        payload,
        &state.settings.limits,
        &state.store.tmp_dir(),
        Target::Fixed(recipients_of(&desk.recipients)),
    )
    .await
    .map_err(|e| upload_failure(&state, lang, e))?;
    if !upload
        .csrf
        .as_deref()
        .is_some_and(|t| active.csrf_matches(t))
    {
        return Err(state.fail(lang, Failure::Invalid("err_csrf")));
    }
    let today = state.clock.today();
    let batch = record.next_batch();
    let (items, files) = seal_submission(
        &state,
        lang,
        upload,
        SubmissionKind::Followup,
        &desk,
        None,
        batch,
        today,
    )
    .await?;
    let store = state.store.clone();
    let report = record.id.clone();
    web::block(move || store.add_items(&report, items, files, today))
        .await
        .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?
        .map_err(|e| {
            state.fail(
                lang,
                if e.is_disk_full() {
                    Failure::DiskFull
                } else {
                    Failure::Internal(e.to_string())
                },
            )
        })?;
    Ok(back_to_thread(lang))
}

pub async fn delete_replies(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (_, active) = session(&state, &req, lang)?;
    let fields = Fields::parse(&body).ok_or_else(|| state.fail(lang, Failure::Malformed))?;
    if !fields.get("csrf").is_some_and(|t| active.csrf_matches(t)) {
        return Err(state.fail(lang, Failure::Invalid("err_csrf")));
    }
    let record = record(&state, &active, lang)?;
    // Only replies that were on the page the reporter read, and only replies of this report.
    let shown: Vec<ItemId> = fields
        .all("reply")
        .filter_map(|id| id.parse().ok())
        .collect();
    let doomed: Vec<ItemId> = record
        .replies()
        .map(|i| i.id.clone())
        .filter(|id| shown.contains(id))
        .collect();
    if !doomed.is_empty() {
        let store = state.store.clone();
        web::block(move || store.remove_items(&record.id, &doomed))
            .await
            .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?
            .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?;
    }
    Ok(back_to_thread(lang))
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (cookie, active) = session(&state, &req, lang)?;
    let fields = Fields::parse(&body).ok_or_else(|| state.fail(lang, Failure::Malformed))?;
    if !fields.get("csrf").is_some_and(|t| active.csrf_matches(t)) {
        return Err(state.fail(lang, Failure::Invalid("err_csrf")));
    }
    state.sessions.remove(&cookie);
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert("title", &i18n::text(lang.lang, "logged_out_title"));
    ctx.insert("text", &i18n::text(lang.lang, "logged_out"));
    ctx.insert("is_error", &false);
    let mut response = state.templates.page(StatusCode::OK, "message.html", &ctx);
    let mut gone = Cookie::build(COOKIE, "").path("/").http_only(true).finish();
    gone.make_removal();
    let _ = response.add_cookie(&gone);
    Ok(response)
}
