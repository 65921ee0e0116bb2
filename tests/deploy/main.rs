//! The files in `deploy/`, checked by the programs that will read them on the server: tor, systemd,
//! nginx, and the `meldpunt` binary itself for the example configuration and every command the
//! operator guide shows. One module per file or tool; what they share is in `support`.
//!
//! A test whose tool is missing prints a loud SKIPPED line and passes, except under `CI=true`,
//! where `.ci/run` installs every tool used here (systemd-analyze comes with Debian) and a missing
//! one is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod backup_timer;
mod example_config;
mod guide;
mod nginx;
mod nginx_upload;
mod support;
mod syscalls;
mod systemd;
mod tor;
