//! Same-origin posts only. A hostile page must not be able to make a visitor's browser post to
//! meldpunt: plant a tip in their name (`/submit`), swap their follow-up session for the
//! attacker's thread (`/followup`), or try an officer's password (`/desk/login`). Every request
//! that is not a read is refused with 403, before its body is looked at, when the browser says it
//! comes from elsewhere: `Sec-Fetch-Site` other than `same-origin` or `none` (typed or
//! bookmarked), or, from a browser that sends no `Sec-Fetch-Site`, an `Origin` whose host is not
//! the one asked for. A request with neither header is let through — Tor Browser strips them in some modes, and curl and scripts send none; the
//! forms' CSRF tokens and SameSite cookies still stand behind this.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};

use super::error::{Failure, PageError};
use super::i18n::PageLang;
use super::state::AppState;
use crate::domain::Lang;

/// True when the browser's own headers say the request was started by another site.
///
/// `Sec-Fetch-Site` decides when it is there: the browser sets it and no page can. Only without
/// it does `Origin` count — and `Origin: null` says nothing then: our own `Referrer-Policy:
/// no-referrer` makes Chromium and Firefox send exactly that with our own forms.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    if origin == "null" {
        return false;
    }
    let origin_host = origin.split_once("://").map(|(_, authority)| authority);
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (origin_host, host) {
        (Some(origin), Some(host)) => !origin.eq_ignore_ascii_case(host),
        _ => true,
    }
}

pub async fn same_origin_posts(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let reads = [Method::GET, Method::HEAD, Method::OPTIONS];
    if reads.contains(req.method()) || !is_cross_site(req.headers()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let default = state.as_ref().map_or(Lang::Nl, |s| s.settings.default_lang);
    let lang = PageLang::from_request_parts(req.request(), default);
    let refused = match &state {
        Some(state) => state.fail(lang, Failure::CrossSite),
        None => PageError {
            lang,
            failure: Failure::CrossSite,
            page: None,
        },
    };
    let response = refused.error_response();
    Ok(req.into_response(response).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    #[test]
    fn only_a_browser_that_says_elsewhere_is_refused() {
        let host = ("host", "abc.onion");
        for allowed in [
            vec![host],
            vec![host, ("origin", "http://abc.onion")],
            vec![host, ("origin", "https://ABC.onion")],
            vec![host, ("sec-fetch-site", "same-origin")],
            vec![host, ("sec-fetch-site", "none")],
            // What Chromium sends with our own forms, under our no-referrer policy.
            vec![host, ("origin", "null"), ("sec-fetch-site", "same-origin")],
            vec![host, ("origin", "null")],
        ] {
            assert!(!is_cross_site(&headers(&allowed)), "{allowed:?}");
        }
        for refused in [
            vec![host, ("origin", "http://evil.example")],
            vec![host, ("origin", "http://abc.onion.evil.example")],
            vec![host, ("origin", "null"), ("sec-fetch-site", "cross-site")],
            vec![
                host,
                ("origin", "http://abc.onion"),
                ("sec-fetch-site", "cross-site"),
            ],
            vec![host, ("sec-fetch-site", "cross-site")],
            vec![host, ("sec-fetch-site", "same-site")],
            vec![("origin", "http://abc.onion")],
        ] {
            assert!(is_cross_site(&headers(&refused)), "{refused:?}");
        }
    }
}
