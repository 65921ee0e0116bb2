//! Backups of a data folder, and restoring one into a new folder.
//!
//! A backup is one age file, encrypted to the operator's backup recipients (the database holds
//! officer password hashes and TOTP secrets, so it is never written in the clear), holding a tar
//! archive: the install salt (without it no receipt opens), both databases as consistent copies
//! taken while the service runs (SQLite's serialisation inside one read transaction), the demo
//! keys when there are any, every ciphertext file the records name, and last `backup.json`, which
//! lists every entry with its size and SHA-256 and the audit log's head. Nothing in it is
//! plaintext of a tip: the report files are copied as the ciphertexts they are.
//!
//! [`make`] writes it beside its destination and links it into place only when it is whole and
//! fsync'd, so a crash or a full disk never leaves a file that looks like a backup. [`restore`]
//! treats the file as hostile all the same (only the names a backup has, regular files, no
//! duplicates), writes into a new folder, and then checks what it wrote: the hashes of
//! `backup.json`, every file the records name present and an age file of the recorded size, no
//! file that no record names, and the audit chain intact up to the head the backup recorded.

mod make;
mod restore;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::audit::AuditHead;

pub use make::{BackupSummary, make};
pub use restore::{RestoreSummary, restore};

/// The `format` of `backup.json`.
pub const FORMAT: &str = "meldpunt-backup-v1";
/// The name of the listing, the archive's last entry.
const LISTING: &str = "backup.json";
const SALT: &str = "salt";
const RECORDS_DB: &str = "db/meldpunt.sqlite";
const AUDIT_DB: &str = "db/audit.sqlite";
const DEMO_KEYS: &str = "demo-keys";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Bad input, nothing done: a missing data folder, an existing output, a non-empty target.
    #[error("{0}")]
    Refused(String),
    /// The work failed part-way (input/output, storage, a backup that is not whole).
    #[error("{0}")]
    Failed(String),
}

impl BackupError {
    fn failed(what: &str, e: impl std::fmt::Display) -> BackupError {
        BackupError::Failed(format!("{what}: {e}"))
    }
}

/// `backup.json`: what the archive holds, to be checked entry by entry on restore.
#[derive(Debug, Serialize, Deserialize)]
struct Listing {
    format: String,
    /// The UTC day the backup was made (no finer time: see the store's times).
    day: String,
    reports: usize,
    /// The audit log's last entry (number and hash) in the copy, or None for an empty log.
    audit_head: Option<AuditHead>,
    entries: Vec<Listed>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Listed {
    path: String,
    size: u64,
    sha256: String,
}
