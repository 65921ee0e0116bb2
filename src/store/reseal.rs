//! Re-sealing a report in place (a transfer to another desk, a key rotation) and undoing a
//! transfer (take-back), without a moment at which a crash loses a ciphertext.
//!
//! The item ids never change (the encrypted manifests name attachments by item id), so the new
//! ciphertexts cannot simply be written beside the old ones. The order is therefore:
//! 1. the new ciphertexts are placed in a staging folder of the report (`incoming-<random>/`);
//! 2. one transaction checks that the report is still exactly what the package covers (same
//!    desk, same items, nothing pending) and commits the new record, naming the staging folder
//!    in `swap` and, for a transfer, the old ciphertexts in `previous`;
//! 3. the files are moved: each old `<item>.age` to `previous/` (a transfer) or replaced (a
//!    rotation), each staged file into its place; then `swap` is cleared.
//!
//! A crash before 2 leaves the old report and a staging folder that no record names (the sweep
//! removes it); after 2, [`Store::finish_swaps`] completes step 3 at start-up. A take-back is the
//! same move with `previous/` as the staging folder. Dropping the kept ciphertexts commits the
//! record first and removes the files after, so a take-back and a drop cannot both win.

use super::rows::{read_record, write_record};
use super::{ItemRecord, PreviousSeal, ReportRecord, Store, StoreError};
use crate::domain::{Day, DeskId, ItemId, ReportId};
use crate::seal::Sealed;
use std::collections::BTreeSet;

/// The folder (inside a report's folder) holding the ciphertexts a transfer set aside.
pub const PREVIOUS_DIR: &str = "previous";

/// A package's new ciphertexts and what the report must still be for them to apply.
pub struct Reseal {
    /// The desk the report must still be at.
    pub from: DeskId,
    /// Exactly the items the package covers; the report must hold these and no others.
    pub items: Vec<ItemId>,
    pub fresh: Vec<Sealed>,
    /// Keep the old ciphertexts (a transfer) until this day, or replace them at once (None: a
    /// rotation, where keeping them would defeat its purpose).
    pub keep_until: Option<Day>,
}

fn same_items(record: &ReportRecord, items: &[ItemId]) -> bool {
    let current: BTreeSet<&ItemId> = record.items.iter().map(|i| &i.id).collect();
    let offered: BTreeSet<&ItemId> = items.iter().collect();
    current == offered && items.len() == record.items.len()
}

impl Store {
    /// Replaces every ciphertext of `report` with `plan.fresh` (same ids), and applies `change`
    /// to the record in the same transaction. Refused with [`StoreError::Changed`], changing
    /// nothing, when the report is no longer at `plan.from`, its items are not exactly
    /// `plan.items`, or an earlier transfer or move is still pending.
    pub fn reseal(
        &self,
        report: &ReportId,
        today: Day,
        plan: Reseal,
        change: impl FnOnce(&mut ReportRecord),
    ) -> Result<(), StoreError> {
        let staging = format!("incoming-{}", ItemId::random());
        self.files.place_in(report, &staging, today, plan.fresh)?;
        let committed = self.db.write(|tx| {
            let mut record = read_record(tx, report.as_str())?.ok_or(StoreError::Corrupt)?;
            if record.desk != plan.from
                || record.previous.is_some()
                || record.swap.is_some()
                || !same_items(&record, &plan.items)
            {
                return Err(StoreError::Changed);
            }
            record.previous = plan.keep_until.map(|keep_until| PreviousSeal {
                desk: record.desk.clone(),
                items: record.items.clone(),
                keep_until,
                received: record.received,
                status: record.status,
                extension: record.extension.clone(),
                forwarded_from: record.forwarded_from.clone(),
                first_received: record.first_received,
            });
            record.swap = Some(staging.clone());
            change(&mut record);
            write_record(tx, &record)
        });
        if let Err(e) = committed {
            self.files.remove_subdir(report, &staging)?;
            return Err(e);
        }
        self.finish_swap(report)
    }

