//! The reporter's pages: home, routing guide, submit, receipt, follow-up and the thread.
//! Everything here works without JavaScript and sets no cookie before a receipt is entered.
//!
//! Only HTTP lives here: each handler parses its request, calls a use case of
//! [`crate::reporter`] (through [`reception`]) and renders the answer. A tip's path reads top to
//! bottom: [`submit`] → [`upload`] → `reporter/parts` and `reporter/submission` → `seal` → `store`,
//! then the redirect to [`receipt`], which shows the receipt once ([`once`]).

pub mod followup;
pub mod guide;
pub mod home;
pub mod once;
pub mod receipt;
pub mod reception;
pub mod session;
pub mod signed_in;
pub mod submit;
pub mod thread;
pub mod upload;
pub mod view;

use actix_web::{HttpResponse, web};

use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// The reporter routes; mounted at `/`, `/en` and `/nl`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::page))
        .route("", web::get().to(home::page))
        .route("/guide", web::get().to(guide::page))
        .route("/submit", web::get().to(submit::form))
        .route("/submit", web::post().to(submit::post))
        .route("/receipt", web::get().to(receipt::page))
        .route("/followup", web::get().to(followup::form))
        .route("/followup", web::post().to(followup::post))
        .route("/thread", web::get().to(thread::page))
        .route("/thread/message", web::post().to(thread::post_message))
        .route(
            "/thread/delete-replies",
            web::post().to(thread::delete_replies),
        )
        .route("/logout", web::post().to(thread::logout));
}

/// Anything else: a 404 page in the reporter's language.
pub async fn not_found(
    state: web::Data<AppState>,
    lang: PageLang,
) -> Result<HttpResponse, PageError> {
    Err(state.fail(lang, Failure::NotFound))
}
