//! The inbox of a busy desk, as an officer uses it: filters by status, overdue, assignee and
//! label, search by id, sort by deadline or day, page numbers; assignment and labels on one
//! report; bulk actions (all of them or none, one audit entry per report); spam purged after
//! its short retention.

use meldpunt::audit::Action;
use meldpunt::domain::{Clock, ReportId};
use meldpunt::store::StartedWith;

use crate::helpers::*;

/// The report ids an inbox page lists, in order (each row's id is a link to the report).
fn listed(page: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for part in page.split("<th scope=\"row\"><a href=\"").skip(1) {
        let href = part.split('"').next().unwrap();
        ids.push(href.rsplit('/').next().unwrap().to_owned());
    }
    ids
}

struct Desk {
    app: TestApp,
    cookie: String,
    csrf: String,
}

impl Desk {
    /// A desk "ap" with officers anna and bob (anna logged in), and one officer at "om".
    async fn open() -> Desk {
        let app = spawn_app().await;
        app.add_officer("anna", "ap");
        app.add_officer("bob", "ap");
        app.add_officer("olga", "om");
        let cookie = app.desk_login("anna").await;
        let csrf = app.desk_csrf(&cookie).await;
        Desk { app, cookie, csrf }
    }

    async fn report(&self, desk: &str, text: &str) -> ReportId {
        let receipt = self.app.submit(desk, text, vec![]).await;
        self.app.report_of(&receipt)
    }

    async fn inbox(&self, query: &str) -> Vec<String> {
        let response = self
            .app
            .desk_get(&self.cookie, &format!("/desk/?{query}"))
            .await;
        assert_eq!(response.status(), 200);
        listed(&response.text().await.unwrap())
    }

    async fn act(&self, path: &str, fields: &[(&str, &str)]) -> u16 {
        self.app
            .desk_act(&self.cookie, &self.csrf, path, fields)
            .await
    }

    async fn bulk(&self, ids: &[&ReportId], fields: &[(&str, &str)]) -> u16 {
        let mut form: Vec<(&str, &str)> = ids.iter().map(|id| ("ids", id.as_str())).collect();
        form.extend_from_slice(fields);
        self.act("/desk/bulk", &form).await
    }

    fn record(&self, id: &ReportId) -> meldpunt::store::ReportRecord {
        self.app.state.store.get(id).unwrap().unwrap()
    }

    fn entries(&self, action: Action) -> Vec<meldpunt::audit::Entry> {
        let entries = self.app.state.audit.entries().unwrap();
        entries.into_iter().filter(|e| e.action == action).collect()
    }
}

fn ids(list: &[&ReportId]) -> Vec<String> {
    list.iter().map(|id| id.to_string()).collect()
}

/// The same, sorted: reports received on one day are listed by id.
fn sorted(mut list: Vec<String>) -> Vec<String> {
    list.sort();
    list
}

#[actix_web::test]
async fn filters_narrow_the_inbox_and_sorting_orders_it() {
    let desk = Desk::open().await;
    let first = desk.report("ap", "eerste").await;
    desk.app.clock.set(desk.app.clock.now_unix() + 3 * 86_400);
    let second = desk.report("ap", "tweede").await;
    desk.app.clock.set(desk.app.clock.now_unix() + 3 * 86_400);
    let third = desk.report("ap", "derde").await;
    let elsewhere = desk.report("om", "ander loket").await;

    let path = |id: &ReportId, what: &str| format!("/desk/reports/{id}/{what}");
    let ack = [("status", "acknowledged"), ("reason", "")];
    assert_eq!(desk.act(&path(&second, "status"), &ack).await, 303);
    assert_eq!(
        desk.act(&path(&third, "assign"), &[("officer", "bob")])
            .await,
        303
    );
    assert_eq!(
        desk.act(&path(&first, "label"), &[("label", " Zorg ")])
            .await,
        303
    );

    // Deadline first: the oldest report's acknowledgement is due soonest, then the newest's; the
    // acknowledged one waits for its feedback term. Newest first orders by the day received.
    assert_eq!(desk.inbox("").await, ids(&[&first, &third, &second]));
    assert_eq!(
        desk.inbox("sort=newest").await,
        ids(&[&third, &second, &first])
    );
    assert_eq!(desk.inbox("status=acknowledged").await, ids(&[&second]));
    assert_eq!(desk.inbox("status=received").await, ids(&[&first, &third]));
    assert_eq!(desk.inbox("assigned=bob").await, ids(&[&third]));
    assert_eq!(desk.inbox("assigned=none").await, ids(&[&first, &second]));
    assert_eq!(desk.inbox("assigned=me").await, Vec::<String>::new());
    assert_eq!(desk.inbox("label=zorg").await, ids(&[&first]));
    // A label is matched whole: a part of one, or a pattern, finds nothing.
    assert_eq!(desk.inbox("label=zor").await, Vec::<String>::new());
    assert_eq!(desk.inbox("label=%25").await, Vec::<String>::new());
    // Search by the start of an id, in any case; another desk's id is not found.
    let prefix = &third.as_str()[..8];
    assert_eq!(
        desk.inbox(&format!("q={}", prefix.to_uppercase())).await,
        ids(&[&third])
    );
    assert_eq!(
        desk.inbox(&format!("q={elsewhere}")).await,
        Vec::<String>::new()
    );

    // The first report's acknowledgement term (7 days) passes; only it is overdue.
    desk.app.clock.set(desk.app.clock.now_unix() + 2 * 86_400);
    assert_eq!(desk.inbox("overdue=1").await, ids(&[&first]));
    // Filters combine.
    assert_eq!(desk.inbox("overdue=1&label=zorg").await, ids(&[&first]));
    assert_eq!(
        desk.inbox("overdue=1&assigned=bob").await,
        Vec::<String>::new()
    );
}

