//! What the API lets an officer read: their desk's reports, one report with its items (never
//! content), and a report's sealed items as a tar bundle. Each handler's `#[utoipa::path]` is
//! its part of the OpenAPI document.

use actix_web::{HttpResponse, web};

use super::json::{BundleParams, ItemJson, ReportDetailJson, ReportJson};
use super::officer::ApiOfficer;
use crate::web::desk::report::download::tar_response;
use crate::web::error::ApiError;
use crate::web::error::ApiFailure;
use crate::web::state::AppState;

#[utoipa::path(get, path = "/desk/api/v1/reports", tag = "reports",
    responses((status = 200, description = "This desk's reports, overdue first", body = [ReportJson]),
              (status = 401, description = "No or a bad token", body = ApiError)),
    security(("bearer" = [])))]
pub async fn list(
    officer: ApiOfficer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiFailure> {
    let rows = officer.work(&state, |desk| desk.inbox()).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ReportJson::from).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/desk/api/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The report and its items", body = ReportDetailJson),
              (status = 401, description = "No or a bad token", body = ApiError),
              (status = 404, description = "No such report at this desk", body = ApiError)),
    security(("bearer" = [])))]
pub async fn one(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    let detail = officer
        .work(&state, move |desk| {
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
    officer: ApiOfficer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<BundleParams>,
) -> Result<HttpResponse, ApiFailure> {
    let id = path.into_inner();
    let only_new = query.new.unwrap_or(false);
    let (file, manifest) = officer
        .work(&state, move |desk| {
            let record = desk.report(&id)?;
            desk.bundle(&record, only_new)
        })
        .await?;
    Ok(tar_response(file, manifest.report.as_str(), only_new))
}
