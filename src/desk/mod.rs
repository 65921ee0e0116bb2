//! The desk side: officers, their inbox with legal deadlines, bundles, replies, status, transfer,
//! retention — as a web area under `/desk/` and a JSON API under `/desk/api/v1/`.

pub mod accounts;
pub mod deadlines;
pub mod digest;
pub mod officers;
pub mod reply;
pub mod retention;
pub mod statistics;
pub mod work;
