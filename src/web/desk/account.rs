//! The officer's own account at `/desk/account`: a new password (the current one asked for,
//! unless the officer logged in with a temporary one), a new authenticator (enrolled with a QR
//! code drawn here as inline SVG, confirmed with a code from it), and their own API tokens.
//!
//! An officer who must still set a password or authenticator reaches this page and nothing
//! else (see [`super::extractors::AccountSession`]). A secret shown here — a new token, an
//! enrolment — is shown in the answer to the POST that made it, never put in an address.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::extractors::{AccountForm, AccountSession, DeskForm, DeskSession};
use super::page::{account_action, desk_context, run_accounts};
use crate::desk::officers::Enrolment;
use crate::kdf::KdfError;
use crate::web::format;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

/// The confirmations `?done=` may ask the page to show.
const DONE: &[&str] = &["password", "totp", "token_revoked"];

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// What the page shows besides the forms: a confirmation, a token made just now, an enrolment.
#[derive(Default)]
struct Shown {
    done: Option<&'static str>,
    new_token: Option<(String, SecretString)>,
    enrolment: Option<Enrolment>,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    AccountSession(session): AccountSession,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let done = query
        .done
        .as_deref()
        .and_then(|d| DONE.iter().copied().find(|known| *known == d));
    // An officer whose authenticator was reset enrols one before anything else: the page
    // offers a fresh secret at once.
    let enrolment = if session.pending().totp {
        Some(new_enrolment(&state, lang, &session)?)
    } else {
        None
    };
    let shown = Shown {
        done,
        enrolment,
        ..Shown::default()
    };
    render(&state, &req, lang, &session, shown).await
}

pub async fn password(
    state: web::Data<AppState>,
    lang: PageLang,
    form: AccountForm,
) -> Result<HttpResponse, PageError> {
    let session = &form.session;
    if !session.pending().password {
        let current = Zeroizing::new(form.text("current").to_owned());
        let name = session.officer().name.clone();
        match state
            .officers
            .check_password(&state.argon, &name, current)
            .await
        {
            Ok(true) => {}
            Ok(false) => return Err(state.fail(lang, Failure::Invalid("account_err_current"))),
            Err(KdfError::Busy) => return Err(state.fail(lang, Failure::Busy)),
            Err(KdfError::Failed) => {
                return Err(state.fail(lang, Failure::Internal("password check failed".into())));
            }
        }
    }
    let new = SecretString::from(form.text("new").to_owned());
    let repeated = Zeroizing::new(form.text("repeat").to_owned());
    let then = done(lang, "password");
    account_action(&state, lang, session, then, move |a| {
        a.set_own_password(&new, &repeated)
    })
    .await
}

/// Starts enrolling a new authenticator: the page with a fresh secret and its QR code. Nothing
/// changes until a code from it is confirmed.
pub async fn totp(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    form: AccountForm,
) -> Result<HttpResponse, PageError> {
    let enrolment = new_enrolment(&state, lang, &form.session)?;
    let shown = Shown {
        enrolment: Some(enrolment),
        ..Shown::default()
    };
    render(&state, &req, lang, &form.session, shown).await
}

pub async fn totp_confirm(
    state: web::Data<AppState>,
    lang: PageLang,
    form: AccountForm,
) -> Result<HttpResponse, PageError> {
    let secret = Zeroizing::new(form.text("secret").to_owned());
    let code = Zeroizing::new(form.text("code").to_owned());
    let then = done(lang, "totp");
    account_action(&state, lang, &form.session, then, move |a| {
        a.enrol_own(&secret, &code)
    })
    .await
}

/// A new API token of the officer's own, for the configured days, shown once.
pub async fn create_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let days = state.settings.officers.token_days;
    let token = run_accounts(&state, lang, &form.session, move |accounts| {
        accounts.create_own_token(days)
    })
    .await?;
    let shown = Shown {
        new_token: Some(token),
        ..Shown::default()
    };
    render(&state, &req, lang, &form.session, shown).await
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
        move |a| a.revoke_own_token(&id),
    )
    .await
}

/// The account page with a confirmation.
fn done(lang: PageLang, what: &str) -> String {
    format!("{}/desk/account?done={what}", lang.prefix())
}

fn new_enrolment(
    state: &AppState,
    lang: PageLang,
    session: &DeskSession,
) -> Result<Enrolment, PageError> {
    let officer = session.officer();
    state
        .officers
        .new_enrolment(&officer.name, &officer.desk)
        .map_err(|e| state.fail(lang, Failure::Internal(e.to_string())))
}

async fn render(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    lang: PageLang,
    session: &DeskSession,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    let tokens = run_accounts(state, lang, session, |accounts| accounts.own_tokens()).await?;
    let today = state.clock.now_unix();
    let tokens: Vec<serde_json::Value> = tokens
        .iter()
        .map(|t| {
            serde_json::json!({
                "id": t.id,
                "created": format::date(lang.lang, crate::domain::Day::of_unix(t.created)),
                "expires": format::date(lang.lang, crate::domain::Day::of_unix(t.expires)),
                "state": if t.revoked { "revoked" } else if t.expires <= today { "expired" } else { "active" },
            })
        })
        .collect();
    let mut ctx = desk_context(state, req, lang, session);
    ctx.insert("pending", &session.pending());
    ctx.insert("tokens", &tokens);
    ctx.insert("token_days", &state.settings.officers.token_days);
    if let Some(done) = shown.done {
        ctx.insert(
            "done",
            &i18n::text(lang.lang, &format!("account_done_{done}")),
        );
    }
    if let Some((id, token)) = &shown.new_token {
        ctx.insert("new_token_id", id);
        ctx.insert("new_token", token.expose_secret());
    }
    if let Some(enrolment) = &shown.enrolment {
        ctx.insert("enrol_secret", enrolment.secret_base32.expose_secret());
        if let Some((side, path)) = qr_path(enrolment.uri.expose_secret()) {
            ctx.insert("enrol_qr_side", &side);
            ctx.insert("enrol_qr_path", &path);
        }
    }
    Ok(state
        .templates
        .page(StatusCode::OK, "desk_account.html", &ctx))
}

/// The otpauth:// URI as a QR code: the side in modules (with the quiet zone) and an SVG path
/// of its dark modules, which the template draws with escaping on (the path is only numbers and
/// path letters). None when it does not fit (an enrolment URI always does; the secret is also
/// shown as text).
fn qr_path(uri: &str) -> Option<(usize, String)> {
    const QUIET: usize = 4;
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let width = code.width();
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (i % width + QUIET, i / width + QUIET);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((width + 2 * QUIET, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_a_path_of_numbers_and_path_letters_only() {
        let (side, path) = qr_path("otpauth://totp/meldpunt:a?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert!(side > 21);
        assert!(path.starts_with('M'));
        assert!(
            path.chars()
                .all(|c| c.is_ascii_digit() || "Mhvz -".contains(c))
        );
    }
}
