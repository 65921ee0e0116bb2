#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `meldpunt audit verify` against the real binary: an intact log passes, each kind of tampering
//! fails naming the first bad entry, and a folder in use is refused.

use std::path::Path;
use std::process::{Command, Output};

use meldpunt::audit::{Action, AuditLog, Entry};
use meldpunt::store::Store;

/// A data folder whose audit log holds five entries, with the store closed again.
fn folder_with_five_entries() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let log = AuditLog::open(store.db()).unwrap();
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
    store.commit().unwrap();
    dir
}

/// Changes the audit tree directly, as someone with the database would.
fn tamper(data: &Path, change: impl FnOnce(&sled::Tree)) {
    let store = Store::open(data).unwrap();
    change(&store.tree("audit").unwrap());
    store.commit().unwrap();
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
    tamper(dir.path(), |tree| {
        let key = 3u64.to_be_bytes();
        let mut entry: Entry = serde_json::from_slice(&tree.get(key).unwrap().unwrap()).unwrap();
        entry.officer = "j.devries".into();
        tree.insert(key, serde_json::to_vec(&entry).unwrap())
            .unwrap();
    });
    assert_broken_at(&verify(dir.path()), 3);
}

#[test]
fn a_deleted_entry_is_named_as_missing() {
    let dir = folder_with_five_entries();
    tamper(dir.path(), |tree| {
        tree.remove(2u64.to_be_bytes()).unwrap();
    });
    let output = verify(dir.path());
    assert_broken_at(&output, 2);
    assert!(stderr(&output).contains("missing"), "{}", stderr(&output));
}

#[test]
fn two_swapped_entries_are_named_at_the_first() {
    let dir = folder_with_five_entries();
    tamper(dir.path(), |tree| {
        let (two, four) = (2u64.to_be_bytes(), 4u64.to_be_bytes());
        let value_two = tree.get(two).unwrap().unwrap();
        let value_four = tree.get(four).unwrap().unwrap();
        tree.insert(two, value_four).unwrap();
        tree.insert(four, value_two).unwrap();
    });
    assert_broken_at(&verify(dir.path()), 2);
}

#[test]
fn a_truncated_tail_is_named_at_the_first_removed_entry() {
    let dir = folder_with_five_entries();
    tamper(dir.path(), |tree| {
        tree.remove(5u64.to_be_bytes()).unwrap();
    });
    assert_broken_at(&verify(dir.path()), 5);
}

#[test]
fn a_folder_in_use_is_refused_without_a_verdict() {
    let dir = folder_with_five_entries();
    let _held = Store::open(dir.path()).unwrap();
    let output = verify(dir.path());
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("in use"), "{}", stderr(&output));
}

#[test]
fn a_missing_data_folder_is_reported_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("nope");
    let output = verify(&absent);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("no data folder"),
        "{}",
        stderr(&output)
    );
    assert!(!absent.exists());
}
