//! What the test binaries share: a guard that kills the child processes a test starts, the real
//! `meldpunt` binary (one-shot commands and `serve` on a free port), reading pages, files and demo
//! identities, a real SMTP server for the digest mail (aiosmtpd), and the loud skip for a missing
//! tool.
//!
//! A test file at the top of `tests/` includes it as `mod common;`, a test folder with a `main.rs`
//! as `#[path = "../common/mod.rs"] mod common;`. Each binary uses only a part of it, hence the
//! `dead_code` allowance.
#![allow(dead_code)]

pub mod binary;
pub mod child;
pub mod files;
pub mod page;
pub mod smtp;
pub mod tools;
