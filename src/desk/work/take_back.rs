//! Undoing a transfer: after a transfer the sending desk's ciphertexts are kept aside until the
//! receiving desk first downloads the report (or [`super::transfer::KEEP_PREVIOUS_DAYS`] pass).
//! Until then the sending desk sees the report in its list of sent reports and can take it back;
//! after that the kept ciphertexts are deleted for real and a take-back is refused.

use std::str::FromStr;

use serde::Serialize;

use crate::audit::{Action, AuditLog};
use crate::desk::retention::{PurgeError, SYSTEM};
use crate::domain::{Day, ReportId};
use crate::store::{ReportRecord, Store, StoreError};

use super::DeskWork;
use super::error::DeskError;

/// A report this desk sent that the receiving desk has not opened yet.
#[derive(Debug, Clone, Serialize)]
pub struct SentRow {
    pub id: String,
    /// The desk it was sent to.
    pub to: String,
    /// The last day it can be taken back if the receiving desk does not open it first.
    pub keep_until: String,
}

impl DeskWork {
    /// A report this officer's desk transferred and may still take back; `NotFound` otherwise.
    pub fn sent_report(&self, id: &str) -> Result<ReportRecord, DeskError> {
        let id = ReportId::from_str(id).map_err(|_| DeskError::NotFound)?;
        match self.installation.store.get(&id).map_err(DeskError::from)? {
            Some(r)
                if r.previous
                    .as_ref()
                    .is_some_and(|p| p.desk == self.officer.desk) =>
            {
                Ok(r)
            }
            _ => Err(DeskError::NotFound),
        }
    }

    /// The reports this desk sent that can still be taken back.
    pub fn sent(&self) -> Result<Vec<SentRow>, DeskError> {
        let reports = self
            .installation
            .store
            .sent_by(&self.officer.desk)
            .map_err(DeskError::from)?;
        Ok(reports
            .into_iter()
            .filter_map(|r| {
                let previous = r.previous.as_ref()?;
                (previous.desk == self.officer.desk).then(|| SentRow {
                    id: r.id.to_string(),
                    to: r.desk.to_string(),
                    keep_until: previous.keep_until.iso(),
                })
            })
            .collect())
    }

    /// Takes a transferred report back to this desk, as it was before the transfer. A report
    /// this desk sent whose kept ciphertexts are gone is refused with a reason (the desk knows
    /// it sent it); any other report is `NotFound`, as ever.
    pub fn take_back(&self, id: &str) -> Result<(), DeskError> {
        let record = self.sent_report(id).map_err(|e| match e {
            DeskError::NotFound if self.sent_earlier(id) => {
                DeskError::Invalid("desk_err_take_back")
            }
            other => other,
        })?;
        self.installation
            .store
            .take_back(&record.id, &self.officer.desk)
            .map_err(|e| match e {
                StoreError::Changed => DeskError::Invalid("desk_err_take_back"),
                other => other.into(),
            })?;
        let detail = format!("{} -> {}", record.desk, self.officer.desk);
        self.audit(Action::TakeBack, Some(&record.id), Some(&detail))
    }

    /// True when the report `id` came to its present desk from this one.
    fn sent_earlier(&self, id: &str) -> bool {
        let Ok(id) = ReportId::from_str(id) else {
            return false;
        };
        matches!(
            self.installation.store.get(&id),
            Ok(Some(r)) if r.forwarded_from.as_ref() == Some(&self.officer.desk)
        )
    }

    /// After the receiving desk's first download: the sending desk's kept ciphertexts go.
    pub(super) fn drop_previous_once_opened(&self, record: &ReportRecord) -> Result<(), DeskError> {
        if record.previous.is_none() {
            return Ok(());
        }
        if self
            .installation
            .store
            .drop_previous(&record.id)
            .map_err(DeskError::from)?
        {
            let detail = "kept ciphertexts of the sending desk deleted: opened at this desk";
            self.audit(Action::Purge, Some(&record.id), Some(detail))?;
        }
        Ok(())
    }
}

/// The retention pass's part: kept ciphertexts past their last day are deleted, audited as
/// `system`. Returns how many reports had some.
pub fn drop_expired_previous(
    store: &Store,
    audit: &AuditLog,
    today: Day,
    now_unix: u64,
) -> Result<usize, PurgeError> {
    let mut dropped = 0;
    store.each_report(|record| {
        let Some(previous) = &record.previous else {
            return Ok(());
        };
        if today <= previous.keep_until || !store.drop_previous(&record.id)? {
            return Ok(());
        }
        let detail = format!(
            "kept ciphertexts of desk {} deleted after {}",
            previous.desk, previous.keep_until
        );
        audit
            .append(
                now_unix,
                SYSTEM,
                Action::Purge,
                Some(record.id.as_str()),
                Some(&detail),
            )
            .map_err(|e| PurgeError::Audit(e.to_string()))?;
        dropped += 1;
        Ok::<(), PurgeError>(())
    })?;
    Ok(dropped)
}
