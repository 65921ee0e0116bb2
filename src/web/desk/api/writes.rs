//! What the API lets an officer change: a reply (typed JSON, or an age file sealed offline), a
//! status, a transfer to another desk. The body is read here, in the handler, so only after the
//! [`ApiOfficer`] gate let the request in; a typed reply never leaves memory.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::json::{
    Created, ExtensionRequest, Package, ReplyRequest, ReportJson, StatusRequest, Transferred,
};
use super::officer::ApiOfficer;
use crate::desk::work::{DeskError, DeskWork, REASON_MAX, REPLY_MAX, SEALED_REPLY_MAX};
use crate::store::{ReportRecord, Status};
use crate::web::desk::upload::{self, FileUploadError};
use crate::web::error::{ApiFailure, CodedError};
use crate::web::state::AppState;

/// The most a JSON body holding `chars` characters of text can take: every character escaped,
/// as one or two `\uXXXX` (a surrogate pair), and room for the braces and the keys.
pub(super) const fn json_max(chars: usize) -> usize {
    chars * 6 * 2 + 64
}

/// A typed reply, or a reply sealed offline, as the body arrived.
enum ReplyBody {
    Typed(zeroize::Zeroizing<Vec<u8>>),
    Sealed(crate::seal::TempPath),
}

#[utoipa::path(post, path = "/desk/api/v1/reports/{id}/replies", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    request_body(description = "JSON `{\"text\": …}`, or a reply package made offline with `meldpunt seal-reply` (tar, `application/octet-stream`)",
        content((ReplyRequest = "application/json"), (Package = "application/octet-stream"))),
    responses((status = 201, description = "Reply stored, encrypted", body = Created),
              (status = 400, description = "Empty, too long, or not a reply package for this report and desk", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "No such report at this desk", body = CodedError),
              (status = 415, description = "Neither JSON nor a package", body = CodedError)),
    security(("bearer" = [])))]
pub async fn reply(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    officer.sees(&state, &id).await?;
    let body = match content_type(&req).as_deref() {
        Some("application/json") => {
            let bytes = upload::body_in_memory(payload, json_max(REPLY_MAX)).await;
            ReplyBody::Typed(bytes.map_err(upload_failure)?)
        }
        Some("application/octet-stream" | "application/x-tar") => {
            let tmp = state.store.tmp_dir();
            let file = upload::raw_body(payload, &tmp, SEALED_REPLY_MAX).await;
            ReplyBody::Sealed(file.map_err(upload_failure)?)
        }
        // Anything else may be a typed reply under the wrong name (curl's default is a form):
        // it is refused unread, so it never reaches the disk as a "package".
        _ => {
            return Err(ApiFailure::unsupported_type(
                "send {\"text\": \"…\"} as application/json, or a package from meldpunt seal-reply as application/octet-stream",
            ));
        }
    };
    let created = officer
        .work(&state, move |desk| {
            let record = desk.report(&id)?;
            match body {
                ReplyBody::Typed(bytes) => {
                    let mut request: ReplyRequest = serde_json::from_slice(&bytes)
                        .map_err(|_| DeskError::Invalid("expected {\"text\": \"…\"}"))?;
                    let text = zeroize::Zeroizing::new(std::mem::take(&mut request.text));
                    desk.reply_text(&record, &text)
                }
                ReplyBody::Sealed(upload) => desk.reply_sealed(&record, upload),
            }
        })
        .await?;
    Ok(HttpResponse::Created().json(Created {
        id: created.to_string(),
    }))
}

#[utoipa::path(post, path = "/desk/api/v1/reports/{id}/status", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    request_body(content = StatusRequest, content_type = "application/json"),
    responses((status = 200, description = "Status changed", body = ReportJson),
              (status = 400, description = "Not a forward move, or reopening without a reason", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "No such report at this desk", body = CodedError)),
    security(("bearer" = [])))]
pub async fn status(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    let request: StatusRequest = json_request(
        payload,
        REASON_MAX,
        "expected {\"status\": \"…\", \"reason\": \"…\"}",
    )
    .await?;
    let to = Status::parse(&request.status)
        .ok_or_else(|| ApiFailure::bad_request("unknown_status", "unknown status"))?;
    changed(officer, &state, path.into_inner(), move |desk, record| {
        desk.set_status(record, to, &request.reason)
    })
    .await
}

