//! Where reports live: ciphertext files under `DATA/reports/<report>/<item>.age` ([`files`]) and
//! their records in SQLite, `DATA/db/meldpunt.sqlite` ([`database`], [`schema`]).
//!
//! Every change follows one order, so that a crash at any moment leaves either the old state or
//! the new one and never a half report: ciphertexts are fsync'd in `tmp/`, renamed into the
//! report's folder, the folder is fsync'd, and only then one transaction commits the record
//! (`synchronous=FULL`: durable when the commit returns). Files that no record names are
//! leftovers of a crash; the service removes them when it starts ([`Store::recover`]).
//!
//! The database serves many processes at once: the admin commands open the same folder while the
//! service runs, and every read-modify-write of a report is one immediate transaction.

mod additions;
pub mod course;
pub mod database;
pub mod files;
pub mod inbox;
pub mod record;
pub mod reseal;
mod rows;
mod scan;
mod schema;
pub mod snapshot;
mod staging;
mod started;
pub mod statistics;
pub mod times;

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};

use crate::domain::{Day, ItemId, ReportId};
use crate::receipt::LookupKey;
use crate::seal::Sealed;
pub use database::{Database, DbError};
use files::Files;
pub use record::{
    Extension, ItemKind, ItemRecord, PreviousSeal, Removal, ReportRecord, Status, StatusEvent,
};
pub use reseal::Reseal;
use reseal::known_names;
use rows::{insert_record, read_record, write_record};
pub use started::{KnownDesk, StartedWith};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage input/output failed: {0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("a stored record is damaged")]
    Corrupt,
    /// A follow-up was sealed for a desk its report has since left (a transfer landed while it
    /// was uploading); nothing was stored.
    #[error("the report was moved to another desk while the items were sealed")]
    Moved,
    /// The report is gone (deleted while items for it were on their way).
    #[error("no such report")]
    NoReport,
    /// The report changed while a package was being checked against it; nothing was stored.
    #[error("the report changed meanwhile")]
    Changed,
    #[error(
        "this data folder holds a database of an earlier meldpunt (sled, in DATA/db/); \
         it cannot be read by this version"
    )]
    OldFormat,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Db(e.into())
    }
}

impl StoreError {
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Io(e) => e.raw_os_error() == Some(28),
            StoreError::Db(DbError::DiskFull) => true,
            StoreError::Db(DbError::Io(e)) => e.raw_os_error() == Some(28),
            _ => false,
        }
    }
}

pub struct Store {
    files: Files,
    db: Database,
}

impl Store {
    /// Opens (or creates) the store in `data`. Safe beside a running service: nothing but the
    /// schema is touched. On a full disk the reserve file is given back to make room to open.
    pub fn open(data: &Path) -> Result<Store, StoreError> {
        let files = Files::open(data)?;
        let db_dir = data.join("db");
        if db_dir.join("conf").exists() {
            return Err(StoreError::OldFormat);
        }
        crate::private::create_dir_all(&db_dir)?;
        let path = db_dir.join("meldpunt.sqlite");
        let db = match Database::open(&path, schema::MIGRATIONS) {
            Err(e) if is_full(&e) && files.release_reserve() => {
                tracing::warn!("the disk is full: the reserve was given back to open the database");
                Database::open(&path, schema::MIGRATIONS)?
            }
            other => other?,
        };
        Ok(Store { files, db })
    }

    /// What the service does once at start, before it takes uploads: empties `tmp/`, removes
    /// files that no record names (a crash between placing files and the commit) and puts the
    /// disk reserve back when there is room.
    pub fn recover(&self) -> Result<(), StoreError> {
        self.files.clear_tmp()?;
        self.finish_swaps()?;
        self.files.sweep(|id| {
            self.get(id)
                .map(|record| record.as_ref().map(known_names))
                .map_err(io::Error::other)
        })?;
        self.files.keep_reserve();
        Ok(())
    }

    /// Gives the disk reserve back (see [`files`]); true if there was one.
    pub fn release_reserve(&self) -> bool {
        self.files.release_reserve()
    }

    /// Puts the disk reserve back if it was used and there is room again.
    pub fn keep_reserve(&self) {
        self.files.keep_reserve();
    }

    /// The database, for the modules that keep their own tables in it (officers).
    pub fn database(&self) -> &Database {
        &self.db
    }

    pub fn root(&self) -> &Path {
        self.files.root()
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.files.tmp_dir()
    }

    pub fn item_path(&self, report: &ReportId, item: &ItemId) -> PathBuf {
        self.files.item_path(report, item)
    }

    /// The install-wide salt for deriving keys from receipts (32 random bytes, mode 0600).
    pub fn install_salt(&self) -> Result<Vec<u8>, StoreError> {
        Ok(self.files.install_salt()?)
    }

