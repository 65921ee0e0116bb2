//! How a report's status follows what happens to it, apart from an officer setting it: the rules
//! the store applies inside the transaction that adds items, so that every way in — a reply typed
//! on the desk's page or through the API, a reply sealed offline, a follow-up from the reporter —
//! gets the same rule, and two requests at once cannot both apply it.
//!
//! - The first reply counts as the desk's acknowledgement (directive 2019/1937, art. 9(1)(b)):
//!   a report still `Received` becomes `Acknowledged`, which meets the acknowledgement deadline
//!   (see `desk::deadlines`). An officer's own status change counts just as well; it moves the
//!   status past `Received` by itself.
//! - A follow-up on a closed report reopens it (`InProgress`): the desk has something unread, and
//!   a closed report would be purged on schedule with it. Reopening stops the retention clock,
//!   which runs only while a report is closed ([`ReportRecord::closed_on`]).
//!
//! Both leave a history event, so the desk sees why the status moved. Reporters are never in the
//! audit log; these events are in the report's own record only.

use super::{ReportRecord, Status, StatusEvent};
use crate::domain::Day;

/// The reason the history gives for an acknowledgement by the first reply.
pub const ACKNOWLEDGED_BY_REPLY: &str = "acknowledged by the first reply";
/// The reason the history gives for a report reopened by a follow-up.
pub const REOPENED_BY_FOLLOWUP: &str = "reopened: the reporter sent a follow-up";

impl ReportRecord {
    /// A reply was added on `today`: the first one acknowledges a report still `Received`.
    pub fn note_reply(&mut self, today: Day) {
        if self.status == Status::Received {
            self.move_to(Status::Acknowledged, today, ACKNOWLEDGED_BY_REPLY);
        }
    }

    /// A follow-up was added on `today`: a closed report reopens.
    pub fn note_followup(&mut self, today: Day) {
        if self.status == Status::Closed {
            self.move_to(Status::InProgress, today, REOPENED_BY_FOLLOWUP);
        }
    }

    fn move_to(&mut self, status: Status, day: Day, reason: &str) {
        self.status = status;
        self.history.push(StatusEvent {
            day,
            status,
            reason: Some(reason.to_owned()),
        });
    }
}
