//! A consistent picture of the store for a backup: the records database copied in one read
//! transaction, and the ciphertext files that copy names.
//!
//! Files are placed before the record that names them commits, and removed only after the
//! record forgets them, so every file a snapshot names exists when the snapshot is taken; one
//! that is gone by the time the backup reads it was deleted meanwhile (an officer, retention),
//! and the backup starts over (see [`crate::backup`]). A report in the middle of a re-seal
//! (`swap` set: files moving between folders for a few milliseconds) is not a state to copy:
//! the snapshot says so and the caller takes another.

use std::path::PathBuf;

use zeroize::Zeroizing;

use super::reseal::known_names;
use super::rows::decode;
use super::{Store, StoreError};

/// The records database as file bytes, and the files it names (relative to the data folder).
pub struct Snapshot {
    pub database: Zeroizing<Vec<u8>>,
    pub files: Vec<PathBuf>,
    /// Reports in the snapshot, and whether one of them was mid-way through a re-seal.
    pub reports: usize,
    pub moving: bool,
}

impl Store {
    /// Copies the records database and lists the files it names, from one snapshot.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let (database, (files, reports, moving)) = self.db.snapshot(|connection| {
            let mut query = connection
                .prepare("SELECT record FROM reports ORDER BY id")
                .map_err(super::DbError::from)?;
            let rows = query
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(super::DbError::from)?;
            let mut files = Vec::new();
            let (mut reports, mut moving) = (0, false);
            for json in rows {
                let record = decode(&json.map_err(super::DbError::from)?)?;
                reports += 1;
                moving |= record.swap.is_some();
                let folder = PathBuf::from("reports").join(record.id.as_str());
                let mut names: Vec<String> = known_names(&record).into_iter().collect();
                names.sort();
                files.extend(names.into_iter().map(|name| folder.join(name)));
            }
            Ok::<_, StoreError>((files, reports, moving))
        })?;
        Ok(Snapshot {
            database,
            files,
            reports,
            moving,
        })
    }
}
