//! The statistics against a fixture computed by hand: desk `ap` (acknowledgement 7 days,
//! feedback 90), ten records over March and April 2026 and one of the year before.
//!
//! | record | received | what happened                                   | ack (days) |
//! |--------|----------|-------------------------------------------------|------------|
//! | A      | 03-02    | reply 03-04, feedback given 05-20 (79 days)     | 2, in time |
//! | B      | 03-05    | in progress 03-12, extended, closed 07-20 (137) | 7, in time |
//! | C      | 03-10    | acknowledged 03-20                              | 10, late   |
//! | D      | 03-20    | nothing yet                                     | —          |
//! | E      | 03-15    | transferred to om (arrived there 03-18)         | not ours   |
//! | F      | 03-25    | spam, closed                                    | not counted|
//! | G      | 04-01    | acknowledged 04-03, closed 04-10                | 2, in time |
//! | H      | 04-02    | a reply 04-03 only (no status event)            | 1, in time |
//! | I      | 04-05    | from om (first 03-28, om acknowledged 03-30), ours 04-06 | 1 |
//! | K      | 04-10    | acknowledged 04-18                              | 8, late    |
//! | L      | 04-07    | om's own report                                 | not ours   |
//! | Z      | 2025-12-31 | acknowledged the next day                     | other year |
//!
//! March: received 4 (A–D), in time 2 (A, B), feedback within 3 months 1 (A), within 6 months 2
//! (A, B), transferred 1 (E), closed 1 (B), median of 2, 7, 10 = 7.
//! April: received 4 (G, H, I, K), in time 3, feedback 1 and 1 (G, by closing), transferred 0,
//! closed 1 (G), median of 1, 1, 2, 8 = (1 + 2) / 2 = 1.5 (an even count: the mean of the two
//! middle values). The year: median of 1, 1, 2, 2, 7, 8, 10 = 2.

use super::*;
use crate::domain::{DeskId, ReportId};
use crate::store::tests::{item, record};
use crate::store::{Extension, ItemKind, StatusEvent};

fn day(month: u8, dom: i64) -> Day {
    let first = Day::first_of_month(2026, month).unwrap_or_else(|| unreachable!());
    Day(first.0 + dom - 1)
}

fn desk(id: &str) -> DeskId {
    id.parse().unwrap_or_else(|_| unreachable!())
}

fn report(received: Day, events: &[(Status, Day)]) -> ReportRecord {
    let mut r = record(&ReportId::random(), vec![item()]);
    r.received = received;
    for (status, on) in events {
        r.status = *status;
        r.history.push(StatusEvent {
            day: *on,
            status: *status,
            reason: None,
        });
    }
    r
}

fn with_reply(mut r: ReportRecord, on: Day) -> ReportRecord {
    let mut reply = item();
    reply.kind = ItemKind::Reply;
    reply.day = on;
    r.items.push(reply);
    r
}

fn fixture() -> Vec<ReportRecord> {
    use Status::*;
    let a = with_reply(
        report(
            day(3, 2),
            &[(Acknowledged, day(3, 4)), (FeedbackGiven, day(5, 20))],
        ),
        day(3, 4),
    );
    let mut b = report(day(3, 5), &[(InProgress, day(3, 12)), (Closed, day(7, 20))]);
    b.extension = Some(Extension {
        feedback_days: 150,
        reason: "complex".into(),
    });
    let c = report(day(3, 10), &[(Acknowledged, day(3, 20))]);
    let d = report(day(3, 20), &[]);
    let mut e = report(day(3, 18), &[]);
    e.desk = desk("om");
    e.forwarded_from = Some(desk("ap"));
    e.first_received = Some(day(3, 15));
    let mut f = report(day(3, 25), &[(Closed, day(3, 26))]);
    f.handling.spam = true;
    let g = report(
        day(4, 1),
        &[(Acknowledged, day(4, 3)), (Closed, day(4, 10))],
    );
    let h = with_reply(report(day(4, 2), &[]), day(4, 3));
    let mut i = report(
        day(4, 5),
        &[(Acknowledged, day(3, 30)), (Acknowledged, day(4, 6))],
    );
    i.forwarded_from = Some(desk("om"));
    i.first_received = Some(day(3, 28));
    let k = report(day(4, 10), &[(Acknowledged, day(4, 18))]);
    let mut l = report(day(4, 7), &[]);
    l.desk = desk("om");
    let z = report(Day(day(1, 1).0 - 1), &[(Acknowledged, day(1, 1))]);
    vec![a, b, c, d, e, f, g, h, i, k, l, z]
}

fn row(month: u8, counts: [u64; 6], median: Option<u64>) -> MonthRow {
    let [
        received,
        in_time,
        feedback_3,
        feedback_6,
        transferred,
        closed,
    ] = counts;
    MonthRow {
        year: 2026,
        month,
        received,
        acknowledged_in_time: in_time,
        feedback_within_3_months: feedback_3,
        feedback_within_6_months: feedback_6,
        transferred,
        closed,
        median_days_to_acknowledge: median.map(HalfDays),
    }
}

fn today() -> Day {
    day(12, 7)
}

#[test]
fn the_months_match_the_hand_computed_fixture() {
    let ap = DeskSettings::for_tests("ap");
    let records = fixture();
    let rows = monthly(&ap, 2026, &records, today());
    assert_eq!(rows.len(), 12, "every month of the year so far");
    assert_eq!(rows[0], row(1, [0; 6], None));
    assert_eq!(rows[2], row(3, [4, 2, 1, 2, 1, 1], Some(14)));
    assert_eq!(rows[3], row(4, [4, 3, 1, 1, 0, 1], Some(3)));
    assert!(
        rows[4..]
            .iter()
            .all(|r| r.received == 0 && r.transferred == 0)
    );
}

#[test]
fn the_year_total_adds_the_months_and_takes_the_median_of_all_of_them() {
    let ap = DeskSettings::for_tests("ap");
    let mut tally = Tally::new(&ap, 2026, today());
    fixture().iter().for_each(|r| tally.add(r));
    assert_eq!(tally.finish().total, row(0, [8, 5, 2, 3, 1, 2], Some(4)));
}

#[test]
fn the_other_desk_counts_its_own_and_what_it_sent_on() {
    let om = DeskSettings::for_tests("om");
    let rows = monthly(&om, 2026, &fixture(), today());
    // E reached om on 03-18; I, which om sent to ap, was first received on 03-28; L is om's.
    assert_eq!(rows[2], row(3, [1, 0, 0, 0, 1, 0], None));
    assert_eq!(rows[3], row(4, [1, 0, 0, 0, 0, 0], None));
}

#[test]
fn only_the_months_up_to_today_are_listed() {
    let ap = DeskSettings::for_tests("ap");
    assert_eq!(monthly(&ap, 2026, &fixture(), day(4, 30)).len(), 4);
    assert!(monthly(&ap, 2027, &fixture(), today()).is_empty());
    let last_year = monthly(&ap, 2025, &fixture(), today());
    assert_eq!(last_year.len(), 12);
    assert_eq!(last_year[11].received, 1);
    assert_eq!(last_year[11].median_days_to_acknowledge, Some(HalfDays(2)));
}

#[test]
fn half_days_are_written_with_the_decimal_mark() {
    assert_eq!(HalfDays(3).write(','), "1,5");
    assert_eq!(HalfDays(3).write('.'), "1.5");
    assert_eq!(HalfDays(14).write(','), "7");
    assert_eq!(HalfDays(0).write('.'), "0");
}
