#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `meldpunt audit verify` against the real binary: an intact log passes, each kind of tampering
//! fails naming the first bad entry, also while the service runs. Help and the refusal of a
//! missing data folder are trycmd cases in `tests/cmd/audit.md`. `audit export` prints what
//! verify checks, and `verify --expect` and the officers' entries catch a log rewritten whole or
//! cut from its start.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use meldpunt::audit::{Action, AuditLog, Entry};

use common::binary::{meldpunt, run};

/// A data folder whose audit log holds five entries.
fn folder_with_five_entries() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    append_downloads(dir.path(), 1_700_000_000, 5);
    dir
}

/// Appends `count` downloads of report r1 by a.bakker, one second apart after `since`.
fn append_downloads(data: &Path, since: u64, count: u64) {
    let log = AuditLog::open(data).unwrap();
    for i in 1..=count {
        log.append(since + i, "a.bakker", Action::Download, Some("r1"), None)
            .unwrap();
    }
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

fn audit(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .arg("audit")
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap()
}

/// The hash `verify` names as the last entry's.
fn last_hash(data: &Path) -> String {
    let output = verify(data);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    stdout
        .split("hash ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no hash in {stdout}"))
        .to_owned()
}

/// A data folder with one officer, added through the real command (so the log holds the entry
/// that adds her), and two downloads after it.
fn folder_with_an_officer() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // The desks live in the service's configuration; one beside the folder names desk ap.
    let config = dir.path().with_extension("toml");
    let key = age::x25519::Identity::generate().to_public();
    std::fs::write(
        &config,
        format!(
            "[[desk]]\nid = \"ap\"\nname_nl = \"AP\"\nname_en = \"AP\"\nrecipients = [\"{key}\"]\n"
        ),
    )
    .unwrap();
    let output = run(
        meldpunt()
            .args(["officer", "add", "--data"])
            .arg(dir.path())
            .arg("--config")
            .arg(&config)
            .args(["--desk", "ap", "--password-stdin", "--name", "a.bakker"]),
        Some("correct horse battery staple\n"),
    );
    let _ = std::fs::remove_file(&config);
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(&output)
    );
    append_downloads(dir.path(), 1_900_000_000, 2);
    dir
}

#[test]
fn export_prints_one_json_object_per_entry_with_time_officer_action_report_and_reason() {
    let dir = folder_with_five_entries();
    AuditLog::open(dir.path())
        .unwrap()
        .append(
            1_700_000_006,
            "j.devries",
            Action::Transfer,
            Some("r2"),
            Some("to om: fraud"),
        )
        .unwrap();
    let output = audit(dir.path(), &["export"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    assert_eq!(lines[0]["seq"], 1);
    assert_eq!(lines[0]["time"], "2023-11-14T22:13:21Z");
    assert_eq!(lines[0]["officer"], "a.bakker");
    assert_eq!(lines[0]["action"], "download");
    assert_eq!(lines[0]["report"], "r1");
    assert!(lines[0]["reason"].is_null());
    assert_eq!(lines[5]["officer"], "j.devries");
    assert_eq!(lines[5]["action"], "transfer");
    assert_eq!(lines[5]["report"], "r2");
    assert_eq!(lines[5]["reason"], "to om: fraud");
    assert_eq!(lines[5]["hash"], last_hash(dir.path()));
}

#[test]
fn export_of_a_broken_log_prints_it_all_and_fails() {
    let dir = folder_with_five_entries();
    tamper(dir.path(), "DELETE FROM audit WHERE seq = 3");
    let output = audit(dir.path(), &["export"]);
    assert_broken_at(&output, 3);
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 4);
}

#[test]
fn verify_with_the_kept_hash_passes_and_with_another_fails() {
    let dir = folder_with_five_entries();
    let kept = last_hash(dir.path());
    let output = audit(dir.path(), &["verify", "--expect", &kept]);
    assert!(output.status.success(), "{}", stderr(&output));
    let upper = kept.to_uppercase();
    assert!(
        audit(dir.path(), &["verify", "--expect", &upper])
            .status
            .success()
    );

    // The whole chain rewritten by someone with the database: intact in itself, but it no longer
    // ends where the printout says.
    AuditLog::open(dir.path())
        .unwrap()
        .append(1_800_000_000, "a.bakker", Action::Logout, None, None)
        .unwrap();
    let output = audit(dir.path(), &["verify", "--expect", &kept]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stderr(&output).contains("does NOT end in the expected hash"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verify_with_an_expected_hash_refuses_an_empty_log() {
    let dir = tempfile::tempdir().unwrap();
    AuditLog::open(dir.path()).unwrap();
    let output = audit(dir.path(), &["verify", "--expect", "ab12"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stderr(&output).contains("empty"), "{}", stderr(&output));
}

#[test]
fn an_empty_log_passes_on_a_fresh_install_but_not_when_officers_exist() {
    let fresh = tempfile::tempdir().unwrap();
    AuditLog::open(fresh.path()).unwrap();
    let output = verify(fresh.path());
    assert!(output.status.success(), "{}", stderr(&output));

    let dir = folder_with_an_officer();
    assert!(verify(dir.path()).status.success());
    // An attacker who empties the log also removes its head, so the chain alone looks fresh.
    tamper(dir.path(), "DELETE FROM audit; DELETE FROM audit_head");
    let output = verify(dir.path());
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stderr(&output).contains("EMPTY"), "{}", stderr(&output));
    assert!(stderr(&output).contains("a.bakker"), "{}", stderr(&output));
}

#[test]
fn a_log_cut_from_its_start_fails_when_officers_exist() {
    let dir = folder_with_an_officer();
    // The start cut away and the rest renumbered and re-chained from genesis, so the chain in
    // itself is whole: only the missing officer_added entry gives it away.
    let kept: Vec<Entry> = AuditLog::open(dir.path())
        .unwrap()
        .entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action != Action::OfficerAdded)
        .collect();
    tamper(dir.path(), "DELETE FROM audit; DELETE FROM audit_head");
    let log = AuditLog::open(dir.path()).unwrap();
    for e in &kept {
        log.append(
            e.time,
            &e.officer,
            e.action,
            e.report.as_deref(),
            e.detail.as_deref(),
        )
        .unwrap();
    }
    let output = verify(dir.path());
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stderr(&output).contains("SHORTENED"), "{}", stderr(&output));
}
