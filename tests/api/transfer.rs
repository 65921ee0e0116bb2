//! Transfers between desks (issue 9): the package is checked against the server's configuration
//! (recipients, items, stanzas), keeps item ids, starts the new desk's terms, and can be taken
//! back until the receiving desk has opened the report. Key rotation is in `transfer_rekey`.

use std::path::{Path, PathBuf};
use std::process::Output;

use meldpunt::audit::Action;
use meldpunt::domain::Clock;
use sha2::{Digest, Sha256};

use crate::common::files::files_under;
use crate::desk_work::{api_get, audited, untar};
use crate::helpers::*;
use crate::offline::{download, meldpunt, s, stderr};

/// The trusted desk directory of `app` as `--desks` reads it (its `[[desk]]` tables), with
/// `wrong` replacing one desk's recipients.
pub(crate) fn directory(app: &TestApp, dir: &Path, wrong: Option<(&str, Vec<String>)>) -> PathBuf {
    let mut text = String::from("# the server's desks, copied to the offline machine\n");
    for desk in app.state.desks.iter() {
        let keys: Vec<String> = match &wrong {
            Some((id, keys)) if desk.id.as_str() == *id => keys.clone(),
            _ => desk.recipients.iter().map(ToString::to_string).collect(),
        };
        text += &format!("[[desk]]\nid = \"{}\"\nrecipients = {keys:?}\n\n", desk.id);
    }
    let path = dir.join(format!("desks-{}.toml", rand_suffix()));
    std::fs::write(&path, text).unwrap();
    path
}

fn rand_suffix() -> String {
    hex::encode(random_bytes(4))
}

/// Runs `meldpunt transfer` (or `rekey` when `to` is None) and returns the package's path.
pub(crate) fn package(
    bundle: &Path,
    key: &Path,
    desks: &Path,
    to: Option<&str>,
    dir: &Path,
) -> (PathBuf, Output) {
    let out = dir.join(format!("package-{}.tar", rand_suffix()));
    let mut args = vec![
        if to.is_some() { "transfer" } else { "rekey" },
        "--bundle",
        s(bundle),
        "--identity",
        s(key),
        "--desks",
        s(desks),
        "--out",
        s(&out),
    ];
    if let Some(to) = to {
        args.extend(["--to-desk", to]);
    }
    let done = meldpunt(&args, None);
    (out, done)
}

