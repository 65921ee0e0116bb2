//! Issue 13: internal notes. A note is sealed at once to the desk's recipients alone: only
//! ciphertext reaches the disk, the desk's key opens it (with who wrote it and when), the
//! reporter's key does not, the reporter's thread never shows it, it is no acknowledgement, it is
//! audited without its text, another desk cannot add one, and `meldpunt open` puts it in notes/.

use meldpunt::audit::Action;
use meldpunt::store::{ItemKind, Status};

use crate::helpers::*;
use crate::offline::{download, meldpunt, s, stderr};

const NOTE: &str = "Collega's: de melder werkt op de afdeling financiën, wees voorzichtig.";

#[actix_web::test]
async fn a_note_is_ciphertext_for_the_desk_alone_and_never_reaches_the_reporter() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("bert", "om");
    let receipt = app.submit("ap", "de tip", vec![]).await;
    let id = app.report_of(&receipt);
    let cookie = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&cookie).await;
    let path = format!("/desk/reports/{id}/note");

    // Empty, and another desk's officer: refused, nothing stored.
    let before = app.report_files();
    assert_eq!(
        app.desk_act(&cookie, &csrf, &path, &[("text", "  ")]).await,
        400
    );
    let stranger = app.desk_login("bert").await;
    let stranger_csrf = app.desk_csrf(&stranger).await;
    let walled = app
        .desk_act(&stranger, &stranger_csrf, &path, &[("text", NOTE)])
        .await;
    assert_eq!(walled, 404);
    assert_eq!(app.report_files(), before);

    assert_eq!(
        app.desk_act(&cookie, &csrf, &path, &[("text", NOTE)]).await,
        303
    );
    let record = app.state.store.get(&id).unwrap().unwrap();
    let notes: Vec<_> = record
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Note)
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        record.status,
        Status::Received,
        "a note is no acknowledgement"
    );
    assert!(appears_in_plain(app.data.path(), NOTE.as_bytes()).is_none());
    assert!(in_database(app.data.path(), "financiën".as_bytes()).is_none());

    let file = app
        .report_files()
        .into_iter()
        .find(|f| f.to_string_lossy().contains(notes[0].id.as_str()))
        .expect("the note's file");
    let opened =
        String::from_utf8(decrypt_padded(&file, &app.desk_identity("ap")).unwrap()).unwrap();
    assert!(opened.contains(NOTE), "{opened}");
    assert!(
        opened.starts_with("anna · "),
        "who wrote it is inside: {opened}"
    );
    assert!(
        decrypt(&file, &app.reporter_identity(&receipt)).is_none(),
        "the reporter's key opens nothing"
    );

    let reporter = app.login(&receipt).await;
    let thread = app.thread(&reporter).await;
    assert!(!thread.contains("financi"), "{thread}");
    let page = app
        .desk_get(&cookie, &format!("/desk/reports/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("interne notitie"),
        "the report page lists the note by kind"
    );
    assert!(!page.contains("financi"), "the server cannot show its text");

    let audited: Vec<_> = app
        .state
        .audit
        .entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == Action::Note)
        .collect();
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].report.as_deref(), Some(id.as_str()));
    assert_eq!(audited[0].detail, None, "the log holds no text of the note");

    let token = app.api_token("anna");
    let dir = tempfile::tempdir().unwrap();
    let bundle = download(&app, &token, id.as_str(), dir.path()).await;
    let out = dir.path().join("case");
    let key = app.data.path().join("demo-keys/ap.key");
    let done = meldpunt(
        &["open", s(&bundle), "--identity", s(&key), "--out", s(&out)],
        None,
    );
    assert!(done.status.success(), "{}", stderr(&done));
    let folder: Vec<_> = std::fs::read_dir(out.join("notes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(folder.len(), 1, "{folder:?}");
    assert!(std::fs::read_to_string(&folder[0]).unwrap().contains(NOTE));
}
