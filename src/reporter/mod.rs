//! The reporter's use cases, apart from HTTP: a tip coming in, and its reporter coming back with
//! the receipt. The web pages (`web/reporter`) parse a request, call one of these and render the
//! answer; nothing here knows a request, a cookie or a page, so a JSON API or a command could call
//! the very same code.
//!
//! A tip's path, top to bottom: [`parts`] seals each part as it arrives and keeps the limits of a
//! submission; [`submission`] seals the manifest beside the parts and has [`crate::store`] make it
//! all durable before a receipt is shown. [`lookup`] turns a receipt back into the report and the
//! reporter's identity, reads the thread with it and deletes the replies that were read. Every use
//! case takes its inputs from a [`Reception`]. Reporters are never in the audit log, so the
//! reception has none.

pub mod error;
pub mod lookup;
pub mod parts;
pub mod reception;
pub mod submission;
#[cfg(test)]
mod tests;

pub use error::ReporterError;
pub use lookup::{Report, Reporter, Thread};
pub use parts::{Intake, Parts};
pub use reception::Reception;
