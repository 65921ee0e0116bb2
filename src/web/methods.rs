//! Which methods a path answers, and how it says no to the others.
//!
//! Registered route by route, actix-web makes each method of a path a resource of its own: a
//! method none of them takes falls through to the app's 404, and a `GET` route does not answer
//! `HEAD`. Here each path is one resource instead. [`Methods::get`] answers `HEAD` with the same
//! handler (the HTTP/1 encoder sends the status and headers, Content-Length included, and drops
//! the body), and any other method hears 405 with an `Allow` header naming what the path takes:
//! a page in the visitor's language on both doors ([`page`]), JSON on the API ([`api`]).
//!
//! Every path must be registered once, with all its methods: a second resource for the same path
//! would never be reached, because the first one answers every method.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::Method;
use actix_web::{FromRequest, Handler, HttpResponse, Resource, Responder, Route, guard, web};

use crate::web::error::json;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// How a method the path does not take is refused.
#[derive(Clone, Copy)]
enum Refusal {
    Page,
    Json,
}

/// One path and the methods it answers; register it with `cfg.service(…)`.
pub struct Methods {
    resource: Resource,
    allow: Vec<Method>,
    refusal: Refusal,
}

/// A path of the pages (reporters' or desk's): a wrong method gets a page.
pub fn page(path: &str) -> Methods {
    Methods {
        resource: Resource::new(path),
        allow: Vec::new(),
        refusal: Refusal::Page,
    }
}

/// A path of the API: a wrong method gets JSON.
pub fn api(path: &str) -> Methods {
    Methods {
        refusal: Refusal::Json,
        ..page(path)
    }
}

/// A handler a route can run: the bounds of actix's `Route::to`, named once.
pub trait Endpoint<Args>: Handler<Args, Output: Responder + 'static> {}

impl<F, Args> Endpoint<Args> for F where F: Handler<Args, Output: Responder + 'static> {}

impl Methods {
    /// `GET`, and `HEAD` with the same handler.
    pub fn get<Args: FromRequest + 'static>(self, handler: impl Endpoint<Args>) -> Methods {
        let either = guard::Any(guard::Get()).or(guard::Head());
        self.with(
            &[Method::GET, Method::HEAD],
            web::route().guard(either).to(handler),
        )
    }

    pub fn post<Args: FromRequest + 'static>(self, handler: impl Endpoint<Args>) -> Methods {
        self.with(&[Method::POST], web::post().to(handler))
    }

    pub fn delete<Args: FromRequest + 'static>(self, handler: impl Endpoint<Args>) -> Methods {
        self.with(&[Method::DELETE], web::delete().to(handler))
    }

    fn with(mut self, methods: &[Method], route: Route) -> Methods {
        self.allow.extend_from_slice(methods);
        self.resource = self.resource.route(route);
        self
    }
}

impl HttpServiceFactory for Methods {
    fn register(self, config: &mut AppService) {
        let allow = self
            .allow
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let refuse = match self.refusal {
            Refusal::Page => web::to(move |state: web::Data<AppState>, lang: PageLang| {
                let failure = Failure::MethodNotAllowed(allow.clone());
                async move { Err::<HttpResponse, PageError>(state.fail(lang, failure)) }
            }),
            Refusal::Json => web::to(move || {
                let response = json::method_not_allowed(&allow);
                async move { response }
            }),
        };
        self.resource.default_service(refuse).register(config);
    }
}
