//! The OpenAPI 3 document of the desk API, generated from the handlers' annotations and the JSON
//! types, so the document cannot drift from the code.

use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::deletion::{self, DeleteRequest};
use super::json::{
    Created, ExtensionRequest, ItemJson, Package, ReplyRequest, ReportDetailJson, ReportJson,
    StatusRequest, Transferred,
};
use super::{reads, writes};
use crate::web::error::CodedError;

#[derive(OpenApi)]
#[openapi(
    info(title = "meldpunt desk API", version = "1",
         description = "For desk officers: list reports, download sealed bundles, reply, set status, transfer. Bearer tokens come from `meldpunt officer token`."),
    paths(reads::list, reads::one, reads::bundle, writes::reply, writes::status, writes::extension, writes::transfer, writes::take_back,
          deletion::report, deletion::item),
    components(schemas(CodedError, crate::web::error::json::Coded, ReportJson, ReportDetailJson, ItemJson,
                       ReplyRequest, Created, StatusRequest, ExtensionRequest, Package, Transferred, DeleteRequest)),
    servers((url = "http://127.0.0.1:8081",
             description = "The desk's own listener (desk_listen; in production its onion service with client authorisation). The reporters' address answers 404 for every /desk path.")),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

pub async fn document() -> HttpResponse {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => HttpResponse::Ok()
            .content_type("application/json")
            .body(json),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}
