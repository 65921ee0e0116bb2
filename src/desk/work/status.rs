//! A report's course: its status moves forward only (a closed report reopens with a reason), and
//! its feedback term may be extended, with a reason, up to the legal maximum.

use crate::audit::Action;
use crate::desk::deadlines::MAX_FEEDBACK_DAYS;
use crate::store::{Extension, ReportRecord, Status, StatusEvent};

use super::error::DeskError;
use super::{DeskWork, REASON_MAX};

impl DeskWork {
    /// Moves the report forward (received → acknowledged → in progress → feedback given →
    /// closed), or reopens a closed report with a reason.
    pub fn set_status(
        &self,
        record: &ReportRecord,
        to: Status,
        reason: &str,
    ) -> Result<(), DeskError> {
        let reason = clean_reason(reason)?;
        let position = |s: Status| Status::ALL.iter().position(|x| *x == s);
        let reopening = record.status == Status::Closed && to != Status::Closed;
        if reopening && reason.is_none() {
            return Err(DeskError::Invalid("desk_err_reopen_reason"));
        }
        if !reopening && position(to) <= position(record.status) {
            return Err(DeskError::Invalid("desk_err_status_order"));
        }
        let event = StatusEvent {
            day: self.installation.clock.today(),
            status: to,
            reason: reason.clone(),
        };
        self.installation
            .store
            .update_record(&record.id, |r| {
                r.status = to;
                r.history.push(event);
            })
            .map_err(DeskError::from)?;
        let detail = format!("{} -> {}", record.status.key(), to.key());
        self.audit(Action::StatusChange, Some(&record.id), Some(&detail))
    }

    /// Extends the feedback term to `feedback_days` after receipt (at most 180), with a reason.
    pub fn extend(
        &self,
        record: &ReportRecord,
        feedback_days: u32,
        reason: &str,
    ) -> Result<(), DeskError> {
        let reason =
            clean_reason(reason)?.ok_or(DeskError::Invalid("desk_err_extension_reason"))?;
        let current = self.deadlines(record)?.feedback_by.0 - record.received.0;
        if i64::from(feedback_days) <= current || feedback_days > MAX_FEEDBACK_DAYS {
            return Err(DeskError::Invalid("desk_err_extension_days"));
        }
        self.installation
            .store
            .update_record(&record.id, |r| {
                r.extension = Some(Extension {
                    feedback_days,
                    reason,
                })
            })
            .map_err(DeskError::from)?;
        self.audit(
            Action::Extension,
            Some(&record.id),
            Some(&format!("{feedback_days} days")),
        )
    }
}

/// A reason as typed: trimmed, bounded, `None` when empty.
pub(super) fn clean_reason(reason: &str) -> Result<Option<String>, DeskError> {
    let reason = reason.trim();
    if reason.chars().count() > REASON_MAX {
        return Err(DeskError::Invalid("desk_err_reason_long"));
    }
    Ok((!reason.is_empty()).then(|| reason.to_owned()))
}
