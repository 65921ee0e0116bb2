//! What several reporter pages show alike: a desk's name and description in the reporter's
//! language, the limits of a submission (the submit form and the thread's follow-up form), and
//! the words for a report's status.

use serde::Serialize;

use crate::config::{DeskSettings, Limits};
use crate::domain::Lang;
use crate::store::{ReportRecord, Status};

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
pub fn insert_limits(ctx: &mut tera::Context, limits: &Limits) {
    ctx.insert("max_chars", &limits.message_chars);
    ctx.insert("max_files", &limits.files);
    ctx.insert("max_mib", &(limits.submission_bytes / (1024 * 1024)));
}

/// The i18n key of what the reporter reads about their report's status: what the desk did, in
/// their terms. The first reply acknowledges a report (`store::course`), so an acknowledged report
/// with a reply reads "the desk has replied" rather than only "has read".
pub fn status_key(record: &ReportRecord) -> String {
    match record.status {
        Status::Acknowledged if record.replies().next().is_some() => "status_replied".into(),
        status => format!("status_{}", status.key()),
    }
}
