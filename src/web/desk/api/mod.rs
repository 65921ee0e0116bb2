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

use actix_web::web;

use crate::web::error::json::{extractor_configs, not_found};

use crate::web::methods::api;

/// The API routes, mounted at `/desk/api/v1`. Each path once, with all its methods (a wrong one
/// answers 405 in JSON, [`crate::web::methods`]); an unknown path 404 in JSON.
pub fn routes(cfg: &mut web::ServiceConfig) {
    extractor_configs(cfg);
    cfg.service(api("/reports").get(reads::list))
        .service(
            api("/reports/{id}")
                .get(reads::one)
                .delete(deletion::report),
        )
        .service(api("/reports/{id}/items/{item}").delete(deletion::item))
        .service(api("/reports/{id}/bundle").get(reads::bundle))
        .service(api("/reports/{id}/replies").post(writes::reply))
        .service(api("/reports/{id}/status").post(writes::status))
        .service(api("/reports/{id}/extension").post(writes::extension))
        .service(api("/reports/{id}/transfer").post(writes::transfer))
        .service(api("/reports/{id}/take-back").post(writes::take_back))
        .service(api("/openapi.json").get(openapi::document))
        .default_service(web::to(|| async {
            actix_web::ResponseError::error_response(&not_found())
        }));
}
