//! Retention: a closed report is deleted — ciphertexts, record and lookup key — once its desk's
//! retention days have passed since it was closed. `meldpunt purge` runs this by hand; the
//! service runs it once a day. Every deletion goes into the audit log as the officer `system`.

use crate::audit::{Action, AuditLog};
use crate::domain::{Day, ReportId};
use crate::store::{KnownDesk, Store, StoreError};

/// The name under which automatic deletions are audited.
pub const SYSTEM: &str = "system";

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("audit log: {0}")]
    Audit(String),
}

/// Days a report marked as spam is kept after it was closed (or the desk's retention, if shorter).
pub const SPAM_RETENTION_DAYS: u32 = 14;

/// True when `today` is past the retention of a report closed on `closed`.
pub fn expired(closed: Day, retention_days: u32, today: Day) -> bool {
    today > closed.plus(retention_days)
}

/// Deletes every closed report past its retention; returns the ids deleted.
pub fn purge(
    store: &Store,
    audit: &AuditLog,
    desks: &[KnownDesk],
    today: Day,
    now_unix: u64,
) -> Result<Vec<ReportId>, PurgeError> {
    crate::desk::work::drop_expired_previous(store, audit, today, now_unix)?;
    let mut deleted = Vec::new();
    store.each_report(|record| {
        let Some(closed) = record.closed_on() else {
            return Ok(());
        };
        // A report of a desk no longer configured is kept: nobody decided its retention.
        let Some(desk) = desks.iter().find(|d| d.id == record.desk) else {
            return Ok(());
        };
        // Spam goes sooner, but not at once: a report marked by mistake can still be reopened.
        let retention_days = if record.handling.spam {
            desk.retention_days.min(SPAM_RETENTION_DAYS)
        } else {
            desk.retention_days
        };
        if !expired(closed, retention_days, today) {
            return Ok(());
        }
        store.delete_report(&record.id)?;
        let detail = format!("retention {retention_days} days after closing on {closed}");
        audit
            .append(
                now_unix,
                SYSTEM,
                Action::Purge,
                Some(record.id.as_str()),
                Some(&detail),
            )
            .map_err(|e| PurgeError::Audit(e.to_string()))?;
        deleted.push(record.id);
        Ok::<(), PurgeError>(())
    })?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_kept_through_its_last_retention_day_and_purged_the_day_after() {
        let closed = Day(20_000);
        assert!(!expired(closed, 30, Day(20_030)));
        assert!(expired(closed, 30, Day(20_031)));
    }
}
