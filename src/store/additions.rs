//! Adding items to a report that exists: a reporter's follow-up, or the desk's replies.
//!
//! Everything that depends on the report as it is now is decided inside the one transaction that
//! stores the items, never before an upload: the submission number of a follow-up (two sent at
//! once each get their own), the desk the report is at (a transfer may have landed while a
//! follow-up sealed to the old desk was uploading), and the status rules of [`super::course`].
//! Files are placed first, as everywhere in the store; when the transaction refuses, they are
//! removed again, so a refused follow-up leaves nothing behind.

use super::rows::{read_record, write_record};
use super::{ItemRecord, ReportRecord, Store, StoreError};
use crate::domain::{Day, DeskId, ItemId, ReportId};
use crate::seal::Sealed;

impl Store {
    /// Adds a reporter's follow-up, its items sealed to the desk `sealed_for`, and returns the
    /// submission number (batch) it got. Refused with [`StoreError::Moved`] when the report is no
    /// longer at that desk, and [`StoreError::NoReport`] when it is gone; then nothing is stored.
    pub fn add_followup(
        &self,
        report: &ReportId,
        sealed_for: &DeskId,
        items: Vec<ItemRecord>,
        files: Vec<Sealed>,
        today: Day,
    ) -> Result<u32, StoreError> {
        self.add_checked(report, today, items, files, |record, items| {
            if &record.desk != sealed_for {
                return Err(StoreError::Moved);
            }
            let batch = record.next_batch();
            record
                .items
                .extend(items.into_iter().map(|item| ItemRecord { batch, ..item }));
            record.note_followup(today);
            Ok(batch)
        })
    }

    /// Adds items the desk made (replies, notes) to an existing report. Each is numbered with the
    /// latest submission when it is stored (the one it answers), and the first reply counts as
    /// the acknowledgement ([`ReportRecord::note_reply`]) — for every way a reply comes in. A
    /// note is no acknowledgement: the reporter never sees it.
    pub fn add_items(
        &self,
        report: &ReportId,
        items: Vec<ItemRecord>,
        files: Vec<Sealed>,
        today: Day,
    ) -> Result<(), StoreError> {
        self.add_checked(report, today, items, files, |record, items| {
            let latest = record.next_batch().saturating_sub(1);
            let mut replied = false;
            for mut item in items {
                if item.kind.from_desk() {
                    item.batch = latest;
                }
                replied |= item.kind.is_reply();
                record.items.push(item);
            }
            if replied {
                record.note_reply(today);
            }
            Ok(())
        })
    }

    /// Places the files, then changes the record in one transaction with `change`; when either
    /// fails, the placed files are removed again.
    fn add_checked<T>(
        &self,
        report: &ReportId,
        today: Day,
        items: Vec<ItemRecord>,
        files: Vec<Sealed>,
        change: impl FnOnce(&mut ReportRecord, Vec<ItemRecord>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let ids: Vec<ItemId> = items.iter().map(|i| i.id.clone()).collect();
        let stored = self
            .files
            .place(report, today, files)
            .map_err(StoreError::from);
        let stored = stored.and_then(|()| {
            self.db.write(|tx| {
                let mut record = read_record(tx, report.as_str())?.ok_or(StoreError::NoReport)?;
                let value = change(&mut record, items)?;
                write_record(tx, &record)?;
                Ok(value)
            })
        });
        if let Err(e) = &stored {
            // Best effort: what stays is swept at the next start, as after a crash.
            let _ = match e {
                StoreError::NoReport => self.files.remove_report(report),
                _ => self.files.remove_items(report, &ids),
            };
        }
        stored
    }
}

#[cfg(test)]
mod tests;
