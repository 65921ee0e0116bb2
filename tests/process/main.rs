//! Tests that run the real `meldpunt` binary as a child process: crash safety (SIGKILL at the
//! worst moments, and at random ones under load) and durability (fsync before the receipt, seen with strace).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod crash;
mod crash_load;
mod durability;
mod server;
