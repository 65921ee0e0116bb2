//! How the API says no: a status and a JSON body `{"error": {"code": "…", "message": "…"}}`, beside the pages of
//! [`super`], so that every error a request can end in is told in this one folder. Desk failures
//! map here, once; an internal one is logged on the request's span and only its operation id is
//! told.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::desk::work::DeskError;

/// The one error body of the API, a code for scripts and a message for people:
/// `{"error": {"code": "…", "message": "…"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodedError {
    pub error: Coded,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Coded {
    pub code: &'static str,
    pub message: String,
}

/// 405: the path is there, but takes only the methods in `allow` (also sent as `Allow`).
pub fn method_not_allowed(allow: &str) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((actix_web::http::header::ALLOW, allow))
        .json(CodedError {
            error: Coded {
                code: "method_not_allowed",
                message: format!("this path takes {allow} only"),
            },
        })
}

/// What the API answers on failure.
#[derive(Debug)]
pub struct ApiFailure(StatusCode, &'static str, String);

impl ApiFailure {
    /// The request cannot be served as it is: `code` for scripts, `why` for the person.
    pub fn bad_request(code: &'static str, why: &str) -> ApiFailure {
        ApiFailure(StatusCode::BAD_REQUEST, code, why.to_owned())
    }

    /// 413: the body is larger than this route takes (the rest was not read).
    pub fn too_large() -> ApiFailure {
        ApiFailure(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the body is too large".into(),
        )
    }

    /// 415: a body of a type this route does not take (it was not read).
    pub fn unsupported_type(why: &str) -> ApiFailure {
        ApiFailure(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            why.to_owned(),
        )
    }

    /// No token, or one that is unknown, revoked, or whose officer is gone.
    pub fn unauthorized() -> ApiFailure {
        ApiFailure(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid bearer token is required".into(),
        )
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
        HttpResponse::build(self.0).json(CodedError {
            error: Coded {
                code: self.1,
                message: self.2.clone(),
            },
        })
    }
}

impl From<DeskError> for ApiFailure {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::NotFound => not_found(),
            // The English text the web area shows; its key, less the prefix, for scripts.
            DeskError::Invalid(key) => ApiFailure(
                StatusCode::BAD_REQUEST,
                key.strip_prefix("desk_err_").unwrap_or(key),
                crate::web::i18n::text(crate::domain::Lang::En, key),
            ),
            DeskError::DiskFull => ApiFailure(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk_full",
                "the disk is full; nothing was stored, try again later".into(),
            ),
            DeskError::Internal(cause) => {
                let op = super::operation_id();
                // The request's span carries the same operation id.
                tracing::error!(cause = %cause, "api internal error");
                ApiFailure(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    format!("internal error {op}"),
                )
            }
        }
    }
}

/// 404 for an unknown route, a report that does not exist and another desk's report alike:
/// the same body for all three, so that a desk's wall tells nothing.
pub fn not_found() -> ApiFailure {
    ApiFailure(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such resource".into(),
    )
}

/// The query, JSON body and path extractors' failures, in the coded shape instead of actix's
/// plain text (which would echo what the caller sent). Installed on the API scope.
pub fn extractor_configs(cfg: &mut actix_web::web::ServiceConfig) {
    use actix_web::error::JsonPayloadError;
    use actix_web::web::{JsonConfig, PathConfig, QueryConfig};
    cfg.app_data(QueryConfig::default().error_handler(|_, _| {
        ApiFailure(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "the query string is not acceptable".into(),
        )
        .into()
    }))
    .app_data(JsonConfig::default().error_handler(|err, _| {
        match err {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                ApiFailure::too_large()
            }
            JsonPayloadError::ContentType => {
                ApiFailure::unsupported_type("expected a body of type application/json")
            }
            _ => ApiFailure(
                StatusCode::BAD_REQUEST,
                "bad_json",
                "the JSON body is not acceptable".into(),
            ),
        }
        .into()
    }))
    .app_data(PathConfig::default().error_handler(|_, _| {
        ApiFailure(
            StatusCode::BAD_REQUEST,
            "bad_path",
            "the path is not acceptable".into(),
        )
        .into()
    }));
}
