//! Sealing on the offline machine: a reply for the reporter (`seal-reply`) here, and a whole
//! report re-sealed for another desk in [`super::transfer`]. Both read the bundle with the same hostile-input
//! checks the server applies to uploads ([`crate::bundle::read_package`]): regular files with
//! exact names only, bounded sizes, every ciphertext matching its manifest hash and being age.
//! Plaintext exists only in memory, one chunk at a time, between decryptor and encryptor.

use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use zeroize::Zeroizing;

use super::OfflineError;
use super::identity::DeskIdentity;
use sha2::{Digest, Sha256};

use super::desks::Directory;
use super::package::write_package;
use crate::bundle::{self, BundleItem, BundleManifest, Received};
use crate::domain::ItemId;
use crate::seal::manifest::Manifest;
use crate::seal::padding::{self, HeaderTap};
use crate::store::ItemKind;

/// Largest bundle read here (ciphertext bytes), and largest reply typed offline.
const BUNDLE_MAX: u64 = 64 * 1024 * 1024 * 1024;
const REPLY_MAX_CHARS: usize = 20_000;

/// A private scratch folder (mode 0700), removed with everything in it when dropped.
pub(super) struct Scratch(pub(super) PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, OfflineError> {
        let path = std::env::temp_dir().join(format!("meldpunt-{}", ItemId::random()));
        crate::private::create_dir(&path).map_err(|source| OfflineError::Write {
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
pub(super) struct Opened {
    pub(super) manifest: BundleManifest,
    pub(super) items: Vec<Received>,
    pub(super) scratch: Scratch,
}

pub(super) fn read_bundle(path: &Path) -> Result<Opened, OfflineError> {
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

pub(super) fn decryptor_for<'a>(
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
pub(super) fn reporter_recipient(
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
    padding::strip_text(&mut json);
    let manifest: Manifest = serde_json::from_slice(&json)
        .map_err(|_| OfflineError::Hostile("the tip manifest is not valid".into()))?;
    let recipient = manifest.reporter_recipient.ok_or_else(|| {
        OfflineError::Hostile("the tip manifest names no reporter recipient".into())
    })?;
    age::x25519::Recipient::from_str(&recipient)
        .map_err(|_| OfflineError::Hostile("the reporter recipient is not an age key".into()))
}

pub(super) fn encryptor(
    recipients: &[&dyn age::Recipient],
) -> Result<age::Encryptor, OfflineError> {
    age::Encryptor::with_recipients(recipients.iter().copied())
        .map_err(|e| OfflineError::Crypto(format!("cannot encrypt to these recipients: {e}")))
}

/// Encrypts the reply in `message` twice — to the reporter of `bundle` and the desk, and to the
/// desk alone — and writes a reply package (`out`) naming the report and the desk's recipients,
/// taken from the trusted desk directory, so the server can refuse it anywhere else.
pub fn seal_reply(
    bundle: &Path,
    identity: &DeskIdentity,
    directory: &Directory,
    message: &Path,
    out: &Path,
) -> Result<(), OfflineError> {
    let opened = read_bundle(bundle)?;
    let reporter = reporter_recipient(&opened, identity)?;
    let desk = directory.recipients(&opened.manifest.desk)?;
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
    let desk_only: Vec<&dyn age::Recipient> =
        desk.iter().map(|r| r as &dyn age::Recipient).collect();
    let mut with_reporter = desk_only.clone();
    with_reporter.push(&reporter);
    let mut manifest = opened.manifest.clone();
    manifest.format = bundle::REPLY_FORMAT.into();
    manifest.recipients = desk.iter().map(ToString::to_string).collect();
    manifest.items.clear();
    let mut files = Vec::new();
    for (kind, recipients) in [
        (ItemKind::Reply, &with_reporter),
        (ItemKind::DeskCopy, &desk_only),
    ] {
        let id = ItemId::random();
        let path = opened.scratch.0.join(format!("{id}.age"));
        let bytes = seal_in_memory(recipients, trimmed.as_bytes())?;
        crate::private::write_new(&path, &bytes).map_err(|source| OfflineError::Write {
            path: path.display().to_string(),
            source,
        })?;
        let item = BundleItem {
            id,
            kind,
            batch: 0,
            day: opened.manifest.received.clone(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
        };
        manifest.items.push(item.clone());
        files.push((item, path));
    }
    write_package(&manifest, &files, out)
}

/// The ciphertext of a short text (a reply), padded to its size bucket, made in memory.
fn seal_in_memory(
    recipients: &[&dyn age::Recipient],
    plain: &[u8],
) -> Result<Vec<u8>, OfflineError> {
    let fail = |e: std::io::Error| OfflineError::Crypto(e.to_string());
    let (tap, slack) = HeaderTap::new(Vec::new());
    let mut writer = encryptor(recipients)?.wrap_output(tap).map_err(fail)?;
    writer
        .write_all(&padding::padded(plain, slack.get()))
        .map_err(fail)?;
    Ok(writer.finish().map_err(fail)?.into_inner())
}
