//! Internal notes: what an officer wants colleagues at the desk to know about a report. A note
//! is sealed at once to the desk's recipients alone, like every other item the server keeps; the
//! reporter's key cannot open it and their thread never lists it. The server cannot read a note
//! either, so who wrote it and on which day go inside the sealed text, where the offline tool
//! shows them, and the audit log records only that a note was added.

use zeroize::Zeroizing;

use crate::audit::Action;
use crate::domain::ItemId;
use crate::store::{ItemKind, ReportRecord};

use super::error::DeskError;
use super::{DeskWork, REPLY_MAX};

/// Notes one report may hold: a stolen session must not be able to fill the disk one note at a
/// time (each is a file), and no case needs more.
pub const NOTES_MAX: usize = 200;

impl DeskWork {
    /// Adds an internal note to the report, sealed to the desk alone.
    pub fn note(&self, record: &ReportRecord, text: &str) -> Result<ItemId, DeskError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DeskError::Invalid("desk_err_note_empty"));
        }
        if text.chars().count() > REPLY_MAX {
            return Err(DeskError::Invalid("desk_err_note_long"));
        }
        let notes = record
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Note)
            .count();
        if notes >= NOTES_MAX {
            return Err(DeskError::Invalid("desk_err_notes_full"));
        }
        let today = self.installation.clock.today();
        let sealed = Zeroizing::new(format!("{} · {today}\n\n{text}\n", self.officer.name));
        let id = crate::desk::reply::write_note(
            &self.installation.store,
            self.desk()?,
            &record.id,
            &sealed,
            today,
        )
        .map_err(DeskError::from)?;
        self.audit(Action::Note, Some(&record.id), None)?;
        Ok(id)
    }
}
