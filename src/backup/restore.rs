//! Restoring a backup into a new folder, and checking that what was restored is whole.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{AUDIT_DB, BackupError, DEMO_KEYS, FORMAT, LISTING, Listed, Listing, RECORDS_DB, SALT};
use crate::audit::{AuditHead, AuditLog};
use crate::bundle::header;
use crate::domain::{ItemId, ReportId};
use crate::offline::identity::DeskIdentity;
use crate::store::Store;
use crate::store::reseal::PREVIOUS_DIR;

/// `backup.json` of a very large installation (a few hundred bytes per file) fits in this.
const LISTING_MAX: u64 = 256 * 1024 * 1024;

/// What a restore found.
#[derive(Debug)]
pub struct RestoreSummary {
    pub day: String,
    pub reports: usize,
    pub files: usize,
    pub audit_entries: u64,
    pub audit_head: Option<AuditHead>,
    /// Everything that is not whole; empty when the restore is good.
    pub problems: Vec<String>,
}

/// Restores the backup `from` into `data` (new, or an empty folder) with `identity`.
pub fn restore(
    from: &Path,
    identity: &DeskIdentity,
    data: &Path,
) -> Result<RestoreSummary, BackupError> {
    refuse_unless_empty(data)?;
    let file = File::open(from)
        .map_err(|e| BackupError::Refused(format!("cannot read {}: {e}", from.display())))?;
    // The bounded scan first: the age crate's own parse is quadratic in the header's size.
    let peek = File::open(from).map_err(|e| BackupError::failed("cannot read", e))?;
    if header::scan(peek)
        .map_err(|e| BackupError::failed("cannot read", e))?
        .is_err()
    {
        return Err(BackupError::Refused(format!(
            "{} is not a meldpunt backup (no acceptable age header)",
            from.display()
        )));
    }
    let decryptor = age::Decryptor::new_buffered(BufReader::new(file))
        .map_err(|e| BackupError::Refused(format!("not an age file: {e}")))?;
    let plain = decryptor.decrypt(identity.as_identities()).map_err(|e| {
        BackupError::Refused(format!(
            "the backup does not open with this identity ({e}); use the backup key's identity"
        ))
    })?;
    crate::private::create_dir_all(data)
        .map_err(|e| BackupError::failed(&format!("cannot create {}", data.display()), e))?;
    let (listing, written) = unpack(plain, data)?;
    check(data, &listing, &written)
}

fn refuse_unless_empty(data: &Path) -> Result<(), BackupError> {
    match std::fs::read_dir(data) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BackupError::Refused(format!(
                    "{} is not empty; restore into a new folder",
                    data.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(BackupError::Refused(format!(
            "cannot use {}: {e}",
            data.display()
        ))),
    }
}

/// Writes every entry, checking each name; returns the listing and what was written.
fn unpack(
    plain: impl Read,
    data: &Path,
) -> Result<(Listing, BTreeMap<String, Listed>), BackupError> {
    let hostile = |why: String| BackupError::Failed(format!("the backup is damaged: {why}"));
    let mut archive = tar::Archive::new(plain);
    let entries = archive
        .entries()
        .map_err(|e| hostile(e.to_string()))?
        .raw(true);
    let mut written: BTreeMap<String, Listed> = BTreeMap::new();
    let mut listing: Option<Listing> = None;
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    for entry in entries {
        let mut entry = entry.map_err(|e| hostile(e.to_string()))?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(hostile("an entry is not a regular file".into()));
        }
        let name = String::from_utf8(entry.path_bytes().into_owned())
            .map_err(|_| hostile("an entry name is not UTF-8".into()))?;
        if listing.is_some() {
            return Err(hostile(format!("{name:?} comes after {LISTING}")));
        }
        let size = entry.size();
        if name == LISTING {
            if size > LISTING_MAX {
                return Err(hostile(format!("{LISTING} is too large")));
            }
            let mut bytes = Vec::new();
            (&mut entry)
                .take(LISTING_MAX)
                .read_to_end(&mut bytes)
                .map_err(|e| hostile(e.to_string()))?;
            let parsed: Listing =
                serde_json::from_slice(&bytes).map_err(|e| hostile(format!("{LISTING}: {e}")))?;
            if parsed.format != FORMAT {
                return Err(hostile(format!("unknown format {:?}", parsed.format)));
            }
            listing = Some(parsed);
            continue;
        }
        if !allowed(&name) {
            return Err(hostile(format!("unexpected entry {name:?}")));
        }
        if written.contains_key(&name) {
            return Err(hostile(format!("{name:?} appears twice")));
        }
        let path = data.join(&name);
        if let Some(folder) = path.parent() {
            crate::private::create_dir_all(folder)
                .map_err(|e| BackupError::failed("cannot create a folder", e))?;
            folders.insert(folder.to_owned());
        }
        let listed = write_entry(&mut entry, &path, &name, size)
            .map_err(|e| BackupError::failed(&format!("cannot write {name}"), e))?;
        written.insert(name, listed);
    }
    for folder in folders.iter().chain(std::iter::once(&data.to_path_buf())) {
        File::open(folder)
            .and_then(|f| f.sync_all())
            .map_err(|e| BackupError::failed("cannot sync", e))?;
    }
    let listing =
        listing.ok_or_else(|| hostile(format!("no {LISTING}: the backup is cut short")))?;
    Ok((listing, written))
}

