//! Bundles: how sealed reports leave the server and how re-sealed ones come back.
//!
//! A bundle is a tar archive holding `manifest.json` (report id, desk, day received, and per item
//! its kind, size and the SHA-256 of its ciphertext) and one `<item>.age` file per item. A
//! transfer package has the same shape, with format `meldpunt-transfer/1`, the new desk in `to`,
//! the recipients it was sealed to in `recipients`, and every item re-sealed offline to that desk
//! under its own item id ([`header`] counts an item's recipient stanzas for the server's check).
//!
//! Reading treats every byte as hostile: only regular files with the exact names above are
//! accepted, sizes are bounded, each ciphertext must match its manifest hash and be an age file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::{DeskId, ItemId, ReportId};
use crate::seal::TempPath;
use crate::store::times::open_unnoticed;
use crate::store::{ItemKind, ItemRecord, ReportRecord, Store};

pub mod header;
#[cfg(test)]
mod tests;

pub const BUNDLE_FORMAT: &str = "meldpunt-bundle/1";
pub const TRANSFER_FORMAT: &str = "meldpunt-transfer/1";
/// A reply sealed offline: the report it answers, the desk's recipients in `recipients`, and two
/// items — the reporter's copy (`reply`, one stanza more, for the reporter) and the desk's copy.
pub const REPLY_FORMAT: &str = "meldpunt-reply/1";
const MANIFEST: &str = "manifest.json";
const MANIFEST_MAX: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleManifest {
    pub format: String,
    pub report: ReportId,
    pub desk: DeskId,
    pub received: String,
    /// Transfer packages only: the desk the items are re-sealed for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DeskId>,
    /// Transfer packages only: the recipients (`age1…`) every item was sealed to (replies also to
    /// the reporter). The server accepts the package only when these are exactly the target
    /// desk's configured recipients and every item's age header has that many stanzas.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    pub items: Vec<BundleItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleItem {
    pub id: ItemId,
    pub kind: ItemKind,
    pub batch: u32,
    pub day: String,
    /// Ciphertext bytes.
    pub size: u64,
    /// Hex SHA-256 of the ciphertext.
    pub sha256: String,
}

impl BundleItem {
    pub fn file_name(&self) -> String {
        format!("{}.age", self.id)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("input/output failed: {0}")]
    Io(#[from] io::Error),
    #[error("the archive is not acceptable: {0}")]
    Hostile(String),
    #[error(
        "an item's age header is larger than {} KiB or has more than {} stanzas",
        header::HEADER_MAX / 1024,
        header::STANZAS_MAX
    )]
    AgeHeader,
}

fn hostile(why: impl Into<String>) -> BundleError {
    BundleError::Hostile(why.into())
}

