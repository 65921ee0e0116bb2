//! Tests that run the real `meldpunt` binary as a child process: crash safety (SIGKILL at the
//! worst moments, and at random ones under load), durability (fsync before the receipt, seen with
//! strace), a full disk, and that a failing test leaves no server running.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod api_contract;
mod backup;
mod cleanup;
mod config;
mod crash;
mod crash_load;
mod durability;
mod file_modes;
mod full_disk;
mod log_formats;
mod no_plaintext;
mod plugin;
