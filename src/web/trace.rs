//! Our own root span for every request: method, route *pattern*, status and latency — nothing else.
//!
//! The stock `tracing-actix-web` root span records the client's address and user agent; a
//! reporter's address must never reach a log, so we do not use it. The route pattern (e.g.
//! `/submit`) is logged instead of the path, and the query string never.
//!
//! Reporter requests log nothing at all, at any level and whatever their status: even a line
//! saying "a submission failed" gets a time stamp from journald and dates a reporter's attempt to
//! the second. Everything a reporter request runs is polled with no subscriber, so an error deep
//! inside stays out of the log too; the outcome is only counted ([`ReporterTally`]), and the
//! service logs the totals once an hour. Desk requests (officers, whose actions are in the audit
//! log anyway) are logged: `debug` when they went well, `warn` on a server error.
//!
//! Each request gets an operation id here, recorded in its span (so every line logged while it
//! runs carries it) and held for the request's task, so that an error page or JSON error can show
//! the same id ([`super::error::operation_id`]): what a user quotes is what the log says.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;
use tracing::instrument::WithSubscriber;
use tracing::subscriber::NoSubscriber;

/// Outcomes of reporter requests since the totals were last taken.
pub struct ReporterTally {
    answered: AtomicU64,
    refused: AtomicU64,
    failed: AtomicU64,
}

/// Totals of reporter requests: answered (1xx–3xx), refused (4xx), failed (5xx or no answer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub answered: u64,
    pub refused: u64,
    pub failed: u64,
}

/// One tally for the process: the hourly line covers every server in it.
pub static REPORTER_TALLY: ReporterTally = ReporterTally {
    answered: AtomicU64::new(0),
    refused: AtomicU64::new(0),
    failed: AtomicU64::new(0),
};

impl ReporterTally {
    fn count(&self, status: Option<u16>) {
        let counter = match status {
            Some(s) if s < 400 => &self.answered,
            Some(s) if s < 500 => &self.refused,
            _ => &self.failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The totals so far, without resetting them.
    pub fn peek(&self) -> Totals {
        Totals {
            answered: self.answered.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }

    /// The totals so far; counting starts again from zero.
    pub fn take(&self) -> Totals {
        Totals {
            answered: self.answered.swap(0, Ordering::Relaxed),
            refused: self.refused.swap(0, Ordering::Relaxed),
            failed: self.failed.swap(0, Ordering::Relaxed),
        }
    }
}

/// Logs the reporter totals of the last hour, one line, whatever they are (a line only when
/// something failed would itself tell when).
pub fn log_reporter_hour() {
    let Totals {
        answered,
        refused,
        failed,
    } = REPORTER_TALLY.take();
    tracing::info!(
        answered,
        refused,
        failed,
        "reporter requests in the last hour"
    );
}

/// The desk area and its API, in any language: `/desk…`, `/nl/desk…`, `/en/desk…` — the paths
/// only the desk's listener serves.
pub fn is_desk(path: &str) -> bool {
    let rest = path
        .strip_prefix("/nl")
        .or_else(|| path.strip_prefix("/en"))
        .unwrap_or(path);
    rest == "/desk" || rest.starts_with("/desk/")
}

/// The root of every request on the reporters' listener: no span, no line, no subscriber — the
/// outcome is only counted.
pub async fn reporter_span(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let operation = super::error::new_operation_id();
    let res = super::error::OPERATION
        .scope(operation, next.call(req))
        .with_subscriber(NoSubscriber::default())
        .await;
    REPORTER_TALLY.count(res.as_ref().ok().map(|r| r.status().as_u16()));
    res
}

/// The root of every request on the desk's listener: a span with method, route pattern and
/// operation id, and one line with status and latency.
pub async fn desk_span(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let operation = super::error::new_operation_id();
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let span =
        tracing::info_span!("request", method = %method, route = %route, operation = %operation);
    let res = super::error::OPERATION
        .scope(operation, next.call(req))
        .instrument(span.clone())
        .await;
    let _entered = span.enter();
    let latency_ms = started.elapsed().as_millis();
    match &res {
        Ok(res) if res.status().is_server_error() => {
            tracing::warn!(status = res.status().as_u16(), latency_ms, "answered")
        }
        Ok(res) => tracing::debug!(status = res.status().as_u16(), latency_ms, "answered"),
        Err(_) => tracing::warn!(latency_ms, "failed"),
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_desk_area_in_any_language_counts_as_desk() {
        for desk in [
            "/desk",
            "/desk/",
            "/desk/api/v1/reports",
            "/en/desk/login",
            "/nl/desk",
        ] {
            assert!(is_desk(desk), "{desk}");
        }
        for reporter in [
            "/",
            "/submit",
            "/en/followup",
            "/desktop",
            "/static/desk.css",
            "/en",
        ] {
            assert!(!is_desk(reporter), "{reporter}");
        }
    }

    #[test]
    fn outcomes_are_counted_by_class_and_taken_once() {
        let tally = ReporterTally {
            answered: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        };
        for status in [Some(200), Some(303), Some(404), Some(503), None] {
            tally.count(status);
        }
        let want = Totals {
            answered: 2,
            refused: 1,
            failed: 2,
        };
        assert_eq!(tally.peek(), want);
        assert_eq!(tally.take(), want);
        assert_eq!(tally.take(), Totals::default());
    }
}
