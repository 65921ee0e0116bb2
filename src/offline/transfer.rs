//! `meldpunt transfer` and `meldpunt rekey` on the offline machine: every item of a report
//! re-sealed, under its own item id, for the recipients the trusted desk directory
//! ([`super::desks`]) gives for the target desk — another desk (a transfer) or the report's own
//! desk with its current keys (a rotation). Replies stay readable for the reporter. The package
//! declares the recipients it was sealed to, so the server can refuse one that does not match
//! its configuration. The bundle is read with the checks of [`super::reseal`].

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::OfflineError;
use super::desks::Directory;
use super::identity::DeskIdentity;
use super::package::{create_new, write_package};
use super::reseal::{decryptor_for, encryptor, read_bundle, reporter_recipient};
use crate::bundle::{self, BundleItem, BundleManifest, Received};
use crate::domain::DeskId;
use crate::seal::padding::{HeaderTap, Repad};
use crate::store::ItemKind;

/// Re-seals every item of `bundle` for desk `to_desk` (or, with `None`, for the report's own
/// desk: a key rotation) and writes a transfer package to `out`.
pub fn transfer(
    bundle: &Path,
    identity: &DeskIdentity,
    to_desk: Option<&str>,
    directory: &Directory,
    out: &Path,
) -> Result<BundleManifest, OfflineError> {
    let opened = read_bundle(bundle)?;
    let to_desk: DeskId = match to_desk {
        Some(desk) => {
            let desk: DeskId = desk.parse().map_err(OfflineError::Usage)?;
            if desk == opened.manifest.desk {
                return Err(OfflineError::Usage(format!(
                    "the report is already at desk {desk}; to re-seal it for the desk's current keys use `meldpunt rekey`"
                )));
            }
            desk
        }
        None => opened.manifest.desk.clone(),
    };
    let to = directory.recipients(&to_desk)?;
    let reporter = reporter_recipient(&opened, identity)?;
    let mut manifest = opened.manifest.clone();
    manifest.format = bundle::TRANSFER_FORMAT.into();
    manifest.to = Some(to_desk);
    manifest.recipients = to.iter().map(ToString::to_string).collect();
    manifest.items.clear();
    let mut sealed: Vec<(BundleItem, PathBuf)> = Vec::new();
    for received in &opened.items {
        let path = opened
            .scratch
            .0
            .join(format!("{}.resealed", received.item.id));
        // Replies stay readable for the reporter; everything else is for the desk only.
        let mut recipients: Vec<&dyn age::Recipient> =
            to.iter().map(|r| r as &dyn age::Recipient).collect();
        if received.item.kind == ItemKind::Reply {
            recipients.push(&reporter);
        }
        let (size, sha256) = reseal_one(received, identity, &recipients, &path)?;
        // The item keeps its id: the encrypted manifests name attachments by it.
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
    let (tap, slack) = HeaderTap::new(file);
    let writer = encryptor(recipients)?.wrap_output(tap).map_err(write)?;
    // The padding is made anew for the new header (an item sealed before padding gets its bucket).
    let mut repad = Repad::new(writer);
    std::io::copy(&mut reader, &mut repad)
        .map_err(|_| OfflineError::Hostile(format!("item {} is damaged", received.item.id)))?;
    let writer = repad.finish(slack.get()).map_err(write)?;
    writer
        .finish()
        .map(HeaderTap::into_inner)
        .and_then(|f| f.sync_all())
        .map_err(write)?;
    let bytes = std::fs::read(path).map_err(write)?;
    Ok((bytes.len() as u64, hex::encode(Sha256::digest(&bytes))))
}
