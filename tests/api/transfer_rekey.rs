//! Key rotation (issue 9): after an officer leaves, `meldpunt rekey` re-seals a whole report for
//! the desk's current recipients from the trusted directory; the server checks the package like a
//! transfer to the same desk and replaces the old ciphertexts at once, so the departed officer's
//! key opens nothing, old or new.

use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;
use meldpunt::audit::Action;
use meldpunt::config::DeskSettings;
use meldpunt::web::startup::Application;

use crate::desk_work::audited;
use crate::helpers::*;
use crate::offline::{download, stderr};
use crate::transfer::{package, post};

/// Starts the service again on `app`'s data folder, once the stopped one has let go of it.
pub async fn restart(settings: meldpunt::config::Settings, app: &TestApp) -> Application {
    for _ in 0..100 {
        match Application::build_with_clock(settings.clone(), app.clock.clone()) {
            Err(meldpunt::web::startup::StartError::InUse) => {
                actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await
            }
            other => return other.unwrap(),
        }
    }
    panic!("the stopped service still holds the data folder");
}

fn desk(id: &str, keys: &[&age::x25519::Identity]) -> DeskSettings {
    DeskSettings {
        id: id.parse().unwrap(),
        name_nl: id.into(),
        name_en: id.into(),
        description_nl: String::new(),
        description_en: String::new(),
        recipients: keys.iter().map(|k| k.to_public().into()).collect(),
        acknowledge_days: 7,
        feedback_days: 90,
        retention_days: 365,
        digest: Default::default(),
        canned_replies: Default::default(),
    }
}

/// The `[[desk]]` tables of `desks`, as the offline machine's directory.
fn directory(desks: &[DeskSettings], path: &Path) -> PathBuf {
    let mut text = String::new();
    for d in desks {
        let keys: Vec<String> = d.recipients.iter().map(ToString::to_string).collect();
        text += &format!("[[desk]]\nid = \"{}\"\nrecipients = {keys:?}\n", d.id);
    }
    std::fs::write(path, text).unwrap();
    path.to_owned()
}

#[actix_web::test]
async fn rekey_leaves_nothing_the_departed_officers_key_opens_and_everything_the_new_one_does() {
    let [old, main, new, om] = [(); 4].map(|_| age::x25519::Identity::generate());
    let before = vec![desk("ap", &[&old, &main]), desk("om", &[&om])];
    let after = vec![desk("ap", &[&main, &new]), desk("om", &[&om])];
    let configured = before.clone();
    let app = spawn_app_with(move |s| {
        s.demo = false;
        s.desks = configured;
    })
    .await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let file = random_bytes(10_000);
    let receipt = app
        .submit("ap", "een tip", vec![("bijlage.pdf", file)])
        .await;
    let report = app.report_of(&receipt);
    meldpunt::desk::reply::write_reply(
        &app.state.store,
        &before[0],
        &report,
        "dank u",
        app.clock_today(),
    )
    .unwrap();
    let files = app.report_files();
    assert!(
        files.iter().all(|f| decrypt(f, &old).is_some()),
        "old opens all"
    );

    // The officer leaves: the operator takes their key out and restarts the service.
    let mut settings = test_settings(app.data.path());
    settings.demo = false;
    settings.desks = after.clone();
    app.server.stop(true).await;
    let restarted = restart(settings, &app).await;
    let rotated = TestApp {
        server: restarted.handle(),
        reporter_address: format!("http://127.0.0.1:{}", restarted.port()),
        desk_address: format!("http://127.0.0.1:{}", restarted.desk_port()),
        state: restarted.state(),
        clock: app.clock.clone(),
        data: tempfile::tempdir().unwrap(),
        client: app.client.clone(),
    };
    actix_web::rt::spawn(restarted.run_until_stopped());

    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("main.key");
    std::fs::write(&key, main.to_string().expose_secret()).unwrap();
    let bundle = download(&rotated, &token, report.as_str(), dir.path()).await;
    // A package made with the directory from before the rotation is refused.
    let stale = directory(&before, &dir.path().join("stale.toml"));
    let (stale_package, done) = package(&bundle, &key, &stale, None, dir.path());
    assert!(done.status.success(), "{}", stderr(&done));
    let body = std::fs::read(&stale_package).unwrap();
    let (status, text) = post(&rotated, &token, report.as_str(), "transfer", body).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains(r#""code":"package_recipients""#), "{text}");

    let current = directory(&after, &dir.path().join("desks.toml"));
    let (fresh, done) = package(&bundle, &key, &current, None, dir.path());
    assert!(done.status.success(), "{}", stderr(&done));
    let body = std::fs::read(&fresh).unwrap();
    let (status, text) = post(&rotated, &token, report.as_str(), "transfer", body).await;
    assert_eq!(status, 200, "{text}");

    let files = app.report_files();
    assert_eq!(files.len(), 5, "the same items, nothing kept aside");
    for f in &files {
        assert!(decrypt(f, &old).is_none(), "the departed key opens nothing");
        assert!(decrypt(f, &new).is_some() && decrypt(f, &main).is_some());
    }
    let record = app.state.store.get(&report).unwrap().unwrap();
    assert_eq!(record.desk.as_str(), "ap");
    assert!(record.previous.is_none() && record.forwarded_from.is_none());
    let thread = rotated.thread(&rotated.login(&receipt).await).await;
    assert_eq!(select_all(&thread, ".reply .reply-text"), ["dank u"]);
    assert!(audited(&app, Action::Rekey, "anna"));
}
