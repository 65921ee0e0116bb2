//! Reading a bundle's tar archive, entry by entry, deciding for each whether it is kept.
//!
//! Only regular files named exactly `manifest.json` or `<16 hex>.age` are kept; every other entry
//! is refused and its data skipped. Nothing is unpacked: kept ciphertexts stay in memory when small
//! and otherwise go to numbered files in a private scratch folder, so no name from the archive
//! ever reaches the file system. The archive is read in the `tar` crate's raw mode: GNU long
//! names and PAX headers are not applied by the crate (which would read a long name of any size
//! into memory) but seen here as entries, bounded, and the entry they describe is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, Read};

use super::kept::{self, Blob, Kept, Scratch};
use super::report::{OpenReport, shown, shown_prefix, shown_text};
use crate::domain::ItemId;
use crate::offline::OfflineError;

const MANIFEST_NAME: &[u8] = b"manifest.json";
/// `manifest.json` lists a few dozen items; a bigger one is not from meldpunt.
const MANIFEST_MAX: u64 = 4 * 1024 * 1024;
/// More entries than any report has; stops an archive of millions of empty entries.
const MAX_ENTRIES: usize = 10_000;
/// How much of a GNU long name is read (to show the officer a piece of it); the rest is skipped.
const LONG_NAME_KEPT: u64 = 64 * 1024;

/// What was kept from the archive.
#[derive(Default)]
pub(super) struct Loaded {
    pub manifest: Option<Vec<u8>>,
    /// More than one `manifest.json`: none of them is trusted.
    pub manifest_doubled: bool,
    pub blobs: BTreeMap<ItemId, Blob>,
    /// Items whose file appears more than once: no copy is trusted.
    pub doubled: BTreeSet<ItemId>,
    /// Why reading stopped before the end of the archive, if it did.
    pub stopped: Option<String>,
}

/// Reads the whole archive (or up to the budget), refusing what does not belong.
pub(super) fn read(
    file: File,
    scratch: &mut Scratch,
    budget: u64,
    report: &mut OpenReport,
) -> Result<Loaded, OfflineError> {
    let mut archive = tar::Archive::new(BufReader::new(file));
    let mut loaded = Loaded::default();
    let entries = match archive.entries() {
        Ok(entries) => entries.raw(true),
        Err(e) => {
            loaded.stopped = Some(format!(
                "the archive is damaged: {}",
                shown_text(&e.to_string())
            ));
            return Ok(loaded);
        }
    };
    let mut used: u64 = 0;
    // A GNU long name / long link or PAX header seen, describing the next entry.
    let mut pending: Option<Extension> = None;
    for (index, entry) in entries.enumerate() {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                stop(
                    &mut loaded,
                    report,
                    "the rest of the archive",
                    format!("the archive is damaged: {}", shown_text(&e.to_string())),
                );
                break;
            }
        };
        let name = entry.path_bytes().into_owned();
        if index >= MAX_ENTRIES {
            stop(
                &mut loaded,
                report,
                shown(&name),
                format!("more than {MAX_ENTRIES} entries"),
            );
            break;
        }
        let size = entry.size();
        used = match used.checked_add(size).filter(|total| *total <= budget) {
            Some(total) => total,
            None => {
                let why = format!("{size} bytes would go over the --max-mib budget");
                stop(&mut loaded, report, shown(&name), why);
                break;
            }
        };
        let kind = entry.header().entry_type();
        if kind.is_gnu_longname() || kind.is_gnu_longlink() || kind.is_pax_local_extensions() {
            pending = Some(Extension::read(&mut entry, size, kind.is_gnu_longname()));
            continue;
        }
        if kind.is_pax_global_extensions() {
            report.refuse(
                shown(&name),
                "a PAX global header (meldpunt never writes one); ignored",
            );
            continue;
        }
        if let Some(extension) = pending.take() {
            // Other tar readers would take this entry's name or type from the extension, so
            // neither the header nor the extension is trusted: the entry is refused whole.
            report.refuse(extension.shown_name(&name), extension.why());
            continue;
        }
        if kind != tar::EntryType::Regular {
            report.refuse(shown(&name), type_reason(kind));
            continue;
        }
        match classify(&name) {
            Err(why) => report.refuse(shown(&name), why),
            Ok(None) => keep_manifest(&mut entry, size, &mut loaded, report)?,
            Ok(Some(id)) => keep_item(&mut entry, size, id, scratch, &mut loaded, report)?,
        }
        if loaded.stopped.is_some() {
            break;
        }
    }
    if let Some(extension) = pending {
        report.refuse(
            extension.shown_name(b""),
            "an extension header with no entry after it",
        );
    }
    Ok(loaded)
}

fn stop(loaded: &mut Loaded, report: &mut OpenReport, what: impl Into<String>, why: String) {
    report.refuse(what, format!("{why}; reading stopped here"));
    loaded.stopped = Some(why);
}

