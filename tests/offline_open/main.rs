//! `meldpunt open` against bundles built here: good ones, hostile ones and fuzzed ones. Every case
//! checks that nothing was written next to `--out` and that no link exists under it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod fuzz;
mod helpers;
mod hostile_entries;
mod hostile_items;
mod layout;
mod tar_bytes;
mod work;