#[actix_web::test]
async fn a_long_inbox_is_numbered_in_pages_of_25_that_keep_the_filters() {
    let desk = Desk::open().await;
    let mut all = Vec::new();
    for n in 0..27 {
        all.push(desk.report("ap", &format!("tip {n}")).await);
    }
    let page = desk.app.desk_get(&desk.cookie, "/desk/?sort=newest").await;
    let page = page.text().await.unwrap();
    assert_eq!(listed(&page).len(), 25);
    assert!(page.contains("27"), "the count of all reports is shown");
    assert!(
        page.contains("page=2&amp;sort=newest"),
        "the link to page 2 keeps the sort"
    );
    let second = desk.inbox("page=2&sort=newest").await;
    assert_eq!(second.len(), 2);
    let mut seen = listed(&page);
    seen.extend(second);
    seen.sort();
    let mut expected = ids(&all.iter().collect::<Vec<_>>());
    expected.sort();
    assert_eq!(seen, expected, "every report on exactly one page");
    // A page past the end shows nothing rather than failing.
    assert_eq!(desk.inbox("page=9").await, Vec::<String>::new());
}

#[actix_web::test]
async fn assignment_goes_to_an_officer_of_the_desk_only_and_is_audited() {
    let desk = Desk::open().await;
    let report = desk.report("ap", "voor bob").await;
    let assign = format!("/desk/reports/{report}/assign");
    assert_eq!(desk.act(&assign, &[("officer", "bob")]).await, 303);
    assert_eq!(
        desk.record(&report).handling.assigned.as_deref(),
        Some("bob")
    );
    let entries = desk.entries(Action::Assignment);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].officer, "anna");
    assert_eq!(entries[0].report.as_deref(), Some(report.as_str()));

    // An officer of another desk, or someone unknown: refused, nothing changes.
    for stranger in ["olga", "nobody"] {
        assert_eq!(desk.act(&assign, &[("officer", stranger)]).await, 400);
    }
    assert_eq!(
        desk.record(&report).handling.assigned.as_deref(),
        Some("bob")
    );
    assert_eq!(desk.entries(Action::Assignment).len(), 1);

    // Given back to nobody.
    assert_eq!(desk.act(&assign, &[("officer", "")]).await, 303);
    assert_eq!(desk.record(&report).handling.assigned, None);
    // Another desk's report answers 404, as if it did not exist.
    let theirs = desk.report("om", "niet van ap").await;
    let path = format!("/desk/reports/{theirs}/assign");
    assert_eq!(desk.act(&path, &[("officer", "bob")]).await, 404);
    assert_eq!(desk.record(&theirs).handling.assigned, None);
}

#[actix_web::test]
async fn labels_are_cleaned_bounded_and_taken_off_again() {
    let desk = Desk::open().await;
    let report = desk.report("ap", "labels").await;
    let label = format!("/desk/reports/{report}/label");
    assert_eq!(desk.act(&label, &[("label", "Ziekenhuis")]).await, 303);
    for bad in ["a,b", "50%", &"x".repeat(33)] {
        assert_eq!(desk.act(&label, &[("label", bad)]).await, 400, "{bad}");
    }
    for n in 1..10 {
        let name = format!("l{n}");
        assert_eq!(desk.act(&label, &[("label", &name)]).await, 303);
    }
    assert_eq!(desk.record(&report).handling.labels.len(), 10);
    assert_eq!(desk.act(&label, &[("label", "elfde")]).await, 400);
    assert_eq!(desk.record(&report).handling.labels.len(), 10);
    let off = [("label", "ziekenhuis"), ("remove", "1")];
    assert_eq!(desk.act(&label, &off).await, 303);
    assert!(!desk.record(&report).handling.labels.contains("ziekenhuis"));
    let details: Vec<_> = desk
        .entries(Action::Label)
        .into_iter()
        .filter_map(|e| e.detail)
        .collect();
    assert_eq!(details.first().map(String::as_str), Some("+ziekenhuis"));
    assert_eq!(details.last().map(String::as_str), Some("-ziekenhuis"));
    assert_eq!(details.len(), 11);
}

