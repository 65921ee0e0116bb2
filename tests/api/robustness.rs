//! The edges: a full disk, an upload cut off half-way, HTTPS cookies, demo-mode files, file times.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::process::Command;
use std::time::Duration;

use meldpunt::domain::Clock;

use crate::helpers::*;

/// A small tmpfs mounted for one test and unmounted even if the test fails.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(dir: &std::path::Path, size: &str) -> Option<SmallDisk> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| SmallDisk(dir.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[actix_web::test]
async fn a_full_disk_gets_a_clear_answer_stores_nothing_and_the_service_recovers() {
    let holder = tempfile::tempdir().unwrap();
    let Some(_disk) = SmallDisk::mount(holder.path(), "6m") else {
        eprintln!(
            "\n*** SKIPPED: cannot mount a tmpfs here (needs root); full-disk test not run ***\n"
        );
        return;
    };
    let data = holder.path().join("data");
    let app = spawn_app_with(|s| s.data = data.clone()).await;
    let big = app
        .submit_form(
            reqwest::multipart::Form::new()
                .text("desk", "ap")
                .text("message", "a tip with a big file")
                .part(
                    "attachment",
                    attachment("big.bin", random_bytes(12 * 1024 * 1024)),
                ),
        )
        .await;
    assert_eq!(big.status, 507, "{}", big.body);
    assert!(big.body.contains("Opslag vol"), "{}", big.body);
    assert!(big.receipt.is_none());
    assert!(files_under(&data.join("reports")).is_empty());
    assert!(
        files_under(&data.join("tmp")).is_empty(),
        "the partial ciphertext is gone"
    );
    // Space is back: a small tip goes through.
    let receipt = app.submit("ap", "small tip", vec![]).await;
    assert!(!app.login(&receipt).await.is_empty());
}

#[actix_web::test]
async fn an_upload_cut_off_half_way_leaves_no_temp_file_without_a_restart() {
    let app = spawn_app().await;
    let chunks = futures_util::stream::unfold(0u32, |i| async move {
        if i >= 200 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some((Ok::<_, std::io::Error>(vec![b'y'; 128 * 1024]), i + 1))
    });
    let part =
        reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(chunks)).file_name("big.bin");
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "cut off")
        .part("attachment", part);
    let upload = tokio::spawn(app.client.post(app.url("/submit")).multipart(form).send());
    let tmp = app.data.path().join("tmp");
    // Let the upload reach the disk, then hang up.
    let mut waited = 0;
    while !files_under(&tmp)
        .iter()
        .any(|f| f.metadata().is_ok_and(|m| m.len() > 512 * 1024))
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
        assert!(waited < 250, "the upload never reached the disk");
    }
    upload.abort();
    assert!(app.report_files().is_empty());
    let mut waited = 0;
    while !files_under(&tmp).is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
        assert!(
            waited < 250,
            "the temp file of the cut-off upload stayed: {:?}",
            files_under(&tmp)
        );
    }
    assert!(app.report_files().is_empty());
    assert_eq!(app.get("/").await.status(), 200);
}

#[actix_web::test]
async fn over_https_the_session_cookie_is_secure() {
    let app = spawn_app_with(|s| s.https = true).await;
    let receipt = app.submit("ap", "tip", vec![]).await;
    let response = app.followup(&receipt).await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
    );
}

#[actix_web::test]
async fn demo_mode_keys_and_salt_are_private_and_every_page_says_demo() {
    let app = spawn_app().await;
    for file in [
        "demo-keys/ap.key",
        "demo-keys/om.key",
        "demo-keys/hvk.key",
        "salt",
    ] {
        let mode = std::fs::metadata(app.data.path().join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
    for path in ["/", "/guide", "/submit", "/followup", "/en/", "/nothing"] {
        let body = app.get(path).await.text().await.unwrap();
        assert!(body.contains("class=\"demo\""), "{path}");
    }
}

#[actix_web::test]
async fn stored_files_carry_the_day_not_the_second() {
    let app = spawn_app().await;
    app.submit("ap", "tip", vec![("a.txt", b"x".to_vec())])
        .await;
    let files = app.report_files();
    assert!(!files.is_empty());
    let folders = files.iter().map(|f| f.parent().unwrap().to_owned());
    let database = files_under(&app.data.path().join("db"));
    assert!(!database.is_empty());
    let others = ["db", "reports", "tmp"].map(|d| app.data.path().join(d));
    for path in files
        .iter()
        .cloned()
        .chain(folders)
        .chain(database)
        .chain(others)
    {
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(
            meta.mtime() % 86_400,
            0,
            "{path:?} has a modification time within the day"
        );
        assert_eq!(
            meta.mtime() / 86_400,
            app.clock.today().0,
            "{path:?} carries the day"
        );
    }
}
