//! The desk side: officers and their logins and tokens ([`officers`]), and writing a reply to a
//! reporter through the library ([`reply`]). The desk web area and API build on these.

pub mod officers;
pub mod reply;
