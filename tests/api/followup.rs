//! Coming back with a receipt: the thread, replies, follow-ups, deleting, logging out.

use meldpunt::domain::ReportId;
use meldpunt::receipt::{ReceiptCode, derive};
use secrecy::ExposeSecret;

use crate::helpers::*;

pub(crate) fn write_reply(app: &TestApp, report: &ReportId, text: &str) {
    let record = app.state.store.get(report).unwrap().unwrap();
    let desk = app.state.desk(&record.desk).unwrap();
    meldpunt::desk::reply::write_reply(
        &app.state.store,
        desk,
        report,
        text,
        app.state.clock.today(),
    )
    .unwrap();
}

#[actix_web::test]
async fn the_receipt_opens_the_thread_however_it_is_typed() {
    let app = spawn_app().await;
    let receipt = app.submit("hvk", "een tip", vec![]).await;
    let regrouped: String = receipt.replace('-', "").to_lowercase();
    let regrouped = format!("  {} {} ", &regrouped[..10], &regrouped[10..]);
    for typed in [receipt.clone(), receipt.to_lowercase(), regrouped] {
        let response = app.followup(&typed).await;
        assert_eq!(response.status(), 303, "{typed}");
        assert_eq!(response.headers()["location"], "/thread");
        let set_cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
            "{set_cookie}"
        );
        assert!(
            !set_cookie.contains("Secure"),
            "plain http in tests: no Secure flag"
        );
        let cookie = session_cookie(&response).unwrap();
        let thread = app.thread(&cookie).await;
        assert!(thread.contains("Huis voor Klokkenluiders"));
        assert!(
            select_text(&thread, ".status")
                .unwrap()
                .starts_with("Ontvangen")
        );
    }
}

