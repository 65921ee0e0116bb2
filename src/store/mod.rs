//! Where reports live: ciphertext files under `DATA/reports/<report>/<item>.age` and a sled
//! database of records (ids, days, sizes, status) under `DATA/db`.
//!
//! Every change follows one order, so that a crash at any moment leaves either the old state or
//! the new one and never a half report: ciphertexts are fsync'd in `tmp/`, renamed into the report's
//! folder, the folder is fsync'd, and only then the record is written and made durable (see
//! [`durable`]). Files that no record names are leftovers of a crash and are removed at start-up.

pub mod durable;
pub mod record;

use std::collections::HashSet;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sled::Transactional;

use crate::config::Argon2Settings;
use crate::domain::{Day, ItemId, ReportId};
use crate::receipt::LookupKey;
use crate::seal::Sealed;
pub use record::{Extension, ItemKind, ItemRecord, ReportRecord, Status, StatusEvent};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage input/output failed: {0}")]
    Io(#[from] io::Error),
    #[error("database failed: {0}")]
    Db(#[from] sled::Error),
    #[error("a stored record is damaged")]
    Corrupt,
    #[error(
        "the data folder is in use by a running meldpunt service; stop it first (nothing was changed)"
    )]
    Locked,
}

impl StoreError {
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Io(e) => e.raw_os_error() == Some(28),
            StoreError::Db(sled::Error::Io(e)) => e.raw_os_error() == Some(28),
            _ => false,
        }
    }
}

pub struct Store {
    root: PathBuf,
    db_dir: PathBuf,
    db: sled::Db,
    reports: sled::Tree,
    lookup: sled::Tree,
    kdf_sets: sled::Tree,
    /// Serialises read-modify-write of a record (follow-ups, replies, deletions).
    update: Mutex<()>,
}

impl Store {
    /// Opens (or creates) the store in `data`, clears `tmp/` and removes crash leftovers.
    pub fn open(data: &Path) -> Result<Store, StoreError> {
        for dir in ["tmp", "reports"] {
            std::fs::create_dir_all(data.join(dir))?;
        }
        let db_dir = data.join("db");
        let db = open_db(&db_dir)?;
        let store = Store {
            root: data.to_owned(),
            db_dir,
            reports: db.open_tree("reports")?,
            lookup: db.open_tree("lookup")?,
            kdf_sets: db.open_tree("kdf_sets")?,
            db,
            update: Mutex::new(()),
        };
        store.clear_tmp()?;
        store.sweep_orphans()?;
        Ok(store)
    }

