//! Writing a backup while the service runs (see the module above for the format).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{AUDIT_DB, BackupError, DEMO_KEYS, FORMAT, LISTING, Listed, Listing, RECORDS_DB, SALT};
use crate::audit::{AuditHead, AuditLog};
use crate::domain::{Clock, SystemClock};
use crate::seal::Recipients;
use crate::store::Store;
use crate::store::times::open_unnoticed;

/// A report deleted, or a re-seal under way, while a backup is written makes it start over;
/// this many times at most.
const ATTEMPTS: u32 = 5;

/// What a backup holds.
#[derive(Debug)]
pub struct BackupSummary {
    pub reports: usize,
    pub files: usize,
    /// Bytes before encryption.
    pub bytes: u64,
    pub audit_head: Option<AuditHead>,
    pub attempts: u32,
}

/// Writes a backup of `data` to `out` (which must not exist), encrypted to `recipients`.
pub fn make(data: &Path, out: &Path, recipients: Recipients) -> Result<BackupSummary, BackupError> {
    if !data.join("db").join("meldpunt.sqlite").is_file() {
        return Err(BackupError::Refused(format!(
            "no meldpunt data folder at {}",
            data.display()
        )));
    }
    if out.exists() {
        return Err(BackupError::Refused(format!(
            "{} exists already; a backup never overwrites one",
            out.display()
        )));
    }
    let store = Store::open(data).map_err(|e| BackupError::failed("cannot open the store", e))?;
    let audit =
        AuditLog::open(data).map_err(|e| BackupError::failed("cannot open the audit log", e))?;
    let part = part_path(out);
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        let written = write_once(data, &store, &audit, &part, &recipients);
        match written {
            Ok(Some(mut summary)) => {
                // A hard link never replaces: if `out` appeared meanwhile, it stays as it was.
                std::fs::hard_link(&part, out)
                    .map_err(|e| BackupError::failed("cannot put the backup in place", e))?;
                let _ = std::fs::remove_file(&part);
                sync_parent(out).map_err(|e| BackupError::failed("cannot sync", e))?;
                summary.attempts = attempt;
                return Ok(summary);
            }
            Ok(None) => last = "the reports changed while they were copied".into(),
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(e);
            }
        }
        let _ = std::fs::remove_file(&part);
        std::thread::sleep(std::time::Duration::from_millis(200 * u64::from(attempt)));
    }
    Err(BackupError::Failed(format!(
        "no consistent backup after {ATTEMPTS} attempts: {last}"
    )))
}

/// `.<name>.part` beside `out`.
fn part_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.part"))
}

fn sync_parent(path: &Path) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(parent)?.sync_all()
}

/// One attempt; `Ok(None)` when the store moved under it (start over).
fn write_once(
    data: &Path,
    store: &Store,
    audit: &AuditLog,
    part: &Path,
    recipients: &Recipients,
) -> Result<Option<BackupSummary>, BackupError> {
    let snapshot = store
        .snapshot()
        .map_err(|e| BackupError::failed("cannot copy the records", e))?;
    if snapshot.moving {
        return Ok(None);
    }
    let (audit_copy, audit_head) = audit
        .snapshot()
        .map_err(|e| BackupError::failed("cannot copy the audit log", e))?;
    let salt = crate::store::times::read_unnoticed(&data.join(SALT))
        .map_err(|e| BackupError::failed("cannot read the install salt", e))?;

    let file = crate::private::create_new(part)
        .map_err(|e| BackupError::failed(&format!("cannot create {}", part.display()), e))?;
    let encryptor = age::Encryptor::with_recipients(
        recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient),
    )
    .map_err(|e| BackupError::failed("cannot encrypt to the recipients", e))?;
    let sealed = encryptor
        .wrap_output(BufWriter::with_capacity(256 * 1024, file))
        .map_err(|e| BackupError::failed("cannot start encrypting", e))?;
    let mut archive = Archive {
        tar: tar::Builder::new(sealed),
        listed: Vec::new(),
    };
    let io = |e: io::Error| BackupError::failed("cannot write the backup", e);
    archive.bytes(SALT, &salt).map_err(io)?;
    archive.bytes(RECORDS_DB, &snapshot.database).map_err(io)?;
    archive.bytes(AUDIT_DB, &audit_copy).map_err(io)?;
    for key in demo_keys(data).map_err(io)? {
        let bytes = zeroize::Zeroizing::new(
            crate::store::times::read_unnoticed(&data.join(&key)).map_err(io)?,
        );
        archive.bytes(&key, &bytes).map_err(io)?;
    }
    for relative in &snapshot.files {
        match open_unnoticed(&data.join(relative)) {
            Ok(file) => {
                let size = std::fs::metadata(data.join(relative)).map_err(io)?.len();
                archive
                    .reader(&relative.to_string_lossy(), size, file)
                    .map_err(io)?;
            }
            // Deleted since the snapshot: this copy would name a file it lacks.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        }
    }
    let listing = Listing {
        format: FORMAT.into(),
        day: SystemClock.today().to_string(),
        reports: snapshot.reports,
        audit_head: audit_head.clone(),
        entries: archive.listed.clone(),
    };
    let json = serde_json::to_vec(&listing).map_err(|e| BackupError::failed("listing", e))?;
    archive.append_raw(LISTING, &json).map_err(io)?;
    let summary = BackupSummary {
        reports: snapshot.reports,
        files: snapshot.files.len(),
        bytes: archive.listed.iter().map(|l| l.size).sum(),
        audit_head,
        attempts: 0,
    };
    let sealed = archive.tar.into_inner().map_err(io)?;
    let buffered = sealed.finish().map_err(io)?;
    let file = buffered.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    Ok(Some(summary))
}

/// `demo-keys/<desk>.key`, relative to the data folder, if the folder has them.
fn demo_keys(data: &Path) -> io::Result<Vec<String>> {
    let dir = data.join(DEMO_KEYS);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut keys: Vec<String> = crate::store::times::list_unnoticed(&dir)?
        .into_iter()
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".key"))
        .map(|name| format!("{DEMO_KEYS}/{name}"))
        .collect();
    keys.sort();
    Ok(keys)
}

/// The tar stream being written, and what has gone into it.
struct Archive<W: Write> {
    tar: tar::Builder<W>,
    listed: Vec<Listed>,
}

impl<W: Write> Archive<W> {
    fn bytes(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.reader(path, bytes.len() as u64, bytes)
    }

    /// Appends `size` bytes from `reader` under `path`, hashing them on the way.
    fn reader(&mut self, path: &str, size: u64, reader: impl Read) -> io::Result<()> {
        let mut hashing = Hashing {
            inner: reader.take(size),
            hasher: Sha256::new(),
            read: 0,
        };
        self.tar
            .append_data(&mut header(size), path, &mut hashing)?;
        if hashing.read != size {
            return Err(io::Error::other(format!(
                "{path} changed size while it was read"
            )));
        }
        self.listed.push(Listed {
            path: path.to_owned(),
            size,
            sha256: hex::encode(hashing.hasher.finalize()),
        });
        Ok(())
    }

    fn append_raw(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.tar
            .append_data(&mut header(bytes.len() as u64), path, bytes)
    }
}

/// A plain header: mode 0600, no owner, and no time (the archive must not date the items).
fn header(size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}