#[actix_web::test]
async fn a_bulk_action_changes_every_ticked_report_with_an_audit_entry_each() {
    let desk = Desk::open().await;
    let a = desk.report("ap", "a").await;
    let b = desk.report("ap", "b").await;
    let c = desk.report("ap", "c").await;

    assert_eq!(
        desk.bulk(&[&a, &b], &[("action", "assign"), ("officer", "bob")])
            .await,
        303
    );
    let both = sorted(ids(&[&a, &b]));
    assert_eq!(sorted(desk.inbox("assigned=bob").await), both);
    let assigned: Vec<_> = desk
        .entries(Action::Assignment)
        .into_iter()
        .filter_map(|e| e.report)
        .collect();
    assert_eq!(sorted(assigned), both);

    assert_eq!(
        desk.bulk(&[&a, &c], &[("action", "label"), ("label", "AVG")])
            .await,
        303
    );
    assert_eq!(
        sorted(desk.inbox("label=avg").await),
        sorted(ids(&[&a, &c]))
    );
    assert_eq!(desk.entries(Action::Label).len(), 2);

    assert_eq!(desk.bulk(&[&b, &c], &[("action", "close")]).await, 303);
    assert_eq!(desk.inbox("status=open").await, ids(&[&a]));
    for id in [&b, &c] {
        assert_eq!(desk.record(id).status, meldpunt::store::Status::Closed);
    }
}

#[actix_web::test]
async fn a_bulk_action_with_one_wrong_report_changes_none() {
    let desk = Desk::open().await;
    let a = desk.report("ap", "a").await;
    let b = desk.report("ap", "b").await;
    let theirs = desk.report("om", "ander loket").await;
    let before = desk.app.state.audit.entries().unwrap().len();

    // Another desk's report among them: 404 as if it did not exist, and nothing changes.
    let close = [("action", "close")];
    assert_eq!(desk.bulk(&[&a, &theirs, &b], &close).await, 404);
    // A report whose labels are full stops a bulk label before it labels any.
    let label = format!("/desk/reports/{b}/label");
    for n in 0..10 {
        let name = format!("l{n}");
        assert_eq!(desk.act(&label, &[("label", &name)]).await, 303);
    }
    let labelled = desk.app.state.audit.entries().unwrap().len();
    let full = [("action", "label"), ("label", "nieuw")];
    assert_eq!(desk.bulk(&[&a, &b], &full).await, 400);
    // No reports, too many, an unknown action, an officer of another desk.
    assert_eq!(desk.bulk(&[], &close).await, 400);
    let many: Vec<ReportId> = (0..101).map(|_| a.clone()).collect();
    assert_eq!(
        desk.bulk(&many.iter().collect::<Vec<_>>(), &close).await,
        400
    );
    assert_eq!(desk.bulk(&[&a], &[("action", "burn")]).await, 400);
    let olga = [("action", "assign"), ("officer", "olga")];
    assert_eq!(desk.bulk(&[&a, &b], &olga).await, 400);

    for id in [&a, &b, &theirs] {
        let record = desk.record(id);
        assert_eq!(record.status, meldpunt::store::Status::Received);
        assert_eq!(record.handling.assigned, None);
        assert!(!record.handling.labels.contains("nieuw"));
    }
    assert_eq!(labelled, before + 10);
    assert_eq!(desk.app.state.audit.entries().unwrap().len(), labelled);
}

#[actix_web::test]
async fn spam_is_closed_at_once_and_purged_after_fourteen_days_not_before() {
    let desk = Desk::open().await;
    let spam = desk.report("ap", "koop nu").await;
    let real = desk.report("ap", "echte tip").await;
    assert_eq!(desk.bulk(&[&spam], &[("action", "spam")]).await, 303);
    let record = desk.record(&spam);
    assert!(record.handling.spam);
    assert_eq!(record.status, meldpunt::store::Status::Closed);
    assert_eq!(desk.entries(Action::Spam).len(), 1);
    let page = desk.app.desk_get(&desk.cookie, "/desk/").await;
    assert!(page.text().await.unwrap().contains("class=\"tag\""));

    let purge = |days: u64| {
        desk.app
            .clock
            .set(desk.app.clock.now_unix() + days * 86_400);
        let desks = StartedWith::of(&desk.app.state.settings).desks;
        meldpunt::desk::retention::purge(
            &desk.app.state.store,
            &desk.app.state.audit,
            &desks,
            desk.app.clock.today(),
            desk.app.clock.now_unix(),
        )
        .unwrap()
    };
    assert_eq!(purge(14), Vec::<ReportId>::new(), "kept through day 14");
    assert_eq!(purge(1), vec![spam.clone()]);
    assert!(desk.app.state.store.get(&spam).unwrap().is_none());
    assert!(desk.app.state.store.get(&real).unwrap().is_some());
    assert!(
        !desk
            .app
            .data
            .path()
            .join("reports")
            .join(spam.as_str())
            .exists()
    );
}
