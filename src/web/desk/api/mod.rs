//! The JSON API under `/desk/api/v1/`, for officers' scripts: the same work as the web area, with
//! `Authorization: Bearer <token>` (tokens from `meldpunt officer token`). No or a bad token
//! answers 401; another desk's report 404, exactly like one that does not exist.
//!
//! Read top to bottom: the routes here; the handlers in `reads` and `writes`, each behind the
//! `officer` gate; the document in `openapi`; the JSON types in `json` and `failure`, which
//! import nothing of the rest.

pub mod deletion;
pub mod json;
pub mod officer;
pub mod openapi;
pub mod reads;
pub mod writes;

use actix_web::{HttpResponse, web};

use crate::web::error::ApiError;

/// The API routes, mounted at `/desk/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports", web::get().to(reads::list))
        .route("/reports/{id}", web::get().to(reads::one))
        .route("/reports/{id}", web::delete().to(deletion::report))
        .route(
            "/reports/{id}/items/{item}",
            web::delete().to(deletion::item),
        )
        .route("/reports/{id}/bundle", web::get().to(reads::bundle))
        .route("/reports/{id}/replies", web::post().to(writes::reply))
        .route("/reports/{id}/status", web::post().to(writes::status))
        .route("/reports/{id}/transfer", web::post().to(writes::transfer))
        .route("/reports/{id}/take-back", web::post().to(writes::take_back))
        .route("/openapi.json", web::get().to(openapi::document))
        .default_service(web::to(|| async {
            HttpResponse::NotFound().json(ApiError {
                error: "no such route".into(),
            })
        }));
}
