//! Languages: which one a request wants, and the strings every page is made of.
//!
//! English lives under `/en/…` and Dutch under `/` (or `/nl/…` when the default is English);
//! `?lang=en` also works. The language never comes from a cookie (a reporter has none before
//! logging in) nor from `Accept-Language` (Tor Browser always sends `en-US`).
//!
//! The strings are in `templates/i18n.toml`, one table per language; a test checks both tables
//! have the same keys.

use std::collections::BTreeMap;
use std::future::{Ready, ready};
use std::sync::OnceLock;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::domain::Lang;
use crate::web::state::AppState;

const STRINGS: &str = include_str!("../../templates/i18n.toml");

pub type Strings = BTreeMap<String, String>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Tables {
    nl: Strings,
    en: Strings,
}

fn tables() -> Result<&'static Tables, String> {
    static TABLES: OnceLock<Result<Tables, String>> = OnceLock::new();
    TABLES
        .get_or_init(|| toml::from_str(STRINGS).map_err(|e| format!("templates/i18n.toml: {e}")))
        .as_ref()
        .map_err(Clone::clone)
}

/// Checks at start-up that the string tables load and agree, so a broken one stops the start.
pub fn check() -> Result<(), String> {
    let tables = tables()?;
    let missing: Vec<&String> = tables
        .nl
        .keys()
        .filter(|k| !tables.en.contains_key(*k))
        .chain(tables.en.keys().filter(|k| !tables.nl.contains_key(*k)))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "templates/i18n.toml: keys in one language only: {missing:?}"
        ))
    }
}

/// The strings of one language (empty if the tables failed to load, which `check` prevents).
pub fn strings(lang: Lang) -> &'static Strings {
    static EMPTY: Strings = BTreeMap::new();
    match (tables(), lang) {
        (Ok(t), Lang::Nl) => &t.nl,
        (Ok(t), Lang::En) => &t.en,
        (Err(_), _) => &EMPTY,
    }
}

/// One string, or its key when missing (visible, never a panic).
pub fn text(lang: Lang, key: &str) -> String {
    strings(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// The language of this request, and the path prefix that keeps the reporter in it.
#[derive(Debug, Clone, Copy)]
pub struct PageLang {
    pub lang: Lang,
    pub default: Lang,
}

impl PageLang {
    /// `""` for the default language, `"/en"` or `"/nl"` otherwise.
    pub fn prefix(self) -> &'static str {
        Self::prefix_for(self.lang, self.default)
    }

    fn prefix_for(lang: Lang, default: Lang) -> &'static str {
        match (lang == default, lang) {
            (true, _) => "",
            (false, Lang::En) => "/en",
            (false, Lang::Nl) => "/nl",
        }
    }

    /// The same page in the other language.
    pub fn switch_href(self, path: &str) -> String {
        let rest = path
            .strip_prefix("/en")
            .or_else(|| path.strip_prefix("/nl"))
            .filter(|r| r.is_empty() || r.starts_with('/'))
            .unwrap_or(path);
        let rest = if rest.is_empty() { "/" } else { rest };
        format!(
            "{}{}",
            Self::prefix_for(self.lang.other(), self.default),
            rest
        )
    }

    pub fn from_request_parts(req: &HttpRequest, default: Lang) -> PageLang {
        let path = req.path();
        let from_path = [Lang::En, Lang::Nl].into_iter().find(|l| {
            let p = format!("/{}", l.code());
            path == p || path.starts_with(&format!("{p}/"))
        });
        let from_query = || {
            web::Query::<LangQuery>::from_query(req.query_string())
                .ok()
                .and_then(|q| q.lang.as_deref().and_then(|l| l.parse().ok()))
        };
        PageLang {
            lang: from_path.or_else(from_query).unwrap_or(default),
            default,
        }
    }
}

#[derive(serde::Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl FromRequest for PageLang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let default = req
            .app_data::<web::Data<AppState>>()
            .map_or(Lang::Nl, |s| s.settings.default_lang);
        ready(Ok(PageLang::from_request_parts(req, default)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_strings() {
        check().unwrap();
        assert!(!strings(Lang::Nl).is_empty());
    }

    #[test]
    fn the_switch_link_keeps_the_page() {
        let nl = PageLang {
            lang: Lang::Nl,
            default: Lang::Nl,
        };
        let en = PageLang {
            lang: Lang::En,
            default: Lang::Nl,
        };
        assert_eq!(nl.switch_href("/submit"), "/en/submit");
        assert_eq!(en.switch_href("/en/submit"), "/submit");
        assert_eq!(en.switch_href("/en"), "/");
        assert_eq!(nl.switch_href("/"), "/en/");
    }
}
