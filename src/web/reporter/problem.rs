//! Bad input on a reporter's form, told the GOV.UK way: the same form again, an error summary at
//! the top linking to each field with a problem, the message beside the field, and the title
//! starting with "Fout: " / "Error: ". Which use-case failures are such field problems, and with
//! what status, is decided here; every other failure stays an error page
//! ([`super::reception::fail`]).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use serde::Serialize;

use super::reception::limit;
use crate::reporter::ReporterError;
use crate::web::{PageLang, i18n};

/// One field's problem: the field's id (the summary links to `#field`) and what is wrong.
#[derive(Serialize)]
pub struct FieldProblem {
    pub field: &'static str,
    pub text: String,
}

/// A form's problem and the status its page is sent with.
pub struct Problem {
    pub status: StatusCode,
    pub field: FieldProblem,
}

impl Problem {
    pub fn new(status: StatusCode, field: &'static str, text: String) -> Problem {
        Problem {
            status,
            field: FieldProblem { field, text },
        }
    }

    /// The field problem a use-case failure is, if it is one (else an error page tells it).
    pub fn of(lang: PageLang, error: &ReporterError) -> Option<Problem> {
        let t = |k: &str| i18n::text(lang.lang, k);
        if let Some(limit) = limit(lang.lang, error) {
            let field = match error {
                ReporterError::MessageTooLong { .. } => "message",
                _ => "attachment",
            };
            let text = format!("{} {limit}", t("err_too_large"));
            return Some(Problem::new(StatusCode::PAYLOAD_TOO_LARGE, field, text));
        }
        let (field, key) = match error {
            ReporterError::NoDesk => ("desk", "err_no_desk"),
            ReporterError::Empty => ("message", "err_empty"),
            _ => return None,
        };
        Some(Problem::new(StatusCode::BAD_REQUEST, field, t(key)))
    }

    /// Puts the problem on the page: `errors` for the summary and the title, `field_errors` for
    /// the message beside each field.
    pub fn insert(&self, ctx: &mut tera::Context) {
        insert(ctx, std::slice::from_ref(&self.field));
    }
}

/// The context's list of problems (none on a page shown the first time).
pub fn insert(ctx: &mut tera::Context, problems: &[FieldProblem]) {
    let by_field: BTreeMap<&str, &str> = problems
        .iter()
        .map(|p| (p.field, p.text.as_str()))
        .collect();
    ctx.insert("errors", problems);
    ctx.insert("field_errors", &by_field);
}
