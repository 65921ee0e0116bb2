//! The API's gate: [`ApiOfficer`] is the officer whose bearer token the request carries, looked
//! up once per request, on the blocking pool. Without a good token the handler never runs and the
//! answer is 401 JSON; as no handler reads its body before its extractors succeeded, a stranger
//! cannot make the server read or store anything.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use zeroize::Zeroizing;

use crate::desk::work::{Actor, DeskError, DeskWork};
use crate::web::error::ApiFailure;
use crate::web::state::AppState;

/// The officer a bearer token belongs to.
pub struct ApiOfficer(pub Actor);

impl ApiOfficer {
    /// Answers 404 unless report `id` is at this officer's desk: checked before a body is read,
    /// so another desk's report answers exactly like a missing one, whatever the body holds.
    pub async fn sees(&self, state: &AppState, id: &str) -> Result<(), ApiFailure> {
        let id = id.to_owned();
        ApiOfficer(self.0.clone())
            .work(state, move |desk| desk.report(&id).map(|_| ()))
            .await
    }

    /// Runs blocking desk work as this officer, off the async threads.
    pub async fn work<T: Send + 'static>(
        self,
        state: &AppState,
        work: impl FnOnce(DeskWork) -> Result<T, DeskError> + Send + 'static,
    ) -> Result<T, ApiFailure> {
        let desk = state.desk_work(self.0);
        web::block(move || work(desk))
            .await
            .map_err(|e| ApiFailure::from(DeskError::Internal(e.to_string())))?
            .map_err(ApiFailure::from)
    }
}

/// The token of an `Authorization: Bearer …` header, wiped when dropped.
fn bearer(req: &HttpRequest) -> Option<Zeroizing<String>> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| Zeroizing::new(t.trim().to_owned()))
}

impl FromRequest for ApiOfficer {
    type Error = ApiFailure;
    type Future = LocalBoxFuture<'static, Result<ApiOfficer, ApiFailure>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| {
                ApiFailure::from(DeskError::Internal(
                    "the application state is missing".into(),
                ))
            })?;
            let token = token.ok_or_else(ApiFailure::unauthorized)?;
            let now = state.clock.now_unix();
            let found = web::block(move || state.officers.officer_for_token(&token, now))
                .await
                .map_err(|_| ApiFailure::unauthorized())?
                .map_err(|_| ApiFailure::unauthorized())?
                .ok_or_else(ApiFailure::unauthorized)?;
            Ok(ApiOfficer(Actor {
                name: found.name.clone(),
                desk: found.desk.clone(),
            }))
        })
    }
}