    /// Gives the report back to the desk that transferred it: the kept ciphertexts return to
    /// their places and the record to the terms it had there. Refused with
    /// [`StoreError::Changed`] when nothing is kept for `desk` any more (the receiving desk has
    /// downloaded it, or the days passed) or the report gained items at the receiving desk.
    pub fn take_back(&self, report: &ReportId, desk: &DeskId) -> Result<(), StoreError> {
        self.db.write(|tx| {
            let mut record = read_record(tx, report.as_str())?.ok_or(StoreError::Corrupt)?;
            let Some(previous) = record.previous.take() else {
                return Err(StoreError::Changed);
            };
            let ids: Vec<ItemId> = previous.items.iter().map(|i| i.id.clone()).collect();
            if &previous.desk != desk || record.swap.is_some() || !same_items(&record, &ids) {
                return Err(StoreError::Changed);
            }
            record.desk = previous.desk;
            record.items = previous.items;
            record.received = previous.received;
            record.status = previous.status;
            record.extension = previous.extension;
            record.forwarded_from = previous.forwarded_from;
            record.first_received = previous.first_received;
            record.downloaded.clear();
            record.swap = Some(PREVIOUS_DIR.into());
            write_record(tx, &record)
        })?;
        self.finish_swap(report)
    }

    /// Deletes the ciphertexts a transfer kept, for real: the record forgets them first (so a
    /// take-back can no longer start), then the files go, then the WAL. True when there were any.
    pub fn drop_previous(&self, report: &ReportId) -> Result<bool, StoreError> {
        let dropped = self.db.write(|tx| {
            let Some(mut record) = read_record(tx, report.as_str())? else {
                return Ok::<_, StoreError>(false);
            };
            if record.previous.is_none() || record.swap.is_some() {
                return Ok(false);
            }
            record.previous = None;
            write_record(tx, &record)?;
            Ok(true)
        })?;
        if dropped {
            self.files.remove_subdir(report, PREVIOUS_DIR)?;
            self.db.checkpoint()?;
        }
        Ok(dropped)
    }

    /// Completes every committed move that a crash interrupted (start-up, before the sweep).
    pub(super) fn finish_swaps(&self) -> Result<(), StoreError> {
        self.each_report(|record| {
            if record.swap.is_some() {
                self.finish_swap(&record.id)?;
            }
            Ok::<(), StoreError>(())
        })
    }

    /// Moves the files of the record's committed `swap` into place, then clears `swap`.
    fn finish_swap(&self, report: &ReportId) -> Result<(), StoreError> {
        let Some(record) = self.get(report)? else {
            return Ok(());
        };
        let Some(staging) = record.swap.clone() else {
            return Ok(());
        };
        let keep: Vec<ItemId> = match (&record.previous, staging.as_str()) {
            (Some(p), s) if s != PREVIOUS_DIR => p.items.iter().map(|i| i.id.clone()).collect(),
            _ => Vec::new(),
        };
        self.files
            .swap_in(report, &staging, &keep, PREVIOUS_DIR)
            .map_err(StoreError::Io)?;
        self.update_record(report, |r| {
            if r.swap.as_deref() == Some(staging.as_str()) {
                r.swap = None;
            }
        })
    }
}

/// The file names (relative to the report's folder) a record knows, for the start-up sweep:
/// its items, and the kept ciphertexts of a transfer under `previous/`.
pub(super) fn known_names(record: &ReportRecord) -> std::collections::HashSet<String> {
    let names = |items: &[ItemRecord], prefix: &str| -> Vec<String> {
        items
            .iter()
            .map(|i| format!("{prefix}{}.age", i.id))
            .collect()
    };
    let mut known: std::collections::HashSet<String> =
        names(&record.items, "").into_iter().collect();
    if let Some(previous) = &record.previous {
        known.extend(names(&previous.items, &format!("{PREVIOUS_DIR}/")));
    }
    known
}

#[cfg(test)]
#[path = "reseal_tests.rs"]
mod tests;
