//! The JSON API under `/desk/api/v1/`, for officers' scripts: the same work as the web area, with
//! `Authorization: Bearer <token>` (tokens from `meldpunt officer token`). No or a bad token
//! answers 401; another desk's report 404, exactly like one that does not exist.
//!
//! Each handler carries its own `#[utoipa::path]`, from which `openapi.json` is generated, so
//! the document cannot drift from the code.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::upload;
use crate::desk::work::{Actor, DeskError, DeskWork, InboxRow};
use crate::store::Status;
use crate::web::state::AppState;

/// An API error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
}

/// What the API answers on failure.
#[derive(Debug)]
pub struct ApiFailure(StatusCode, String);

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

impl actix_web::ResponseError for ApiFailure {
    fn status_code(&self) -> StatusCode {
        self.0
    }
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.0).json(ApiError {
            error: self.1.clone(),
        })
    }
}

fn unauthorized() -> ApiFailure {
    ApiFailure(
        StatusCode::UNAUTHORIZED,
        "a valid bearer token is required".into(),
    )
}

impl From<DeskError> for ApiFailure {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::NotFound => ApiFailure(StatusCode::NOT_FOUND, "no such report".into()),
            DeskError::Invalid(key) => ApiFailure(StatusCode::BAD_REQUEST, key.into()),
            DeskError::DiskFull => ApiFailure(
                StatusCode::INSUFFICIENT_STORAGE,
                "the disk is full; nothing was stored, try again later".into(),
            ),
            DeskError::Internal(cause) => {
                let op = crate::web::error::operation_id();
                tracing::error!(operation = %op, cause = %cause, "api internal error");
                ApiFailure(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("internal error {op}"),
                )
            }
        }
    }
}

/// One item of a report, without content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemJson {
    pub id: String,
    /// `message`, `attachment`, `manifest` or `reply`.
    pub kind: String,
    /// Ciphertext bytes.
    pub size: u64,
    pub day: String,
    pub batch: u32,
    /// Not yet downloaded by this officer.
    pub new: bool,
}

/// A report in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportJson {
    pub id: String,
    pub desk: String,
    /// `received`, `acknowledged`, `in_progress`, `feedback_given` or `closed`.
    pub status: String,
    /// Day received (YYYY-MM-DD).
    pub received: String,
    pub acknowledge_by: String,
    pub feedback_by: String,
    pub overdue: bool,
    pub new_items: usize,
    pub forwarded_from: Option<String>,
}

impl From<InboxRow> for ReportJson {
    fn from(r: InboxRow) -> Self {
        ReportJson {
            id: r.id,
            desk: r.desk,
            status: r.status.into(),
            received: r.received,
            acknowledge_by: r.acknowledge_by,
            feedback_by: r.feedback_by,
            overdue: r.overdue,
            new_items: r.new_items,
            forwarded_from: r.forwarded_from,
        }
    }
}

/// One report with its items.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetailJson {
    #[serde(flatten)]
    pub report: ReportJson,
    pub items: Vec<ItemJson>,
}

/// A reply typed by the officer; encrypted at once to the reporter and the desk.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// The new status.
    pub status: String,
    /// Required when reopening a closed report.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Transferred {
    pub desk: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct BundleParams {
    /// Only items this officer has not downloaded yet.
    pub new: Option<bool>,
}

/// The officer a bearer token belongs to.
async fn officer(state: &web::Data<AppState>, req: &HttpRequest) -> Result<Actor, ApiFailure> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| zeroize::Zeroizing::new(t.trim().to_owned()))
        .ok_or_else(unauthorized)?;
    let worker = state.clone();
    let found = web::block(move || worker.officers.officer_for_token(&token))
        .await
        .map_err(|_| unauthorized())?
        .map_err(|_| unauthorized())?
        .ok_or_else(unauthorized)?;
    Ok(Actor {
        name: found.name.clone(),
        desk: found.desk.clone(),
    })
}

/// Checks the token first (no one learns anything without one), then stores the raw body.
async fn authorized_body(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    payload: web::Payload,
    max: u64,
) -> Result<crate::seal::TempPath, ApiFailure> {
    officer(state, req).await?;
    upload::raw_body(payload, &state.store.tmp_dir(), max)
        .await
        .map_err(upload_failure)
}

/// A body that could not be taken: the disk is full (507), or it was broken or too large (400).
fn upload_failure(e: upload::FileUploadError) -> ApiFailure {
    match e {
        upload::FileUploadError::Io(io) if io.raw_os_error() == Some(28) => {
            ApiFailure::from(DeskError::DiskFull)
        }
        _ => ApiFailure(
            StatusCode::BAD_REQUEST,
            "the body could not be read or is too large".into(),
        ),
    }
}

/// The most a typed reply's JSON can take: every character escaped as `\uXXXX`, and room
/// for the braces and the key.
const REPLY_JSON_MAX: usize = crate::desk::work::REPLY_MAX * 6 * 2 + 64;

/// A typed reply, or a reply sealed offline, as the body arrived.
enum ReplyBody {
    Typed(zeroize::Zeroizing<Vec<u8>>),
    Sealed(crate::seal::TempPath),
}

async fn run<T: Send + 'static>(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    work: impl FnOnce(DeskWork) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, ApiFailure> {
    let actor = officer(state, req).await?;
    let desk = state.desk_work(actor);
    web::block(move || work(desk))
        .await
        .map_err(|e| ApiFailure::from(DeskError::Internal(e.to_string())))?
        .map_err(ApiFailure::from)
}

