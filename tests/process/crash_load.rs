//! Kill -9 under load: sixteen reporters submit tips, tips with files and follow-ups while a
//! killer SIGKILLs the real binary at random moments, some of them during start-up, and starts it
//! again. Afterwards nothing acknowledged is lost, nothing is stored twice or in half, and `tmp/`
//! is empty (see [`verify`] for what exactly is checked).
//!
//! `MELDPUNT_CRASH_KILLS` sets the number of kills under load (default 8, for `cargo test`);
//! `bench/crash.sh` runs 40 against a release build. `MELDPUNT_CRASH_SEED` repeats a run's
//! random choices (the timing of a real process is never quite repeatable).

pub(crate) mod clients;
pub(crate) mod ledger;
pub(crate) mod payload;
pub(crate) mod verify;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clients::Shared;
use ledger::Ledger;
use payload::Rng;

use crate::common::binary::{Server, listening, spawn};

const REPORTERS: u64 = 16;
/// The log-in floor only slows the test down; its timing is not what is tested here.
const ENV: [(&str, &str); 1] = [("MELDPUNT_FOLLOWUP_FLOOR_MS", "50")];

#[derive(Default)]
struct Kills {
    under_load: u32,
    during_start_up: u32,
    /// A start-up kill that came just after the port was printed: not counted as during start-up.
    just_after_start_up: u32,
}

impl Kills {
    /// Counts a kill of a starting server by what it had said before it died.
    fn count_start_up(&mut self, log: &[String]) {
        if log.iter().any(|l| listening(l).is_some()) {
            self.just_after_start_up += 1;
        } else {
            self.during_start_up += 1;
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Starts the server and waits for its port, without stalling the reporters' tasks.
fn start(data: &std::path::Path) -> (Server, Duration) {
    let began = Instant::now();
    let mut server = spawn(data, &ENV);
    let ready = tokio::task::block_in_place(|| server.wait_ready(Duration::from_secs(120)));
    if let Err(log) = ready {
        panic!("the server did not come up again:\n{}", log.join("\n"));
    }
    (server, began.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_at_random_moments_under_load_loses_nothing_acknowledged_and_halves_nothing() {
    let wanted = env_number("MELDPUNT_CRASH_KILLS", 8) as u32;
    let seed = env_number(
        "MELDPUNT_CRASH_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    );
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The very first starts of a new folder, which create the salt and the demo keys, are
    // killed at random moments too: each must leave a folder the next start takes up.
    let mut kills = Kills::default();
    for _ in 0..3 {
        let spawned = spawn(&data, &ENV);
        tokio::time::sleep(Duration::from_micros(rng.range(0, 300_000))).await;
        kills.count_start_up(&spawned.kill());
    }
    let (mut server, mut start_up) = start(&data);
    let (port, port_rx) = tokio::sync::watch::channel(None);
    let shared = Arc::new(Shared::new(port_rx));
    let reporters: Vec<_> = (0..REPORTERS)
        .map(|i| tokio::spawn(clients::run(shared.clone(), seed ^ (i + 1))))
        .collect();

    while kills.under_load < wanted {
        port.send_replace(Some(server.port));
        tokio::time::sleep(Duration::from_millis(rng.range(200, 2500))).await;
        port.send_replace(None);
        server.kill();
        kills.under_load += 1;
        let last = kills.under_load == wanted;
        while rng.chance(25) || (last && kills.during_start_up == 0) {
            let spawned = spawn(&data, &ENV);
            let delay = rng.range(0, start_up.as_micros() as u64);
            tokio::time::sleep(Duration::from_micros(delay)).await;
            kills.count_start_up(&spawned.kill());
        }
        (server, start_up) = start(&data);
    }
    shared.stop.store(true, Ordering::SeqCst);
    for reporter in reporters {
        reporter.await.unwrap();
    }

    // `server` is the last start, after the last kill, and has had no load: check it.
    let ledger = std::mem::take(&mut *shared.ledger.lock().unwrap());
    let mut failures = ledger.failures.clone();
    let found = verify::data_folder(&data, &ledger, &mut failures);
    verify::receipts(server.port, &ledger, &found, &mut failures).await;
    drop(server);
    report(seed, &kills, &ledger, &found, &failures);

    assert!(
        failures.is_empty(),
        "{} failures (listed above)",
        failures.len()
    );
    let c = &ledger.counts;
    assert!(
        c.tips_acked > 0 && c.tip_files_acked > 0 && c.followups_acked > 0,
        "the load must get tips, files and follow-ups acknowledged, or nothing was tested"
    );
    assert!(
        c.cut > 0,
        "some kills must have landed on requests in flight"
    );
    assert!(kills.during_start_up > 0);
}

fn report(seed: u64, kills: &Kills, ledger: &Ledger, found: &verify::Found, failures: &[String]) {
    let c = &ledger.counts;
    let count = |f: fn(&payload::Marker) -> bool| found.markers.iter().filter(|m| f(m)).count();
    let found_tips = count(|m| matches!(m, payload::Marker::Tip { .. }));
    let found_tip_files = count(|m| matches!(m, payload::Marker::TipFile { .. }));
    let found_followups = count(|m| matches!(m, payload::Marker::Followup { .. }));
    let found_followup_files = count(|m| matches!(m, payload::Marker::FollowupFile { .. }));
    println!(
        "crash test (MELDPUNT_CRASH_SEED={seed}, {REPORTERS} reporters)\n\
         kills:        {} under load, {} during start-up, {} just after start-up\n\
         sent:         {} tips ({} with files, {} files), {} follow-ups ({} files)\n\
         acknowledged: {} tips, {} tip files, {} follow-ups, {} follow-up files\n\
         found:        {} tips, {} tip files, {} follow-ups, {} follow-up files \
         in {} reports with {} manifests\n\
         cut by kills: {} requests\n\
         failures:     {}",
        kills.under_load,
        kills.during_start_up,
        kills.just_after_start_up,
        c.tips_sent,
        c.tips_with_files_sent,
        c.tip_files_sent,
        c.followups_sent,
        c.followup_files_sent,
        c.tips_acked,
        c.tip_files_acked,
        c.followups_acked,
        c.followup_files_acked,
        found_tips,
        found_tip_files,
        found_followups,
        found_followup_files,
        found.reports,
        found.manifests,
        c.cut,
        failures.len(),
    );
    for failure in failures {
        println!("  FAILURE: {failure}");
    }
}
