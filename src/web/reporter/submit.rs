//! `GET /submit` shows the form; `POST /submit` receives a tip, stores it durably and only then
//! shows the receipt.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::upload::{self, Target, Upload, UploadError};
use crate::domain::{DeskId, Lang, ReportId};
use crate::kdf::KdfError;
use crate::seal::manifest::{FORMAT, Manifest, SubmissionKind};
use crate::seal::{self, Sealed};
use crate::store::{ItemKind, ItemRecord, ReportRecord, Status};
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

#[derive(Deserialize)]
pub struct DeskQuery {
    desk: Option<String>,
}

#[derive(Serialize)]
struct DeskChoice<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    selected: bool,
}

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    query: web::Query<DeskQuery>,
) -> HttpResponse {
    let chosen = query.desk.as_deref();
    let desks: Vec<DeskChoice> = state
        .settings
        .desks
        .iter()
        .map(|d| DeskChoice {
            id: d.id.as_str(),
            name: desk_name(d, lang.lang),
            description: match lang.lang {
                Lang::Nl => &d.description_nl,
                Lang::En => &d.description_en,
            },
            selected: chosen == Some(d.id.as_str()),
        })
        .collect();
    let limits = &state.settings.limits;
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert("desks", &desks);
    ctx.insert("max_chars", &limits.message_chars);
    ctx.insert("max_files", &limits.files);
    ctx.insert("max_mib", &(limits.submission_bytes / (1024 * 1024)));
    state.templates.page(StatusCode::OK, "submit.html", &ctx)
}

pub fn desk_name(desk: &crate::config::DeskSettings, lang: Lang) -> &str {
    match lang {
        Lang::Nl => &desk.name_nl,
        Lang::En => &desk.name_en,
    }
}

/// Turns an upload problem into what the reporter is told.
pub fn upload_failure(state: &AppState, lang: PageLang, error: UploadError) -> PageError {
    let limits = &state.settings.limits;
    let t = |k: &str| i18n::text(lang.lang, k);
    let failure = match error {
        UploadError::Malformed => Failure::Malformed,
        UploadError::NoDesk | UploadError::UnknownDesk => Failure::Invalid("err_no_desk"),
        UploadError::Empty => Failure::Invalid("err_empty"),
        UploadError::MessageTooLong => {
            Failure::TooLarge(format!("{} {}", limits.message_chars, t("unit_chars")))
        }
        UploadError::TooManyFiles => {
            Failure::TooLarge(format!("{} {}", limits.files, t("unit_files")))
        }
        UploadError::TooLarge => {
            Failure::TooLarge(format!("{} MiB", limits.submission_bytes / (1024 * 1024)))
        }
        UploadError::Seal(e) if e.is_disk_full() => Failure::DiskFull,
        UploadError::Seal(e) => Failure::Internal(e.to_string()),
    };
    state.fail(lang, failure)
}

pub fn kdf_failure(state: &AppState, lang: PageLang, error: KdfError) -> PageError {
    match error {
        KdfError::Busy => state.fail(lang, Failure::Busy),
        KdfError::Failed => state.fail(lang, Failure::Internal("key derivation failed".into())),
    }
}

pub async fn post(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let params = state.settings.argon2;
    let keys = state
        .kdf
        .start_fresh(params)
        .map_err(|e| kdf_failure(&state, lang, e))?;
    let resolve = |desk: &str| {
        desk.parse::<DeskId>()
            .ok()
            .and_then(|id| state.desk(&id))
            .map(|d| seal::recipients_of(&d.recipients))
    };
    let upload = upload::receive(
        payload,
        &state.settings.limits,
        &state.store.tmp_dir(),
        Target::ChooseDesk(&resolve),
    )
    .await
    .map_err(|e| upload_failure(&state, lang, e))?;
    let desk = upload
        .desk
        .as_deref()
        .and_then(|d| d.parse::<DeskId>().ok())
        .and_then(|id| state.desk(&id))
        .ok_or_else(|| state.fail(lang, Failure::Invalid("err_no_desk")))?
        .clone();
    let (code, keys) = keys.await.map_err(|e| kdf_failure(&state, lang, e))?;
    let internal = |e: &dyn std::fmt::Display| state.fail(lang, Failure::Internal(e.to_string()));
    let reporter_recipient = keys.recipient().map_err(|e| internal(&e))?.to_string();
    let today = state.clock.today();
    let (items, files) = seal_submission(
        &state,
        lang,
        upload,
        SubmissionKind::Tip,
        &desk,
        Some(reporter_recipient.clone()),
        0,
        today,
    )
    .await?;
    let record = ReportRecord {
        id: ReportId::random(),
        desk: desk.id.clone(),
        received: today,
        status: Status::Received,
        reporter_recipient,
        kdf: params,
        items,
        history: Vec::new(),
        extension: None,
        forwarded_from: None,
        downloaded: Default::default(),
    };
    let store = state.store.clone();
    let lookup = keys.lookup.clone();
    web::block(move || store.create_report(&record, &lookup, files))
        .await
        .map_err(|e| internal(&e))?
        .map_err(|e| {
            if e.is_disk_full() {
                state.fail(lang, Failure::DiskFull)
            } else {
                internal(&e)
            }
        })?;

    let mut ctx = state.templates.context(&req, lang);
    {
        use secrecy::ExposeSecret;
        ctx.insert("receipt", code.grouped().expose_secret());
    }
    ctx.insert("desk_name", desk_name(&desk, lang.lang));
    ctx.insert("acknowledge_days", &desk.acknowledge_days);
    ctx.insert("feedback_days", &desk.feedback_days);
    Ok(state.templates.page(StatusCode::OK, "receipt.html", &ctx))
}

/// Seals the manifest of a submission and lists the records of all its items.
#[allow(clippy::too_many_arguments)]
pub async fn seal_submission(
    state: &AppState,
    lang: PageLang,
    upload: Upload,
    kind: SubmissionKind,
    desk: &crate::config::DeskSettings,
    reporter_recipient: Option<String>,
    batch: u32,
    today: crate::domain::Day,
) -> Result<(Vec<ItemRecord>, Vec<Sealed>), PageError> {
    let lang_fail = |e: &dyn std::fmt::Display| state.fail(lang, Failure::Internal(e.to_string()));
    let manifest = Manifest {
        format: FORMAT.into(),
        kind,
        desk: desk.id.clone(),
        reporter_recipient,
        items: upload.manifest_items(),
    };
    let json = zeroize::Zeroizing::new(serde_json::to_vec(&manifest).map_err(|e| lang_fail(&e))?);
    let tmp = state.store.tmp_dir();
    let recipients = seal::recipients_of(&desk.recipients);
    let sealed_manifest = web::block(move || seal::seal_bytes(&tmp, &recipients, &json))
        .await
        .map_err(|e| lang_fail(&e))?
        .map_err(|e| lang_fail(&e))?;
    let record = |sealed: &Sealed, kind: ItemKind| ItemRecord {
        id: sealed.id.clone(),
        kind,
        batch,
        day: today,
        size: sealed.ciphertext_len,
    };
    let mut items = vec![record(&sealed_manifest, ItemKind::Manifest)];
    let mut files = Vec::new();
    if let Some(message) = upload.message {
        items.push(record(&message, ItemKind::Message));
        files.push(message);
    }
    for (file, _, _) in upload.attachments {
        items.push(record(&file, ItemKind::Attachment));
        files.push(file);
    }
    files.push(sealed_manifest);
    Ok((items, files))
}