#[utoipa::path(post, path = "/desk/api/v1/reports/{id}/extension", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    request_body(content = ExtensionRequest, content_type = "application/json"),
    responses((status = 200, description = "The feedback term is longer", body = ReportJson),
              (status = 400, description = "Not longer than now, over 180 days, or no reason", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "No such report at this desk", body = CodedError)),
    security(("bearer" = [])))]
pub async fn extension(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    let request: ExtensionRequest = json_request(
        payload,
        REASON_MAX,
        "expected {\"feedback_days\": 180, \"reason\": \"…\"}",
    )
    .await?;
    changed(officer, &state, path.into_inner(), move |desk, record| {
        desk.extend(record, request.feedback_days, &request.reason)
    })
    .await
}

/// A small JSON request body of at most `chars` characters of text, read into memory and
/// parsed; a body that is not one answers `bad_json` with what was `expected`.
pub(super) async fn json_request<T: serde::de::DeserializeOwned>(
    payload: web::Payload,
    chars: usize,
    expected: &str,
) -> Result<T, ApiFailure> {
    let body = upload::body_in_memory(payload, json_max(chars))
        .await
        .map_err(upload_failure)?;
    serde_json::from_slice(&body).map_err(|_| ApiFailure::bad_request("bad_json", expected))
}

/// Changes report `id` at the officer's desk with `change`, then answers its row as it is now.
async fn changed(
    officer: ApiOfficer,
    state: &AppState,
    id: String,
    change: impl FnOnce(&DeskWork, &ReportRecord) -> Result<(), DeskError> + Send + 'static,
) -> Result<HttpResponse, ApiFailure> {
    let row = officer
        .work(state, move |desk| {
            change(&desk, &desk.report(&id)?)?;
            desk.row(&desk.report(&id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReportJson::from(row)))
}

#[utoipa::path(post, path = "/desk/api/v1/reports/{id}/transfer", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    request_body(description = "A transfer package made offline with `meldpunt transfer` (tar; `application/x-tar` is taken too)", content = Package, content_type = "application/octet-stream"),
    responses((status = 200, description = "The report now belongs to the new desk", body = Transferred),
              (status = 400, description = "The package is not acceptable", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "No such report at this desk", body = CodedError)),
    security(("bearer" = [])))]
pub async fn transfer(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    officer.sees(&state, &id).await?;
    let max = state.installation().package_max;
    let package = upload::raw_body(payload, &state.store.tmp_dir(), max)
        .await
        .map_err(upload_failure)?;
    let to = officer
        .work(&state, move |desk| {
            let record = desk.report(&id)?;
            desk.transfer(&record, package)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Transferred {
        desk: to.to_string(),
    }))
}

#[utoipa::path(post, path = "/desk/api/v1/reports/{id}/take-back", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The report is back at this desk, as it was before the transfer", body = Transferred),
              (status = 400, description = "It can no longer be taken back (the receiving desk has opened it, or it changed there)", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "This desk sent no such report", body = CodedError)),
    security(("bearer" = [])))]
pub async fn take_back(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    let desk = officer
        .work(&state, move |desk| {
            desk.take_back(&id)?;
            Ok(desk.officer().desk.to_string())
        })
        .await?;
    Ok(HttpResponse::Ok().json(Transferred { desk }))
}

/// The essence of the request's content type (`application/json`, without parameters), in
/// lower case.
fn content_type(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim();
    Some(essence.to_ascii_lowercase())
}

/// A body that could not be taken: the disk is full (507), or it was broken, too large or not a
/// package (400).
pub(super) fn upload_failure(e: FileUploadError) -> ApiFailure {
    match e {
        FileUploadError::Io(io) if io.raw_os_error() == Some(28) => {
            ApiFailure::from(DeskError::DiskFull)
        }
        FileUploadError::TooLarge => ApiFailure::too_large(),
        FileUploadError::NotPackage => ApiFailure::bad_request(
            "not_package",
            "the body is not a package (a tar archive from meldpunt seal-reply or transfer); nothing was stored",
        ),
        _ => ApiFailure::bad_request("bad_body", "the body could not be read"),
    }
}
