//! Where the reporter's pages meet the reporter's use cases: the [`Reception`] a request works
//! with, built from the application state, and how a [`ReporterError`] is told to the reporter.

use std::time::Duration;

use crate::domain::Lang;
use crate::reporter::{Reception, ReporterError};
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, format};

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

/// The limit a submission went over, in the reporter's words ("1.000 tekens", "256 MiB").
pub fn limit(lang: Lang, error: &ReporterError) -> Option<String> {
    match *error {
        ReporterError::MessageTooLong { max_chars } => {
            Some(format::count(lang, max_chars as u64, "chars"))
        }
        ReporterError::TooManyFiles { max_files } => {
            Some(format::count(lang, max_files as u64, "files"))
        }
        ReporterError::TooLarge { max_bytes } => Some(format::size(lang, max_bytes)),
        _ => None,
    }
}

/// What the reporter is told of a use case's failure.
fn failure(lang: PageLang, error: ReporterError) -> Failure {
    if let Some(limit) = limit(lang.lang, &error) {
        return Failure::TooLarge(limit);
    }
    match error {
        ReporterError::NoDesk => Failure::Invalid("err_no_desk"),
        ReporterError::Empty => Failure::Invalid("err_empty"),
        ReporterError::Busy => Failure::Busy,
        ReporterError::NotFound => Failure::NotFound,
        ReporterError::Moved => Failure::TryAgain("err_moved"),
        ReporterError::DiskFull => Failure::DiskFull,
        ReporterError::Internal(cause) => Failure::Internal(cause),
        // Told above, as the limit they went over.
        ReporterError::MessageTooLong { .. }
        | ReporterError::TooManyFiles { .. }
        | ReporterError::TooLarge { .. } => Failure::Malformed,
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
