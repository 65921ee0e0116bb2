//! Downloading a report as a tar bundle of its sealed items: the whole report, or with `?new=1`
//! what this officer has not downloaded yet. The API streams its bundles the same way.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::web::desk::extractors::DeskSession;
use crate::web::desk::page::with_report;
use crate::web::state::AppState;
use crate::web::{PageError, PageLang};

#[derive(Deserialize)]
pub struct BundleQuery {
    new: Option<String>,
}

/// Streams a bundle: the whole report, or with `?new=1` what this officer has not downloaded.
pub async fn bundle(
    state: web::Data<AppState>,
    lang: PageLang,
    session: DeskSession,
    path: web::Path<String>,
    query: web::Query<BundleQuery>,
) -> Result<HttpResponse, PageError> {
    let only_new = query
        .new
        .as_deref()
        .is_some_and(|v| v == "1" || v == "true");
    let (file, manifest) = with_report(
        &state,
        lang,
        &session,
        path.into_inner(),
        move |desk, record| desk.bundle(&record, only_new),
    )
    .await?;
    Ok(tar_response(file, manifest.report.as_str(), only_new))
}

/// A tar file as a download.
pub fn tar_response(file: std::fs::File, report: &str, only_new: bool) -> HttpResponse {
    let name = format!("report-{report}{}.tar", if only_new { "-new" } else { "" });
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    HttpResponse::Ok()
        .content_type("application/x-tar")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .streaming(stream)
}
