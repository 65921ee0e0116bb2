//! `GET /guide`: a few plain questions (a GET form, no JavaScript) that recommend a desk.
//!
//! The advice follows the desks' remits: criminal acts (theft of data, intrusion, deliberate breach
//! of medical secrecy) go to the Openbaar Ministerie; a reporter who wants advice or protection as
//! a whistleblower goes to the Huis voor Klokkenluiders; personal-data breaches and GDPR violations
//! go to the Autoriteit Persoonsgegevens, which is also the safe default when unsure.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::view::desk_name;
use crate::domain::DeskId;
use crate::web::state::AppState;
use crate::web::{PageLang, i18n};

#[derive(Deserialize)]
pub struct Answers {
    what: Option<String>,
    advice: Option<String>,
}

/// The recommended desk and the key of the one-line reason.
pub fn recommend(what: &str, advice: &str) -> (&'static str, &'static str) {
    match (what, advice) {
        (_, "yes") => ("hvk", "guide_reason_advice"),
        ("crime", _) => ("om", "guide_reason_crime"),
        ("workplace", _) => ("hvk", "guide_reason_workplace"),
        ("breach", _) => ("ap", "guide_reason_breach"),
        _ => ("ap", "guide_reason_unsure"),
    }
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    answers: Option<web::Query<Answers>>,
) -> HttpResponse {
    let mut ctx = state.templates.context(&req, lang);
    let (what, advice) = answers
        .map(|a| {
            (
                a.what.clone().unwrap_or_default(),
                a.advice.clone().unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    ctx.insert("what", &what);
    ctx.insert("advice", &advice);
    if !what.is_empty() {
        let (desk_id, reason) = recommend(&what, &advice);
        let desk = desk_id
            .parse::<DeskId>()
            .ok()
            .and_then(|id| state.desk(&id))
            .or_else(|| state.settings.desks.first());
        if let Some(desk) = desk {
            ctx.insert("recommended_id", desk.id.as_str());
            ctx.insert("recommended_name", desk_name(desk, lang.lang));
            ctx.insert("reason", &i18n::text(lang.lang, reason));
        }
    }
    state.templates.page(StatusCode::OK, "guide.html", &ctx)
}

#[cfg(test)]
mod tests {
    use super::recommend;

    #[test]
    fn the_guide_sends_each_case_to_the_competent_desk() {
        assert_eq!(recommend("crime", "no").0, "om");
        assert_eq!(recommend("breach", "no").0, "ap");
        assert_eq!(recommend("workplace", "no").0, "hvk");
        assert_eq!(recommend("breach", "yes").0, "hvk");
        assert_eq!(recommend("unsure", "no").0, "ap");
    }
}