fn sha256_of(path: &Path) -> io::Result<String> {
    let mut file = BufReader::new(open_unnoticed(path)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn append(
    builder: &mut tar::Builder<impl Write>,
    name: &str,
    size: u64,
    data: impl Read,
) -> io::Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_size(size);
    header.set_path(name)?;
    header.set_cksum();
    builder.append(&header, data)
}

/// Writes a bundle of `items` of `record` into a new file at `out`.
pub fn write_bundle(
    store: &Store,
    record: &ReportRecord,
    items: &[&ItemRecord],
    out: &Path,
) -> Result<BundleManifest, BundleError> {
    let mut manifest = BundleManifest {
        format: BUNDLE_FORMAT.into(),
        report: record.id.clone(),
        desk: record.desk.clone(),
        received: record.received.iso(),
        to: None,
        recipients: Vec::new(),
        items: Vec::new(),
    };
    for item in items {
        let path = store.item_path(&record.id, &item.id);
        manifest.items.push(BundleItem {
            id: item.id.clone(),
            kind: item.kind,
            batch: item.batch,
            day: item.day.iso(),
            size: std::fs::metadata(&path)?.len(),
            sha256: sha256_of(&path)?,
        });
    }
    let file = crate::private::create_new(out)?;
    let mut builder = tar::Builder::new(io::BufWriter::new(file));
    let json = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
    append(&mut builder, MANIFEST, json.len() as u64, json.as_slice())?;
    for item in &manifest.items {
        let path = store.item_path(&record.id, &item.id);
        append(
            &mut builder,
            &item.file_name(),
            item.size,
            open_unnoticed(&path)?,
        )?;
    }
    builder.into_inner()?.flush()?;
    Ok(manifest)
}

/// One verified ciphertext taken from a package, waiting in `tmp/`.
#[derive(Debug)]
pub struct Received {
    pub item: BundleItem,
    pub temp: TempPath,
}

/// Reads a transfer package: every entry checked, every ciphertext extracted into `tmp_dir`,
/// hashed and checked to be an age file. `budget` bounds the total bytes extracted.
pub fn read_package(
    package: &Path,
    tmp_dir: &Path,
    budget: u64,
) -> Result<(BundleManifest, Vec<Received>), BundleError> {
    let mut archive = tar::Archive::new(BufReader::new(File::open(package)?));
    let mut manifest_bytes: Option<Vec<u8>> = None;
    let mut files: BTreeMap<String, (TempPath, String, u64)> = BTreeMap::new();
    let mut used = 0u64;
    // Raw: a GNU long name or a PAX header is handed to us as an entry of its own, refused
    // below before a byte of it is read, instead of being read whole into memory by the tar
    // crate (a 300 MiB long name took the server to 1.1 GiB).
    for entry in archive.entries()?.raw(true) {
        let mut entry = entry?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(hostile(
                "an entry is not a regular file (link, device or folder)",
            ));
        }
        let name = entry_name(&entry)?;
        let size = entry.header().size()?;
        used = used.saturating_add(size);
        if used > budget {
            return Err(hostile("the archive is larger than allowed"));
        }
        if name == MANIFEST {
            if manifest_bytes.is_some() || size > MANIFEST_MAX {
                return Err(hostile("a second or oversized manifest"));
            }
            let mut bytes = Vec::new();
            (&mut entry).take(MANIFEST_MAX).read_to_end(&mut bytes)?;
            manifest_bytes = Some(bytes);
        } else {
            let id =
                item_file_id(&name).ok_or_else(|| hostile(format!("unexpected entry {name:?}")))?;
            if files.contains_key(&id) {
                return Err(hostile(format!("{name:?} appears twice")));
            }
            let extracted = extract(&mut entry, tmp_dir, size)?;
            files.insert(id, extracted);
        }
    }
    let manifest: BundleManifest =
        serde_json::from_slice(&manifest_bytes.ok_or_else(|| hostile("no manifest.json"))?)
            .map_err(|e| hostile(format!("manifest.json: {e}")))?;
    let named: BTreeSet<String> = manifest.items.iter().map(|i| i.id.to_string()).collect();
    if named.len() != manifest.items.len() || named != files.keys().cloned().collect() {
        return Err(hostile(
            "the manifest and the files do not match one to one",
        ));
    }
    let mut received = Vec::new();
    for item in &manifest.items {
        let Some((temp, sha, len)) = files.remove(item.id.as_str()) else {
            return Err(hostile(
                "the manifest and the files do not match one to one",
            ));
        };
        // The size goes into the record as the item's; it must be the file's.
        if *sha != item.sha256 || len != item.size {
            return Err(hostile(format!(
                "{} does not match its sha256 and size",
                item.file_name()
            )));
        }
        received.push(Received {
            item: item.clone(),
            temp,
        });
    }
    Ok((manifest, received))
}

fn entry_name(entry: &tar::Entry<impl Read>) -> Result<String, BundleError> {
    let path = entry.path()?;
    let name = path
        .to_str()
        .ok_or_else(|| hostile("an entry name is not UTF-8"))?;
    if name.contains('/') || name.contains('\\') || name.starts_with('.') {
        return Err(hostile(format!("entry {name:?} is not a plain file name")));
    }
    Ok(name.to_owned())
}

/// The item id of `<16 hex>.age`, or `None`.
fn item_file_id(name: &str) -> Option<String> {
    let id = name.strip_suffix(".age")?;
    id.parse::<ItemId>().ok().map(|i| i.to_string())
}

/// Copies one entry into a new temp file, hashing it, and checks it is an age file.
fn extract(
    entry: &mut impl Read,
    tmp_dir: &Path,
    size: u64,
) -> Result<(TempPath, String, u64), BundleError> {
    let path: PathBuf = tmp_dir.join(format!("{}.part", ItemId::random()));
    let mut file = crate::private::create_new(&path)?;
    let temp = TempPath::guard(path);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut limited = entry.take(size);
    let mut len = 0u64;
    loop {
        let n = limited.read(&mut buf)?;
        if n == 0 {
            break;
        }
        len += n as u64;
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])?;
    }
    file.sync_all()?;
    let Some(path) = temp.path() else {
        return Err(hostile("temporary file vanished"));
    };
    // The bounded scan first: the age crate's own parse is quadratic in the header's size.
    match header::scan_file(path)? {
        Ok(_) => {}
        Err(header::Fault::TooLarge) => return Err(BundleError::AgeHeader),
        Err(header::Fault::Malformed) => return Err(hostile("an item is not an age file")),
    }
    if age::Decryptor::new(BufReader::new(open_unnoticed(path)?)).is_err() {
        return Err(hostile("an item is not an age file"));
    }
    Ok((temp, hex::encode(hasher.finalize()), len))
}
