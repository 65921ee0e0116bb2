//! A desk's figures for the annual report (EU Directive 2019/1937, art. 27; issue 13), per month,
//! counted from the report records alone: no content, no report ids, nothing an officer typed.
//!
//! Every row is a cohort: the reports that reached the desk in that month, and what has become
//! of them by today. The rules, in one place:
//!
//! - **received**: the reports this desk holds that reached it in the month (a report transferred
//!   in counts in the month it arrived here, when its terms here started). Reports marked as
//!   spam are no reports and count nowhere.
//! - **acknowledged in time**: acknowledged on or before the day [`deadlines`] says it was due
//!   (received + the desk's acknowledgement days). When it was acknowledged is
//!   [`deadlines::acknowledged_on`]: the same rule the inbox applies — the first status change
//!   away from `Received` or the first reply.
//! - **feedback within 3 months / 6 months**: feedback ([`deadlines::feedback_on`]: the status
//!   moved to feedback given or closed) on or before received + the desk's feedback days (three
//!   months, art. 11(2)(d)), and on or before received + [`MAX_FEEDBACK_DAYS`] (six months, the
//!   most an extension allows). Within 3 implies within 6.
//! - **transferred**: reports this desk handed on to another desk (the record's `forwarded_from`
//!   is this desk), counted in the month the report was first received (`first_received`). They
//!   belong to the new desk now and are not in this desk's other columns: received + transferred
//!   is everything that reached the desk. A record names only the last sending desk, so after
//!   two transfers the first desk no longer finds it.
//! - **closed**: closed today.
//! - **median days to acknowledgement**: over the month's acknowledged reports (in time or
//!   late). With an even count it is the mean of the two middle values, so it is a whole or a
//!   half day ([`HalfDays`]); with none, there is no median.

use serde::Serialize;

use super::deadlines::{self, MAX_FEEDBACK_DAYS};
use crate::config::DeskSettings;
use crate::domain::Day;
use crate::store::{ReportRecord, Status};

/// One month's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    pub year: i32,
    /// 1–12.
    pub month: u8,
    pub received: u64,
    pub acknowledged_in_time: u64,
    pub feedback_within_3_months: u64,
    pub feedback_within_6_months: u64,
    pub transferred: u64,
    pub closed: u64,
    pub median_days_to_acknowledge: Option<HalfDays>,
}

/// A number of days counted in halves, as a median of an even count can be: `HalfDays(7)` is
/// three and a half days. Kept whole so no float rounds a figure in an annual report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HalfDays(pub u64);

impl HalfDays {
    /// Written with `mark` as the decimal mark: "3", "3,5" or "3.5".
    pub fn write(self, mark: char) -> String {
        match self.0 % 2 {
            0 => (self.0 / 2).to_string(),
            _ => format!("{}{mark}5", self.0 / 2),
        }
    }
}

/// The figures of one year, as records stream past: [`Tally::add`] each record once, then
/// [`Tally::finish`]. Memory grows with the number of acknowledged reports (one number each, for
/// the median), never with the records.
pub struct Tally<'a> {
    desk: &'a DeskSettings,
    year: i32,
    today: Day,
    months: [Counts; 12],
}

#[derive(Default)]
struct Counts {
    received: u64,
    acknowledged_in_time: u64,
    feedback_3: u64,
    feedback_6: u64,
    transferred: u64,
    closed: u64,
    days_to_acknowledge: Vec<u64>,
}

