//! The desk side. For now: writing a reply to a reporter through the library (the desk web area
//! and API come with the officers' issue).

pub mod reply;
