//! The desk web area under `/desk/` (HTML, password + TOTP login, CSRF on every form) and the
//! JSON API under `/desk/api/v1/` (bearer tokens). Both call [`crate::desk::work::DeskWork`];
//! who may call it is settled by extractors before a handler runs (`extractors` for the pages,
//! `api::officer` for the API).

pub mod api;
pub mod extractors;
pub mod inbox;
pub mod login;
pub mod page;
pub mod report;
pub mod session;
pub mod upload;

use actix_web::web;

use report::{actions, deletion, download};

use crate::web::methods::page;

/// The desk pages; mounted at `/desk`, `/en/desk` and `/nl/desk`. Each path once, with all its
/// methods ([`crate::web::methods`]).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(page("/login").get(login::form).post(login::post))
        .service(page("/logout").post(login::logout))
        .service(page("/").get(inbox::page))
        .service(page("").get(inbox::page))
        .service(page("/reports/{id}").get(report::page))
        .service(page("/reports/{id}/bundle").get(download::bundle))
        .service(page("/reports/{id}/reply").post(actions::reply))
        .service(page("/reports/{id}/reply-sealed").post(actions::reply_sealed))
        .service(page("/reports/{id}/status").post(actions::status))
        .service(page("/reports/{id}/extend").post(actions::extend))
        .service(page("/reports/{id}/transfer").post(actions::transfer))
        .service(page("/reports/{id}/take-back").post(actions::take_back))
        .service(page("/reports/{id}/delete").post(deletion::delete));
}
