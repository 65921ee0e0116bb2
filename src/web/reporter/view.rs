//! What several reporter pages show alike: a desk's name and description in the reporter's
//! language, and the limits of a submission (the submit form and the thread's follow-up form).

use serde::Serialize;

use crate::config::{DeskSettings, Limits};
use crate::domain::Lang;

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
