//! Real deletion: after retention, no byte of a report's record stays in the database files.

use meldpunt::domain::Clock;
use meldpunt::store::Status;

use crate::helpers::*;

#[actix_web::test]
async fn a_report_purged_after_retention_leaves_no_byte_in_the_database_files() {
    let app = spawn_app().await;
    let receipt = app
        .submit("ap", "purge me", vec![("a.txt", b"attached".to_vec())])
        .await;
    let kept = app.submit("ap", "keep me", vec![]).await;
    let report = app.report_of(&receipt);
    let record = app.state.store.get(&report).unwrap().unwrap();
    let recipient = record.reporter_recipient.clone();
    let items: Vec<String> = record.items.iter().map(|i| i.id.to_string()).collect();
    app.state
        .store
        .update_record(&report, |r| {
            r.status = Status::Closed;
            r.history.push(meldpunt::store::StatusEvent {
                day: app.clock.today(),
                status: Status::Closed,
                reason: None,
            });
        })
        .unwrap();
    assert!(
        in_database(app.data.path(), recipient.as_bytes()).is_some(),
        "the test can see"
    );

    let later = app.clock.today().plus(10_000);
    let deleted = meldpunt::desk::retention::purge(
        &app.state.store,
        &app.state.audit,
        &meldpunt::store::StartedWith::of(&app.state.settings).desks,
        later,
        app.clock.now_unix(),
    )
    .unwrap();
    assert_eq!(deleted, std::slice::from_ref(&report));

    for needle in [report.as_str(), recipient.as_str()]
        .into_iter()
        .chain(items.iter().map(String::as_str))
    {
        assert_eq!(
            in_database(app.data.path(), needle.as_bytes()),
            None,
            "{needle}"
        );
    }
    let audit = std::fs::read(app.data.path().join("db/audit.sqlite")).unwrap();
    assert!(
        !audit
            .windows(recipient.len())
            .any(|w| w == recipient.as_bytes()),
        "the audit log never held the reporter's key"
    );
    assert_eq!(
        app.followup(&kept).await.status(),
        303,
        "the other report stays"
    );
    assert_ne!(
        app.followup(&receipt).await.status(),
        303,
        "the purged receipt opens nothing"
    );
}