#[actix_web::test]
async fn a_wrong_code_and_a_made_up_code_get_the_same_answer() {
    let app = spawn_app().await;
    let receipt = app.submit("ap", "tip", vec![]).await;
    // One symbol off, and one that never existed, and one that is not a code at all.
    let mut wrong: Vec<char> = receipt.chars().collect();
    wrong[0] = if wrong[0] == 'A' { 'B' } else { 'A' };
    let wrong: String = wrong.into_iter().collect();
    let made_up = ReceiptCode::generate().grouped().expose_secret().to_owned();
    let mut answers = Vec::new();
    for typed in [wrong.as_str(), made_up.as_str(), "hello"] {
        let response = app.followup(typed).await;
        let status = response.status();
        assert!(response.headers().get("set-cookie").is_none());
        answers.push((status, response.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, 400);
    assert!(
        answers[0]
            .1
            .contains("Met deze code kunnen we geen melding openen")
    );
    assert_eq!(answers[0], answers[1], "byte-identical answers");
    assert_eq!(answers[1], answers[2], "byte-identical answers");
}

#[actix_web::test]
async fn a_reply_shows_in_the_thread_and_deleting_it_removes_it_from_disk() {
    let app = spawn_app().await;
    let receipt = app.submit("ap", "tip", vec![]).await;
    let report = app.report_of(&receipt);
    write_reply(
        &app,
        &report,
        "Dank u. Welke afdeling was het? <script>x</script>",
    );
    let reply_files: Vec<_> = app
        .state
        .store
        .get(&report)
        .unwrap()
        .unwrap()
        .replies()
        .map(|r| app.state.store.item_path(&report, &r.id))
        .collect();
    assert_eq!(reply_files.len(), 1);
    assert!(reply_files[0].exists());
    assert_eq!(appears_in_plain(app.data.path(), b"Welke afdeling"), None);

    let cookie = app.login(&receipt).await;
    let thread = app.thread(&cookie).await;
    let replies = select_all(&thread, ".reply .reply-text");
    assert_eq!(
        replies,
        ["Dank u. Welke afdeling was het? <script>x</script>"]
    );
    assert!(!thread.contains("<script>"), "escaped");

    // Deleting needs the CSRF token.
    let form = [("reply", reply_id(&thread))];
    let refused = app
        .client
        .post(app.url("/thread/delete-replies"))
        .header("Cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(reply_files[0].exists());

    let csrf = hidden(&thread, "csrf");
    let deleted = app
        .client
        .post(app.url("/thread/delete-replies"))
        .header("Cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("reply", &reply_id(&thread))])
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 303);
    assert!(!reply_files[0].exists(), "the ciphertext is gone from disk");
    let reply_item = reply_files[0].file_stem().unwrap().to_str().unwrap();
    assert_eq!(
        in_database(app.data.path(), reply_item.as_bytes()),
        None,
        "the deleted reply's record is gone from the database files, WAL included"
    );
    let thread = app.thread(&cookie).await;
    assert!(select_all(&thread, ".reply").is_empty());
    assert_eq!(
        app.state
            .store
            .get(&report)
            .unwrap()
            .unwrap()
            .replies()
            .count(),
        0
    );
    // Issue 9, defect 6: the reporter's deletion took the desk's only copy. The desk keeps its
    // own (sealed to the desk alone) until retention, and the record says the reporter deleted.
    let record = app.state.store.get(&report).unwrap().unwrap();
    let copies: Vec<_> = record
        .items
        .iter()
        .filter(|i| i.kind == meldpunt::store::ItemKind::DeskCopy)
        .collect();
    assert_eq!(copies.len(), 1, "the desk's copy stays");
    let kept = app.state.store.item_path(&report, &copies[0].id);
    assert_eq!(
        decrypt(&kept, &app.desk_identity("ap")).unwrap(),
        b"Dank u. Welke afdeling was het? <script>x</script>"
    );
    assert!(
        decrypt(&kept, &app.reporter_identity(&receipt)).is_none(),
        "the receipt does not open the desk's copy"
    );
    assert!(
        record.history.iter().any(|e| e
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("reporter deleted")),
        "{:?}",
        record.history
    );
}

fn reply_id(thread: &str) -> String {
    hidden(thread, "reply")
}

#[actix_web::test]
async fn a_follow_up_is_encrypted_to_the_desk_and_listed_without_content() {
    let app = spawn_app().await;
    let receipt = app.submit("om", "eerste tip", vec![]).await;
    let report = app.report_of(&receipt);
    let cookie = app.login(&receipt).await;
    let thread = app.thread(&cookie).await;
    let csrf = hidden(&thread, "csrf");
    let before = app.report_files();

    let followup_text = "Aanvulling: het ging om afdeling cardiologie";
    let extra = random_bytes(5000);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("message", followup_text)
        .part("attachment", attachment("scan.jpg", extra.clone()));
    let sent = app
        .client
        .post(app.url("/thread/message"))
        .header("Cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 303);

    let new: Vec<_> = app
        .report_files()
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    assert_eq!(new.len(), 3, "message, attachment, manifest");
    let desk = app.desk_identity("om");
    let opened: Vec<Vec<u8>> = new
        .iter()
        .map(|f| decrypt(f, &desk).expect("desk opens it"))
        .collect();
    assert!(opened.iter().any(|p| p == followup_text.as_bytes()));
    assert!(opened.iter().any(|p| p == &extra));
    // The reporter's own identity does not open their messages (a coerced receipt reveals no tip).
    let code = ReceiptCode::parse(&receipt).unwrap();
    let salt = std::fs::read(app.data.path().join("salt")).unwrap();
    let reporter = derive(&code, &salt).unwrap().identity().unwrap();
    assert!(new.iter().all(|f| decrypt(f, &reporter).is_none()));
    assert_eq!(appears_in_plain(app.data.path(), b"cardiologie"), None);

    let thread = app.thread(&cookie).await;
    assert!(!thread.contains("cardiologie"));
    assert!(!thread.contains("eerste tip"));
    let sent_list = select_all(&thread, ".sent li");
    assert_eq!(sent_list.len(), 2, "{sent_list:?}");
    // Sizes in binary units, dates in words (issue 13, defect 5).
    assert!(sent_list.iter().all(|l| l.contains("KiB")), "{sent_list:?}");
    assert!(
        !sent_list.iter().any(|l| l.contains("-20")),
        "{sent_list:?}"
    );
    assert_eq!(
        app.state.store.get(&report).unwrap().unwrap().next_batch(),
        2
    );
}

#[actix_web::test]
async fn a_follow_up_without_the_csrf_token_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let receipt = app.submit("ap", "tip", vec![]).await;
    let cookie = app.login(&receipt).await;
    let before = app.report_files();
    let form = reqwest::multipart::Form::new().text("message", "no token");
    let sent = app
        .client
        .post(app.url("/thread/message"))
        .header("Cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 400);
    assert_eq!(app.report_files(), before);
    assert!(files_under(&app.data.path().join("tmp")).is_empty());
}

#[actix_web::test]
async fn logging_out_ends_the_session_and_clears_the_cookie() {
    let app = spawn_app().await;
    let receipt = app.submit("ap", "tip", vec![]).await;
    let cookie = app.login(&receipt).await;
    let thread = app.thread(&cookie).await;
    let csrf = hidden(&thread, "csrf");
    let out = app
        .client
        .post(app.url("/logout"))
        .header("Cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    let cleared = out.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("meldpunt_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let after = app
        .client
        .get(app.url("/thread"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    assert!(app.state.sessions.is_empty());
}
