//! The daily work: bundles, replies, status, deadlines, retention, transfer, the audit trail.

use std::io::Read;

use meldpunt::audit::Action;
use meldpunt::bundle::BundleManifest;
use meldpunt::domain::Clock;
use sha2::{Digest, Sha256};

use crate::desk_helpers::age_cli_decrypt;
use crate::helpers::*;

/// Unpacks a tar into memory: name → bytes.
pub(crate) fn untar(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(bytes);
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (name, data)
        })
        .collect()
}

/// True when the audit log holds `action` by `officer`.
pub(crate) fn audited(app: &TestApp, action: Action, officer: &str) -> bool {
    let entries = app.state.audit.entries().unwrap();
    entries
        .iter()
        .any(|e| e.action == action && e.officer == officer)
}

pub(crate) async fn api_get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/desk/api/v1{path}")))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_bundle_holds_every_item_as_an_age_file_matching_its_manifest() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let file = random_bytes(40_000);
    let receipt = app
        .submit("ap", "bundle tip", vec![("scan.pdf", file.clone())])
        .await;
    let report = app.report_of(&receipt);
    let response = api_get(&app, &token, &format!("/reports/{report}/bundle")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-tar");
    let entries = untar(&response.bytes().await.unwrap());
    assert_eq!(entries[0].0, "manifest.json");
    let manifest: BundleManifest = serde_json::from_slice(&entries[0].1).unwrap();
    assert_eq!(manifest.report, report);
    assert_eq!(manifest.items.len(), 3);
    let folder = tempfile::tempdir().unwrap();
    let key = app.data.path().join("demo-keys/ap.key");
    let mut opened = Vec::new();
    for item in &manifest.items {
        let (_, data) = entries
            .iter()
            .find(|(n, _)| *n == item.file_name())
            .unwrap();
        assert_eq!(hex::encode(Sha256::digest(data)), item.sha256);
        assert_eq!(data.len() as u64, item.size);
        let path = folder.path().join(item.file_name());
        std::fs::write(&path, data).unwrap();
        if let Some(plain) = age_cli_decrypt(&key, &path) {
            opened.push(plain);
        }
    }
    if !opened.is_empty() {
        // `age -d` gives the padded plaintext: the exact bytes, then zeros to the bucket.
        let holds = |want: &[u8]| {
            opened
                .iter()
                .any(|p| p.starts_with(want) && cut_padding(p.clone(), want.len()) == want)
        };
        assert!(holds(b"bundle tip"));
        assert!(holds(&file));
    }
    // Only-new is empty now, and the download is in the audit log.
    let detail: serde_json::Value = api_get(&app, &token, &format!("/reports/{report}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["new_items"], 0);
    let again = api_get(&app, &token, &format!("/reports/{report}/bundle?new=true")).await;
    let manifest: BundleManifest =
        serde_json::from_slice(&untar(&again.bytes().await.unwrap())[0].1).unwrap();
    assert!(manifest.items.is_empty());
    assert!(audited(&app, Action::Download, "anna"));
}

#[actix_web::test]
async fn a_typed_reply_is_stored_encrypted_for_the_reporter_and_the_desk() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "tip", vec![]).await;
    let report = app.report_of(&receipt);
    let cookie = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&cookie).await;
    let text = "Wij hebben uw melding ontvangen. Kunt u zeggen welke afdeling?";
    let sent = app
        .desk_post(
            &cookie,
            &format!("/desk/reports/{report}/reply"),
            &[("csrf", &csrf), ("text", text)],
        )
        .await;
    assert_eq!(sent.status(), 303);
    assert_eq!(
        appears_in_plain(app.data.path(), b"welke afdeling"),
        None,
        "stored only encrypted"
    );
    let record = app.state.store.get(&report).unwrap().unwrap();
    let reply = app
        .state
        .store
        .item_path(&report, &record.replies().next().unwrap().id);
    assert_eq!(
        decrypt(&reply, &app.reporter_identity(&receipt)).unwrap(),
        text.as_bytes()
    );
    assert_eq!(
        decrypt(&reply, &app.desk_identity("ap")).unwrap(),
        text.as_bytes()
    );
    if let Some(mut plain) = age_cli_decrypt(&app.data.path().join("demo-keys/ap.key"), &reply) {
        meldpunt::seal::padding::strip_text(&mut plain);
        assert_eq!(plain, text.as_bytes());
    }
    // The reporter reads it, and never sees the officer's name.
    let thread = app.thread(&app.login(&receipt).await).await;
    assert_eq!(select_all(&thread, ".reply .reply-text"), [text]);
    assert!(!thread.contains("anna"));
}

