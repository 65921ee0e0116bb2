//! Deleting through the API: one item, or a whole report, with JSON `{"reason": "…"}`. Both
//! answer 204; another desk's report or item is a 404, as if it did not exist.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::officer::ApiOfficer;
use super::writes::json_request;
use crate::desk::work::REASON_MAX;
use crate::web::error::{ApiFailure, CodedError};
use crate::web::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteRequest {
    /// Why it is deleted (required; kept in the audit log).
    pub reason: String,
}

async fn reason_of(payload: web::Payload) -> Result<String, ApiFailure> {
    let request: DeleteRequest =
        json_request(payload, REASON_MAX, "expected {\"reason\": \"…\"}").await?;
    Ok(request.reason)
}

#[utoipa::path(delete, path = "/desk/api/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    request_body(content = DeleteRequest, content_type = "application/json"),
    responses((status = 204, description = "The report is deleted, files and record"),
              (status = 400, description = "No reason given", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "No such report at this desk", body = CodedError)),
    security(("bearer" = [])))]
pub async fn report(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    let reason = reason_of(payload).await?;
    officer
        .work(&state, move |desk| {
            let record = desk.report(&id)?;
            desk.delete_report(&record, &reason)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/desk/api/v1/reports/{id}/items/{item}", tag = "reports",
    params(("id" = String, Path, description = "Report id"),
           ("item" = String, Path, description = "Item id")),
    request_body(content = DeleteRequest, content_type = "application/json"),
    responses((status = 204, description = "The item is deleted; the reporter's thread says the desk removed an item"),
              (status = 400, description = "No reason given", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "No such report or item at this desk", body = CodedError)),
    security(("bearer" = [])))]
pub async fn item(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiFailure> {
    let (id, item) = path.into_inner();
    let reason = reason_of(payload).await?;
    officer
        .work(&state, move |desk| {
            let record = desk.report(&id)?;
            desk.delete_item(&record, &item, &reason)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
