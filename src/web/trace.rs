//! Our own root span for every request: method, route *pattern*, status and latency — nothing else.
//!
//! The stock `tracing-actix-web` root span records the client's address and user agent; a
//! reporter's address must never reach a log, so we do not use it. The route pattern (e.g.
//! `/submit`) is logged instead of the path, and the query string never.
//!
//! Reporter requests that went well are logged at `debug`, because even a line saying "a tip
//! arrived" gets a timestamp from journald; failures are logged at `warn`.
//!
//! Each request gets an operation id here, recorded in its span (so every line logged while it
//! runs carries it) and held for the request's task, so that an error page or JSON error can show
//! the same id ([`super::error::operation_id`]): what a user quotes is what the log says.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;

pub async fn root_span(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let operation = super::error::new_operation_id();
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
