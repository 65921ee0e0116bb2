#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Browser tests: the real application on port 0, driven with fantoccini through `chromedriver`
//! and a headless Chromium. A reporter's path with JavaScript off, an officer's path, and every
//! page checked with axe-core, by keyboard and at 320 px. Without Chromium or chromedriver the tests say
//! `*** SKIPPED ***` and pass, except under `CI=true`, where they fail.

#[path = "../common/mod.rs"]
mod common;

// The API tests' in-process application (`spawn_app`) and its officers, as they are; it stays
// beside the API tests, whose store it follows. This binary uses only a part of it.
#[allow(dead_code, unused_imports)]
#[path = "../api/desk_helpers.rs"]
mod desk_helpers;
#[allow(dead_code, unused_imports)]
#[path = "../api/helpers.rs"]
mod helpers;

mod accessibility;
mod accessibility_thread;
mod audit;
mod chromedriver;
mod inbox;
mod officer;
mod page;
mod reporter;
mod reporter_errors;
mod steps;
