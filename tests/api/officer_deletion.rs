//! Deletion by an officer (issue 9: "officer deletion with a reason"): an item or a whole report
//! (spam, a slip), always with a reason, audited, and real — the file is gone and no byte of what
//! was deleted stays in the database files. The reporter's thread says that the desk removed an
//! item; a deleted report's receipt opens nothing. Desks are walls: another desk gets 404.

use meldpunt::audit::Action;
use meldpunt::store::ItemKind;

use crate::desk_work::audited;
use crate::helpers::*;

async fn api_delete(app: &TestApp, token: &str, path: &str, reason: &str) -> (u16, String) {
    let response = app
        .client
        .delete(app.url(&format!("/desk/api/v1/reports/{path}")))
        .header("Authorization", format!("Bearer {token}"))
        .json(&serde_json::json!({ "reason": reason }))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[actix_web::test]
async fn an_officer_deletes_an_attachment_with_a_reason_and_the_reporter_is_told() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("otto", "om");
    let token = app.api_token("anna");
    let stranger = app.api_token("otto");
    let receipt = app
        .submit("ap", "een tip", vec![("spam.exe", random_bytes(5_000))])
        .await;
    let report = app.report_of(&receipt);
    let record = app.state.store.get(&report).unwrap().unwrap();
    let attachment = record
        .items
        .iter()
        .find(|i| i.kind == ItemKind::Attachment)
        .unwrap()
        .id
        .clone();
    let path = format!("{report}/items/{attachment}");

    let (status, body) = api_delete(&app, &token, &path, "  ").await;
    assert_eq!(status, 400, "a reason is required: {body}");
    let (status, _) = api_delete(&app, &stranger, &path, "not mine").await;
    assert_eq!(status, 404, "another desk's report does not exist for om");
    let (status, _) = api_delete(&app, &token, &format!("{report}/items/nosuchitem"), "x").await;
    assert_eq!(status, 404);
    assert_eq!(app.report_files().len(), 3, "nothing deleted yet");

    let (status, body) = api_delete(&app, &token, &path, "malware sent as a tip").await;
    assert_eq!(status, 204, "{body}");
    let files = app.report_files();
    assert_eq!(files.len(), 2);
    assert!(
        files
            .iter()
            .all(|f| !f.to_string_lossy().contains(attachment.as_str()))
    );
    assert_eq!(
        in_database(app.data.path(), attachment.as_str().as_bytes()),
        None
    );
    assert!(audited(&app, Action::Deletion, "anna"));
    let entries = app.state.audit.entries().unwrap();
    let entry = entries
        .iter()
        .rfind(|e| e.action == Action::Deletion)
        .unwrap();
    assert!(
        entry
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("malware sent as a tip"),
        "{entry:?}"
    );

    let thread = app.thread(&app.login(&receipt).await).await;
    assert!(
        thread.contains("verwijderd door het loket"),
        "the reporter is told: {thread}"
    );
}

#[actix_web::test]
async fn an_officer_deletes_a_whole_report_and_its_receipt_opens_nothing() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("otto", "om");
    let token = app.api_token("anna");
    let receipt = app.submit("ap", "spam spam spam", vec![]).await;
    let kept = app.submit("ap", "a real tip", vec![]).await;
    let report = app.report_of(&receipt);
    let recipient = app
        .state
        .store
        .get(&report)
        .unwrap()
        .unwrap()
        .reporter_recipient;

    let (status, _) = api_delete(&app, &app.api_token("otto"), report.as_str(), "x").await;
    assert_eq!(status, 404, "desks are walls");
    let (status, body) = api_delete(&app, &token, report.as_str(), "spam").await;
    assert_eq!(status, 204, "{body}");
    assert!(app.state.store.get(&report).unwrap().is_none());
    for needle in [report.as_str(), recipient.as_str()] {
        assert_eq!(
            in_database(app.data.path(), needle.as_bytes()),
            None,
            "{needle}"
        );
    }
    assert!(audited(&app, Action::Deletion, "anna"));
    assert_ne!(
        app.followup(&receipt).await.status(),
        303,
        "the receipt opens nothing"
    );
    assert_eq!(
        app.followup(&kept).await.status(),
        303,
        "the other report stays"
    );
}

#[actix_web::test]
async fn the_desk_page_deletes_only_with_a_reason_and_a_confirmation() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "spam", vec![]).await;
    let report = app.report_of(&receipt);
    let cookie = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&cookie).await;
    let page = app
        .desk_get(&cookie, &format!("/desk/reports/{report}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("/desk/reports/{report}/delete")),
        "{page}"
    );
    let action = format!("/desk/reports/{report}/delete");
    let unconfirmed = app
        .desk_act(&cookie, &csrf, &action, &[("item", ""), ("reason", "spam")])
        .await;
    assert_eq!(unconfirmed, 400, "no confirmation, no deletion");
    let no_reason = app
        .desk_act(
            &cookie,
            &csrf,
            &action,
            &[("item", ""), ("reason", ""), ("confirm", "yes")],
        )
        .await;
    assert_eq!(no_reason, 400);
    assert!(app.state.store.get(&report).unwrap().is_some());
    let done = app
        .desk_act(
            &cookie,
            &csrf,
            &action,
            &[("item", ""), ("reason", "spam"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(done, 303);
    assert!(app.state.store.get(&report).unwrap().is_none());
}