/// The only names a backup has.
fn allowed(name: &str) -> bool {
    if [SALT, RECORDS_DB, AUDIT_DB].contains(&name) {
        return true;
    }
    if let Some(key) = name.strip_prefix(&format!("{DEMO_KEYS}/")) {
        return key.strip_suffix(".key").is_some_and(|desk| {
            !desk.is_empty()
                && desk
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    }
    let Some(rest) = name.strip_prefix("reports/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let item_ok = |file: &str| {
        file.strip_suffix(".age")
            .is_some_and(|id| id.parse::<ItemId>().is_ok())
    };
    match parts.as_slice() {
        [report, file] => report.parse::<ReportId>().is_ok() && item_ok(file),
        [report, dir, file] => {
            report.parse::<ReportId>().is_ok() && *dir == PREVIOUS_DIR && item_ok(file)
        }
        _ => false,
    }
}

fn write_entry(entry: &mut impl Read, path: &Path, name: &str, size: u64) -> io::Result<Listed> {
    let mut file = crate::private::create_new(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut limited = entry.take(size);
    let mut read = 0u64;
    loop {
        let n = limited.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])?;
        read += n as u64;
    }
    file.sync_all()?;
    Ok(Listed {
        path: name.to_owned(),
        size: read,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// Everything that makes the restored folder whole, checked; problems are listed, not fatal.
fn check(
    data: &Path,
    listing: &Listing,
    written: &BTreeMap<String, Listed>,
) -> Result<RestoreSummary, BackupError> {
    let mut problems = Vec::new();
    let listed: BTreeMap<&str, &Listed> = listing
        .entries
        .iter()
        .map(|l| (l.path.as_str(), l))
        .collect();
    for (name, got) in written {
        match listed.get(name.as_str()) {
            None => problems.push(format!("{name} is not in {LISTING}")),
            Some(want) if *want != got => {
                problems.push(format!("{name} does not match its size and SHA-256"));
            }
            Some(_) => {}
        }
    }
    for name in listed.keys() {
        if !written.contains_key(*name) {
            problems.push(format!("{name} is listed but missing"));
        }
    }
    for needed in [SALT, RECORDS_DB, AUDIT_DB] {
        if !written.contains_key(needed) {
            problems.push(format!("{needed} is missing"));
        }
    }
    if !problems.is_empty() {
        return Ok(summary(listing, written.len(), 0, None, problems));
    }

    let store =
        Store::open(data).map_err(|e| BackupError::failed("cannot open the restored store", e))?;
    let records = store
        .all_reports()
        .map_err(|e| BackupError::failed("cannot read the restored records", e))?;
    let mut named: BTreeSet<String> = BTreeSet::new();
    for record in &records {
        let mut items: Vec<(String, u64)> = record
            .items
            .iter()
            .map(|i| (format!("reports/{}/{}.age", record.id, i.id), i.size))
            .collect();
        if let Some(previous) = &record.previous {
            items.extend(previous.items.iter().map(|i| {
                (
                    format!("reports/{}/{PREVIOUS_DIR}/{}.age", record.id, i.id),
                    i.size,
                )
            }));
        }
        for (name, size) in items {
            match written.get(&name) {
                None => problems.push(format!("{name} of report {} is missing", record.id)),
                Some(got) if got.size != size => problems.push(format!(
                    "{name} has {} bytes, its record says {size}",
                    got.size
                )),
                Some(_) => match header::scan_file(&data.join(&name)) {
                    Ok(Ok(_)) => {}
                    _ => problems.push(format!("{name} is not an age file")),
                },
            }
            named.insert(name);
        }
    }
    for name in written.keys().filter(|n| n.starts_with("reports/")) {
        if !named.contains(name) {
            problems.push(format!("{name} is named by no record"));
        }
    }
    if records.len() != listing.reports {
        problems.push(format!(
            "{} reports restored, the backup listed {}",
            records.len(),
            listing.reports
        ));
    }

    let audit = AuditLog::open(data)
        .map_err(|e| BackupError::failed("cannot open the restored audit log", e))?;
    let entries = match audit.verify() {
        Ok(count) => count,
        Err(e) => {
            problems.push(format!("the audit log is broken: {e}"));
            0
        }
    };
    let head = audit
        .head()
        .map_err(|e| BackupError::failed("cannot read the audit head", e))?;
    if head != listing.audit_head {
        problems.push("the audit log does not end where the backup said it did".into());
    }
    Ok(summary(listing, written.len(), entries, head, problems))
}

fn summary(
    listing: &Listing,
    files: usize,
    audit_entries: u64,
    audit_head: Option<AuditHead>,
    problems: Vec<String>,
) -> RestoreSummary {
    RestoreSummary {
        day: listing.day.clone(),
        reports: listing.reports,
        files,
        audit_entries,
        audit_head,
        problems,
    }
}