#[utoipa::path(get, path = "/desk/api/v1/reports", tag = "reports",
    responses((status = 200, description = "This desk's reports, overdue first", body = [ReportJson]),
              (status = 401, description = "No or a bad token", body = ApiError)),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiFailure> {
    let rows = run(&state, &req, |desk| desk.inbox()).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ReportJson::from).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/desk/api/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The report and its items", body = ReportDetailJson),
              (status = 401, description = "No or a bad token", body = ApiError),
              (status = 404, description = "No such report at this desk", body = ApiError)),
    security(("bearer" = [])))]
pub async fn one(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    let detail = run(&state, &req, move |desk| {
        let record = desk.report(&id)?;
        let new: Vec<_> = record
            .new_for(&desk.officer().name)
            .iter()
            .map(|i| i.id.clone())
            .collect();
        let items = record
            .items
            .iter()
            .map(|i| ItemJson {
                id: i.id.to_string(),
                kind: serde_json::to_value(i.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                size: i.size,
                day: i.day.iso(),
                batch: i.batch,
                new: new.contains(&i.id),
            })
            .collect();
        Ok(ReportDetailJson {
            report: desk.row(&record)?.into(),
            items,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(detail))
}

#[utoipa::path(get, path = "/desk/api/v1/reports/{id}/bundle", tag = "reports",
    params(("id" = String, Path, description = "Report id"), BundleParams),
    responses((status = 200, description = "A tar bundle: manifest.json and one .age file per item", content_type = "application/x-tar"),
              (status = 401, description = "No or a bad token", body = ApiError),
              (status = 404, description = "No such report at this desk", body = ApiError)),
    security(("bearer" = [])))]
pub async fn bundle(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<BundleParams>,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    let only_new = query.new.unwrap_or(false);
    let (file, manifest) = run(&state, &req, move |desk| {
        let record = desk.report(&id)?;
        desk.bundle(&record, only_new)
    })
    .await?;
    Ok(super::report::tar_response(
        file,
        manifest.report.as_str(),
        only_new,
    ))
}

#[utoipa::path(post, path = "/desk/api/v1/reports/{id}/replies", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    request_body(description = "JSON `{\"text\": …}`, or an age file sealed offline (`application/octet-stream`)",
        content((ReplyRequest = "application/json"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 201, description = "Reply stored, encrypted", body = Created),
              (status = 400, description = "Empty, too long, or not an age file", body = ApiError),
              (status = 401, description = "No or a bad token", body = ApiError),
              (status = 404, description = "No such report at this desk", body = ApiError)),
    security(("bearer" = [])))]
pub async fn reply(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let body = if is_json {
        officer(&state, &req).await?;
        let bytes = upload::body_in_memory(payload, REPLY_JSON_MAX)
            .await
            .map_err(upload_failure)?;
        ReplyBody::Typed(bytes)
    } else {
        let max = crate::desk::work::SEALED_REPLY_MAX;
        ReplyBody::Sealed(authorized_body(&state, &req, payload, max).await?)
    };
    let created = run(&state, &req, move |desk| {
        let record = desk.report(&id)?;
        match body {
            ReplyBody::Typed(bytes) => {
                let request: ReplyRequest = serde_json::from_slice(&bytes)
                    .map_err(|_| DeskError::Invalid("expected {\"text\": \"…\"}"))?;
                let text = zeroize::Zeroizing::new(request.text);
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
              (status = 400, description = "Not a forward move, or reopening without a reason", body = ApiError),
              (status = 401, description = "No or a bad token", body = ApiError),
              (status = 404, description = "No such report at this desk", body = ApiError)),
    security(("bearer" = [])))]
pub async fn status(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiFailure> {
    // The token is checked before the body is read, so no one learns anything without one.
    officer(&state, &req).await?;
    let id = path.into_inner();
    let request: StatusRequest = serde_json::from_slice(&body).map_err(|_| {
        ApiFailure(
            StatusCode::BAD_REQUEST,
            "expected {\"status\": \"…\", \"reason\": \"…\"}".into(),
        )
    })?;
    let to = Status::parse(&request.status)
        .ok_or_else(|| ApiFailure(StatusCode::BAD_REQUEST, "unknown status".into()))?;
    let row = run(&state, &req, move |desk| {
        let record = desk.report(&id)?;
        desk.set_status(&record, to, &request.reason)?;
        desk.row(&desk.report(&id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ReportJson::from(row)))
}

#[utoipa::path(post, path = "/desk/api/v1/reports/{id}/transfer", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    request_body(description = "A transfer package made offline with `meldpunt transfer` (tar)", content = Vec<u8>, content_type = "application/x-tar"),
    responses((status = 200, description = "The report now belongs to the new desk", body = Transferred),
              (status = 400, description = "The package is not acceptable", body = ApiError),
              (status = 401, description = "No or a bad token", body = ApiError),
              (status = 404, description = "No such report at this desk", body = ApiError)),
    security(("bearer" = [])))]
pub async fn transfer(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    let max = super::report::package_max(&state);
    let package = authorized_body(&state, &req, payload, max).await?;
    let to = run(&state, &req, move |desk| {
        let record = desk.report(&id)?;
        let path = package
            .path()
            .map(ToOwned::to_owned)
            .ok_or(DeskError::Invalid("desk_err_package"))?;
        desk.transfer(&record, &path)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Transferred {
        desk: to.to_string(),
    }))
}

/// The API routes, mounted at `/desk/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports", web::get().to(list))
        .route("/reports/{id}", web::get().to(one))
        .route("/reports/{id}/bundle", web::get().to(bundle))
        .route("/reports/{id}/replies", web::post().to(reply))
        .route("/reports/{id}/status", web::post().to(status))
        .route("/reports/{id}/transfer", web::post().to(transfer))
        .route("/openapi.json", web::get().to(super::openapi::document))
        .default_service(web::to(|| async {
            HttpResponse::NotFound().json(ApiError {
                error: "no such route".into(),
            })
        }));
}