/// POSTs to the API route `/reports/{report}/{action}`; returns the status and the body.
pub(crate) async fn post(
    app: &TestApp,
    token: &str,
    report: &str,
    action: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let response = app
        .client
        .post(app.url(&format!("/desk/api/v1/reports/{report}/{action}")))
        .header("Authorization", format!("Bearer {token}"))
        .header(
            "Content-Type",
            if body.starts_with(b"{") {
                "application/json"
            } else {
                "application/x-tar"
            },
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Rewrites a package: `change` gets the manifest (JSON) and the item files (name, bytes).
fn rewrite(
    package: &Path,
    change: impl FnOnce(&mut serde_json::Value, &mut Vec<(String, Vec<u8>)>),
) -> Vec<u8> {
    let mut entries = untar(&std::fs::read(package).unwrap());
    let (_, json) = entries.remove(0);
    let mut manifest: serde_json::Value = serde_json::from_slice(&json).unwrap();
    change(&mut manifest, &mut entries);
    let mut tar = tar::Builder::new(Vec::new());
    let mut append = |name: &str, data: &[u8]| {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, data).unwrap();
    };
    append("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    for (name, data) in &entries {
        append(name, data);
    }
    tar.into_inner().unwrap()
}

/// The ciphertexts in use (not those kept aside under `previous/`).
fn live_files(app: &TestApp) -> Vec<PathBuf> {
    app.report_files()
        .into_iter()
        .filter(|f| !f.to_string_lossy().contains("/previous/"))
        .collect()
}

/// Every ciphertext in use opens with `desk`'s key.
fn all_open_for(app: &TestApp, desk: &str) -> bool {
    let key = app.desk_identity(desk);
    let files = live_files(app);
    !files.is_empty() && files.iter().all(|f| decrypt(f, &key).is_some())
}

struct Scene {
    app: TestApp,
    ap: String,
    om: String,
    report: String,
    dir: tempfile::TempDir,
    file: Vec<u8>,
}

const NAME: &str = "verslag Q3 (intern).pdf";

/// A tip at ap with an attachment and a reply, and officers anna (ap) and bert (om).
async fn scene() -> Scene {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("bert", "om");
    let (ap, om) = (app.api_token("anna"), app.api_token("bert"));
    let file = random_bytes(30_000);
    let receipt = app
        .submit("ap", "voor het OM", vec![(NAME, file.clone())])
        .await;
    let report = app.report_of(&receipt).to_string();
    let (status, _) = post(
        &app,
        &ap,
        &report,
        "replies",
        br#"{"text": "we sturen dit door"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 201);
    let dir = tempfile::tempdir().unwrap();
    Scene {
        app,
        ap,
        om,
        report,
        dir,
        file,
    }
}

impl Scene {
    fn key(&self, desk: &str) -> PathBuf {
        self.app.data.path().join(format!("demo-keys/{desk}.key"))
    }

    /// A package for om made from ap's bundle with `desks` as the directory.
    async fn package_for_om(&self, desks: &Path) -> PathBuf {
        let bundle = download(&self.app, &self.ap, &self.report, self.dir.path()).await;
        let (path, done) = package(&bundle, &self.key("ap"), desks, Some("om"), self.dir.path());
        assert!(done.status.success(), "{}", stderr(&done));
        path
    }

    async fn transfer(&self, body: Vec<u8>) -> (u16, String) {
        post(&self.app, &self.ap, &self.report, "transfer", body).await
    }

    fn desk(&self) -> String {
        let id = self.report.parse().unwrap();
        self.app
            .state
            .store
            .get(&id)
            .unwrap()
            .unwrap()
            .desk
            .to_string()
    }

    /// Opens the report as `desk` offline and returns the folder written.
    async fn open_at(&self, desk: &str, token: &str) -> PathBuf {
        let bundle = download(&self.app, token, &self.report, self.dir.path()).await;
        let out = self.dir.path().join(format!("open-{}", rand_suffix()));
        let opened = meldpunt(
            &[
                "open",
                s(&bundle),
                "--identity",
                s(&self.key(desk)),
                "--out",
                s(&out),
            ],
            None,
        );
        assert!(opened.status.success(), "{}", stderr(&opened));
        out
    }
}

// issue 9, defect 1: a transfer sealed to a key that is not the OM's was accepted, replaced the
// AP's ciphertexts, and left a report neither desk could open.
#[actix_web::test]
async fn a_transfer_sealed_to_keys_that_are_not_the_new_desks_is_refused_and_both_desks_still_open_everything()
 {
    let sc = scene().await;
    let stranger = age::x25519::Identity::generate().to_public().to_string();
    let wrong = directory(&sc.app, sc.dir.path(), Some(("om", vec![stranger.clone()])));
    let (status, body) = sc
        .transfer(std::fs::read(sc.package_for_om(&wrong).await).unwrap())
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains(r#""code":"package_recipients""#) && body.contains("recipients"),
        "{body}"
    );

    // Declaring the right key while sealing to one more is caught by the stanza count.
    let om_key = sc.app.desk_identity("om").to_public().to_string();
    let extra = directory(
        &sc.app,
        sc.dir.path(),
        Some(("om", vec![om_key.clone(), stranger])),
    );
    let lying = rewrite(&sc.package_for_om(&extra).await, |manifest, _| {
        manifest["recipients"] = serde_json::json!([om_key]);
    });
    let (status, body) = sc.transfer(lying).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains(r#""code":"package_sealing""#), "{body}");

    assert_eq!(sc.desk(), "ap");
    assert!(all_open_for(&sc.app, "ap"), "ap still opens every item");
    let opened = sc.open_at("ap", &sc.ap).await;
    assert_eq!(std::fs::read(opened.join(NAME)).unwrap(), sc.file);

    let right = directory(&sc.app, sc.dir.path(), None);
    let (status, body) = sc
        .transfer(std::fs::read(sc.package_for_om(&right).await).unwrap())
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(all_open_for(&sc.app, "om"), "om opens every item");
}

// issue 9, defects 2 and 8b: the server gave imported items new ids, so `open` at the new desk
// wrote `attachment` instead of the real name; and the report arrived with the old desk's status
// and received day, already overdue.
#[actix_web::test]
async fn a_transferred_report_keeps_its_attachment_names_and_starts_the_new_desks_terms() {
    let sc = scene().await;
    let first_day = sc.app.clock_today();
    let (status, _) = post(
        &sc.app,
        &sc.ap,
        &sc.report,
        "status",
        br#"{"status": "in_progress"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 200);
    sc.app.clock.advance_days(100);
    let desks = directory(&sc.app, sc.dir.path(), None);
    let (status, body) = sc
        .transfer(std::fs::read(sc.package_for_om(&desks).await).unwrap())
        .await;
    assert_eq!(status, 200, "{body}");

    let list: serde_json::Value = api_get(&sc.app, &sc.om, "/reports")
        .await
        .json()
        .await
        .unwrap();
    let row = &list[0];
    assert_eq!(row["id"], sc.report.as_str());
    assert_eq!(
        row["received"],
        sc.app.clock_today().iso().as_str(),
        "received today at om"
    );
    assert_eq!(row["status"], "received");
    assert_eq!(row["overdue"], false);
    assert_eq!(row["forwarded_from"], "ap");
    let record = sc
        .app
        .state
        .store
        .get(&sc.report.parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        record.first_received,
        Some(first_day),
        "the first day stays on record"
    );

    let opened = sc.open_at("om", &sc.om).await;
    assert_eq!(
        std::fs::read(opened.join(NAME)).unwrap(),
        sc.file,
        "the real name, byte-exact"
    );
    assert_eq!(
        std::fs::read_to_string(opened.join("message.txt")).unwrap(),
        "voor het OM"
    );
    assert!(audited(&sc.app, Action::Transfer, "anna"));
}

#[actix_web::test]
async fn a_package_missing_or_adding_an_item_is_refused_and_changes_nothing() {
    let sc = scene().await;
    let desks = directory(&sc.app, sc.dir.path(), None);
    let good = sc.package_for_om(&desks).await;
    let missing = rewrite(&good, |manifest, files| {
        let gone = manifest["items"].as_array_mut().unwrap().pop().unwrap();
        files.retain(|(name, _)| *name != format!("{}.age", gone["id"].as_str().unwrap()));
    });
    let om = sc.app.desk_identity("om").to_public();
    let added = rewrite(&good, |manifest, files| {
        let sealed = age::encrypt(&om, b"slipped in").unwrap();
        let id = hex::encode(random_bytes(8));
        let mut item = manifest["items"][0].clone();
        item["id"] = id.clone().into();
        item["size"] = sealed.len().into();
        item["sha256"] = hex::encode(Sha256::digest(&sealed)).into();
        manifest["items"].as_array_mut().unwrap().push(item);
        files.push((format!("{id}.age"), sealed));
    });
    let before: Vec<(PathBuf, Vec<u8>)> = live_files(&sc.app)
        .into_iter()
        .map(|f| {
            let b = std::fs::read(&f).unwrap();
            (f, b)
        })
        .collect();
    for body in [missing, added] {
        let (status, text) = sc.transfer(body).await;
        assert_eq!(status, 400, "{text}");
        assert!(text.contains(r#""code":"package_items""#), "{text}");
    }
    assert_eq!(sc.desk(), "ap");
    for (file, bytes) in before {
        assert_eq!(std::fs::read(&file).unwrap(), bytes, "untouched");
    }
    assert!(files_under(&sc.app.data.path().join("tmp")).is_empty());
}

#[actix_web::test]
async fn the_sending_desk_takes_a_report_back_before_the_new_desk_opens_it() {
    let sc = scene().await;
    let (status, _) = post(
        &sc.app,
        &sc.ap,
        &sc.report,
        "status",
        br#"{"status": "in_progress"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 200);
    let desks = directory(&sc.app, sc.dir.path(), None);
    let (status, _) = sc
        .transfer(std::fs::read(sc.package_for_om(&desks).await).unwrap())
        .await;
    assert_eq!(status, 200);
    assert!(all_open_for(&sc.app, "om"));

    let cookie = sc.app.desk_login("anna").await;
    let inbox = sc
        .app
        .desk_get(&cookie, "/desk/")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        inbox.contains(&format!("sent-{}", sc.report)) && inbox.contains("Terughalen"),
        "{inbox}"
    );
    let csrf = sc.app.desk_csrf(&cookie).await;
    let path = format!("/desk/reports/{}/take-back", sc.report);
    assert_eq!(sc.app.desk_act(&cookie, &csrf, &path, &[]).await, 303);

    assert_eq!(sc.desk(), "ap");
    let record = sc
        .app
        .state
        .store
        .get(&sc.report.parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(record.status.key(), "in_progress", "as it was");
    assert!(record.previous.is_none() && record.forwarded_from.is_none());
    assert!(all_open_for(&sc.app, "ap"), "ap's key opens it all again");
    assert!(
        sc.app
            .report_files()
            .iter()
            .all(|f| !f.to_string_lossy().contains("previous"))
    );
    let opened = sc.open_at("ap", &sc.ap).await;
    assert_eq!(std::fs::read(opened.join(NAME)).unwrap(), sc.file);
    assert_eq!(
        api_get(&sc.app, &sc.om, &format!("/reports/{}", sc.report))
            .await
            .status(),
        404
    );
    assert!(audited(&sc.app, Action::TakeBack, "anna"));
    sc.app.state.audit.verify().unwrap();
}

#[actix_web::test]
async fn once_the_new_desk_downloads_the_old_ciphertexts_are_gone_and_take_back_is_refused() {
    let sc = scene().await;
    let desks = directory(&sc.app, sc.dir.path(), None);
    let (status, _) = sc
        .transfer(std::fs::read(sc.package_for_om(&desks).await).unwrap())
        .await;
    assert_eq!(status, 200);
    let previous = sc
        .app
        .data
        .path()
        .join("reports")
        .join(&sc.report)
        .join("previous");
    let kept = files_under(&previous);
    assert_eq!(
        kept.len(),
        live_files(&sc.app).len(),
        "every old ciphertext kept"
    );
    assert!(
        kept.iter()
            .all(|f| decrypt(f, &sc.app.desk_identity("ap")).is_some())
    );

    let _ = sc.open_at("om", &sc.om).await;
    assert!(!previous.exists(), "deleted for real once om has it");
    let (status, body) = post(&sc.app, &sc.ap, &sc.report, "take-back", Vec::new()).await;
    assert_eq!(status, 400, "nothing is kept for ap any more: {body}");
    assert!(body.contains(r#""code":"take_back""#), "{body}");
    assert_eq!(sc.desk(), "om");
    assert!(all_open_for(&sc.app, "om"));
}

#[actix_web::test]
async fn kept_ciphertexts_go_with_the_retention_pass_after_fourteen_days() {
    let sc = scene().await;
    let desks = directory(&sc.app, sc.dir.path(), None);
    let (status, _) = sc
        .transfer(std::fs::read(sc.package_for_om(&desks).await).unwrap())
        .await;
    assert_eq!(status, 200);
    let previous = sc
        .app
        .data
        .path()
        .join("reports")
        .join(&sc.report)
        .join("previous");
    let purge = |app: &TestApp| {
        meldpunt::desk::retention::purge(
            &app.state.store,
            &app.state.audit,
            &meldpunt::store::StartedWith::of(&app.state.settings).desks,
            app.clock.today(),
            app.clock.now_unix(),
        )
        .unwrap();
    };
    sc.app.clock.advance_days(14);
    purge(&sc.app);
    assert!(previous.exists(), "kept through the last day");
    sc.app.clock.advance_days(1);
    purge(&sc.app);
    assert!(!previous.exists());
    let (status, _) = post(&sc.app, &sc.ap, &sc.report, "take-back", Vec::new()).await;
    assert_eq!(status, 400);
}