/// `Ok(None)` for `manifest.json`, `Ok(Some(id))` for `<id>.age`, else why the name is refused.
fn classify(name: &[u8]) -> Result<Option<ItemId>, &'static str> {
    if name.is_empty() {
        return Err("an empty name");
    }
    if name.starts_with(b"/") {
        return Err("an absolute path");
    }
    if name
        .split(|b| *b == b'/' || *b == b'\\')
        .any(|part| part == b"..")
    {
        return Err("a path that climbs out of the folder (..)");
    }
    if name.contains(&0) {
        return Err("a name with a NUL byte");
    }
    if name.contains(&b'/') || name.contains(&b'\\') {
        return Err("a path with folders");
    }
    if name == MANIFEST_NAME {
        return Ok(None);
    }
    std::str::from_utf8(name)
        .ok()
        .and_then(|name| name.strip_suffix(".age"))
        .and_then(|id| id.parse::<ItemId>().ok())
        .map(Some)
        .ok_or("not a name meldpunt writes (manifest.json or <16 hex digits>.age)")
}

fn type_reason(kind: tar::EntryType) -> String {
    match kind {
        tar::EntryType::Symlink => "a symbolic link (links are never created)".into(),
        tar::EntryType::Link => "a hard link (links are never created)".into(),
        tar::EntryType::Char => "a character device".into(),
        tar::EntryType::Block => "a block device".into(),
        tar::EntryType::Fifo => "a FIFO (named pipe)".into(),
        tar::EntryType::Directory => "a folder (bundles have none)".into(),
        other => format!(
            "not a regular file (entry type {})",
            shown(&[other.as_byte()])
        ),
    }
}

fn keep_manifest(
    entry: &mut impl Read,
    size: u64,
    loaded: &mut Loaded,
    report: &mut OpenReport,
) -> Result<(), OfflineError> {
    if loaded.manifest.is_some() || loaded.manifest_doubled {
        loaded.manifest = None;
        loaded.manifest_doubled = true;
        report.refuse("manifest.json", "appears twice; neither copy is used");
        return Ok(());
    }
    if size > MANIFEST_MAX {
        report.refuse(
            "manifest.json",
            format!("{size} bytes, more than a manifest can be"),
        );
        return Ok(());
    }
    let mut bytes = Vec::new();
    match entry.take(size).read_to_end(&mut bytes) {
        Ok(n) if n as u64 == size => loaded.manifest = Some(bytes),
        Ok(_) => stop(
            loaded,
            report,
            "manifest.json",
            "the archive ends inside it".into(),
        ),
        Err(e) => stop(
            loaded,
            report,
            "manifest.json",
            format!("cannot be read: {e}"),
        ),
    }
    Ok(())
}

fn keep_item(
    entry: &mut impl Read,
    size: u64,
    id: ItemId,
    scratch: &mut Scratch,
    loaded: &mut Loaded,
    report: &mut OpenReport,
) -> Result<(), OfflineError> {
    let what = format!("{id}.age");
    if loaded.doubled.contains(&id) || loaded.blobs.remove(&id).is_some() {
        loaded.doubled.insert(id);
        report.refuse(what, "appears twice in the archive; no copy is opened");
        return Ok(());
    }
    match kept::keep(entry, size, scratch)? {
        Kept::Whole(blob) => {
            loaded.blobs.insert(id, blob);
        }
        Kept::Short => stop(loaded, report, what, "the archive ends inside it".into()),
        Kept::Unreadable(e) => stop(loaded, report, what, format!("cannot be read: {e}")),
    }
    Ok(())
}

/// A GNU long name / long link or a PAX header, and what it says about the next entry.
struct Extension {
    /// The first bytes of a long name, and its full length.
    long_name: Option<(Vec<u8>, u64)>,
}

impl Extension {
    fn read(entry: &mut impl Read, size: u64, is_long_name: bool) -> Self {
        let long_name = is_long_name.then(|| {
            let mut kept = Vec::new();
            // A damaged read shows as a shorter name; the entry is refused either way.
            let _ = entry.take(LONG_NAME_KEPT).read_to_end(&mut kept);
            let complete = kept.len() as u64 == size;
            // GNU tar ends the name with a NUL.
            while kept.last() == Some(&0) {
                kept.pop();
            }
            let total = if complete { kept.len() as u64 } else { size };
            (kept, total)
        });
        Extension { long_name }
    }

    fn shown_name(&self, header_name: &[u8]) -> String {
        match &self.long_name {
            Some((kept, total)) => shown_prefix(kept, *total),
            None => shown(header_name),
        }
    }

    fn why(&self) -> String {
        match &self.long_name {
            Some((_, total)) => {
                format!("a GNU long name of {total} bytes (meldpunt never writes one)")
            }
            None => "carries a GNU long link or PAX header (meldpunt never writes one)".into(),
        }
    }
}
