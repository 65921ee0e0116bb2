//! Handing a report to another desk, or rotating its keys: a transfer package (every item
//! re-sealed offline, under its own item id) replaces the ciphertexts in one change.
//!
//! A package is refused whole unless it is exactly right: the report and desk it was made from,
//! a configured target desk, the declared recipients equal (as a set) to the target desk's
//! configured ones, every item and no other, and each item's age header holding exactly as many
//! recipient stanzas as declared (one more for replies, which stay readable for the reporter).
//! The store checks again, inside its transaction, that the report did not change meanwhile.
//!
//! A transfer starts the new desk's terms (received today, status received) and keeps the old
//! ciphertexts until the new desk has downloaded the report, so a slip can be taken back (see
//! [`super::take_back`]). A rotation (target desk = own desk) replaces them at once: keeping them
//! would keep them readable for the key being retired.

use std::collections::BTreeSet;

use crate::audit::Action;
use crate::bundle::{self, BundleManifest, Received, header};
use crate::config::DeskSettings;
use crate::domain::{DeskId, ItemId};
use crate::seal::{Sealed, TempPath};
use crate::store::{ItemKind, ReportRecord, Reseal, Status, StoreError};

use super::DeskWork;
use super::error::{DeskError, internal};

/// Days the sending desk's ciphertexts are kept after a transfer when the receiving desk does
/// not download the report sooner.
pub const KEEP_PREVIOUS_DAYS: u32 = 14;

impl DeskWork {
    /// Accepts a transfer package (uploaded into `tmp/`) and moves the report, or re-seals it in
    /// place when the package is for this same desk. Returns the desk it is at now.
    pub fn transfer(&self, record: &ReportRecord, upload: TempPath) -> Result<DeskId, DeskError> {
        let Some(package) = upload.path() else {
            return Err(DeskError::Invalid("desk_err_package"));
        };
        let store = &self.installation.store;
        let budget = self.installation.package_max;
        let (manifest, received) = bundle::read_package(package, &store.tmp_dir(), budget)
            .map_err(|e| package_refusal(e, "desk_err_package"))?;
        let to = self.check_package(record, &manifest, &received)?;
        let rekey = to == record.desk;
        let today = self.installation.clock.today();
        let sizes: Vec<(ItemId, u64)> = received
            .iter()
            .map(|r| (r.item.id.clone(), r.item.size))
            .collect();
        let plan = Reseal {
            from: record.desk.clone(),
            items: sizes.iter().map(|(id, _)| id.clone()).collect(),
            fresh: received
                .into_iter()
                .map(|r| Sealed {
                    id: r.item.id,
                    temp: r.temp,
                    plaintext_len: 0,
                    ciphertext_len: r.item.size,
                })
                .collect(),
            keep_until: (!rekey).then(|| today.plus(KEEP_PREVIOUS_DAYS)),
        };
        let from = record.desk.clone();
        let new_desk = to.clone();
        store
            .reseal(&record.id, today, plan, |r| {
                for item in &mut r.items {
                    if let Some((_, size)) = sizes.iter().find(|(id, _)| *id == item.id) {
                        item.size = *size;
                    }
                }
                if rekey {
                    return;
                }
                // The new desk's terms start today; the first day stays in the record.
                r.first_received = r.first_received.or(Some(r.received));
                r.received = today;
                r.status = Status::Received;
                r.extension = None;
                r.forwarded_from = Some(from);
                r.desk = new_desk;
                r.downloaded.clear();
            })
            .map_err(|e| match e {
                StoreError::Changed => DeskError::Invalid("desk_err_package_changed"),
                other => other.into(),
            })?;
        let (action, detail) = if rekey {
            (
                Action::Rekey,
                format!("{} items re-sealed", record.items.len()),
            )
        } else {
            let until = today.plus(KEEP_PREVIOUS_DAYS);
            let detail = format!(
                "{} -> {to}, old ciphertexts kept until {until}",
                record.desk
            );
            (Action::Transfer, detail)
        };
        self.audit(action, Some(&record.id), Some(&detail))?;
        Ok(to)
    }

    /// Every check a package must pass before anything is stored; returns the target desk.
    fn check_package(
        &self,
        record: &ReportRecord,
        manifest: &BundleManifest,
        received: &[Received],
    ) -> Result<DeskId, DeskError> {
        let to = manifest
            .to
            .clone()
            .ok_or(DeskError::Invalid("desk_err_package"))?;
        let target = self.installation.desk(&to);
        let (true, Some(target)) = (
            manifest.format == bundle::TRANSFER_FORMAT
                && manifest.report == record.id
                && manifest.desk == record.desk,
            target,
        ) else {
            return Err(DeskError::Invalid("desk_err_package"));
        };
        let current: BTreeSet<&ItemId> = record.items.iter().map(|i| &i.id).collect();
        let offered: BTreeSet<&ItemId> = manifest.items.iter().map(|i| &i.id).collect();
        if current != offered || manifest.items.len() != record.items.len() {
            return Err(DeskError::Invalid("desk_err_package_items"));
        }
        if declared(manifest) != configured(target) {
            return Err(DeskError::Invalid("desk_err_package_recipients"));
        }
        for r in received {
            // The server's own record says which items are replies, not the package.
            let reply = record
                .items
                .iter()
                .any(|i| i.id == r.item.id && i.kind == ItemKind::Reply);
            let expected = manifest.recipients.len() + usize::from(reply);
            let path = r.temp.path().ok_or_else(|| internal("no temp path"))?;
            if header::recipient_stanzas(path).map_err(internal)? != Some(expected) {
                return Err(DeskError::Invalid("desk_err_package_sealing"));
            }
        }
        Ok(to)
    }
}

/// The answer to a package `read_package` refused: `otherwise` unless its age headers were too
/// large, which gets its own words (it names the limits).
pub(super) fn package_refusal(e: bundle::BundleError, otherwise: &'static str) -> DeskError {
    match e {
        bundle::BundleError::AgeHeader => DeskError::Invalid("desk_err_age_header"),
        _ => DeskError::Invalid(otherwise),
    }
}

/// The recipients a package declares, as a set; a repeated one makes it no set at all.
pub(super) fn declared(manifest: &BundleManifest) -> Option<BTreeSet<String>> {
    let set: BTreeSet<String> = manifest
        .recipients
        .iter()
        .map(|r| r.trim().to_owned())
        .collect();
    (set.len() == manifest.recipients.len()).then_some(set)
}

pub(super) fn configured(desk: &DeskSettings) -> Option<BTreeSet<String>> {
    Some(desk.recipients.iter().map(ToString::to_string).collect())
}