impl<'a> Tally<'a> {
    pub fn new(desk: &'a DeskSettings, year: i32, today: Day) -> Tally<'a> {
        Tally {
            desk,
            year,
            today,
            months: Default::default(),
        }
    }

    /// Counts one record: one of this desk's, or one it transferred; any other is ignored.
    pub fn add(&mut self, record: &ReportRecord) {
        if record.handling.spam {
            return;
        }
        if record.desk == self.desk.id {
            self.add_own(record);
        } else if record.forwarded_from.as_ref() == Some(&self.desk.id) {
            let first = record.first_received.unwrap_or(record.received);
            if let Some(counts) = self.month_of(first) {
                counts.transferred += 1;
            }
        }
    }

    fn add_own(&mut self, record: &ReportRecord) {
        let due = deadlines::deadlines(record, self.desk, self.today);
        let acknowledged = deadlines::acknowledged_on(record);
        let feedback = deadlines::feedback_on(record);
        let within = |days: u32| feedback.is_some_and(|d| d <= record.received.plus(days));
        let feedback_3 = within(self.desk.feedback_days);
        let feedback_6 = within(MAX_FEEDBACK_DAYS);
        let Some(counts) = self.month_of(record.received) else {
            return;
        };
        counts.received += 1;
        if let Some(day) = acknowledged {
            counts.acknowledged_in_time += u64::from(day <= due.acknowledge_by);
            // `acknowledged_on` never answers a day before `received`.
            counts
                .days_to_acknowledge
                .push(u64::try_from(day.0 - record.received.0).unwrap_or(0));
        }
        counts.feedback_3 += u64::from(feedback_3);
        counts.feedback_6 += u64::from(feedback_6);
        counts.closed += u64::from(record.status == Status::Closed);
    }

    /// The counts of the month `day` falls in, if that is in this year.
    fn month_of(&mut self, day: Day) -> Option<&mut Counts> {
        let (year, month, _) = day.ymd();
        if year != self.year {
            return None;
        }
        self.months.get_mut(usize::from(month).checked_sub(1)?)
    }

    /// The rows of the year's months up to today's (all twelve for a past year, none for a
    /// future one), and the year's total (its median over all the year's acknowledgements).
    pub fn finish(self) -> YearFigures {
        let (this_year, this_month, _) = self.today.ymd();
        let shown = match self.year.cmp(&this_year) {
            std::cmp::Ordering::Less => 12,
            std::cmp::Ordering::Equal => usize::from(this_month),
            std::cmp::Ordering::Greater => 0,
        };
        let year = self.year;
        let mut all = Counts::default();
        let mut months = Vec::with_capacity(shown);
        for (c, month) in self.months.into_iter().zip(1u8..).take(shown) {
            all.received += c.received;
            all.acknowledged_in_time += c.acknowledged_in_time;
            all.feedback_3 += c.feedback_3;
            all.feedback_6 += c.feedback_6;
            all.transferred += c.transferred;
            all.closed += c.closed;
            all.days_to_acknowledge
                .extend_from_slice(&c.days_to_acknowledge);
            months.push(c.row(year, month));
        }
        YearFigures {
            months,
            total: all.row(year, 0),
        }
    }
}

/// A year's figures: a row per month so far, and the total (month 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearFigures {
    pub months: Vec<MonthRow>,
    pub total: MonthRow,
}

impl Counts {
    fn row(self, year: i32, month: u8) -> MonthRow {
        MonthRow {
            year,
            month,
            received: self.received,
            acknowledged_in_time: self.acknowledged_in_time,
            feedback_within_3_months: self.feedback_3,
            feedback_within_6_months: self.feedback_6,
            transferred: self.transferred,
            closed: self.closed,
            median_days_to_acknowledge: median(self.days_to_acknowledge),
        }
    }
}

/// The middle value, or with an even count the mean of the two middle ones.
fn median(mut values: Vec<u64>) -> Option<HalfDays> {
    values.sort_unstable();
    let n = values.len();
    let upper = *values.get(n / 2)?;
    let lower = if n.is_multiple_of(2) {
        *values.get(n / 2 - 1)?
    } else {
        upper
    };
    Some(HalfDays(lower + upper))
}

/// The months of `year` for `desk`, from the records given (any others are ignored).
pub fn monthly<'r>(
    desk: &DeskSettings,
    year: i32,
    records: impl IntoIterator<Item = &'r ReportRecord>,
    today: Day,
) -> Vec<MonthRow> {
    let mut tally = Tally::new(desk, year, today);
    for record in records {
        tally.add(record);
    }
    tally.finish().months
}

#[cfg(test)]
mod tests;
