//! What the API lets an officer read: their desk's reports, one report with its items (never
//! content), and a report's sealed items as a tar bundle. Each handler's `#[utoipa::path]` is
//! its part of the OpenAPI document.

use actix_web::{HttpResponse, web};

use super::json::{BundleParams, ItemJson, ListParams, ReportDetailJson, ReportJson};
use super::officer::ApiOfficer;
use crate::store::Status;
use crate::store::inbox::{AssignedFilter, InboxQuery, InboxSort, StatusFilter};
use crate::web::desk::report::download::tar_response;
use crate::web::error::{ApiFailure, CodedError};
use crate::web::state::AppState;

/// Reports on one page of the list when `limit` is not given, and the most on one page.
const LIST_DEFAULT: usize = 50;
const LIST_MAX: usize = 500;

#[utoipa::path(get, path = "/desk/api/v1/reports", tag = "reports",
    params(ListParams),
    responses((status = 200, description = "This desk's reports by id, a page at a time; a `Link` header with rel=\"next\" names the next page", body = [ReportJson]),
              (status = 400, description = "A bad parameter", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError)),
    security(("bearer" = [])))]
pub async fn list(
    officer: ApiOfficer,
    state: web::Data<AppState>,
    // Read as a result, so that a stranger's request gets 401 before any word on its parameters.
    params: Result<web::Query<ListParams>, actix_web::Error>,
) -> Result<HttpResponse, ApiFailure> {
    let params = params
        .map_err(|_| ApiFailure::bad_request("bad_query", "unknown parameter or bad value"))?
        .into_inner();
    let limit = params.limit.unwrap_or(LIST_DEFAULT);
    if !(1..=LIST_MAX).contains(&limit) {
        return Err(ApiFailure::bad_request(
            "bad_query",
            "limit must be between 1 and 500",
        ));
    }
    let status = match params.status.as_deref() {
        None => StatusFilter::All,
        Some(key) => StatusFilter::Only(
            Status::parse(key)
                .ok_or_else(|| ApiFailure::bad_request("bad_query", "unknown status"))?,
        ),
    };
    if let Some(after) = &params.after
        && (after.len() > 64 || !after.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(ApiFailure::bad_request(
            "bad_query",
            "after must be a report id",
        ));
    }
    let query = InboxQuery {
        desk: officer.0.desk.clone(),
        status,
        overdue_on: (params.overdue == Some(true)).then(|| state.clock.today()),
        assigned: AssignedFilter::Anyone,
        label: None,
        id: None,
        sort: InboxSort::Id,
        after: params.after.clone(),
        offset: 0,
        // One more than asked: whether there is a next page.
        limit: limit + 1,
    };
    let found = officer
        .work(&state, move |desk| desk.inbox_page(query))
        .await?;
    let mut rows = found.rows;
    let more = rows.len() > limit;
    rows.truncate(limit);
    // The next page starts after this one's last report, whatever `overdue=false` leaves out.
    let last = rows.last().map(|r| r.id.clone());
    if params.overdue == Some(false) {
        rows.retain(|r| !r.overdue);
    }
    let mut response = HttpResponse::Ok();
    if more && let Some(last) = last {
        let mut next = vec![("limit", limit.to_string()), ("after", last)];
        if let Some(status) = params.status {
            next.push(("status", status));
        }
        if let Some(overdue) = params.overdue {
            next.push(("overdue", overdue.to_string()));
        }
        let query = serde_urlencoded::to_string(next).unwrap_or_default();
        response.insert_header((
            actix_web::http::header::LINK,
            format!("</desk/api/v1/reports?{query}>; rel=\"next\""),
        ));
    }
    Ok(response.json(rows.into_iter().map(ReportJson::from).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/desk/api/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The report and its items", body = ReportDetailJson),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "No such report at this desk", body = CodedError)),
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
              (status = 400, description = "A bad parameter", body = CodedError),
              (status = 401, description = "No or a bad token", body = CodedError),
              (status = 404, description = "No such report at this desk", body = CodedError)),
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
