//! Prints how long one receipt derivation takes on this machine with the given Argon2 cost,
//! to help an operator choose `[argon2]` settings. Not a test.
//!
//!     cargo run --release --example argon2_cost -- [m_kib] [t] [p]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use meldpunt::config::Argon2Settings;
use meldpunt::receipt::{ReceiptCode, derive};

fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers"))
        .collect();
    let d = Argon2Settings::default();
    let params = Argon2Settings {
        m_kib: args.first().copied().unwrap_or(d.m_kib),
        t: args.get(1).copied().unwrap_or(d.t),
        p: args.get(2).copied().unwrap_or(d.p),
    };
    let salt = [7u8; 32];
    let runs = 20;
    let mut times = Vec::new();
    for _ in 0..runs {
        let code = ReceiptCode::generate();
        let started = Instant::now();
        derive(&code, &salt, params).unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "Argon2id m={} KiB t={} p={}: median {:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs (one core)",
        params.m_kib,
        params.t,
        params.p,
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
