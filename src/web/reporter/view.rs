//! What several reporter pages show alike: a desk's name and description in the reporter's
//! language, the limits of a submission (the submit form and the thread's follow-up form), and
//! the words for a report's status.

use serde::Serialize;

use crate::config::{DeskSettings, Limits};
use crate::domain::Lang;
use crate::store::{ReportRecord, Status};
use crate::web::{PageLang, format};

/// A desk as a page lists it.
#[derive(Serialize)]
pub struct DeskView<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    selected: bool,
}

pub fn desk_view(desk: &DeskSettings, lang: Lang, selected: bool) -> DeskView<'_> {
    DeskView {
        id: desk.id.as_str(),
        name: desk_name(desk, lang),
        description: match lang {
            Lang::Nl => &desk.description_nl,
            Lang::En => &desk.description_en,
        },
        selected,
    }
}

pub fn desk_name(desk: &DeskSettings, lang: Lang) -> &str {
    match lang {
        Lang::Nl => &desk.name_nl,
        Lang::En => &desk.name_en,
    }
}

/// The limits a form states next to its fields.
pub fn insert_limits(ctx: &mut tera::Context, lang: PageLang, limits: &Limits) {
    let lang = lang.lang;
    ctx.insert(
        "max_chars",
        &format::count(lang, limits.message_chars as u64, "chars"),
    );
    ctx.insert("max_chars_raw", &limits.message_chars);
    ctx.insert(
        "max_files",
        &format::count(lang, limits.files as u64, "files"),
    );
    ctx.insert("max_size", &format::size(lang, limits.submission_bytes));
}

/// The i18n key of what the reporter reads about their report's status: what the desk did, in
/// their terms, derived from the whole record and not the status alone. A desk that replied has
/// replied, whatever the status says (a transferred report starts again at `Received` with the
/// first desk's replies in it, and the reporter may have deleted their copies: the desk's copies
/// stay). A desk that extended the feedback term has read the report, even without a status change.
pub fn status_key(record: &ReportRecord) -> &'static str {
    let replied = record.items.iter().any(|i| i.kind.is_reply());
    match record.status {
        Status::Received | Status::Acknowledged if replied => "status_replied",
        Status::Received if record.forwarded_from.is_some() => "status_forwarded",
        Status::Received if record.extension.is_some() => "status_acknowledged",
        Status::Received => "status_received",
        Status::Acknowledged => "status_acknowledged",
        Status::InProgress => "status_in_progress",
        Status::FeedbackGiven => "status_feedback_given",
        Status::Closed => "status_closed",
    }
}
