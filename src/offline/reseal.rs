//! Sealing on the offline machine: a reply for the reporter (`seal-reply`) and a whole report
//! re-sealed for another desk (`transfer`). Both read the bundle with the same hostile-input
//! checks the server applies to uploads ([`crate::bundle::read_package`]): regular files with
//! exact names only, bounded sizes, every ciphertext matching its manifest hash and being age.
//! Plaintext exists only in memory, one chunk at a time, between decryptor and encryptor.

use std::io::{BufReader, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::OfflineError;
use super::identity::DeskIdentity;
use crate::bundle::{self, BundleItem, BundleManifest, Received};
use crate::domain::{DeskId, ItemId};
use crate::seal::manifest::Manifest;
use crate::store::ItemKind;

/// Largest bundle read here (ciphertext bytes), and largest reply typed offline.
const BUNDLE_MAX: u64 = 64 * 1024 * 1024 * 1024;
const REPLY_MAX_CHARS: usize = 20_000;

/// A private scratch folder (mode 0700), removed with everything in it when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, OfflineError> {
        let path = std::env::temp_dir().join(format!("meldpunt-{}", ItemId::random()));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(|source| OfflineError::Write {
                path: path.display().to_string(),
                source,
            })?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A checked bundle: its manifest and its ciphertexts in a scratch folder.
struct Opened {
    manifest: BundleManifest,
    items: Vec<Received>,
    scratch: Scratch,
}

fn read_bundle(path: &Path) -> Result<Opened, OfflineError> {
    let scratch = Scratch::new()?;
    let (manifest, items) = bundle::read_package(path, &scratch.0, BUNDLE_MAX)
        .map_err(|e| OfflineError::Hostile(e.to_string()))?;
    if manifest.format != bundle::BUNDLE_FORMAT {
        return Err(OfflineError::Hostile(format!(
            "format {:?} is not a bundle (download it again from the desk area)",
            manifest.format
        )));
    }
    Ok(Opened {
        manifest,
        items,
        scratch,
    })
}

fn decryptor_for<'a>(
    received: &Received,
    identity: &'a DeskIdentity,
) -> Result<impl Read + use<'a>, OfflineError> {
    let path = received
        .temp
        .path()
        .ok_or_else(|| OfflineError::Hostile("an item vanished".into()))?;
    let file = std::fs::File::open(path).map_err(|source| OfflineError::Read {
        path: path.display().to_string(),
        source,
    })?;
    age::Decryptor::new(BufReader::new(file))
        .and_then(|d| d.decrypt(identity.as_identities()))
        .map_err(|_| {
            OfflineError::Crypto(format!(
                "item {} does not open with this identity (is --identity the key of the report's desk?)",
                received.item.id
            ))
        })
}

/// The reporter's recipient, from the tip's encrypted manifest.
fn reporter_recipient(
    opened: &Opened,
    identity: &DeskIdentity,
) -> Result<age::x25519::Recipient, OfflineError> {
    let tip = opened
        .items
        .iter()
        .find(|r| r.item.kind == ItemKind::Manifest && r.item.batch == 0)
        .ok_or_else(|| {
            OfflineError::Hostile(
                "the bundle holds no tip manifest; download the whole report, not only what is new"
                    .into(),
            )
        })?;
    let mut json = Zeroizing::new(Vec::new());
    decryptor_for(tip, identity)?
        .take(4 * 1024 * 1024)
        .read_to_end(&mut json)
        .map_err(|_| OfflineError::Hostile("the tip manifest does not decrypt".into()))?;
    let manifest: Manifest = serde_json::from_slice(&json)
        .map_err(|_| OfflineError::Hostile("the tip manifest is not valid".into()))?;
    let recipient = manifest.reporter_recipient.ok_or_else(|| {
        OfflineError::Hostile("the tip manifest names no reporter recipient".into())
    })?;
    age::x25519::Recipient::from_str(&recipient)
        .map_err(|_| OfflineError::Hostile("the reporter recipient is not an age key".into()))
}

fn create_new(path: &Path) -> Result<std::fs::File, OfflineError> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => OfflineError::Usage(format!(
                "{} already exists; choose another --out (nothing is ever overwritten)",
                path.display()
            )),
            _ => OfflineError::Write {
                path: path.display().to_string(),
                source,
            },
        })
}

fn encryptor(recipients: &[&dyn age::Recipient]) -> Result<age::Encryptor, OfflineError> {
    age::Encryptor::with_recipients(recipients.iter().copied())
        .map_err(|e| OfflineError::Crypto(format!("cannot encrypt to these recipients: {e}")))
}

