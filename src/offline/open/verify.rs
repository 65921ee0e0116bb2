//! Checking what was kept from the archive against `manifest.json`.
//!
//! `manifest.json` is written by the server and carries no signature: its hashes catch damage and
//! a careless tamperer, while age's authentication of each ciphertext is what finally decides. So
//! an item is decrypted only when it is listed exactly once, present exactly once, and matches its
//! hash; a file in the archive that the manifest does not list is never opened.

use std::collections::BTreeMap;

use super::archive::Loaded;
use super::kept::Blob;
use super::report::{OpenReport, shown_text};
use crate::bundle::{BUNDLE_FORMAT, BundleItem, BundleManifest};
use crate::domain::ItemId;
use crate::offline::OfflineError;
use crate::store::ItemKind;

/// A listed item whose ciphertext is present once and matches its hash.
pub(super) struct Verified {
    pub item: BundleItem,
    pub blob: Blob,
}

/// The bundle's `manifest.json`, or why the bundle cannot be opened at all.
pub(super) fn parse_manifest(loaded: &Loaded) -> Result<BundleManifest, OfflineError> {
    if loaded.manifest_doubled {
        return Err(OfflineError::Hostile(
            "it holds more than one manifest.json".into(),
        ));
    }
    let Some(bytes) = &loaded.manifest else {
        return Err(OfflineError::Hostile(match &loaded.stopped {
            Some(why) => {
                format!("no usable manifest.json was found before reading stopped ({why})")
            }
            None => "it has no usable manifest.json".into(),
        }));
    };
    let manifest: BundleManifest = serde_json::from_slice(bytes).map_err(|e| {
        OfflineError::Hostile(format!(
            "manifest.json is not valid: {}",
            shown_text(&e.to_string())
        ))
    })?;
    if manifest.format != BUNDLE_FORMAT {
        return Err(OfflineError::Hostile(format!(
            "manifest.json says format \"{}\", expected {BUNDLE_FORMAT}",
            shown_text(&manifest.format)
        )));
    }
    Ok(manifest)
}

/// The items that may be decrypted; everything else is refused in `report`.
pub(super) fn reconcile(
    manifest: &BundleManifest,
    mut loaded: Loaded,
    report: &mut OpenReport,
) -> Vec<Verified> {
    let mut listed: BTreeMap<&ItemId, usize> = BTreeMap::new();
    for item in &manifest.items {
        *listed.entry(&item.id).or_default() += 1;
    }
    let mut verified = Vec::new();
    for item in &manifest.items {
        let what = describe(item);
        let blob = loaded.blobs.remove(&item.id);
        if listed.get(&item.id).copied().unwrap_or(0) > 1 {
            report.refuse(what, "listed more than once in manifest.json; not opened");
            continue;
        }
        if loaded.doubled.contains(&item.id) {
            report.refuse(what, "the archive holds more than one copy; not opened");
            continue;
        }
        match blob {
            None => report.refuse(what, missing(&loaded)),
            Some(blob) if blob.sha256 != item.sha256.to_ascii_lowercase() => report.refuse(
                what,
                "its SHA-256 does not match manifest.json; not decrypted",
            ),
            Some(blob) => verified.push(Verified {
                item: item.clone(),
                blob,
            }),
        }
    }
    for id in loaded.blobs.keys() {
        report.refuse(
            format!("{id}.age"),
            "not listed in manifest.json; not opened",
        );
    }
    verified
}

fn missing(loaded: &Loaded) -> String {
    match &loaded.stopped {
        Some(why) => format!("not reached: reading stopped ({why})"),
        None => "listed in manifest.json but not in the archive (or refused above)".into(),
    }
}

/// `<id>.age (attachment, follow-up 2)`: what the officer needs to find the item again.
pub(super) fn describe(item: &BundleItem) -> String {
    let kind = match item.kind {
        ItemKind::Message => "message",
        ItemKind::Attachment => "attachment",
        ItemKind::Manifest => "submission manifest",
        ItemKind::Reply => "reply",
        ItemKind::DeskCopy => "reply, the desk's copy",
        ItemKind::Note => "internal note",
    };
    match (item.kind, item.batch) {
        (ItemKind::Reply | ItemKind::DeskCopy | ItemKind::Note, _) => {
            format!("{} ({kind})", item.file_name())
        }
        (_, 0) => format!("{} ({kind}, tip)", item.file_name()),
        (_, n) => format!("{} ({kind}, follow-up {n})", item.file_name()),
    }
}
