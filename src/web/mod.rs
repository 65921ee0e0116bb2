//! The web layer shared by every area: security headers, the request trace, languages, page
//! rendering and the one place errors become pages.

pub mod bounds;
pub mod desk;
mod digest;
pub mod error;
pub mod form;
pub mod format;
pub mod headers;
pub mod i18n;
pub mod methods;
pub mod origin;
pub mod render;
pub mod reporter;
pub mod session;
pub mod startup;
pub mod state;
pub mod trace;

pub use error::{Failure, PageError};
pub use i18n::PageLang;
pub use render::Templates;
