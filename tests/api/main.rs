//! Integration tests: the real application on port 0, a fresh data folder per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_area;
mod admin_live;
mod api_errors;
mod api_list;
mod bounds;
mod deletion;
mod desk_access;
mod desk_confirm;
mod desk_door;
mod desk_gates;
mod desk_helpers;
mod desk_inbox;
mod desk_login;
mod desk_statistics;
mod desk_work;
mod file_times;
mod flood;
mod followup;
mod followup_status;
mod form_errors;
mod headers;
mod helpers;
mod hostile_age;
mod logs;
mod methods;
mod notes;
mod notify;
mod officer_deletion;
mod offline;
mod padding;
mod reply_binding;
mod robustness;
mod same_origin;
mod submit;
mod submit_once;
mod transfer;
mod transfer_rekey;

#[path = "../common/mod.rs"]
mod common;
