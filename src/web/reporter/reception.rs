//! Where the reporter's pages meet the reporter's use cases: the [`Reception`] a request works
//! with, built from the application state, and how a [`ReporterError`] is told to the reporter.

use std::time::Duration;

use crate::reporter::{Reception, ReporterError};
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

/// The reporter's use cases, with this installation's store, desks, clock and settings.
pub fn reception(state: &AppState) -> Reception {
    Reception {
        store: state.store.clone(),
        desks: state.desks.clone(),
        clock: state.clock.clone(),
        salt: state.receipt_salt.clone(),
        argon: state.argon.clone(),
        limits: state.settings.limits.clone(),
        lookup_floor: Duration::from_millis(state.settings.followup_floor_ms),
    }
}

/// A failure of a use case, as a page in the reporter's language.
pub fn fail(state: &AppState, lang: PageLang, error: ReporterError) -> PageError {
    state.fail(lang, failure(lang, error))
}

/// What the reporter is told of a use case's failure.
fn failure(lang: PageLang, error: ReporterError) -> Failure {
    let t = |k: &str| i18n::text(lang.lang, k);
    match error {
        ReporterError::NoDesk => Failure::Invalid("err_no_desk"),
        ReporterError::Empty => Failure::Invalid("err_empty"),
        ReporterError::MessageTooLong { max_chars } => {
            Failure::TooLarge(format!("{max_chars} {}", t("unit_chars")))
        }
        ReporterError::TooManyFiles { max_files } => {
            Failure::TooLarge(format!("{max_files} {}", t("unit_files")))
        }
        ReporterError::TooLarge { max_bytes } => {
            Failure::TooLarge(format!("{} MiB", max_bytes / (1024 * 1024)))
        }
        ReporterError::Busy => Failure::Busy,
        ReporterError::NotFound => Failure::NotFound,
        ReporterError::Moved => Failure::TryAgain("err_moved"),
        ReporterError::DiskFull => Failure::DiskFull,
        ReporterError::Internal(cause) => Failure::Internal(cause),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;

    use super::*;
    use crate::domain::Lang;

    // issue 9, defect 3b: a follow-up refused because its report just moved to another desk is
    // told so, in the reporter's language, as a passing 503 with nothing stored.
    #[actix_web::test]
    async fn a_follow_up_for_a_report_that_just_moved_is_a_503_asking_to_send_again() {
        for (lang, words) in [(Lang::Nl, "ander loket"), (Lang::En, "another desk")] {
            let lang = PageLang {
                lang,
                default: Lang::Nl,
            };
            let page = PageError {
                lang,
                failure: failure(lang, ReporterError::Moved),
                page: None,
            };
            let response = page.error_response();
            assert_eq!(response.status(), 503);
            let body = actix_web::body::to_bytes(response.into_body())
                .await
                .unwrap();
            let body = String::from_utf8_lossy(&body);
            assert!(body.contains(words), "{body}");
        }
    }
}
