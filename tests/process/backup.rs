//! `meldpunt backup` while eight reporters keep sending tips and follow-ups, then `meldpunt
//! restore` into a new folder: a service on the restored folder opens every receipt acknowledged
//! before the backup began, every item decrypts (the crash test's own checks), and the audit
//! chain verifies. The checks read the restored folder and its pages, not the backup's listing.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret;

use crate::common::binary::{meldpunt, run, spawn};
use crate::crash_load::clients::{self, Shared};
use crate::crash_load::ledger::Ledger;
use crate::crash_load::verify;

const REPORTERS: u64 = 8;
const ENV: [(&str, &str); 1] = [("MELDPUNT_FOLLOWUP_FLOOR_MS", "50")];

fn stdout(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Waits until the load has had `tips` tips and some follow-ups acknowledged.
async fn wait_for_load(shared: &Shared, tips: u32) {
    let began = Instant::now();
    loop {
        {
            let ledger = shared.ledger.lock().unwrap();
            assert!(ledger.failures.is_empty(), "{:?}", ledger.failures);
            if ledger.counts.tips_acked >= tips && ledger.counts.followups_acked >= 2 {
                return;
            }
        }
        assert!(
            began.elapsed() < Duration::from_secs(120),
            "the load got too little acknowledged"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_load_restores_whole_with_every_receipt_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = spawn(&data, &ENV);
    let port = tokio::task::block_in_place(|| server.wait_ready(Duration::from_secs(120)))
        .unwrap_or_else(|log| panic!("the server did not start:\n{}", log.join("\n")));
    let s = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    // Two audit entries, so the chain has something to verify.
    let added = run(
        meldpunt()
            .args(["officer", "add", "--data", &s(&data), "--desk", "ap"])
            .args(["--name", "j.devries", "--password-stdin"]),
        Some("a long passphrase for the test\n"),
    );
    assert!(added.status.success(), "{}", stdout(&added));
    let token = run(
        meldpunt().args([
            "officer",
            "token",
            "--data",
            &s(&data),
            "--name",
            "j.devries",
        ]),
        None,
    );
    assert!(token.status.success(), "{}", stdout(&token));

    let (_port_tx, port_rx) = tokio::sync::watch::channel(Some(port));
    let shared = Arc::new(Shared::new(port_rx));
    let reporters: Vec<_> = (0..REPORTERS)
        .map(|i| tokio::spawn(clients::run(shared.clone(), 0x5eed ^ (i + 1))))
        .collect();
    wait_for_load(&shared, 12).await;

    // What was acknowledged before the backup began is what the restore must hold.
    let before: Ledger = shared.ledger.lock().unwrap().clone();
    let key = age::x25519::Identity::generate();
    let key_file = dir.path().join("backup.key");
    std::fs::write(&key_file, key.to_string().expose_secret()).unwrap();
    let out = dir.path().join("backup.age");
    let backup = tokio::task::block_in_place(|| {
        run(
            meldpunt()
                .args(["backup", "--data", &s(&data), "--out", &s(&out)])
                .args(["--recipient", &key.to_public().to_string()]),
            None,
        )
    });
    assert!(backup.status.success(), "{}", stdout(&backup));
    // The service kept serving: the load goes on being acknowledged after the backup.
    let acked_at_backup = shared.ledger.lock().unwrap().counts.tips_acked;
    wait_for_load(&shared, acked_at_backup + 4).await;
    shared.stop.store(true, Ordering::SeqCst);
    for reporter in reporters {
        reporter.await.unwrap();
    }
    let after = std::mem::take(&mut *shared.ledger.lock().unwrap());
    assert!(after.failures.is_empty(), "{:?}", after.failures);
    drop(server);

    // The backup is ciphertext from its first byte.
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    assert!(!bytes.windows(15).any(|w| w == b"SQLite format 3"));

    let restored = dir.path().join("restored");
    let restore = run(
        meldpunt()
            .args(["restore", "--from", &s(&out), "--identity", &s(&key_file)])
            .args(["--data", &s(&restored)]),
        None,
    );
    let said = stdout(&restore);
    assert!(restore.status.success(), "{said}");
    assert!(
        said.contains("every item and the audit chain are whole"),
        "{said}"
    );

    // Acknowledged before the backup: must be there. Sent at all: may be there — a follow-up
    // sent after the snapshot of the ledger may still have been stored before the backup's
    // snapshot of the database, so each tip's "sent" is counted to the end of the load.
    let mut tips = before.tips;
    for tip in &mut tips {
        if let Some(later) = after.tips.iter().find(|t| t.tip == tip.tip) {
            tip.followups_sent = later.followups_sent;
        }
    }
    let expected = Ledger {
        tips,
        sent: after.sent,
        ..Ledger::default()
    };
    let mut failures = Vec::new();
    let found = verify::data_folder(&restored, &expected, &mut failures);
    let mut again = spawn(&restored, &ENV);
    let port = tokio::task::block_in_place(|| again.wait_ready(Duration::from_secs(120)))
        .unwrap_or_else(|log| panic!("no service on the restored folder:\n{}", log.join("\n")));
    verify::receipts(port, &expected, &found, &mut failures).await;
    drop(again);
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(found.reports >= 12, "{} reports restored", found.reports);

    let verified = run(
        meldpunt().args(["audit", "verify", "--data", &s(&restored)]),
        None,
    );
    let said = stdout(&verified);
    assert!(verified.status.success(), "{said}");
    assert!(said.contains("2 entries"), "{said}");

    // A second restore into the same folder is refused and changes nothing.
    let again = run(
        meldpunt()
            .args(["restore", "--from", &s(&out), "--identity", &s(&key_file)])
            .args(["--data", &s(&restored)]),
        None,
    );
    assert_eq!(again.status.code(), Some(2), "{}", stdout(&again));
}
