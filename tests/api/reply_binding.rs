//! A sealed reply is bound to its report (issue 9, defect 4): `seal-reply` writes a package that
//! names the report and the recipients it was sealed to, and the server refuses it on another
//! report, or when its recipients are not the desk's, and refuses a bare age file (whose keys it
//! cannot know: a reply sealed to a stray key was accepted, the reporter saw an empty box, and the
//! report could never be transferred again).

use std::path::{Path, PathBuf};

use crate::helpers::*;
use crate::offline::{download, meldpunt, s, stderr};
use crate::transfer::directory;

/// `meldpunt seal-reply` for the report in `bundle`, with the desk directory `desks`.
fn seal_reply(bundle: &Path, key: &Path, desks: &Path, text: &str, dir: &Path) -> PathBuf {
    let message = dir.join("reply.txt");
    std::fs::write(&message, text).unwrap();
    let out = dir.join(format!("reply-{}.tar", hex::encode(random_bytes(4))));
    let done = meldpunt(
        &[
            "seal-reply",
            "--bundle",
            s(bundle),
            "--identity",
            s(key),
            "--desks",
            s(desks),
            "--message",
            s(&message),
            "--out",
            s(&out),
        ],
        None,
    );
    assert!(done.status.success(), "{}", stderr(&done));
    out
}

async fn upload(app: &TestApp, token: &str, report: &str, body: Vec<u8>) -> (u16, String) {
    let response = app
        .client
        .post(app.url(&format!("/desk/api/v1/reports/{report}/replies")))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/x-tar")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[actix_web::test]
async fn a_reply_sealed_for_one_report_is_refused_on_another_and_accepted_on_its_own() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let receipt_a = app.submit("ap", "tip A", vec![]).await;
    let receipt_b = app.submit("ap", "tip B", vec![]).await;
    let (a, b) = (app.report_of(&receipt_a), app.report_of(&receipt_b));
    let dir = tempfile::tempdir().unwrap();
    let bundle = download(&app, &token, a.as_str(), dir.path()).await;
    let key = app.data.path().join("demo-keys/ap.key");
    let desks = directory(&app, dir.path(), None);
    let package = std::fs::read(seal_reply(&bundle, &key, &desks, "Voor A.", dir.path())).unwrap();

    let before = app.state.store.get(&b).unwrap().unwrap().items.len();
    let (status, body) = upload(&app, &token, b.as_str(), package.clone()).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains(r#""code":"reply_package""#), "{body}");
    assert_eq!(
        app.state.store.get(&b).unwrap().unwrap().items.len(),
        before
    );

    let (status, body) = upload(&app, &token, a.as_str(), package).await;
    assert_eq!(status, 201, "{body}");
    let thread = app.thread(&app.login(&receipt_a).await).await;
    assert_eq!(select_all(&thread, ".reply .reply-text"), ["Voor A."]);
}

#[actix_web::test]
async fn a_reply_sealed_to_keys_that_are_not_the_desks_or_a_bare_age_file_is_refused() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let receipt = app.submit("ap", "tip", vec![]).await;
    let report = app.report_of(&receipt);
    let dir = tempfile::tempdir().unwrap();
    let bundle = download(&app, &token, report.as_str(), dir.path()).await;
    let key = app.data.path().join("demo-keys/ap.key");
    let stranger = age::x25519::Identity::generate().to_public().to_string();
    let wrong = directory(&app, dir.path(), Some(("ap", vec![stranger.clone()])));
    let package = seal_reply(&bundle, &key, &wrong, "Verkeerd.", dir.path());
    let before = app.state.store.get(&report).unwrap().unwrap().items.len();
    let (status, body) = upload(
        &app,
        &token,
        report.as_str(),
        std::fs::read(package).unwrap(),
    )
    .await;
    assert_eq!(status, 400, "{body}");

    let bare = age::encrypt(
        &stranger.parse::<age::x25519::Recipient>().unwrap(),
        b"a stray reply",
    )
    .unwrap();
    let (status, body) = upload(&app, &token, report.as_str(), bare).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        app.state.store.get(&report).unwrap().unwrap().items.len(),
        before
    );
}

/// Issue 9 ("a reply the reporter's key cannot open"): an old bare upload sealed to a stray key
/// showed as an empty box. The reporter now reads that it could not be opened and the desk was
/// told; the desk's report page flags the item.
#[actix_web::test]
async fn a_reply_the_reporters_key_cannot_open_is_announced_and_flagged_for_the_desk() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "tip", vec![]).await;
    let report = app.report_of(&receipt);
    // As an upload before this fix stored it: a bare age file for someone else.
    let stray = age::x25519::Identity::generate().to_public();
    let tmp = app.state.store.tmp_dir();
    let sealed =
        meldpunt::seal::seal_bytes(&tmp, &meldpunt::seal::recipients_of(&[stray.into()]), b"x")
            .unwrap();
    let item = meldpunt::store::ItemRecord {
        id: sealed.id.clone(),
        kind: meldpunt::store::ItemKind::Reply,
        batch: 0,
        day: app.clock_today(),
        size: sealed.ciphertext_len,
    };
    app.state
        .store
        .add_items(&report, vec![item.clone()], vec![sealed], app.clock_today())
        .unwrap();

    let thread = app.thread(&app.login(&receipt).await).await;
    assert!(
        thread.contains("Een bericht dat niet geopend kon worden"),
        "{thread}"
    );
    assert!(select_all(&thread, ".reply .reply-text").is_empty());
    let record = app.state.store.get(&report).unwrap().unwrap();
    assert_eq!(record.unreadable, [item.id]);
    let cookie = app.desk_login("anna").await;
    let page = app
        .desk_get(&cookie, &format!("/desk/reports/{report}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("kon niet worden geopend door de melder"),
        "{page}"
    );
}
