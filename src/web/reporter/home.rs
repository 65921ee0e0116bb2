//! `GET /`: what this service is, how anonymity works, and where to go next.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::view::{DeskView, desk_view};
use crate::web::PageLang;
use crate::web::state::AppState;

pub async fn page(state: web::Data<AppState>, req: HttpRequest, lang: PageLang) -> HttpResponse {
    let desks: Vec<DeskView> = state
        .settings
        .desks
        .iter()
        .map(|d| desk_view(d, lang.lang, false))
        .collect();
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert("desks", &desks);
    state.templates.page(StatusCode::OK, "home.html", &ctx)
}
