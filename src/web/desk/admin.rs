//! The admin's pages under `/desk/admin`: the officers of every desk (add, remove, reset a
//! password or authenticator, revoke a token), who is logged in (end a session), and the audit
//! log with filters by report and officer. To an officer who is not an admin every one of them
//! answers 404, as if it did not exist; the use cases ([`crate::desk::accounts`]) check that.
//!
//! A temporary password is shown once, in the answer to the POST that made it; every other
//! action ends in a 303 back to the page with a confirmation.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::extractors::{DeskForm, DeskSession};
use super::page::{account_action, desk_context, run_accounts};
use crate::desk::accounts::{AUDIT_PAGE, AuditFilter};
use crate::web::format;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

/// The confirmations `?done=` may ask the page to show.
const DONE: &[&str] = &["removed", "totp_reset", "token_revoked", "session_ended"];

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    session: DeskSession,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let done = query
        .done
        .as_deref()
        .and_then(|d| DONE.iter().copied().find(|known| *known == d));
    render(&state, &req, lang, &session, done, None).await
}

pub async fn add(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let name = form.text("name").trim().to_owned();
    let desk = form.text("desk").to_owned();
    let admin = form.text("admin") == "yes";
    let shown = name.clone();
    let temporary = run_accounts(&state, lang, &form.session, move |accounts| {
        accounts.add_officer(&name, &desk, admin)
    })
    .await?;
    let shown = Some((shown, temporary, "admin_added"));
    render(&state, &req, lang, &form.session, None, shown).await
}

pub async fn remove(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let name = path.into_inner();
    account_action(
        &state,
        lang,
        &form.session,
        done(lang, "removed"),
        move |a| a.remove_officer(&name),
    )
    .await
}

pub async fn reset_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let name = path.into_inner();
    let of = name.clone();
    let temporary = run_accounts(&state, lang, &form.session, move |accounts| {
        accounts.reset_password(&of)
    })
    .await?;
    // Whoever knew the old password is logged out with it.
    state
        .officer_sessions
        .remove_where(|actor| actor.name == name);
    let shown = Some((name, temporary, "admin_reset_shown"));
    render(&state, &req, lang, &form.session, None, shown).await
}

pub async fn reset_totp(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let name = path.into_inner();
    let of = name.clone();
    let then = done(lang, "totp_reset");
    let answer = account_action(&state, lang, &form.session, then, move |a| {
        a.reset_totp(&of)
    })
    .await?;
    state
        .officer_sessions
        .remove_where(|actor| actor.name == name);
    Ok(answer)
}

pub async fn revoke_token(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    account_action(
        &state,
        lang,
        &form.session,
        done(lang, "token_revoked"),
        move |a| a.revoke_token(&id),
    )
    .await
}

pub async fn end_session(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    run_accounts(&state, lang, &form.session, |accounts| {
        accounts.may_end_sessions()
    })
    .await?;
    let Some(ended) = state.officer_sessions.end_by_id(&id) else {
        return Err(state.fail(lang, Failure::NotFound));
    };
    account_action(
        &state,
        lang,
        &form.session,
        done(lang, "session_ended"),
        move |a| a.session_ended(&ended.name),
    )
    .await
}

#[derive(Deserialize)]
pub struct AuditQuery {
    report: Option<String>,
    officer: Option<String>,
}

pub async fn audit(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    session: DeskSession,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    let typed = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| v.chars().take(64).collect::<String>())
    };
    let filter = AuditFilter {
        report: typed(&query.report),
        officer: typed(&query.officer),
    };
    let wanted = filter.clone();
    let entries = run_accounts(&state, lang, &session, move |accounts| {
        accounts.audit_entries(&wanted)
    })
    .await?;
    let rows: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let exported = e.exported();
            serde_json::json!({
                "seq": exported.seq,
                "time": exported.time.replace('T', " ").trim_end_matches('Z'),
                "officer": exported.officer,
                "action": i18n::text(lang.lang, &format!("audit_action_{}", exported.action)),
                "report": exported.report,
                "reason": exported.reason,
            })
        })
        .collect();
    let mut ctx = desk_context(&state, &req, lang, &session);
    ctx.insert("entries", &rows);
    ctx.insert("filter_report", &filter.report.unwrap_or_default());
    ctx.insert("filter_officer", &filter.officer.unwrap_or_default());
    ctx.insert("at_most", &AUDIT_PAGE);
    ctx.insert("cut", &(rows.len() == AUDIT_PAGE));
    Ok(state
        .templates
        .page(StatusCode::OK, "desk_audit.html", &ctx))
}

/// The admin page with a confirmation.
fn done(lang: PageLang, what: &str) -> String {
    format!("{}/desk/admin?done={what}", lang.prefix())
}

/// The admin page; `shown`: an officer's name with the temporary password made for them just
/// now and the key of the sentence that introduces it.
async fn render(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    lang: PageLang,
    session: &DeskSession,
    done: Option<&str>,
    shown: Option<(String, SecretString, &'static str)>,
) -> Result<HttpResponse, PageError> {
    let officers = run_accounts(state, lang, session, |accounts| accounts.all_officers()).await?;
    let now = state.clock.now_unix();
    let officers: Vec<serde_json::Value> = officers
        .iter()
        .map(|o| {
            let tokens: Vec<serde_json::Value> = o
                .tokens
                .iter()
                .filter(|t| !t.revoked && t.expires > now)
                .map(|t| {
                    serde_json::json!({
                        "id": t.id,
                        "expires": format::date(lang.lang, crate::domain::Day::of_unix(t.expires)),
                    })
                })
                .collect();
            serde_json::json!({
                "name": o.name,
                "desk": o.desk.as_str(),
                "admin": o.admin,
                "pending": o.pending,
                "tokens": tokens,
                "me": o.name == session.officer().name,
            })
        })
        .collect();
    let minutes = |d: std::time::Duration| format::count(lang.lang, d.as_secs() / 60, "minutes");
    let sessions: Vec<serde_json::Value> = state
        .officer_sessions
        .list()
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id,
                "officer": s.data.name,
                "desk": s.data.desk.as_str(),
                "minutes": minutes(s.age),
                "idle": minutes(s.idle),
            })
        })
        .collect();
    let desks: Vec<&str> = state.desks.iter().map(|d| d.id.as_str()).collect();
    let mut ctx = desk_context(state, req, lang, session);
    ctx.insert("officers", &officers);
    ctx.insert("sessions", &sessions);
    ctx.insert("desks", &desks);
    if let Some(done) = done {
        ctx.insert(
            "done",
            &i18n::text(lang.lang, &format!("admin_done_{done}")),
        );
    }
    if let Some((name, temporary, intro)) = &shown {
        ctx.insert("shown_name", name);
        ctx.insert("shown_intro", &i18n::text(lang.lang, intro));
        ctx.insert("shown_password", temporary.expose_secret());
    }
    Ok(state
        .templates
        .page(StatusCode::OK, "desk_admin.html", &ctx))
}
