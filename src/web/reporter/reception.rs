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
        kdf: state.kdf.clone(),
        argon2: state.settings.argon2,
        limits: state.settings.limits.clone(),
        lookup_floor: Duration::from_millis(state.settings.followup_floor_ms),
    }
}

/// A failure of a use case, as a page in the reporter's language.
pub fn fail(state: &AppState, lang: PageLang, error: ReporterError) -> PageError {
    let t = |k: &str| i18n::text(lang.lang, k);
    let failure = match error {
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
    };
    state.fail(lang, failure)
}
