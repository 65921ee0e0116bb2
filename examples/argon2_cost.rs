//! Prints how long the two derivations meldpunt runs take on this machine: a receipt's keys
//! (HKDF-SHA256, on every submission and follow-up) and an officer's password check (Argon2id
//! with the crate defaults, m = 19 MiB, t = 2, p = 1, on every login). Not a test.
//!
//!     cargo run --release --example argon2_cost
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use meldpunt::receipt::{ReceiptCode, derive};

fn main() {
    let salt = [7u8; 32];
    let receipts = time(2000, || {
        derive(&ReceiptCode::generate(), &salt).unwrap();
    });
    report("receipt keys, HKDF-SHA256", &receipts, "µs", 1e6);

    let hash = Argon2::default()
        .hash_password_with_salt(b"correct horse battery staple", b"sixteen byte salt")
        .unwrap()
        .to_string();
    let logins = time(20, || {
        let _ = Argon2::default().verify_password(b"a wrong password", hash.as_str());
    });
    report(
        "officer password, Argon2id m=19 MiB t=2 p=1",
        &logins,
        "ms",
        1e3,
    );
}

/// Seconds per run, sorted.
fn time(runs: usize, mut work: impl FnMut()) -> Vec<f64> {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

fn report(what: &str, times: &[f64], unit: &str, scale: f64) {
    let n = times.len();
    println!(
        "{what}: median {:.1} {unit}, min {:.1} {unit}, max {:.1} {unit} over {n} runs (one core)",
        times[n / 2] * scale,
        times[0] * scale,
        times[n - 1] * scale
    );
}
