//! Tests of the audit log: each tampering is done directly in the database, as an intruder with
//! the file would, and must be named at the right entry.

use super::*;

/// A log in a fresh folder; the folder lives as long as the value.
struct Db {
    log: AuditLog,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for Db {
    type Target = AuditLog;
    fn deref(&self) -> &AuditLog {
        &self.log
    }
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    Db {
        log: AuditLog::open(dir.path()).unwrap(),
        _dir: dir,
    }
}

/// Appends `n` entries by alternating officers to the log.
fn log_with(db: &Db, n: u64) -> &AuditLog {
    for i in 1..=n {
        let officer = if i % 2 == 0 { "j.devries" } else { "a.bakker" };
        let seq = db
            .append(
                1_700_000_000 + i,
                officer,
                Action::Download,
                Some("r1"),
                None,
            )
            .unwrap();
        assert_eq!(seq, i);
    }
    &db.log
}

/// Runs SQL on the log's database behind its back.
fn sql(log: &AuditLog, statement: &str, values: impl rusqlite::Params) {
    log.database()
        .connection()
        .unwrap()
        .execute(statement, values)
        .unwrap();
}

fn stored(log: &AuditLog, seq: i64) -> String {
    log.database()
        .connection()
        .unwrap()
        .query_row("SELECT entry FROM audit WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap()
}

fn put(log: &AuditLog, seq: i64, value: &str) {
    sql(
        log,
        "UPDATE audit SET entry = ?2 WHERE seq = ?1",
        rusqlite::params![seq, value],
    );
}

fn broken_at(result: Result<u64, AuditError>) -> (u64, String) {
    match result {
        Err(AuditError::Broken { seq, reason }) => (seq, reason),
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

#[test]
fn an_intact_chain_of_several_entries_verifies() {
    let db = db();
    let log = log_with(&db, 6);
    assert_eq!(log.verify().unwrap(), 6);
    let entries = log.entries().unwrap();
    assert_eq!(entries.len(), 6);
    assert_eq!(entries[0].prev, GENESIS);
    assert!(entries.windows(2).all(|w| w[1].prev == w[0].hash));
}

#[test]
fn an_empty_log_verifies_with_no_entries() {
    assert_eq!(db().verify().unwrap(), 0);
}

#[test]
fn a_changed_field_is_caught_at_that_entry() {
    let db = db();
    let log = log_with(&db, 5);
    let mut entry: Entry = serde_json::from_str(&stored(log, 3)).unwrap();
    entry.officer = "someone.else".into();
    put(log, 3, &serde_json::to_string(&entry).unwrap());
    let (seq, reason) = broken_at(log.verify());
    assert_eq!(seq, 3);
    assert!(reason.contains("hash"), "{reason}");
}

#[test]
fn a_changed_entry_given_a_fresh_hash_breaks_the_link_to_the_next() {
    let db = db();
    let log = log_with(&db, 5);
    let mut entry: Entry = serde_json::from_str(&stored(log, 3)).unwrap();
    entry.action = Action::Login;
    entry.hash = entry.expected_hash();
    put(log, 3, &serde_json::to_string(&entry).unwrap());
    assert_eq!(broken_at(log.verify()).0, 4);
}

#[test]
fn a_deleted_middle_entry_is_caught_as_missing() {
    let db = db();
    let log = log_with(&db, 5);
    sql(log, "DELETE FROM audit WHERE seq = 3", []);
    let (seq, reason) = broken_at(log.verify());
    assert_eq!(seq, 3);
    assert!(reason.contains("missing"), "{reason}");
}

#[test]
fn a_deleted_last_entry_is_caught_by_the_head() {
    let db = db();
    let log = log_with(&db, 5);
    sql(log, "DELETE FROM audit WHERE seq = 5", []);
    let (seq, reason) = broken_at(log.verify());
    assert_eq!(seq, 5);
    assert!(reason.contains("missing"), "{reason}");
}

#[test]
fn deleting_every_entry_is_caught_at_the_first() {
    let db = db();
    let log = log_with(&db, 3);
    sql(log, "DELETE FROM audit", []);
    assert_eq!(broken_at(log.verify()).0, 1);
}

#[test]
fn two_swapped_entries_are_caught_at_the_first_of_them() {
    let db = db();
    let log = log_with(&db, 5);
    let (two, four) = (stored(log, 2), stored(log, 4));
    put(log, 2, &four);
    put(log, 4, &two);
    let (seq, reason) = broken_at(log.verify());
    assert_eq!(seq, 2);
    assert!(reason.contains("swapped"), "{reason}");
}

#[test]
fn an_entry_that_is_not_json_is_caught() {
    let db = db();
    let log = log_with(&db, 4);
    put(log, 2, "{not json");
    let (seq, reason) = broken_at(log.verify());
    assert_eq!(seq, 2);
    assert!(reason.contains("JSON"), "{reason}");
}

#[test]
fn an_entry_with_a_field_the_hash_does_not_cover_is_caught() {
    let db = db();
    let log = log_with(&db, 3);
    let mut value: serde_json::Value = serde_json::from_str(&stored(log, 2)).unwrap();
    value["note"] = "approved by the board".into();
    put(log, 2, &serde_json::to_string(&value).unwrap());
    assert_eq!(broken_at(log.verify()).0, 2);
}

#[test]
fn a_removed_head_is_caught_and_appending_then_overwrites_nothing() {
    let db = db();
    let log = log_with(&db, 3);
    sql(log, "DELETE FROM audit_head", []);
    assert_eq!(broken_at(log.verify()).0, 3);
    let before = log.entries().unwrap();
    assert!(log.append(9, "x", Action::Logout, None, None).is_err());
    assert_eq!(log.entries().unwrap(), before);
}

#[test]
fn appending_after_reopening_continues_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    {
        let first = Db {
            log: AuditLog::open(dir.path()).unwrap(),
            _dir: tempfile::tempdir().unwrap(),
        };
        log_with(&first, 3);
    }
    let log = AuditLog::open(dir.path()).unwrap();
    let seq = log
        .append(1_800_000_000, "a.bakker", Action::Logout, None, Some("bye"))
        .unwrap();
    assert_eq!(seq, 4);
    assert_eq!(log.verify().unwrap(), 4);
    let entries = log.entries().unwrap();
    assert_eq!(entries[3].prev, entries[2].hash);
}

#[test]
fn free_text_is_capped_and_cannot_forge_a_new_line() {
    let db = db();
    let log = &db.log;
    let forged = "a.bakker\n1700000000 j.devries deletion r9\u{202E}";
    let long = "x".repeat(10_000);
    log.append(1, forged, Action::Reply, Some(&long), Some("ok\r\u{1b}[2J"))
        .unwrap();
    let entry = &log.entries().unwrap()[0];
    assert!(!entry.officer.chars().any(entry::is_forging));
    assert!(entry.officer.starts_with("a.bakker\u{FFFD}"));
    let report = entry.report.as_deref().unwrap();
    assert_eq!(report.chars().count(), MAX_TEXT);
    assert!(report.ends_with('…'));
    assert_eq!(entry.detail.as_deref(), Some("ok\u{FFFD}\u{FFFD}[2J"));
    assert_eq!(log.verify().unwrap(), 1);
}

#[test]
fn text_at_the_cap_is_kept_whole() {
    let exact = "é".repeat(MAX_TEXT);
    assert_eq!(entry::clean(&exact), exact);
}

#[test]
fn the_hash_uses_the_same_action_names_as_the_stored_json() {
    use Action::*;
    let all = [
        Login,
        LoginFailed,
        Logout,
        Download,
        Reply,
        StatusChange,
        Extension,
        Transfer,
        Deletion,
        TokenCreated,
        TokenRevoked,
        OfficerAdded,
        OfficerRemoved,
        Purge,
        Rekey,
        TakeBack,
        OfficerMailSet,
        OfficerMailCleared,
    ];
    for action in all {
        let json = serde_json::to_string(&action).unwrap();
        assert_eq!(json, format!("\"{}\"", action.name()));
    }
}

#[test]
fn none_and_empty_text_hash_differently() {
    let db = db();
    let log = &db.log;
    log.append(1, "a", Action::Reply, None, Some("")).unwrap();
    let mut entry = log.entries().unwrap().remove(0);
    let with_empty = entry.expected_hash();
    entry.detail = None;
    assert_ne!(entry.expected_hash(), with_empty);
}
