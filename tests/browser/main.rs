#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Browser tests: the real application on port 0, driven with fantoccini through `chromedriver`
//! and a headless Chromium. A reporter's path with JavaScript off, an officer's path, and every
//! page checked with axe-core, by keyboard and at 320 px. Without Chromium or chromedriver the tests say
//! `*** SKIPPED ***` and pass, except under `CI=true`, where they fail.

// The application helpers of the API tests, shared as they are; this binary uses only a part.
#[allow(dead_code)]
#[path = "../api/desk_helpers.rs"]
mod desk_helpers;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

mod accessibility;
mod audit;
mod chromedriver;
mod officer;
mod page;
mod reporter;
mod steps;
