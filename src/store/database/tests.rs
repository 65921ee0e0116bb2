//! The database's promises: its pragmas, file modes, migrations and transactions.

use super::*;

const SCHEMA: &[Migration] = &["CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL);"];

#[test]
fn the_database_is_in_wal_mode_with_full_sync_and_secure_delete() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("x.sqlite"), SCHEMA).unwrap();
    let c = db.connection().unwrap();
    let get = |p: &str| -> String {
        c.query_row(&format!("PRAGMA {p}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| format!("{v:?}"))
        .unwrap()
    };
    assert!(get("journal_mode").contains("wal"));
    assert_eq!(get("synchronous"), "Integer(2)", "FULL");
    assert_eq!(get("secure_delete"), "Integer(1)");
    assert_eq!(get("foreign_keys"), "Integer(1)");
}

#[test]
fn a_database_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.sqlite");
    let db = Database::open(&path, SCHEMA).unwrap();
    db.write(|tx| {
        tx.execute("INSERT INTO t VALUES ('a', 'b')", [])
            .map_err(DbError::from)
    })
    .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
}

#[test]
fn migrations_run_once_even_when_opened_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.sqlite");
    Database::open(&path, SCHEMA).unwrap();
    let two: &[Migration] = &[SCHEMA[0], "CREATE TABLE u (x INTEGER);"];
    let db = Database::open(&path, two).unwrap();
    let version: i64 = db
        .connection()
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    assert!(
        Database::open(&path, &two[..1]).is_err(),
        "a newer schema is refused"
    );
}

#[test]
fn a_failed_transaction_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("x.sqlite"), SCHEMA).unwrap();
    let result: Result<(), DbError> = db.write(|tx| {
        tx.execute("INSERT INTO t VALUES ('a', 'b')", [])?;
        tx.execute("INSERT INTO t VALUES ('a', 'c')", [])?;
        Ok(())
    });
    assert!(result.is_err());
    let n: i64 = db
        .connection()
        .unwrap()
        .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}
