//! What the report page says beside its forms: the confirmation of the action just done
//! (`?done=…`, one of a fixed list, so a link cannot make the page say anything else), and the
//! text a typed reply starts from (`?template=…`): the desk's own from its configuration, else
//! the standard one in the page's language, with the desk's name filled in. Both come through
//! plain links and redirects, so they work without JavaScript.

use crate::config::DeskSettings;
use crate::web::reporter::view::desk_name;
use crate::web::{PageLang, i18n};

/// What an officer just did on the report page, confirmed after the redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Reply,
    Note,
    Status,
    Extension,
    Assignment,
    Label,
    TakenBack,
}

impl Done {
    const ALL: [Done; 7] = [
        Done::Reply,
        Done::Note,
        Done::Status,
        Done::Extension,
        Done::Assignment,
        Done::Label,
        Done::TakenBack,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Done::Reply => "reply",
            Done::Note => "note",
            Done::Status => "status",
            Done::Extension => "extension",
            Done::Assignment => "assignment",
            Done::Label => "label",
            Done::TakenBack => "taken_back",
        }
    }

    pub fn parse(key: &str) -> Option<Done> {
        Done::ALL.into_iter().find(|d| d.key() == key)
    }

    /// The sentence the page shows.
    pub fn text(self, lang: PageLang) -> String {
        i18n::text(lang.lang, &format!("desk_done_{}", self.key()))
    }
}

/// The texts a reply may start from, in the order the page offers them.
pub const TEMPLATES: [&str; 3] = ["acknowledgement", "information", "closure"];

/// The text of template `key` for this desk, or `None` for an unknown key.
pub fn template(desk: &DeskSettings, lang: PageLang, key: &str) -> Option<String> {
    let own = &desk.canned_replies;
    let configured = match key {
        "acknowledgement" => own.acknowledgement.as_ref(),
        "information" => own.information.as_ref(),
        "closure" => own.closure.as_ref(),
        _ => return None,
    };
    Some(match configured {
        Some(text) => text.clone(),
        None => i18n::text(lang.lang, &format!("canned_{key}"))
            .replace("{desk}", desk_name(desk, lang.lang)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_confirmation_key_parses_back_and_nothing_else_does() {
        for done in Done::ALL {
            assert_eq!(Done::parse(done.key()), Some(done));
        }
        assert_eq!(Done::parse("<script>"), None);
    }

    #[test]
    fn a_desks_own_template_wins_and_the_standard_one_names_the_desk() {
        use crate::domain::Lang;
        let nl = PageLang {
            lang: Lang::Nl,
            default: Lang::Nl,
        };
        let mut desk = DeskSettings::for_tests("ap");
        desk.name_nl = "Autoriteit Persoonsgegevens".into();
        let standard = template(&desk, nl, "closure").unwrap_or_default();
        assert!(
            standard.ends_with("Autoriteit Persoonsgegevens"),
            "{standard}"
        );
        desk.canned_replies.closure = Some("Eigen afsluiting.".into());
        assert_eq!(
            template(&desk, nl, "closure").as_deref(),
            Some("Eigen afsluiting.")
        );
        assert_eq!(template(&desk, nl, "unknown"), None);
    }
}
