//! Officer login (name, password, TOTP code) and logout.
//!
//! An unknown name, a wrong password and a wrong or replayed code get the same page, byte for
//! byte, after the same work (a password hash is verified for unknown names too) and at least the
//! same floor time. After five failures on a name, or a flood over many, only an attempt with the
//! right code is checked further, and the page says so; when every Argon2 worker is taken, the
//! page says it is busy.

use std::time::{Duration, Instant};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::extractors::{DeskForm, DeskSession};
use super::page::see_other;
use super::session;
use crate::audit::Action;
use crate::desk::officers::LoginOutcome;
use crate::desk::work::Actor;
use crate::web::form::Fields;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// Minimum time a login attempt takes, whatever its outcome.
const LOGIN_FLOOR: Duration = Duration::from_millis(400);
const NAME_MAX: usize = 64;

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    session: Option<DeskSession>,
) -> HttpResponse {
    if session.is_some() {
        return see_other(format!("{}/desk/", lang.prefix()));
    }
    let ctx = state.templates.context(&req, lang);
    state
        .templates
        .page(StatusCode::OK, "desk_login.html", &ctx)
}

pub async fn post(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let started = Instant::now();
    let fields = Fields::parse(&body).ok_or_else(|| state.fail(lang, Failure::Malformed))?;
    let field = |name: &str| Zeroizing::new(fields.get(name).unwrap_or_default().trim().to_owned());
    let (name, password, code) = (field("name"), field("password"), field("code"));
    drop(fields);
    let name: String = name.chars().take(NAME_MAX).collect();
    let now = state.clock.now_unix();
    let outcome = state
        .officers
        .login(&state.argon, &name, password, &code, now)
        .await
        .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))?;
    if let Some(rest) = LOGIN_FLOOR.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    // Failures are audited on real names only (a stranger's typing is not an officer's act),
    // and the throttle keeps those to a few per guard.
    let audit = |action: Action, officer: &str, detail: Option<&str>| {
        let logged = state
            .audit
            .append(now, officer, action, None, detail)
            .map_err(|e| e.to_string());
        logged.map_err(|e| state.fail(lang, Failure::Internal(e)))
    };
    let mut ctx = state.templates.context(&req, lang);
    let (status, flag) = match outcome {
        LoginOutcome::Success(officer) => {
            audit(Action::Login, &officer.name, None)?;
            let value = state.officer_sessions.create(Actor {
                name: officer.name.clone(),
                desk: officer.desk.clone(),
            });
            return Ok(HttpResponse::SeeOther()
                .cookie(session::cookie(
                    value.expose_secret().to_owned(),
                    state.settings.https,
                ))
                .insert_header((header::LOCATION, format!("{}/desk/", lang.prefix())))
                .finish());
        }
        LoginOutcome::Failed {
            officer,
            guard_began,
        } => {
            if let Some(officer) = officer {
                let detail = guard_began.then_some("guarded: only the right code is checked now");
                audit(Action::LoginFailed, &officer, detail)?;
            }
            (StatusCode::UNAUTHORIZED, "failed")
        }
        LoginOutcome::Guarded { officer } => {
            if let Some(officer) = officer {
                let detail = "guarded: the code was right, the password wrong";
                audit(Action::LoginFailed, &officer, Some(detail))?;
            }
            (StatusCode::TOO_MANY_REQUESTS, "guarded")
        }
        LoginOutcome::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
    };
    ctx.insert(flag, &true);
    Ok(state.templates.page(status, "desk_login.html", &ctx))
}

pub async fn logout(state: web::Data<AppState>, lang: PageLang, form: DeskForm) -> HttpResponse {
    let name = form.session.officer().name.clone();
    form.session.end(&state);
    // The session is over whatever happens next; a log-out that cannot be recorded is said so
    // in the service's log (the audit log's own failure, never the officer's data).
    if let Err(e) = state
        .audit
        .append(state.clock.now_unix(), &name, Action::Logout, None, None)
    {
        tracing::warn!(error = %e, "the log-out could not be written to the audit log");
    }
    let mut response = see_other(format!("{}/desk/login", lang.prefix()));
    let mut gone = session::cookie(String::new(), state.settings.https);
    gone.make_removal();
    let _ = response.add_cookie(&gone);
    response
}
