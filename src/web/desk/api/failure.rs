//! How the API says no: a status and a JSON body `{"error": "…"}`. Desk failures map here, once;
//! an internal one is logged under an operation id and only the id is told.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::desk::work::DeskError;
use crate::web::desk::upload::FileUploadError;

/// An API error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
}

/// What the API answers on failure.
#[derive(Debug)]
pub struct ApiFailure(StatusCode, String);

impl ApiFailure {
    /// The request cannot be served as it is; `why` is told to the caller.
    pub fn bad_request(why: &str) -> ApiFailure {
        ApiFailure(StatusCode::BAD_REQUEST, why.to_owned())
    }

    /// No token, or one that is unknown, revoked, or whose officer is gone.
    pub fn unauthorized() -> ApiFailure {
        ApiFailure(
            StatusCode::UNAUTHORIZED,
            "a valid bearer token is required".into(),
        )
    }

    /// A body that could not be taken: the disk is full (507), or it was broken or too large (400).
    pub fn upload(e: FileUploadError) -> ApiFailure {
        match e {
            FileUploadError::Io(io) if io.raw_os_error() == Some(28) => {
                ApiFailure::from(DeskError::DiskFull)
            }
            _ => ApiFailure::bad_request("the body could not be read or is too large"),
        }
    }
}

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

impl From<DeskError> for ApiFailure {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::NotFound => ApiFailure(StatusCode::NOT_FOUND, "no such report".into()),
            DeskError::Invalid(key) => ApiFailure::bad_request(key),
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
