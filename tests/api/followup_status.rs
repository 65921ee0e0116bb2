//! What the reporter's follow-ups and the desk's replies do to a report: follow-ups sent at once
//! each keep their own submission, a follow-up reopens a closed report, and the first reply counts
//! as the acknowledgement, which the reporter reads on the thread.

use meldpunt::desk::deadlines::deadlines;
use meldpunt::desk::retention;
use meldpunt::domain::ReportId;
use meldpunt::store::{ItemKind, Status, StatusEvent};

use crate::followup::write_reply;
use crate::helpers::*;
use crate::offline::{download, meldpunt, s, stderr};

/// Sends a follow-up from the thread's form; returns the answer.
async fn send_followup(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    message: &str,
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .text("message", message.to_owned());
    if let Some((name, bytes)) = file {
        form = form.part("attachment", attachment(name, bytes));
    }
    app.client
        .post(app.url("/thread/message"))
        .header("Cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn status_text(thread: &str) -> String {
    select_text(thread, ".status").unwrap()
}

async fn thread_in(app: &TestApp, cookie: &str, path: &str) -> String {
    let page = app
        .client
        .get(app.url(path))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    page.text().await.unwrap()
}

// issue 9, defect 5: follow-ups sent at the same moment all landed in batch 1; the thread listed
// fewer messages than were sent and `meldpunt open` lost the attachment names of three of them.
#[actix_web::test]
async fn follow_ups_sent_at_the_same_moment_each_keep_their_own_submission() {
    const SENT: usize = 6;
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let receipt = app.submit("ap", "de tip", vec![]).await;
    let report = app.report_of(&receipt);
    let cookie = app.login(&receipt).await;
    let csrf = hidden(&app.thread(&cookie).await, "csrf");
    let files: Vec<(String, Vec<u8>)> = (0..SENT)
        .map(|i| (format!("bijlage-{i}.txt"), random_bytes(20_000 + i)))
        .collect();
    let sends = files.iter().enumerate().map(|(i, (name, bytes))| {
        let message = format!("aanvulling {i}");
        let (cookie, csrf) = (cookie.clone(), csrf.clone());
        let app = &app;
        async move {
            send_followup(app, &cookie, &csrf, &message, Some((name, bytes.clone())))
                .await
                .status()
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    assert!(answers.iter().all(|s| *s == 303), "{answers:?}");

    let thread = app.thread(&cookie).await;
    assert_eq!(select_all(&thread, ".sent li").len(), SENT + 1, "every one");
    let record = app.state.store.get(&report).unwrap().unwrap();
    let mut batches: Vec<u32> = record
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Manifest)
        .map(|i| i.batch)
        .collect();
    batches.sort_unstable();
    assert_eq!(batches, (0..=SENT as u32).collect::<Vec<_>>());

    // The desk's bundle opens to every attachment under its real name.
    let dir = tempfile::tempdir().unwrap();
    let bundle = download(&app, &token, report.as_str(), dir.path()).await;
    let out = dir.path().join("case");
    let key = app.data.path().join("demo-keys/ap.key");
    let opened = meldpunt(
        &["open", s(&bundle), "--identity", s(&key), "--out", s(&out)],
        None,
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&opened.stdout),
        stderr(&opened)
    );
    assert!(opened.status.success(), "{said}");
    assert!(!said.contains("second manifest"), "{said}");
    let written = files_under(&out);
    for (name, bytes) in &files {
        let found = written
            .iter()
            .find(|p| p.file_name().unwrap().to_str() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("{name} is not among {written:?}"));
        assert_eq!(&std::fs::read(found).unwrap(), bytes);
    }
}

fn close(app: &TestApp, report: &ReportId) {
    let today = app.clock_today();
    app.state
        .store
        .update_record(report, |r| {
            r.status = Status::Closed;
            r.history.push(StatusEvent {
                day: today,
                status: Status::Closed,
                reason: Some("afgehandeld".into()),
            });
        })
        .unwrap();
}

// issue 9, defect 8: a follow-up on a closed report was accepted, but the report stayed closed and
// was purged on schedule, unread.
#[actix_web::test]
async fn a_follow_up_reopens_a_closed_report_and_retention_no_longer_removes_it() {
    let app = spawn_app().await;
    let receipt = app.submit("ap", "de tip", vec![]).await;
    let report = app.report_of(&receipt);
    close(&app, &report);
    let cookie = app.login(&receipt).await;
    let thread = app.thread(&cookie).await;
    assert!(status_text(&thread).starts_with("Afgesloten"));
    let csrf = hidden(&thread, "csrf");
    let sent = send_followup(&app, &cookie, &csrf, "er is meer gebeurd", None).await;
    assert_eq!(sent.status(), 303);

    let record = app.state.store.get(&report).unwrap().unwrap();
    assert_eq!(record.status, Status::InProgress, "reopened");
    let last = record.history.last().unwrap();
    assert_eq!(
        (last.status, last.day),
        (Status::InProgress, app.clock_today())
    );
    assert_eq!(record.closed_on(), None, "the retention clock stopped");
    let thread = app.thread(&cookie).await;
    assert!(
        status_text(&thread).starts_with("In behandeling"),
        "{thread}"
    );

    let far = app.clock_today().plus(10_000);
    let purged = retention::purge(
        &app.state.store,
        &app.state.audit,
        &meldpunt::store::StartedWith::of(&app.state.settings).desks,
        far,
        0,
    )
    .unwrap();
    assert!(purged.is_empty(), "{purged:?}");
    assert!(app.state.store.get(&report).unwrap().is_some());
}

// issue 9, defect 8: after the desk replied, the reporter still read "the desk has not looked at
// your report yet", and the reply did not count as the acknowledgement.
#[actix_web::test]
async fn the_first_reply_acknowledges_the_report_and_the_reporter_reads_that_the_desk_replied() {
    let app = spawn_app().await;
    let receipt = app.submit("ap", "de tip", vec![]).await;
    let report = app.report_of(&receipt);
    let cookie = app.login(&receipt).await;
    assert!(status_text(&app.thread(&cookie).await).contains("nog niet bekeken"));

    write_reply(&app, &report, "Dank u, we kijken ernaar.");
    let record = app.state.store.get(&report).unwrap().unwrap();
    assert_eq!(record.status, Status::Acknowledged);
    let last = record.history.last().unwrap();
    assert_eq!(
        (last.status, last.day),
        (Status::Acknowledged, app.clock_today())
    );
    let desk = app.state.desk(&record.desk).unwrap();
    let later = app.clock_today().plus(30);
    assert!(
        !deadlines(&record, desk, later).acknowledge_overdue,
        "the acknowledgement deadline is met"
    );
    let nl = status_text(&app.thread(&cookie).await);
    assert!(nl.contains("heeft gereageerd"), "{nl}");
    let en = status_text(&thread_in(&app, &cookie, "/en/thread").await);
    assert!(en.contains("has replied"), "{en}");

    // A second reply acknowledges nothing again.
    write_reply(&app, &report, "Nog een vraag.");
    let record = app.state.store.get(&report).unwrap().unwrap();
    let acks = record
        .history
        .iter()
        .filter(|e| e.status == Status::Acknowledged)
        .count();
    assert_eq!(acks, 1);
}

// issue 13, defect 1: the reporter's status must follow what the desk did. An officer who
// extended the feedback term, or replied from the desk's page, has looked at the report; the
// thread said "not looked at yet" after an extension.
#[actix_web::test]
async fn the_reporters_status_text_follows_what_the_desk_did_on_its_pages() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "de tip", vec![]).await;
    let report = app.report_of(&receipt);
    let cookie = app.login(&receipt).await;
    assert!(status_text(&app.thread(&cookie).await).contains("nog niet bekeken"));

    let desk = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&desk).await;
    let path = format!("/desk/reports/{}", report.as_str());
    let extend = [("feedback_days", "120"), ("reason", "complex")];
    let extended = app
        .desk_act(&desk, &csrf, &format!("{path}/extend"), &extend)
        .await;
    assert_eq!(extended, 303);
    let nl = status_text(&app.thread(&cookie).await);
    assert!(!nl.contains("nog niet bekeken"), "{nl}");
    assert!(nl.contains("gelezen"), "{nl}");

    let reply = [("text", "Dank u, we kijken ernaar.")];
    let replied = app
        .desk_act(&desk, &csrf, &format!("{path}/reply"), &reply)
        .await;
    assert_eq!(replied, 303);
    let nl = status_text(&app.thread(&cookie).await);
    assert!(nl.contains("heeft gereageerd"), "{nl}");
    let en = status_text(&thread_in(&app, &cookie, "/en/thread").await);
    assert!(en.contains("has replied"), "{en}");
}
