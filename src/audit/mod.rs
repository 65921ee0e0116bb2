//! The audit log of officer actions: append-only and hash-chained, so that a changed, removed,
//! reordered or cut-off entry shows when the chain is verified (`meldpunt audit verify`).
//!
//! Entries live in their own SQLite database, `DATA/db/audit.sqlite`, apart from the reports: the
//! log keeps second-precision times and report ids for as long as it lives, and must not sit in
//! the same pages and WAL as the reports' records, whose order it would date and whose deletion
//! it would outlast. Each row of `audit` is a JSON [`Entry`] under its sequence number, whose
//! `prev` is the hash of the entry before. The chain alone cannot notice that its last entries
//! were removed, so `audit_head` keeps the last sequence number and hash, written in the same
//! transaction as the entry. Reporters never appear here: the log is about what officers did.
//!
//! The chain is not keyed: someone who can write the database can rebuild it from the point they
//! changed. It shows any change short of that; pinning it against a rewrite would need a copy of
//! the head kept outside the database.

mod entry;
mod verify;

use std::path::Path;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::store::{Database, DbError};

pub use entry::{Action, Entry, Exported, GENESIS, MAX_TEXT, officers_never_added};

/// The last entry of a log: its number and its hash (what an operator keeps off the server).
pub type AuditHead = (u64, String);

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("storage failed: {0}")]
    Store(String),
    #[error("the disk is full")]
    DiskFull,
    #[error("audit entry {seq}: {reason}")]
    Broken { seq: u64, reason: String },
}

impl From<DbError> for AuditError {
    fn from(e: DbError) -> AuditError {
        match e {
            DbError::DiskFull => AuditError::DiskFull,
            other => AuditError::Store(other.to_string()),
        }
    }
}

impl From<rusqlite::Error> for AuditError {
    fn from(e: rusqlite::Error) -> AuditError {
        DbError::from(e).into()
    }
}

/// The schema of `audit.sqlite`, as numbered migrations.
const MIGRATIONS: &[crate::store::database::Migration] = &["CREATE TABLE audit (
         seq   INTEGER PRIMARY KEY,
         entry TEXT NOT NULL
     ) STRICT;
     CREATE TABLE audit_head (
         one  INTEGER PRIMARY KEY CHECK (one = 1),
         head TEXT NOT NULL
     ) STRICT;"];

pub struct AuditLog {
    db: Database,
}

/// The last entry's sequence number and hash, as kept in `audit_head`.
#[derive(Debug, Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

impl Head {
    fn decode(bytes: &[u8]) -> Option<Head> {
        serde_json::from_slice(bytes).ok()
    }
}

impl AuditLog {
    /// Opens (or creates) the log of a data folder, `DATA/db/audit.sqlite`.
    pub fn open(data: &Path) -> Result<AuditLog, AuditError> {
        let dir = data.join("db");
        crate::private::create_dir_all(&dir).map_err(store_error)?;
        AuditLog::open_file(&dir.join("audit.sqlite"))
    }

    /// Opens the log in the given database file.
    pub fn open_file(path: &Path) -> Result<AuditLog, AuditError> {
        Ok(AuditLog {
            db: Database::open(path, MIGRATIONS)?,
        })
    }

