//! What an officer can do to the reports of their own desk, shared by the web area, the API and
//! the command line alike: a [`DeskWork`] is built from an [`Installation`] (store, audit log,
//! desks, clock) and the acting officer, and knows nothing of HTTP.
//!
//! Every lookup goes through [`DeskWork::report`], which answers `NotFound` alike for a malformed
//! id, an unknown id and another desk's report: desks are walls, and an officer never learns
//! whether another desk's report exists. Every action is written to the audit log and made
//! durable before it is confirmed. All methods block (disk, fsync): call them off the async
//! threads. This file holds the lookups and the inbox; the actions live in the files beside it.

mod deletion;
mod download;
mod error;
pub mod handling;
mod notes;
mod replies;
mod statistics;
mod status;
mod take_back;
#[cfg(test)]
mod tests;
mod transfer;

use std::str::FromStr;
use std::sync::Arc;

use serde::Serialize;

use super::deadlines::{self, Deadlines};
use crate::audit::{Action, AuditLog};
use crate::config::DeskSettings;
use crate::domain::{Clock, DeskId, ReportId};
use crate::store::{ReportRecord, Store};

pub use error::DeskError;
pub use notes::NOTES_MAX;
pub use statistics::FIRST_YEAR;
pub use take_back::{SentRow, drop_expired_previous};
pub use transfer::KEEP_PREVIOUS_DAYS;

/// Reasons and replies are short texts typed by an officer, in characters.
pub const REASON_MAX: usize = 1_000;
pub const REPLY_MAX: usize = 20_000;
/// An uploaded sealed reply may be this large, in bytes.
pub const SEALED_REPLY_MAX: u64 = 10 * 1024 * 1024;

/// One line of the inbox.
#[derive(Debug, Clone, Serialize)]
pub struct InboxRow {
    pub id: String,
    pub desk: String,
    pub status: &'static str,
    pub received: String,
    pub acknowledge_by: String,
    pub feedback_by: String,
    pub acknowledge_overdue: bool,
    pub feedback_overdue: bool,
    pub overdue: bool,
    pub new_items: usize,
    pub forwarded_from: Option<String>,
    /// The officer who has it.
    pub assigned: Option<String>,
    pub labels: Vec<String>,
    pub spam: bool,
}

/// Who is acting: an officer's name and desk (no secrets), as held in a session or found by token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub desk: DeskId,
}

/// What desk work is done with: the installation's store, audit log, desks and clock. Cheap to
/// clone (shared handles), so each request can take its own.
#[derive(Clone)]
pub struct Installation {
    pub store: Arc<Store>,
    pub audit: Arc<AuditLog>,
    pub desks: Arc<[DeskSettings]>,
    pub clock: Arc<dyn Clock>,
    /// The largest transfer package accepted, in bytes.
    pub package_max: u64,
}

impl Installation {
    pub fn desk(&self, id: &DeskId) -> Option<&DeskSettings> {
        self.desks.iter().find(|d| &d.id == id)
    }
}

/// An officer at work: their desk's reports, and nothing else.
pub struct DeskWork {
    installation: Installation,
    officer: Actor,
}

impl DeskWork {
    pub fn new(installation: Installation, officer: Actor) -> DeskWork {
        DeskWork {
            installation,
            officer,
        }
    }

    pub fn officer(&self) -> &Actor {
        &self.officer
    }

    fn desk(&self) -> Result<&DeskSettings, DeskError> {
        self.installation
            .desk(&self.officer.desk)
            .ok_or(DeskError::NotFound)
    }

    /// Writes an audit entry, durable when this returns.
    pub fn audit(
        &self,
        action: Action,
        report: Option<&ReportId>,
        detail: Option<&str>,
    ) -> Result<(), DeskError> {
        self.installation
            .audit
            .append(
                self.installation.clock.now_unix(),
                &self.officer.name,
                action,
                report.map(ReportId::as_str),
                detail,
            )
            .map_err(DeskError::from)?;
        Ok(())
    }

    /// A report of this officer's desk; `NotFound` for anything else.
    pub fn report(&self, id: &str) -> Result<ReportRecord, DeskError> {
        let id = ReportId::from_str(id).map_err(|_| DeskError::NotFound)?;
        match self.installation.store.get(&id).map_err(DeskError::from)? {
            Some(record) if record.desk == self.officer.desk => Ok(record),
            _ => Err(DeskError::NotFound),
        }
    }

    pub fn deadlines(&self, record: &ReportRecord) -> Result<Deadlines, DeskError> {
        Ok(deadlines::deadlines(
            record,
            self.desk()?,
            self.installation.clock.today(),
        ))
    }

    pub fn row(&self, record: &ReportRecord) -> Result<InboxRow, DeskError> {
        let d = self.deadlines(record)?;
        Ok(InboxRow {
            id: record.id.to_string(),
            desk: record.desk.to_string(),
            status: record.status.key(),
            received: record.received.iso(),
            acknowledge_by: d.acknowledge_by.iso(),
            feedback_by: d.feedback_by.iso(),
            acknowledge_overdue: d.acknowledge_overdue,
            feedback_overdue: d.feedback_overdue,
            overdue: d.overdue(),
            new_items: record.new_for(&self.officer.name).len(),
            forwarded_from: record.forwarded_from.as_ref().map(ToString::to_string),
            assigned: record.handling.assigned.clone(),
            labels: record.handling.labels.iter().cloned().collect(),
            spam: record.handling.spam,
        })
    }
}
