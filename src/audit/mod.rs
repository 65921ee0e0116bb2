//! The audit log of officer actions: append-only and hash-chained, so that a changed, removed,
//! reordered or cut-off entry shows when the chain is verified (`meldpunt audit verify`).
//!
//! Entries live in the sled tree `audit`, keyed by their sequence number (8 bytes, big-endian, so
//! sled's order is the log's order), each a JSON [`Entry`] whose `prev` is the hash of the entry
//! before. The chain alone cannot notice that its last entries were removed, so the tree
//! `audit_head` keeps the last sequence number and hash, written in the same transaction as the
//! entry. Reporters never appear here: the log is about what officers did.
//!
//! The chain is not keyed: someone who can write the database can rebuild it from the point they
//! changed. It shows any change short of that; pinning it against a rewrite would need a copy of
//! the head kept outside the database.

mod entry;
mod verify;

use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

pub use entry::{Action, Entry, GENESIS, MAX_TEXT};

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("storage failed: {0}")]
    Store(String),
    #[error("audit entry {seq}: {reason}")]
    Broken { seq: u64, reason: String },
}

pub struct AuditLog {
    entries: sled::Tree,
    head: sled::Tree,
    /// Serialises appends, so two never take the same sequence number, and keeps `verify` from
    /// reading the entries and the head on either side of an append.
    append: Mutex<()>,
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

/// The one key of the `audit_head` tree.
const HEAD_KEY: &[u8] = b"head";

impl AuditLog {
    /// Opens the log in the given sled database (trees "audit" and "audit_head").
    pub fn open(db: &sled::Db) -> Result<AuditLog, AuditError> {
        Ok(AuditLog {
            entries: db.open_tree("audit").map_err(store_error)?,
            head: db.open_tree("audit_head").map_err(store_error)?,
            append: Mutex::new(()),
        })
    }

    /// Appends one entry; returns its sequence number. Free text is capped at [`MAX_TEXT`]
    /// characters with control characters replaced. Does not fsync: the caller makes the database
    /// durable together with the change the entry records.
    pub fn append(
        &self,
        time: u64,
        officer: &str,
        action: Action,
        report: Option<&str>,
        detail: Option<&str>,
    ) -> Result<u64, AuditError> {
        let _guard = self.append.lock().unwrap_or_else(PoisonError::into_inner);
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
        (&self.entries, &self.head)
            .transaction(|(entries, head)| {
                let last = match head.get(HEAD_KEY)? {
                    None => None,
                    Some(bytes) => Some(Head::decode(&bytes).ok_or_else(damaged_head)?),
                };
                let entry = chained(draft.clone(), last);
                let key = entry.seq.to_be_bytes();
                // Never overwrite: a head that lags behind the stored entries is a broken log,
                // and the entries it does not know are evidence.
                if entries.get(key)?.is_some() {
                    return Err(abort(verify::broken(entry.seq, "already exists")));
                }
                let link = Head {
                    seq: entry.seq,
                    hash: entry.hash.clone(),
                };
                entries.insert(&key, encode(&entry)?)?;
                head.insert(HEAD_KEY, encode(&link)?)?;
                Ok(entry.seq)
            })
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => store_error(e),
            })
    }

    /// Checks the whole chain; `Ok(number of entries)`, or `Err(Broken)` naming the first bad
    /// entry and why.
    pub fn verify(&self) -> Result<u64, AuditError> {
        let _guard = self.append.lock().unwrap_or_else(PoisonError::into_inner);
        let head = self.head.get(HEAD_KEY).map_err(store_error)?;
        verify::chain(&self.entries, head.as_deref())
    }

    /// All entries in order, as stored (no chain check; see [`AuditLog::verify`]).
    pub fn entries(&self) -> Result<Vec<Entry>, AuditError> {
        self.entries
            .iter()
            .map(|item| {
                let (key, value) = item.map_err(store_error)?;
                let seq = verify::key_seq(&key)
                    .ok_or_else(|| AuditError::Store("a malformed audit key".into()))?;
                verify::parse(seq, &value)
            })
            .collect()
    }
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

fn encode(value: &impl Serialize) -> Result<Vec<u8>, ConflictableTransactionError<AuditError>> {
    serde_json::to_vec(value).map_err(|e| abort(store_error(e)))
}

fn abort(e: AuditError) -> ConflictableTransactionError<AuditError> {
    ConflictableTransactionError::Abort(e)
}

fn damaged_head() -> ConflictableTransactionError<AuditError> {
    abort(AuditError::Store(
        "the audit head record is damaged; run `meldpunt audit verify`".into(),
    ))
}

fn store_error(e: impl std::fmt::Display) -> AuditError {
    AuditError::Store(e.to_string())
}

#[cfg(test)]
mod tests;
