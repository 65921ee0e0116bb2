#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `meldpunt audit verify` against the real binary: an intact log passes, each kind of tampering
//! fails naming the first bad entry, also while the service runs. Help and the refusal of a
//! missing data folder are trycmd cases in `tests/cmd/audit.md`.

use std::path::Path;
use std::process::{Command, Output};

use meldpunt::audit::{Action, AuditLog, Entry};

/// A data folder whose audit log holds five entries.
fn folder_with_five_entries() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::open(dir.path()).unwrap();
    for i in 1..=5u64 {
        log.append(
            1_700_000_000 + i,
            "a.bakker",
            Action::Download,
            Some("r1"),
            None,
        )
        .unwrap();
    }
    dir
}

/// Changes the audit table directly, as someone with the database file would.
fn tamper(data: &Path, sql: &str) {
    let db = rusqlite::Connection::open(data.join("db/audit.sqlite")).unwrap();
    db.execute_batch(sql).unwrap();
}

/// The stored JSON of entry `seq`.
fn stored(data: &Path, seq: u64) -> Entry {
    let db = rusqlite::Connection::open(data.join("db/audit.sqlite")).unwrap();
    let json: String = db
        .query_row(
            "SELECT entry FROM audit WHERE seq = ?1",
            [seq as i64],
            |r| r.get(0),
        )
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

fn verify(data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["audit", "verify", "--data"])
        .arg(data)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_broken_at(output: &Output, seq: u64) {
    assert!(!output.status.success(), "{output:?}");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let expected = format!("BROKEN at entry {seq}:");
    assert!(stderr(output).contains(&expected), "{}", stderr(output));
}

#[test]
fn an_intact_log_verifies_and_counts_its_entries() {
    let dir = folder_with_five_entries();
    let output = verify(dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("5 entries"), "{stdout}");
}

#[test]
fn a_changed_officer_name_is_named_at_its_entry() {
    let dir = folder_with_five_entries();
    let mut entry = stored(dir.path(), 3);
    entry.officer = "j.devries".into();
    let json = serde_json::to_string(&entry).unwrap().replace('\'', "''");
    tamper(
        dir.path(),
        &format!("UPDATE audit SET entry = '{json}' WHERE seq = 3"),
    );
    assert_broken_at(&verify(dir.path()), 3);
}

#[test]
fn a_deleted_entry_is_named_as_missing() {
    let dir = folder_with_five_entries();
    tamper(dir.path(), "DELETE FROM audit WHERE seq = 2");
    let output = verify(dir.path());
    assert_broken_at(&output, 2);
    assert!(stderr(&output).contains("missing"), "{}", stderr(&output));
}

#[test]
fn two_swapped_entries_are_named_at_the_first() {
    let dir = folder_with_five_entries();
    tamper(
        dir.path(),
        "UPDATE audit SET seq = -4 WHERE seq = 4;
         UPDATE audit SET seq = 4 WHERE seq = 2;
         UPDATE audit SET seq = 2 WHERE seq = -4;",
    );
    assert_broken_at(&verify(dir.path()), 2);
}

#[test]
fn a_truncated_tail_is_named_at_the_first_removed_entry() {
    let dir = folder_with_five_entries();
    tamper(dir.path(), "DELETE FROM audit WHERE seq = 5");
    assert_broken_at(&verify(dir.path()), 5);
}

#[test]
fn a_log_held_open_by_another_process_is_verified_and_tampering_still_shows() {
    let dir = folder_with_five_entries();
    let held = AuditLog::open(dir.path()).unwrap();
    let output = verify(dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    held.append(1_800_000_000, "j.devries", Action::Logout, None, None)
        .unwrap();
    let output = verify(dir.path());
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("6 entries"),
        "an entry appended by the holder counts at once: {output:?}"
    );
    tamper(dir.path(), "DELETE FROM audit WHERE seq = 6");
    assert_broken_at(&verify(dir.path()), 6);
}
