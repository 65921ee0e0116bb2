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
pub mod upload;

use actix_web::web;

use report::{actions, deletion, download};

/// The desk pages; mounted at `/desk`, `/en/desk` and `/nl/desk`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(login::form))
        .route("/login", web::post().to(login::post))
        .route("/logout", web::post().to(login::logout))
        .route("/", web::get().to(inbox::page))
        .route("", web::get().to(inbox::page))
        .route("/reports/{id}", web::get().to(report::page))
        .route("/reports/{id}/bundle", web::get().to(download::bundle))
        .route("/reports/{id}/reply", web::post().to(actions::reply))
        .route(
            "/reports/{id}/reply-sealed",
            web::post().to(actions::reply_sealed),
        )
        .route("/reports/{id}/status", web::post().to(actions::status))
        .route("/reports/{id}/extend", web::post().to(actions::extend))
        .route("/reports/{id}/transfer", web::post().to(actions::transfer))
        .route(
            "/reports/{id}/take-back",
            web::post().to(actions::take_back),
        )
        .route("/reports/{id}/delete", web::post().to(deletion::delete))
        .route("/account", web::get().to(account::page))
        .route("/account/password", web::post().to(account::password))
        .route("/account/totp", web::post().to(account::totp))
        .route(
            "/account/totp/confirm",
            web::post().to(account::totp_confirm),
        )
        .route("/account/tokens", web::post().to(account::create_token))
        .route(
            "/account/tokens/{id}/revoke",
            web::post().to(account::revoke_token),
        )
        .route("/admin", web::get().to(admin::page))
        .route("/admin/audit", web::get().to(admin::audit))
        .route("/admin/officers", web::post().to(admin::add))
        .route(
            "/admin/officers/{name}/remove",
            web::post().to(admin::remove),
        )
        .route(
            "/admin/officers/{name}/reset-password",
            web::post().to(admin::reset_password),
        )
        .route(
            "/admin/officers/{name}/reset-totp",
            web::post().to(admin::reset_totp),
        )
        .route(
            "/admin/tokens/{id}/revoke",
            web::post().to(admin::revoke_token),
        )
        .route(
            "/admin/sessions/{id}/end",
            web::post().to(admin::end_session),
        );
}
