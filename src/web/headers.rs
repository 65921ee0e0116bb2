//! One middleware that sets the security headers on every response.
//!
//! - `Content-Security-Policy`: nothing but our own stylesheet and forms; no script source is
//!   needed anywhere (MDN: CSP; OWASP Secure Headers Project).
//! - `frame-ancestors 'none'` and `X-Frame-Options: DENY`: no framing, against click-jacking.
//! - `Referrer-Policy: no-referrer`: a reporter's path never leaks to another site.
//! - `X-Content-Type-Options: nosniff`: uploads are never served, but be strict anyway.
//! - `Cache-Control: no-store` on every HTML page: receipts and threads must not linger in a
//!   shared computer's cache. Only the stylesheet may be cached.
//! - No `Server` header: nothing to fingerprint.
//! - `Onion-Location` on clearnet answers when an onion address is configured.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Path prefix of assets that may be cached.
const STATIC_PREFIX: &str = "/static/";

pub async fn security_headers(
    onion: Option<String>,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let is_static = req.path().starts_with(STATIC_PREFIX);
    let on_onion = came_over_onion(req.headers());
    let onion_location = onion
        .filter(|_| !on_onion)
        .map(|o| format!("http://{o}{}", req.path()));
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let set =
        |h: &mut actix_web::http::header::HeaderMap, name: HeaderName, value: &'static str| {
            h.insert(name, HeaderValue::from_static(value));
        };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    );
    if is_static {
        set(headers, header::CACHE_CONTROL, "public, max-age=86400");
    } else {
        set(headers, header::CACHE_CONTROL, "no-store");
        set(headers, header::PRAGMA, "no-cache");
    }
    if let Some(location) = onion_location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(HeaderName::from_static("onion-location"), location);
    }
    headers.remove(header::SERVER);
    Ok(res)
}

/// True when the request's `Host` names an onion address (Tor Browser on the onion service).
pub fn came_over_onion(headers: &header::HeaderMap) -> bool {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.split(':').next())
        .is_some_and(|h| h.ends_with(".onion"))
}