    /// Stores a new report: files first, then the record and its lookup key in one transaction,
    /// all durable before this returns.
    pub fn create_report(
        &self,
        record: &ReportRecord,
        lookup: &LookupKey,
        files: Vec<Sealed>,
    ) -> Result<(), StoreError> {
        self.files.place(&record.id, record.received, files)?;
        let kdf = serde_json::to_string(&record.kdf).map_err(|_| StoreError::Corrupt)?;
        self.db.write(|tx| {
            insert_record(tx, record)?;
            tx.execute(
                "INSERT INTO lookup (key, report) VALUES (?1, ?2)",
                params![&lookup.0[..], record.id.as_str()],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO kdf_sets (settings) VALUES (?1)",
                [kdf],
            )?;
            Ok(())
        })
    }

    /// Removes items from the record, then their files, then the record's old page images.
    pub fn remove_items(&self, report: &ReportId, ids: &[ItemId]) -> Result<(), StoreError> {
        self.remove_items_with(report, ids, |_| {})
    }

    /// Removes items as [`Store::remove_items`] does, changing the rest of the record with
    /// `change` in the same transaction (a note that they were removed).
    pub fn remove_items_with(
        &self,
        report: &ReportId,
        ids: &[ItemId],
        change: impl FnOnce(&mut ReportRecord),
    ) -> Result<(), StoreError> {
        self.update_record(report, |record| {
            record.items.retain(|item| !ids.contains(&item.id));
            change(record);
        })?;
        self.files.remove_items(report, ids)?;
        self.db.checkpoint()?;
        Ok(())
    }

    pub fn get(&self, id: &ReportId) -> Result<Option<ReportRecord>, StoreError> {
        self.db.read(|tx| read_record(tx, id.as_str()))
    }

    pub fn find_by_lookup(&self, key: &LookupKey) -> Result<Option<ReportRecord>, StoreError> {
        self.db.read(|tx| {
            let id: Option<String> = tx
                .query_row(
                    "SELECT report FROM lookup WHERE key = ?1",
                    [&key.0[..]],
                    |row| row.get(0),
                )
                .optional()?;
            match id {
                Some(id) => read_record(tx, &id),
                None => Ok(None),
            }
        })
    }

    /// Every receipt derivation some stored report was made with (HKDF, and on an install from
    /// an earlier version the Argon2 cost its reports were made with).
    pub fn kdf_sets(&self) -> Result<Vec<crate::receipt::ReceiptKdf>, StoreError> {
        self.db.read(|tx| {
            let mut query = tx.prepare("SELECT settings FROM kdf_sets")?;
            let rows = query.query_map([], |row| row.get::<_, String>(0))?;
            rows.map(|json| serde_json::from_str(&json?).map_err(|_| StoreError::Corrupt))
                .collect()
        })
    }

    /// Replaces items: `fresh` files take the place of the items in `old`, in one record update
    /// (`change` adjusts the rest of the record), and the old files are removed afterwards. A
    /// crash before the commit leaves the old report and orphaned new files (swept at start-up);
    /// after it, the new report and orphaned old files.
    pub fn replace_items(
        &self,
        report: &ReportId,
        today: Day,
        fresh: Vec<Sealed>,
        old: &[ItemId],
        change: impl FnOnce(&mut ReportRecord),
    ) -> Result<(), StoreError> {
        self.files.place(report, today, fresh)?;
        self.update_record(report, change)?;
        self.files.remove_items(report, old)?;
        Ok(())
    }

    /// Deletes a report for good: its record and lookup keys in one transaction, then its files,
    /// then the WAL, so that no byte of the record stays in the database files.
    pub fn delete_report(&self, report: &ReportId) -> Result<(), StoreError> {
        self.db.write(|tx| {
            tx.execute("DELETE FROM reports WHERE id = ?1", [report.as_str()])?;
            Ok::<_, StoreError>(())
        })?;
        self.files.remove_report(report)?;
        self.db.checkpoint()?;
        Ok(())
    }

    /// Changes a record in one transaction (read, change, write) and makes it durable.
    pub fn update_record(
        &self,
        report: &ReportId,
        change: impl FnOnce(&mut ReportRecord),
    ) -> Result<(), StoreError> {
        self.db.write(|tx| {
            let mut record = read_record(tx, report.as_str())?.ok_or(StoreError::Corrupt)?;
            change(&mut record);
            write_record(tx, &record)
        })
    }
}

fn is_full(e: &DbError) -> bool {
    match e {
        DbError::DiskFull => true,
        DbError::Io(e) => e.raw_os_error() == Some(28),
        DbError::Sqlite(_) => false,
    }
}

#[cfg(test)]
pub(crate) mod tests;
