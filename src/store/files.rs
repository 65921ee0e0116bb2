//! The ciphertext files of the data folder: `reports/<report>/<item>.age`, the upload area `tmp/`,
//! the install salt, and a small reserve file that keeps a start possible on a full disk.
//!
//! `File::sync_all` (fsync) makes a file's data durable; a rename or a removal only once its
//! folder is fsync'd too, so every change here ends with the folder's fsync. Every change also
//! ends by setting the changed folder's times back to a midnight, and every read goes through
//! [`super::times`], so that no file or folder time says when, to the second, a reporter acted.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::times::{self, blur, blur_today, list_unnoticed, midnight_of, read_unnoticed};
use crate::domain::{Day, ItemId, ReportId};
use crate::seal::Sealed;

/// What the reserve file holds back: enough for SQLite to make its WAL index and a few pages
/// when a start finds the disk full.
const RESERVE_BYTES: usize = 1024 * 1024;

/// fsyncs a directory, making the names created, renamed or removed in it durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

pub struct Files {
    root: PathBuf,
}

impl Files {
    /// The files under `root`, creating `tmp/` and `reports/` when they are missing.
    pub fn open(root: &Path) -> io::Result<Files> {
        for dir in ["tmp", "reports"] {
            crate::private::create_dir_all(&root.join(dir))?;
        }
        blur_today([root.join("tmp"), root.join("reports"), root.to_owned()]);
        Ok(Files {
            root: root.to_owned(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub fn reports_dir(&self) -> PathBuf {
        self.root.join("reports")
    }

    pub fn report_dir(&self, id: &ReportId) -> PathBuf {
        self.reports_dir().join(id.as_str())
    }

    pub fn item_path(&self, report: &ReportId, item: &ItemId) -> PathBuf {
        self.report_dir(report).join(format!("{item}.age"))
    }

    /// Moves sealed temp files into the report's folder (made if need be) and makes them durable:
    /// each file was fsync'd when sealed; here the renames are, by the folders' fsyncs.
    pub fn place(&self, report: &ReportId, day: Day, files: Vec<Sealed>) -> io::Result<()> {
        let dir = self.report_dir(report);
        let fresh_dir = match crate::private::create_dir(&dir) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false,
            Err(e) => return Err(e),
        };
        let blurred = midnight_of(day);
        for file in files {
            let target = self.item_path(report, &file.id);
            file.temp.persist(&target)?;
            blur(&target, blurred);
        }
        for folder in [&dir, &self.reports_dir(), &self.tmp_dir()] {
            blur(folder, blurred);
        }
        sync_dir(&dir)?;
        if fresh_dir {
            sync_dir(&self.reports_dir())?;
        }
        Ok(())
    }

    /// Removes item files (those already gone are fine) and makes the removal durable.
    pub fn remove_items(&self, report: &ReportId, ids: &[ItemId]) -> io::Result<()> {
        for id in ids {
            match std::fs::remove_file(self.item_path(report, id)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        blur_today([self.report_dir(report)]);
        sync_dir(&self.report_dir(report))
    }

    /// Removes a report's folder and everything in it.
    pub fn remove_report(&self, report: &ReportId) -> io::Result<()> {
        match std::fs::remove_dir_all(self.report_dir(report)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        blur_today([self.reports_dir()]);
        sync_dir(&self.reports_dir())
    }

    /// Empties `tmp/`: uploads and bundles a crash interrupted. Only the service does this, at
    /// start, when no upload of its own can be running.
    pub fn clear_tmp(&self) -> io::Result<()> {
        for name in list_unnoticed(&self.tmp_dir())? {
            std::fs::remove_file(self.tmp_dir().join(name))?;
        }
        blur_today([self.tmp_dir()]);
        Ok(())
    }

    /// Removes report folders and item files that no record names: what a crash between placing
    /// files and committing the record leaves behind. `known` gives the item file names of a
    /// report, or None when there is no such report.
    pub fn sweep(
        &self,
        known: impl Fn(&ReportId) -> io::Result<Option<HashSet<String>>>,
    ) -> io::Result<()> {
        for name in list_unnoticed(&self.reports_dir())? {
            let path = self.reports_dir().join(&name);
            let id = name.to_str().and_then(|n| n.parse::<ReportId>().ok());
            let names = match id {
                Some(id) => known(&id)?,
                None => None,
            };
            match names {
                None => std::fs::remove_dir_all(&path)?,
                Some(names) => sweep_folder(&path, "", &names)?,
            }
        }
        blur_today([self.reports_dir()]);
        Ok(())
    }

    /// The install-wide salt, created on first use (32 random bytes, mode 0600).
    pub fn install_salt(&self) -> io::Result<Vec<u8>> {
        let path = self.root.join("salt");
        match read_unnoticed(&path) {
            Ok(salt) if salt.len() == 32 => return Ok(salt),
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the install salt is damaged",
                ));
            }
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            Err(_) => {}
        }
        let mut salt = vec![0u8; 32];
        crate::random::fill(&mut salt);
        if create_whole(&path, &salt)? {
            Ok(salt)
        } else {
            // Another process made it first: theirs is the one.
            self.install_salt()
        }
    }

    /// Gives back the reserve, so that a start on a full disk has room to open the database.
    /// True if there was one.
    pub fn release_reserve(&self) -> bool {
        let released = std::fs::remove_file(self.reserve_path()).is_ok();
        blur_today([&self.root]);
        released
    }

    /// Puts the reserve back when there is room for it; on a full disk it waits for a later try.
    pub fn keep_reserve(&self) {
        let path = self.reserve_path();
        if path.exists() {
            return;
        }
        if write_new(&path, &vec![0u8; RESERVE_BYTES]).is_err() {
            let _ = std::fs::remove_file(&path);
        }
        blur_today([&path, &self.root]);
    }

    fn reserve_path(&self) -> PathBuf {
        self.root.join("reserve")
    }
}

/// Removes what `names` (paths relative to a report's folder, `previous/<item>.age` for kept
/// ciphertexts) does not hold from `dir`; a sub-folder left empty goes too.
fn sweep_folder(dir: &Path, prefix: &str, names: &HashSet<String>) -> io::Result<()> {
    for file_name in list_unnoticed(dir)? {
        let path = dir.join(&file_name);
        let name = format!("{prefix}{}", file_name.to_string_lossy());
        let is_dir = std::fs::symlink_metadata(&path)?.is_dir();
        if is_dir && prefix.is_empty() {
            sweep_folder(&path, &format!("{name}/"), names)?;
            if list_unnoticed(&path)?.is_empty() {
                std::fs::remove_dir(&path)?;
            }
        } else if !names.contains(&name) {
            if is_dir {
                std::fs::remove_dir_all(&path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
        }
    }
    blur_today([dir]);
    Ok(())
}

/// Writes a new file (mode 0600) and fsyncs it; never replaces one.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = crate::private::create_new(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `path` (mode 0600) holding exactly `bytes`, or leaves the file that is there: whole
/// or not at all, also when the process is killed half-way, and never two versions when two
/// processes create it at once. The bytes go to a temporary name beside it, are fsync'd, and are
/// then hard-linked into place, which fails if the name is taken. Returns false when a file was
/// there already (its content is the caller's to read).
pub fn create_whole(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let mut random = [0u8; 8];
    crate::random::fill(&mut random);
    let temp = folder.join(format!(".{name}.{}.part", hex::encode(random)));
    write_new(&temp, bytes)?;
    let linked = std::fs::hard_link(&temp, path);
    std::fs::remove_file(&temp)?;
    blur_today([folder]);
    match linked {
        Ok(()) => {
            times::blur_today([path]);
            sync_dir(folder)?;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}
