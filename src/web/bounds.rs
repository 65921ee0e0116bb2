//! What one connection may hold of the server: a request body that stops sending is dropped
//! after the idle time, and only so many uploads are received at once.
//!
//! actix-web bounds the time to send headers, not a body: an upload that sends a byte now and
//! then, or nothing at all, held its connection, its temp file and its worker slot for ever, and
//! ~640 of them took every open file. Every body now passes through [`idle_timeout`], which ends
//! it with an error after `body_idle_secs` of silence (the use case then removes what it had
//! sealed); and a multipart request past the cap of uploads hears "busy" (503, in the reporter's
//! language) before a byte of it is read. Requests without a body (the pages) never wait for a
//! slot, so `GET /` answers while uploads are at the cap.

use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use futures_util::StreamExt;

use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// Ends a request body with an error once it has sent nothing for `idle`.
fn idle_timeout(payload: Payload, idle: Duration) -> Payload {
    let stream = futures_util::stream::unfold(Some(payload), move |payload| async move {
        let mut payload = payload?;
        match tokio::time::timeout(idle, payload.next()).await {
            Ok(Some(chunk)) => Some((chunk, Some(payload))),
            Ok(None) => None,
            Err(_) => {
                let silent = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the upload sent nothing for too long",
                );
                Some((Err(PayloadError::Io(silent)), None))
            }
        }
    });
    Payload::Stream {
        // Fused: the multipart parser may ask again after the end.
        payload: Box::pin(stream.fuse()),
    }
}

fn is_upload(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        })
}

/// Wraps every body in the idle timeout, and holds a slot for every upload while it runs.
pub async fn bounded_bodies(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let idle = Duration::from_secs(state.settings.connections.body_idle_secs.max(1));
    let payload = req.take_payload();
    req.set_payload(idle_timeout(payload, idle));
    if !is_upload(&req) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    // Held until the handler is done with the body (it has answered, or the body failed).
    let Some(_slot) = state.upload_slots.try_take() else {
        let default = state.settings.default_lang;
        let lang = PageLang::from_request_parts(req.request(), default);
        let busy: PageError = state.fail(lang, Failure::Busy);
        let response = busy.error_response();
        return Ok(req.into_response(response).map_into_right_body());
    };
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}
