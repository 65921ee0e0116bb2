//! Page rendering: the templates are compiled into the binary and all parsed at start-up, so a
//! broken template stops the start instead of failing a reporter later. Files end in `.html`, which
//! Tera escapes automatically; nothing a user wrote is ever marked `safe`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::i18n::{self, PageLang};

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

const TEMPLATES: [(&str, &str); 18] = templates![
    "base.html",
    "home.html",
    "guide.html",
    "submit.html",
    "receipt.html",
    "followup.html",
    "thread.html",
    "message.html",
    "macros.html",
    "message_fields.html",
    "error_summary.html",
    "desk_login.html",
    "desk_inbox.html",
    "desk_report.html",
    "desk_account.html",
    "desk_admin.html",
    "desk_audit.html",
    "desk_statistics.html",
];

pub const STYLESHEET: &str = include_str!("../../static/style.css");

pub struct Templates {
    tera: tera::Tera,
    demo: bool,
    onion: Option<String>,
}

impl Templates {
    pub fn load(demo: bool, onion: Option<String>) -> Result<Templates, String> {
        i18n::check()?;
        let mut tera = tera::Tera::new();
        tera.add_raw_templates(TEMPLATES)
            .map_err(|e| format!("templates: {e}"))?;
        Ok(Templates { tera, demo, onion })
    }

    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// The context every page starts from: strings, language links, banners.
    pub fn context(&self, req: &HttpRequest, lang: PageLang) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("t", i18n::strings(lang.lang));
        ctx.insert("lang", lang.lang.code());
        ctx.insert("prefix", lang.prefix());
        ctx.insert("switch_href", &lang.switch_href(req.path()));
        ctx.insert("switch_lang", lang.lang.other().code());
        ctx.insert("demo", &self.demo);
        let on_onion = super::headers::came_over_onion(req.headers());
        ctx.insert("advise_tor", &!on_onion);
        ctx.insert("onion", &self.onion.clone().unwrap_or_default());
        ctx.insert("desk_area", &false);
        // No problems on a page shown the first time (see `reporter::problem`).
        super::reporter::problem::insert(&mut ctx, &[]);
        ctx.insert("message_text", "");
        ctx
    }

    /// Renders a page; a rendering failure becomes a plain 500 with an operation id.
    pub fn page(&self, status: StatusCode, name: &str, ctx: &tera::Context) -> HttpResponse {
        match self.tera.render(name, ctx) {
            Ok(html) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(html),
            Err(e) => {
                let op = super::error::operation_id();
                tracing::error!(operation = %op, template = name, error = %e, "template failed");
                HttpResponse::InternalServerError()
                    .content_type("text/plain; charset=utf-8")
                    .body(format!("Internal error / interne fout ({op})"))
            }
        }
    }
}
