//! Legal deadlines of a report (EU Directive 2019/1937, art. 9(1)(b) and (f)): the desk confirms
//! receipt within its acknowledgement days (at most 7) and gives feedback within its feedback days
//! (3 months), or up to 6 months when an officer records why. (The inbox sorts by these in SQL,
//! `store::inbox`.)

use serde::Serialize;

use crate::config::DeskSettings;
use crate::domain::Day;
use crate::store::{ReportRecord, Status};

/// The most days feedback may take, with an extension (six months).
pub const MAX_FEEDBACK_DAYS: u32 = 180;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    pub acknowledge_by: Day,
    pub feedback_by: Day,
    pub acknowledge_overdue: bool,
    pub feedback_overdue: bool,
}

impl Deadlines {
    pub fn overdue(&self) -> bool {
        self.acknowledge_overdue || self.feedback_overdue
    }
}

pub fn deadlines(record: &ReportRecord, desk: &DeskSettings, today: Day) -> Deadlines {
    let feedback_days = record.extension.as_ref().map_or(desk.feedback_days, |e| {
        e.feedback_days.min(MAX_FEEDBACK_DAYS)
    });
    let acknowledge_by = record.received.plus(desk.acknowledge_days);
    let feedback_by = record.received.plus(feedback_days);
    Deadlines {
        acknowledge_by,
        feedback_by,
        acknowledge_overdue: record.status == Status::Received && today > acknowledge_by,
        feedback_overdue: record.status.awaits_feedback() && today > feedback_by,
    }
}

/// The day the desk met the acknowledgement deadline, by the rule [`deadlines`] applies while it
/// runs (the deadline is met once the status has left `Received`): the first status change away
/// from `Received`, or the first reply of the desk (which makes that change itself), whichever
/// came first — on or after the day the report reached this desk, so that a transferred report's
/// events at the sending desk do not count for the receiving one. (A transfer itself leaves no
/// status event, so one the sending desk made on the very day of the transfer still counts.)
pub fn acknowledged_on(record: &ReportRecord) -> Option<Day> {
    let by_status = record
        .history
        .iter()
        .filter(|e| e.status != Status::Received)
        .map(|e| e.day);
    let by_reply = record
        .items
        .iter()
        .filter(|i| i.kind.is_reply())
        .map(|i| i.day);
    by_status
        .chain(by_reply)
        .filter(|day| *day >= record.received)
        .min()
}

/// The day the desk met the feedback deadline, by the rule [`deadlines`] applies while it runs
/// (feedback is no longer awaited): the first change to `FeedbackGiven` or `Closed` on or after
/// the day the report reached this desk.
pub fn feedback_on(record: &ReportRecord) -> Option<Day> {
    record
        .history
        .iter()
        .filter(|e| !e.status.awaits_feedback() && e.day >= record.received)
        .map(|e| e.day)
        .min()
}