    /// A named sled tree, for the modules that keep their own records (officers, audit log).
    pub fn tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        Ok(self.db.open_tree(name)?)
    }

    /// The database itself, for modules that open their own trees (the audit log).
    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    /// Makes every change so far durable (see [`durable`]).
    pub fn commit(&self) -> Result<(), StoreError> {
        self.make_durable()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    fn reports_dir(&self) -> PathBuf {
        self.root.join("reports")
    }

    fn report_dir(&self, id: &ReportId) -> PathBuf {
        self.reports_dir().join(id.as_str())
    }

    pub fn item_path(&self, report: &ReportId, item: &ItemId) -> PathBuf {
        self.report_dir(report).join(format!("{item}.age"))
    }

    /// Stores a new report: files first, then the record and its lookup key, all durable
    /// before this returns.
    pub fn create_report(
        &self,
        record: &ReportRecord,
        lookup: &LookupKey,
        files: Vec<Sealed>,
    ) -> Result<(), StoreError> {
        let dir = self.report_dir(&record.id);
        std::fs::create_dir(&dir)?;
        self.place_files(&record.id, record.received, files)?;
        durable::sync_dir(&self.reports_dir())?;
        let json = serde_json::to_vec(record).map_err(|_| StoreError::Corrupt)?;
        let kdf = serde_json::to_vec(&record.kdf).map_err(|_| StoreError::Corrupt)?;
        (&self.reports, &self.lookup, &self.kdf_sets)
            .transaction(|(reports, lookups, kdf_sets)| {
                reports.insert(record.id.as_str().as_bytes(), json.as_slice())?;
                lookups.insert(&lookup.0[..], record.id.as_str().as_bytes())?;
                kdf_sets.insert(kdf.as_slice(), &[][..])?;
                Ok(())
            })
            .map_err(|e: sled::transaction::TransactionError<()>| match e {
                sled::transaction::TransactionError::Storage(e) => StoreError::Db(e),
                sled::transaction::TransactionError::Abort(()) => StoreError::Corrupt,
            })?;
        self.make_durable()
    }

    #[cfg(test)]
    fn create_report_record_only(&self, record: &ReportRecord) -> Result<(), StoreError> {
        let json = serde_json::to_vec(record).map_err(|_| StoreError::Corrupt)?;
        self.reports.insert(record.id.as_str().as_bytes(), json)?;
        self.make_durable()
    }

    /// Adds items (a follow-up or a reply) to an existing report.
    pub fn add_items(
        &self,
        report: &ReportId,
        items: Vec<ItemRecord>,
        files: Vec<Sealed>,
        today: Day,
    ) -> Result<(), StoreError> {
        self.place_files(report, today, files)?;
        self.update_record(report, |record| record.items.extend(items))
    }

    /// Removes items from the record, then their files.
    pub fn remove_items(&self, report: &ReportId, ids: &[ItemId]) -> Result<(), StoreError> {
        self.update_record(report, |record| {
            record.items.retain(|item| !ids.contains(&item.id))
        })?;
        for id in ids {
            match std::fs::remove_file(self.item_path(report, id)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        durable::sync_dir(&self.report_dir(report))?;
        Ok(())
    }

    pub fn get(&self, id: &ReportId) -> Result<Option<ReportRecord>, StoreError> {
        match self.reports.get(id.as_str().as_bytes())? {
            Some(bytes) => Ok(Some(
                serde_json::from_slice(&bytes).map_err(|_| StoreError::Corrupt)?,
            )),
            None => Ok(None),
        }
    }

    pub fn find_by_lookup(&self, key: &LookupKey) -> Result<Option<ReportRecord>, StoreError> {
        match self.lookup.get(&key.0[..])? {
            Some(id) => {
                let id: ReportId = std::str::from_utf8(&id)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or(StoreError::Corrupt)?;
                self.get(&id)
            }
            None => Ok(None),
        }
    }

    /// Every Argon2 cost some stored report was made with (normally one).
    pub fn kdf_sets(&self) -> Result<Vec<Argon2Settings>, StoreError> {
        self.kdf_sets
            .iter()
            .keys()
            .map(|k| serde_json::from_slice(&k?).map_err(|_| StoreError::Corrupt))
            .collect()
    }

    /// The install-wide Argon2 salt, created on first use (32 random bytes, mode 0600).
    pub fn install_salt(&self) -> Result<Vec<u8>, StoreError> {
        let path = self.root.join("salt");
        match std::fs::read(&path) {
            Ok(salt) if salt.len() == 32 => return Ok(salt),
            Ok(_) => return Err(StoreError::Corrupt),
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
            Err(_) => {}
        }
        let mut salt = vec![0u8; 32];
        crate::random::fill(&mut salt);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        file.write_all(&salt)?;
        file.sync_all()?;
        durable::sync_dir(&self.root)?;
        Ok(salt)
    }

    fn place_files(
        &self,
        report: &ReportId,
        day: Day,
        files: Vec<Sealed>,
    ) -> Result<(), StoreError> {
        let dir = self.report_dir(report);
        let blurred = std::fs::FileTimes::new()
            .set_modified(day.as_system_time())
            .set_accessed(day.as_system_time());
        for file in files {
            let target = self.item_path(report, &file.id);
            if let Some(path) = file.temp.path() {
                // Modification times would say when, to the second, a reporter acted.
                std::fs::File::options()
                    .write(true)
                    .open(path)?
                    .set_times(blurred)?;
            }
            file.temp.persist(&target)?;
        }
        // Folder times too would date the report to the second.
        for folder in [&dir, &self.reports_dir(), &self.tmp_dir()] {
            std::fs::File::open(folder)?.set_times(blurred)?;
        }
        durable::sync_dir(&dir)?;
        Ok(())
    }

    /// Every report record (the inboxes filter by desk).
    pub fn all_reports(&self) -> Result<Vec<ReportRecord>, StoreError> {
        self.reports
            .iter()
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(|_| StoreError::Corrupt))
            .collect()
    }

    /// Replaces items: `fresh` files take the place of the items in `old`, in one record update
    /// (`change` adjusts the rest of the record), and the old files are removed afterwards. A
    /// crash before the update leaves the old report and orphaned new files (swept at start-up);
    /// after it, the new report and orphaned old files.
    pub fn replace_items(
        &self,
        report: &ReportId,
        today: Day,
        fresh: Vec<Sealed>,
        old: &[ItemId],
        change: impl FnOnce(&mut ReportRecord),
    ) -> Result<(), StoreError> {
        self.place_files(report, today, fresh)?;
        self.update_record(report, change)?;
        for id in old {
            match std::fs::remove_file(self.item_path(report, id)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        durable::sync_dir(&self.report_dir(report))?;
        Ok(())
    }

    /// Deletes a report for good: its record, its lookup key, then its files.
    pub fn delete_report(&self, report: &ReportId) -> Result<(), StoreError> {
        {
            let _guard = self.update.lock().map_err(|_| StoreError::Corrupt)?;
            let keys: Vec<sled::IVec> = self
                .lookup
                .iter()
                .filter_map(Result::ok)
                .filter(|(_, id)| id.as_ref() == report.as_str().as_bytes())
                .map(|(key, _)| key)
                .collect();
            for key in keys {
                self.lookup.remove(key)?;
            }
            self.reports.remove(report.as_str().as_bytes())?;
        }
        self.make_durable()?;
        match std::fs::remove_dir_all(self.report_dir(report)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        durable::sync_dir(&self.reports_dir())?;
        Ok(())
    }

    /// Changes a record under the update lock and makes it durable.
    pub fn update_record(
        &self,
        report: &ReportId,
        change: impl FnOnce(&mut ReportRecord),
    ) -> Result<(), StoreError> {
        {
            let _guard = self.update.lock().map_err(|_| StoreError::Corrupt)?;
            let mut record = self.get(report)?.ok_or(StoreError::Corrupt)?;
            change(&mut record);
            let json = serde_json::to_vec(&record).map_err(|_| StoreError::Corrupt)?;
            self.reports.insert(report.as_str().as_bytes(), json)?;
        }
        self.make_durable()
    }

    fn make_durable(&self) -> Result<(), StoreError> {
        durable::sync_sled(&self.db, &self.db_dir)?;
        Ok(())
    }

    fn clear_tmp(&self) -> Result<(), StoreError> {
        for entry in std::fs::read_dir(self.tmp_dir())? {
            std::fs::remove_file(entry?.path())?;
        }
        Ok(())
    }

    /// Removes report folders and item files that no record names: what a crash between writing
    /// files and writing the record leaves behind.
    fn sweep_orphans(&self) -> Result<(), StoreError> {
        for entry in std::fs::read_dir(self.reports_dir())? {
            let entry = entry?;
            let record = entry
                .file_name()
                .to_str()
                .and_then(|name| name.parse::<ReportId>().ok())
                .map(|id| self.get(&id))
                .transpose()?
                .flatten();
            match record {
                None => std::fs::remove_dir_all(entry.path())?,
                Some(record) => {
                    let known: HashSet<String> = record
                        .items
                        .iter()
                        .map(|i| format!("{}.age", i.id))
                        .collect();
                    for file in std::fs::read_dir(entry.path())? {
                        let file = file?;
                        if !file.file_name().to_str().is_some_and(|n| known.contains(n)) {
                            std::fs::remove_file(file.path())?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// How long to wait for a database that another instance is still letting go of (sled's
/// background flusher keeps it for up to half a second after the last handle is dropped).
const LOCK_GRACE: std::time::Duration = std::time::Duration::from_millis(1500);

fn open_db(dir: &Path) -> Result<sled::Db, StoreError> {
    let started = std::time::Instant::now();
    loop {
        let opened = sled::Config::new()
            .path(dir)
            // Records are small; sled's default 1 GiB page cache only costs memory here.
            .cache_capacity(8 * 1024 * 1024)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(ref io) if io.kind() == io::ErrorKind::WouldBlock => {
                    StoreError::Locked
                }
                sled::Error::Io(ref io) if io.to_string().contains("lock") => StoreError::Locked,
                other => StoreError::Db(other),
            });
        match opened {
            Err(StoreError::Locked) if started.elapsed() < LOCK_GRACE => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeskId;

    fn record(id: &ReportId, items: Vec<ItemRecord>) -> ReportRecord {
        ReportRecord {
            id: id.clone(),
            desk: "ap".parse::<DeskId>().unwrap(),
            received: Day(20_000),
            status: Status::Received,
            reporter_recipient: "age1…".into(),
            kdf: Argon2Settings::default(),
            items,
            history: Vec::new(),
            extension: None,
            forwarded_from: None,
            downloaded: Default::default(),
        }
    }

    #[test]
    fn files_that_no_record_names_are_removed_at_start_up() {
        let data = tempfile::tempdir().unwrap();
        let kept = ReportId::random();
        let item = ItemRecord {
            id: ItemId::random(),
            kind: ItemKind::Message,
            batch: 0,
            day: Day(20_000),
            size: 10,
        };
        {
            let store = Store::open(data.path()).unwrap();
            std::fs::create_dir(store.report_dir(&kept)).unwrap();
            std::fs::write(store.item_path(&kept, &item.id), b"age").unwrap();
            store
                .create_report_record_only(&record(&kept, vec![item.clone()]))
                .unwrap();
            // A crash after placing files but before the record: a half report, and a stray item.
            let half = ReportId::random();
            std::fs::create_dir(store.report_dir(&half)).unwrap();
            std::fs::write(store.item_path(&half, &ItemId::random()), b"age").unwrap();
            std::fs::write(store.item_path(&kept, &ItemId::random()), b"age").unwrap();
            std::fs::write(store.tmp_dir().join("x.part"), b"half").unwrap();
        }
        let store = Store::open(data.path()).unwrap();
        let dirs: Vec<_> = std::fs::read_dir(store.reports_dir()).unwrap().collect();
        assert_eq!(dirs.len(), 1);
        let files: Vec<_> = std::fs::read_dir(store.report_dir(&kept))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1);
        assert!(store.item_path(&kept, &item.id).exists());
        assert_eq!(std::fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn the_database_file_itself_is_among_the_files_made_durable() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let synced = durable::sync_sled(&store.db, &store.db_dir).unwrap();
        assert!(synced.iter().any(|p| p.ends_with("db/db")), "{synced:?}");
        assert!(synced.iter().any(|p| p.ends_with("db")));
    }
}
