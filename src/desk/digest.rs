//! What an officer's daily digest may count, from the report records of their desk: how many
//! reports hold something the officer has not downloaded yet, and how many acknowledgement and
//! feedback deadlines fall due within two days or have passed (the same deadlines the inbox
//! shows, from [`super::deadlines`]). Numbers only: nothing here carries an id, a day or a size,
//! so whatever composes the mail cannot put one in it.

use crate::config::DeskSettings;
use crate::domain::Day;
use crate::store::{ItemKind, ReportRecord};

use super::deadlines::deadlines;

/// How far ahead a deadline counts as due: today, tomorrow and the day after.
pub const DUE_WITHIN_DAYS: u32 = 2;

/// The counts of one officer's digest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DigestCounts {
    /// Reports with a reporter's item (tip, follow-up, attachment) the officer has not
    /// downloaded: what the inbox marks new for them.
    pub new: u32,
    pub acknowledge_due: u32,
    pub acknowledge_overdue: u32,
    pub feedback_due: u32,
    pub feedback_overdue: u32,
}

/// Counts `records` of `desk` for `officer` on `today`; records of other desks are ignored.
pub fn counts(
    records: &[ReportRecord],
    desk: &DeskSettings,
    officer: &str,
    today: Day,
) -> DigestCounts {
    let mut counts = DigestCounts::default();
    for record in records {
        counts.add(record, desk, officer, today);
    }
    counts
}

impl DigestCounts {
    /// Counts one record of `desk` for `officer` on `today` (another desk's changes nothing), so
    /// that the digests of every officer come from one pass over the store.
    pub fn add(&mut self, record: &ReportRecord, desk: &DeskSettings, officer: &str, today: Day) {
        if record.desk != desk.id {
            return;
        }
        let soon = today.plus(DUE_WITHIN_DAYS);
        let due = deadlines(record, desk, today);
        let from_reporter = |kind: ItemKind| !kind.from_desk();
        if record
            .new_for(officer)
            .iter()
            .any(|i| from_reporter(i.kind))
        {
            self.new += 1;
        }
        let awaits_acknowledgement = record.status == crate::store::Status::Received;
        if due.acknowledge_overdue {
            self.acknowledge_overdue += 1;
        } else if awaits_acknowledgement && due.acknowledge_by <= soon {
            self.acknowledge_due += 1;
        }
        if due.feedback_overdue {
            self.feedback_overdue += 1;
        } else if record.status.awaits_feedback() && due.feedback_by <= soon {
            self.feedback_due += 1;
        }
    }
}

#[cfg(test)]
mod tests;