#[actix_web::test]
async fn overdue_reports_are_marked_and_an_extension_moves_the_feedback_deadline() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let old = app.report_of(&app.submit("ap", "old tip", vec![]).await);
    app.clock.advance_days(10);
    let fresh = app.report_of(&app.submit("ap", "fresh tip", vec![]).await);
    let list: Vec<serde_json::Value> = api_get(&app, &token, "/reports")
        .await
        .json()
        .await
        .unwrap();
    // The list is by id (for paging, `api_list`); each report says whether it is overdue.
    let row = |id: &meldpunt::domain::ReportId| {
        list.iter()
            .find(|r| r["id"] == id.as_str())
            .cloned()
            .unwrap()
    };
    assert_eq!(list.len(), 2);
    assert_eq!(row(&old)["overdue"], true);
    assert_eq!(row(&fresh)["overdue"], false);

    let cookie = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&cookie).await;
    let status_path = format!("/desk/reports/{old}/status");
    let extend_path = format!("/desk/reports/{old}/extend");
    let status = |to| [("status", to), ("reason", "")];
    let extend = |days, reason| [("feedback_days", days), ("reason", reason)];
    let (c, t) = (&cookie, &csrf);
    assert_eq!(
        app.desk_act(c, t, &status_path, &status("acknowledged"))
            .await,
        303
    );
    assert_eq!(
        app.desk_act(c, t, &status_path, &status("received")).await,
        400,
        "no going back"
    );
    let no_reason = app.desk_act(c, t, &extend_path, &extend("150", "")).await;
    assert_eq!(no_reason, 400, "a reason is required");
    let too_long = app
        .desk_act(c, t, &extend_path, &extend("200", "complex"))
        .await;
    assert_eq!(too_long, 400, "at most 180 days");
    let reason = "needs a forensic copy of the database";
    assert_eq!(
        app.desk_act(c, t, &extend_path, &extend("150", reason))
            .await,
        303
    );
    let record = app.state.store.get(&old).unwrap().unwrap();
    let detail: serde_json::Value = api_get(&app, &token, &format!("/reports/{old}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["feedback_by"], record.received.plus(150).iso());
    // Past 150 days without feedback it is overdue again.
    app.clock.advance_days(145);
    let detail: serde_json::Value = api_get(&app, &token, &format!("/reports/{old}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["overdue"], true);
    // The reporter sees the new term.
    let kinds: Vec<Action> = app
        .state
        .audit
        .entries()
        .unwrap()
        .iter()
        .map(|e| e.action)
        .collect();
    assert!(kinds.contains(&Action::StatusChange) && kinds.contains(&Action::Extension));
}

#[actix_web::test]
async fn a_closed_report_is_purged_the_day_after_its_retention_and_not_before() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "tip", vec![]).await;
    let report = app.report_of(&receipt);
    let cookie = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&cookie).await;
    let closed = app
        .desk_post(
            &cookie,
            &format!("/desk/reports/{report}/status"),
            &[("csrf", &csrf), ("status", "closed"), ("reason", "")],
        )
        .await;
    assert_eq!(closed.status(), 303);
    let retention = app
        .state
        .desk(&"ap".parse().unwrap())
        .unwrap()
        .retention_days;
    let purge = |app: &TestApp| {
        meldpunt::desk::retention::purge(
            &app.state.store,
            &app.state.audit,
            &meldpunt::store::StartedWith::of(&app.state.settings).desks,
            app.clock.today(),
            app.clock.now_unix(),
        )
        .unwrap()
    };
    app.clock.advance_days(u64::from(retention));
    assert!(purge(&app).is_empty(), "day N: kept");
    assert!(app.state.store.get(&report).unwrap().is_some());
    app.clock.advance_days(1);
    assert_eq!(
        purge(&app),
        std::slice::from_ref(&report),
        "day N+1: purged"
    );
    assert!(app.state.store.get(&report).unwrap().is_none());
    assert!(app.report_files().is_empty(), "ciphertexts gone");
    assert_eq!(
        app.followup(&receipt).await.status(),
        400,
        "the receipt opens nothing"
    );
    let audit = app.state.audit.entries().unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == Action::Purge && e.report.as_deref() == Some(report.as_str()))
    );
    app.state.audit.verify().unwrap();
}

