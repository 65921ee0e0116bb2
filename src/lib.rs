//! meldpunt: an anonymous reporting service for data-leak tips.
//!
//! Where things live: a tip comes in through the reporter's pages in [`web`], is encrypted on
//! arrival in [`seal`] (part by part, by [`reporter::parts`]), stored durably by [`store`] (through
//! [`reporter::submission`]), and answered with a receipt from [`receipt`]. The reporter's use
//! cases are in [`reporter`], the desks' in [`desk`]. [`web`] holds everything that knows HTTP.
#![forbid(unsafe_code)]

pub mod audit;
pub mod backup;
pub mod bundle;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod desk;
pub mod domain;
pub mod kdf;
pub mod notify;
pub mod offline;
pub mod passwords;
pub mod private;
pub mod random;
pub mod receipt;
pub mod reporter;
pub mod seal;
pub mod store;
pub mod telemetry;
pub mod web;
