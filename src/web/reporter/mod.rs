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
pub mod problem;
pub mod receipt;
pub mod reception;
pub mod session;
pub mod signed_in;
pub mod submit;
pub mod thread;
pub mod upload;
pub mod view;

use actix_web::{HttpResponse, web};

use crate::web::methods::page;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// The reporter routes; mounted at `/`, `/en` and `/nl`. Each path once, with all its methods
/// ([`crate::web::methods`]): `HEAD` wherever `GET`, 405 for the rest.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(page("/").get(home::page))
        .service(page("").get(home::page))
        .service(page("/guide").get(guide::page))
        .service(page("/submit").get(submit::form).post(submit::post))
        .service(page("/receipt").get(receipt::page))
        .service(page("/followup").get(followup::form).post(followup::post))
        .service(page("/thread").get(thread::page))
        .service(page("/thread/message").post(thread::post_message))
        .service(page("/thread/delete-replies").post(thread::delete_replies))
        .service(page("/logout").post(thread::logout));
}

/// Anything else: a 404 page in the reporter's language.
pub async fn not_found(
    state: web::Data<AppState>,
    lang: PageLang,
) -> Result<HttpResponse, PageError> {
    Err(state.fail(lang, Failure::NotFound))
}