#[actix_web::test]
async fn a_transfer_package_moves_the_report_and_the_reporter_is_told() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("bert", "om");
    let a_token = app.api_token("anna");
    let b_token = app.api_token("bert");
    let receipt = app
        .submit(
            "ap",
            "this belongs to the prosecutor",
            vec![("log.txt", b"evidence".to_vec())],
        )
        .await;
    let report = app.report_of(&receipt);
    let bundle = api_get(&app, &a_token, &format!("/reports/{report}/bundle"))
        .await
        .bytes()
        .await
        .unwrap();
    let entries = untar(&bundle);
    let mut manifest: BundleManifest = serde_json::from_slice(&entries[0].1).unwrap();

    // The offline half, done here by hand: decrypt with ap's key, re-seal for om.
    let ap = app.desk_identity("ap");
    let om = app.desk_identity("om").to_public();
    let mut package = tar::Builder::new(Vec::new());
    let mut resealed = Vec::new();
    for item in &mut manifest.items {
        let (_, data) = entries
            .iter()
            .find(|(n, _)| *n == item.file_name())
            .unwrap();
        let plain = age::decrypt(&ap, data).unwrap();
        let sealed = age::encrypt(&om, &plain).unwrap();
        item.sha256 = hex::encode(Sha256::digest(&sealed));
        item.size = sealed.len() as u64;
        resealed.push((item.file_name(), sealed));
    }
    manifest.format = meldpunt::bundle::TRANSFER_FORMAT.into();
    manifest.to = Some("om".parse().unwrap());
    manifest.recipients = vec![om.to_string()];
    let json = serde_json::to_vec(&manifest).unwrap();
    let mut append = |name: &str, data: &[u8]| {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        package.append_data(&mut header, name, data).unwrap();
    };
    append("manifest.json", &json);
    for (name, data) in &resealed {
        append(name, data);
    }
    let package = package.into_inner().unwrap();

    // A package missing an item is refused and changes nothing.
    let post = |token: &str, body: Vec<u8>| {
        app.client
            .post(app.url(&format!("/desk/api/v1/reports/{report}/transfer")))
            .header("Authorization", format!("Bearer {token}"))
            .body(body)
            .send()
    };
    let truncated = {
        let mut partial = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_ustar();
        header.set_size(json.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        partial
            .append_data(&mut header, "manifest.json", json.as_slice())
            .unwrap();
        partial.into_inner().unwrap()
    };
    assert_eq!(post(&a_token, truncated).await.unwrap().status(), 400);
    assert_eq!(
        app.state.store.get(&report).unwrap().unwrap().desk.as_str(),
        "ap"
    );

    let before: Vec<_> = app.report_files();
    let moved = post(&a_token, package).await.unwrap();
    assert_eq!(moved.status(), 200);
    assert_eq!(
        moved.json::<serde_json::Value>().await.unwrap()["desk"],
        "om"
    );
    assert_eq!(
        api_get(&app, &a_token, &format!("/reports/{report}"))
            .await
            .status(),
        404,
        "ap no longer sees it"
    );
    assert_eq!(
        api_get(&app, &b_token, &format!("/reports/{report}"))
            .await
            .status(),
        200,
        "om does"
    );
    // The items keep their ids; ap's ciphertexts wait under previous/ until om downloads.
    let (kept, after): (Vec<_>, Vec<_>) = app
        .report_files()
        .into_iter()
        .partition(|f| f.to_string_lossy().contains("/previous/"));
    assert_eq!(kept.len(), before.len());
    let om_identity = app.desk_identity("om");
    assert!(after.iter().all(|f| decrypt(f, &om_identity).is_some()));
    assert!(after.iter().all(|f| decrypt(f, &ap).is_none()));
    assert!(kept.iter().all(|f| decrypt(f, &ap).is_some()));
    let _ = api_get(&app, &b_token, &format!("/reports/{report}/bundle")).await;
    assert_eq!(
        app.report_files().len(),
        before.len(),
        "deleted once om has it"
    );
    let thread = app.thread(&app.login(&receipt).await).await;
    assert!(
        thread.contains("doorgestuurd") && thread.contains("Openbaar Ministerie"),
        "the reporter is told"
    );
    assert!(audited(&app, Action::Transfer, "anna"));
}

#[actix_web::test]
async fn the_audit_log_records_officer_actions_and_never_a_reporter() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "tip", vec![]).await;
    let cookie = app.login(&receipt).await;
    let _ = app.thread(&cookie).await;
    let _ = app
        .desk_login_attempt("anna", "wrong password, long enough", "000000")
        .await;
    let _ = app.desk_login("anna").await;
    let mut entries = app.state.audit.entries().unwrap();
    // The first entry is the one that added anna.
    assert_eq!(entries.remove(0).action, Action::OfficerAdded);
    let kinds: Vec<Action> = entries.iter().map(|e| e.action).collect();
    assert_eq!(kinds, [Action::LoginFailed, Action::Login]);
    assert!(entries.iter().all(|e| e.officer == "anna"));
    app.state.audit.verify().unwrap();
}

#[actix_web::test]
async fn the_openapi_document_describes_exactly_the_api_routes() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .get("/desk/api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    // Issue 11: the API lives behind the desk's own door, and the document says so.
    assert_eq!(doc["servers"][0]["url"], "http://127.0.0.1:8081");
    let mut paths: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/desk/api/v1/reports",
            "/desk/api/v1/reports/{id}",
            "/desk/api/v1/reports/{id}/bundle",
            "/desk/api/v1/reports/{id}/extension",
            "/desk/api/v1/reports/{id}/items/{item}",
            "/desk/api/v1/reports/{id}/replies",
            "/desk/api/v1/reports/{id}/status",
            "/desk/api/v1/reports/{id}/take-back",
            "/desk/api/v1/reports/{id}/transfer",
        ]
    );
    // Every documented route exists (answers 401 without a token, not the API's 404 for no route).
    for path in &paths {
        let path = path
            .replace("{id}", "0123456789abcdef")
            .replace("{item}", "0123456789abcdef");
        let mut answers = Vec::new();
        for method in [
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::DELETE,
        ] {
            let request = app.client.request(method, app.url(&path));
            answers.push(request.send().await.unwrap().status().as_u16());
        }
        assert!(answers.contains(&401), "{path}: {answers:?}");
    }
}
