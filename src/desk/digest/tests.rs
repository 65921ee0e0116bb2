//! The digest's counts: what is new for this officer, what falls due within two days, what is
//! overdue — each deadline counted once, and only at the officer's own desk.

use super::*;
use crate::domain::ReportId;
use crate::store::Status;
use crate::store::tests::{item, record};

const TODAY: Day = Day(20_100);

fn report(received_days_ago: u32, status: Status) -> ReportRecord {
    let mut r = record(&ReportId::random(), vec![item()]);
    r.received = Day(TODAY.0 - i64::from(received_days_ago));
    r.status = status;
    r
}

#[test]
fn an_empty_desk_counts_nothing() {
    let desk = DeskSettings::for_tests("ap");
    assert_eq!(counts(&[], &desk, "a", TODAY), DigestCounts::default());
}

#[test]
fn a_new_tip_is_new_and_its_acknowledgement_is_due_two_days_before_the_deadline() {
    let desk = DeskSettings::for_tests("ap");
    let fresh = counts(&[report(0, Status::Received)], &desk, "a", TODAY);
    assert_eq!(
        fresh,
        DigestCounts {
            new: 1,
            ..Default::default()
        }
    );
    // Acknowledgement by day 7: due on days 5, 6 and 7, overdue from day 8.
    for (age, due, overdue) in [(4, 0, 0), (5, 1, 0), (7, 1, 0), (8, 0, 1)] {
        let c = counts(&[report(age, Status::Received)], &desk, "a", TODAY);
        assert_eq!(
            (c.acknowledge_due, c.acknowledge_overdue),
            (due, overdue),
            "day {age}"
        );
    }
}

#[test]
fn feedback_counts_while_it_is_awaited_and_not_after() {
    let desk = DeskSettings::for_tests("ap");
    let due = counts(&[report(89, Status::InProgress)], &desk, "a", TODAY);
    assert_eq!((due.feedback_due, due.feedback_overdue), (1, 0));
    let late = counts(&[report(91, Status::Acknowledged)], &desk, "a", TODAY);
    assert_eq!((late.feedback_due, late.feedback_overdue), (0, 1));
    let given = counts(&[report(91, Status::FeedbackGiven)], &desk, "a", TODAY);
    assert_eq!((given.feedback_due, given.feedback_overdue), (0, 0));
}

#[test]
fn what_the_officer_downloaded_or_the_desk_wrote_is_not_new() {
    let desk = DeskSettings::for_tests("ap");
    let mut seen = report(1, Status::Acknowledged);
    let ids = seen.items.iter().map(|i| i.id.clone()).collect();
    seen.downloaded.insert("a".into(), ids);
    let mut replied = seen.clone();
    let mut reply = item();
    reply.kind = ItemKind::DeskCopy;
    replied.items.push(reply);
    let records = [seen.clone(), replied];
    assert_eq!(counts(&records, &desk, "a", TODAY).new, 0);
    // Another officer of the desk has downloaded nothing: both are new to them.
    assert_eq!(counts(&records, &desk, "b", TODAY).new, 2);
}

#[test]
fn another_desks_reports_are_not_counted() {
    let om = DeskSettings::for_tests("om");
    let c = counts(&[report(30, Status::Received)], &om, "a", TODAY);
    assert_eq!(c, DigestCounts::default());
}
