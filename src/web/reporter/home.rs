//! `GET /`: what this service is, how anonymity works, and where to go next.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::submit::desk_name;
use crate::domain::Lang;
use crate::web::PageLang;
use crate::web::state::AppState;

#[derive(Serialize)]
struct DeskView<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
}

pub async fn page(state: web::Data<AppState>, req: HttpRequest, lang: PageLang) -> HttpResponse {
    let desks: Vec<DeskView> = state
        .settings
        .desks
        .iter()
        .map(|d| DeskView {
            id: d.id.as_str(),
            name: desk_name(d, lang.lang),
            description: match lang.lang {
                Lang::Nl => &d.description_nl,
                Lang::En => &d.description_en,
            },
        })
        .collect();
    let mut ctx = state.templates.context(&req, lang);
    ctx.insert("desks", &desks);
    state.templates.page(StatusCode::OK, "home.html", &ctx)
}