    /// Appends one entry; returns its sequence number. Free text is capped at [`MAX_TEXT`]
    /// characters with control characters replaced. One immediate transaction, durable when this
    /// returns; processes that append at once (the service and an admin command) take turns.
    pub fn append(
        &self,
        time: u64,
        officer: &str,
        action: Action,
        report: Option<&str>,
        detail: Option<&str>,
    ) -> Result<u64, AuditError> {
        let draft = Entry {
            seq: 0,
            time,
            officer: entry::clean(officer),
            action,
            report: report.map(entry::clean),
            detail: detail.map(entry::clean),
            prev: String::new(),
            hash: String::new(),
        };
        self.db.write(|tx| {
            let last = match read_head(tx)? {
                None => None,
                Some(text) => Some(Head::decode(text.as_bytes()).ok_or_else(damaged_head)?),
            };
            let entry = chained(draft, last);
            let seq = i64::try_from(entry.seq)
                .map_err(|_| verify::broken(entry.seq, "is out of range"))?;
            let taken: Option<i64> = tx
                .query_row("SELECT seq FROM audit WHERE seq = ?1", [seq], |row| {
                    row.get(0)
                })
                .optional()?;
            // Never overwrite: a head that lags behind the stored entries is a broken log, and
            // the entries it does not know are evidence.
            if taken.is_some() {
                return Err(verify::broken(entry.seq, "already exists"));
            }
            let link = Head {
                seq: entry.seq,
                hash: entry.hash.clone(),
            };
            tx.execute(
                "INSERT INTO audit (seq, entry) VALUES (?1, ?2)",
                params![seq, encode(&entry)?],
            )?;
            tx.execute(
                "INSERT INTO audit_head (one, head) VALUES (1, ?1)
                 ON CONFLICT (one) DO UPDATE SET head = ?1",
                [encode(&link)?],
            )?;
            Ok(entry.seq)
        })
    }

    /// Checks the whole chain; `Ok(number of entries)`, or `Err(Broken)` naming the first bad
    /// entry and why. Entries and head are read from one snapshot.
    pub fn verify(&self) -> Result<u64, AuditError> {
        self.db.read(|tx| {
            let head = read_head(tx)?;
            let mut query = tx.prepare("SELECT seq, entry FROM audit ORDER BY seq")?;
            let rows = query.query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })?;
            verify::chain(
                rows.map(|row| row.map_err(AuditError::from)),
                head.as_deref(),
            )
        })
    }

    /// All entries in order, as stored (no chain check; see [`AuditLog::verify`]).
    pub fn entries(&self) -> Result<Vec<Entry>, AuditError> {
        self.db.read(|tx| {
            let mut query = tx.prepare("SELECT seq, entry FROM audit ORDER BY seq")?;
            let rows = query.query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })?;
            rows.map(|row| {
                let (seq, value) = row?;
                verify::parse(u64::try_from(seq).unwrap_or(0), value.as_bytes())
            })
            .collect()
        })
    }

    /// The last entry's number and hash as the head records them, or None for an empty log.
    pub fn head(&self) -> Result<Option<AuditHead>, AuditError> {
        self.db.read(|tx| head_of(tx))
    }

    /// A consistent copy of the log's database (for a backup), and its head at that moment.
    pub fn snapshot(&self) -> Result<(Zeroizing<Vec<u8>>, Option<AuditHead>), AuditError> {
        self.db.snapshot(head_of)
    }

    /// The database, for tests that tamper with it as an intruder would.
    #[doc(hidden)]
    pub fn database(&self) -> &Database {
        &self.db
    }
}

fn read_head(tx: &rusqlite::Connection) -> Result<Option<String>, AuditError> {
    Ok(tx
        .query_row("SELECT head FROM audit_head WHERE one = 1", [], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Gives the draft its place after `last` and seals it with its hash.
fn chained(mut entry: Entry, last: Option<Head>) -> Entry {
    let (seq, prev) = match last {
        // Saturating: a forged head at the top of the range must not panic the service; the
        // entry then lands after a gap that `verify` names.
        Some(last) => (last.seq.saturating_add(1), last.hash),
        None => (1, GENESIS.to_owned()),
    };
    entry.seq = seq;
    entry.prev = prev;
    entry.hash = entry.expected_hash();
    entry
}

fn encode(value: &impl Serialize) -> Result<String, AuditError> {
    serde_json::to_string(value).map_err(store_error)
}

fn damaged_head() -> AuditError {
    AuditError::Store("the audit head record is damaged; run `meldpunt audit verify`".into())
}

fn store_error(e: impl std::fmt::Display) -> AuditError {
    AuditError::Store(e.to_string())
}

#[cfg(test)]
mod tests;

fn head_of(connection: &rusqlite::Connection) -> Result<Option<AuditHead>, AuditError> {
    match read_head(connection)? {
        None => Ok(None),
        Some(text) => {
            let head = Head::decode(text.as_bytes()).ok_or_else(damaged_head)?;
            Ok(Some((head.seq, head.hash)))
        }
    }
}
