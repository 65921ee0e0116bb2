//! meldpunt: an anonymous reporting service for data-leak tips.
//!
//! Where things live: a tip is encrypted on arrival in [`seal`] (streamed from [`reporter::upload`]),
//! stored durably by [`store`], and answered with a receipt from [`receipt`]. Desks have their own
//! area in [`desk`]. [`web`] holds what every page shares (headers, trace, languages, errors).
#![forbid(unsafe_code)]

pub mod audit;
pub mod bundle;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod desk;
pub mod domain;
pub mod kdf;
pub mod offline;
pub mod passwords;
pub mod random;
pub mod receipt;
pub mod seal;
pub mod store;
pub mod telemetry;
pub mod web;