/// Encrypts the reply in `message` to the reporter of `bundle` and to the desk; writes `out`.
pub fn seal_reply(
    bundle: &Path,
    identity: &DeskIdentity,
    message: &Path,
    out: &Path,
) -> Result<(), OfflineError> {
    let opened = read_bundle(bundle)?;
    let reporter = reporter_recipient(&opened, identity)?;
    let mut text = Zeroizing::new(String::new());
    std::fs::File::open(message)
        .and_then(|f| f.take(1024 * 1024).read_to_string(&mut text))
        .map_err(|source| OfflineError::Read {
            path: message.display().to_string(),
            source,
        })?;
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().count() > REPLY_MAX_CHARS {
        return Err(OfflineError::Usage(format!(
            "the reply must hold 1 to {REPLY_MAX_CHARS} characters"
        )));
    }
    let mut recipients: Vec<&dyn age::Recipient> = vec![&reporter];
    recipients.extend(
        identity
            .recipients
            .iter()
            .map(|r| r.as_ref() as &dyn age::Recipient),
    );
    let file = create_new(out)?;
    let write = |source| OfflineError::Write {
        path: out.display().to_string(),
        source,
    };
    let mut writer = encryptor(&recipients)?.wrap_output(file).map_err(write)?;
    writer.write_all(trimmed.as_bytes()).map_err(write)?;
    writer.finish().and_then(|f| f.sync_all()).map_err(write)?;
    drop(opened.scratch);
    Ok(())
}

/// Parses `--to` values: `age1…` keys, or files with one key per line (`#` comments allowed).
pub fn parse_recipients(values: &[String]) -> Result<Vec<age::x25519::Recipient>, OfflineError> {
    let mut keys = Vec::new();
    for value in values {
        let lines: Vec<String> = if value.starts_with("age1") {
            vec![value.clone()]
        } else {
            std::fs::read_to_string(value)
                .map_err(|source| OfflineError::Read {
                    path: value.clone(),
                    source,
                })?
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect()
        };
        for line in lines {
            keys.push(age::x25519::Recipient::from_str(&line).map_err(|_| {
                OfflineError::Usage(format!("{line:?} is not an age X25519 recipient (age1…)"))
            })?);
        }
    }
    if keys.is_empty() {
        return Err(OfflineError::Usage("--to names no recipient".into()));
    }
    Ok(keys)
}

/// Re-seals every item of `bundle` for the desk `to_desk` and writes a transfer package.
pub fn transfer(
    bundle: &Path,
    identity: &DeskIdentity,
    to_desk: &str,
    to: &[age::x25519::Recipient],
    out: &Path,
) -> Result<BundleManifest, OfflineError> {
    let to_desk: DeskId = to_desk.parse().map_err(OfflineError::Usage)?;
    let opened = read_bundle(bundle)?;
    if to_desk == opened.manifest.desk {
        return Err(OfflineError::Usage(format!(
            "the report is already at desk {to_desk}"
        )));
    }
    let reporter = reporter_recipient(&opened, identity)?;
    let mut manifest = opened.manifest.clone();
    manifest.format = bundle::TRANSFER_FORMAT.into();
    manifest.to = Some(to_desk);
    manifest.items.clear();
    let mut sealed: Vec<(BundleItem, PathBuf)> = Vec::new();
    for received in &opened.items {
        let path = opened
            .scratch
            .0
            .join(format!("{}.resealed", received.item.id));
        // Replies stay readable for the reporter; everything else is for the new desk only.
        let mut recipients: Vec<&dyn age::Recipient> =
            to.iter().map(|r| r as &dyn age::Recipient).collect();
        if received.item.kind == ItemKind::Reply {
            recipients.push(&reporter);
        }
        let (size, sha256) = reseal_one(received, identity, &recipients, &path)?;
        let mut item = received.item.clone();
        item.size = size;
        item.sha256 = sha256;
        sealed.push((item.clone(), path));
        manifest.items.push(item);
    }
    write_package(&manifest, &sealed, out)?;
    Ok(manifest)
}

fn reseal_one(
    received: &Received,
    identity: &DeskIdentity,
    recipients: &[&dyn age::Recipient],
    path: &Path,
) -> Result<(u64, String), OfflineError> {
    let write = |source| OfflineError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut reader = decryptor_for(received, identity)?;
    let file = create_new(path)?;
    let mut writer = encryptor(recipients)?.wrap_output(file).map_err(write)?;
    std::io::copy(&mut reader, &mut writer)
        .map_err(|_| OfflineError::Hostile(format!("item {} is damaged", received.item.id)))?;
    writer.finish().and_then(|f| f.sync_all()).map_err(write)?;
    let bytes = std::fs::read(path).map_err(write)?;
    Ok((bytes.len() as u64, hex::encode(Sha256::digest(&bytes))))
}

fn write_package(
    manifest: &BundleManifest,
    items: &[(BundleItem, PathBuf)],
    out: &Path,
) -> Result<(), OfflineError> {
    let write = |source| OfflineError::Write {
        path: out.display().to_string(),
        source,
    };
    let mut builder = tar::Builder::new(std::io::BufWriter::new(create_new(out)?));
    let json =
        serde_json::to_vec_pretty(manifest).map_err(|e| OfflineError::Crypto(e.to_string()))?;
    let mut append = |name: &str, data: &mut dyn Read, size: u64| {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_size(size);
        header.set_mtime(0);
        header.set_path(name)?;
        header.set_cksum();
        builder.append(&header, data)
    };
    append("manifest.json", &mut json.as_slice(), json.len() as u64).map_err(write)?;
    for (item, path) in items {
        let mut file = std::fs::File::open(path).map_err(write)?;
        append(&item.file_name(), &mut file, item.size).map_err(write)?;
    }
    builder
        .into_inner()
        .and_then(|mut w| w.flush().map(|_| w))
        .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
        .and_then(|f| f.sync_all())
        .map_err(write)
}
