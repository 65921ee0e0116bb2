//! The desk web area under `/desk/` (HTML, password + TOTP login, CSRF on every form) and the
//! JSON API under `/desk/api/v1/` (bearer tokens). Both call [`crate::desk::work::DeskWork`];
//! who may call it is settled by extractors before a handler runs (`extractors` for the pages,
//! `api::officer` for the API).

pub mod account;
pub mod admin;
pub mod api;
pub mod extractors;
pub mod inbox;
pub mod login;
pub mod page;
pub mod report;
pub mod session;
pub mod statistics;
pub mod upload;

use actix_web::web;

use report::{actions, deletion, download, handling};

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
        .service(page("/reports/{id}/note").post(actions::note))
        .service(page("/reports/{id}/status").post(actions::status))
        .service(page("/reports/{id}/extend").post(actions::extend))
        .service(page("/reports/{id}/transfer").post(actions::transfer))
        .service(page("/reports/{id}/take-back").post(actions::take_back))
        .service(page("/reports/{id}/delete").post(deletion::delete))
        .service(page("/reports/{id}/assign").post(handling::assign))
        .service(page("/reports/{id}/label").post(handling::label))
        .service(page("/bulk").post(inbox::bulk))
        .service(page("/statistics").get(statistics::page))
        .service(page("/statistics.csv").get(statistics::download))
        .service(page("/account").get(account::page))
        .service(page("/account/password").post(account::password))
        .service(page("/account/totp").post(account::totp))
        .service(page("/account/totp/confirm").post(account::totp_confirm))
        .service(page("/account/tokens").post(account::create_token))
        .service(page("/account/tokens/{id}/revoke").post(account::revoke_token))
        .service(page("/admin").get(admin::page))
        .service(page("/admin/audit").get(admin::audit))
        .service(page("/admin/officers").post(admin::add))
        .service(page("/admin/officers/{name}/remove").post(admin::remove))
        .service(page("/admin/officers/{name}/reset-password").post(admin::reset_password))
        .service(page("/admin/officers/{name}/reset-totp").post(admin::reset_totp))
        .service(page("/admin/tokens/{id}/revoke").post(admin::revoke_token))
        .service(page("/admin/sessions/{id}/end").post(admin::end_session));
}
