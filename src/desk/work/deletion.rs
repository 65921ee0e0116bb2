//! Deletion by an officer: one item or a whole report (spam, a slip), always with a reason that
//! goes into the audit log. Deletion is real, as retention's is: the files are removed and the
//! database's write-ahead log emptied, so no byte of what went stays in the database files. The
//! reporter's thread learns only that the desk removed an item, and on which day; a deleted
//! report's receipt opens nothing, as an unknown one.
//!
//! A submission's encrypted manifest stays when one of its items goes (it holds the names of the
//! others); it goes with the report.

use crate::audit::Action;
use crate::domain::ItemId;
use crate::store::{ItemKind, Removal, ReportRecord};

use super::DeskWork;
use super::error::DeskError;
use super::status::clean_reason;

impl DeskWork {
    /// Deletes one item of the report, with a reason.
    pub fn delete_item(
        &self,
        record: &ReportRecord,
        item: &str,
        reason: &str,
    ) -> Result<(), DeskError> {
        let reason = required(reason)?;
        let found = record
            .items
            .iter()
            .find(|i| i.id.as_str() == item && i.kind != ItemKind::Manifest)
            .ok_or(DeskError::NotFound)?;
        let id: ItemId = found.id.clone();
        let removal = Removal {
            day: self.installation.clock.today(),
            kind: found.kind,
        };
        self.installation
            .store
            .remove_items_with(&record.id, std::slice::from_ref(&id), |r| {
                r.removed.push(removal)
            })
            .map_err(DeskError::from)?;
        let detail = format!("item {id}: {reason}");
        self.audit(Action::Deletion, Some(&record.id), Some(&detail))
    }

    /// Deletes the whole report, with a reason.
    pub fn delete_report(&self, record: &ReportRecord, reason: &str) -> Result<(), DeskError> {
        let reason = required(reason)?;
        self.installation
            .store
            .delete_report(&record.id)
            .map_err(DeskError::from)?;
        let detail = format!("whole report: {reason}");
        self.audit(Action::Deletion, Some(&record.id), Some(&detail))
    }
}

fn required(reason: &str) -> Result<String, DeskError> {
    clean_reason(reason)?.ok_or(DeskError::Invalid("desk_err_delete_reason"))
}
