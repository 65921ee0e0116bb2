//! Issue 10, point 2: file times that date nothing. After a whole flow — a tip with files, a
//! refused upload, a follow-up, replies typed in the browser and through the API, the reporter
//! reading and deleting them, a download, a status change — every file and folder of the data
//! folder has access and modification times at midnight. (Birth and change times cannot be set
//! by a program; the operator guide says so.)
//!
//! The test itself reads no file of the data folder before it looks: a read of its own would set
//! an access time (the disk is mounted `relatime`) and hide what the service did.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::helpers::*;

/// Every path under `dir` (itself included) with its metadata, each folder's taken before the
/// folder is listed (listing it sets its access time).
fn stat_all(dir: &Path, out: &mut Vec<(std::path::PathBuf, std::fs::Metadata)>) {
    let meta = std::fs::symlink_metadata(dir).unwrap();
    let is_dir = meta.is_dir();
    out.push((dir.to_owned(), meta));
    if is_dir {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            stat_all(&entry, out);
        }
    }
}

/// Every path under `data` (itself included) whose access or modification time is not a
/// midnight, with the two times.
fn times_off_midnight(data: &Path) -> Vec<String> {
    let mut off = Vec::new();
    let mut all = Vec::new();
    stat_all(data, &mut all);
    for (path, meta) in all {
        let (atime, mtime) = (meta.atime(), meta.mtime());
        if atime % 86_400 != 0
            || mtime % 86_400 != 0
            || meta.atime_nsec() != 0
            || meta.mtime_nsec() != 0
        {
            let name = path.strip_prefix(data).unwrap().display().to_string();
            off.push(format!(
                "{name:?}: atime {atime}.{:09} mtime {mtime}.{:09}",
                meta.atime_nsec(),
                meta.mtime_nsec()
            ));
        }
    }
    off
}

#[actix_web::test]
async fn after_a_whole_flow_no_file_or_folder_has_a_time_other_than_midnight() {
    let app = spawn_app_with(|s| s.limits.submission_bytes = 64 * 1024).await;
    app.add_officer("t.tijd", "ap");
    let token = app.api_token("t.tijd");
    // Times are measured in seconds: one second between acting and looking makes any time the
    // service set to "now" visibly not a midnight (unless the test runs across midnight).
    let receipt = app
        .submit(
            "ap",
            "een tip met bijlagen",
            vec![
                ("a.pdf", random_bytes(3000)),
                ("b.xlsx", random_bytes(9000)),
            ],
        )
        .await;
    // An upload refused half-way: its temp file comes and goes in tmp/.
    let too_big = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "te groot")
        .part("attachment", attachment("big.bin", random_bytes(100_000)));
    assert_eq!(app.submit_form(too_big).await.status, 413);

    let list: serde_json::Value = app
        .client
        .get(app.url("/desk/api/v1/reports"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let report = list[0]["id"].as_str().unwrap().to_owned();

    let cookie = app.login(&receipt).await;
    let thread = app.thread(&cookie).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", hidden(&thread, "csrf"))
        .text("message", "een aanvulling")
        .part("attachment", attachment("c.txt", random_bytes(500)));
    let sent = app
        .client
        .post(app.url("/thread/message"))
        .header("Cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 303);

    // Replies: typed in the browser, and through the API.
    let desk = app.desk_login("t.tijd").await;
    let csrf = app.desk_csrf(&desk).await;
    let path = format!("/desk/reports/{report}/reply");
    let text = [("text", "Een vraag van de balie")];
    assert_eq!(app.desk_act(&desk, &csrf, &path, &text).await, 303);
    let api = app
        .client
        .post(app.url(&format!("/desk/api/v1/reports/{report}/replies")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"text": "Nog een vraag"}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 201);

    // The reporter reads them (their ciphertexts are read) and deletes them.
    let thread = app.thread(&cookie).await;
    assert_eq!(select_all(&thread, ".reply").len(), 2);
    let mut form = vec![("csrf".to_owned(), hidden(&thread, "csrf"))];
    for id in crate::common::page::hidden_all(&thread, "reply") {
        form.push(("reply".to_owned(), id));
    }
    let deleted = app
        .client
        .post(app.url("/thread/delete-replies"))
        .header("Cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 303);

    // The desk downloads the report and moves its status on.
    let bundle = app
        .client
        .get(app.url(&format!("/desk/api/v1/reports/{report}/bundle")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bundle.status(), 200);
    assert!(!bundle.bytes().await.unwrap().is_empty());
    let status = app
        .client
        .post(app.url(&format!("/desk/api/v1/reports/{report}/status")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"status": "closed", "reason": "afgehandeld"}))
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 200);
    let _ = app.thread(&cookie).await;

    let off = times_off_midnight(app.data.path());
    assert!(
        off.is_empty(),
        "times that date an action:\n{}",
        off.join("\n")
    );
    // Issue 10, point 6, in-process (so without the binary's umask of 077): every folder 0700,
    // every file 0600 — by the modes the code asks for, whatever the test runner's umask.
    let mut all = Vec::new();
    stat_all(app.data.path(), &mut all);
    let open: Vec<String> = all
        .iter()
        .filter(|(_, meta)| meta.mode() & 0o7777 != if meta.is_dir() { 0o700 } else { 0o600 })
        .map(|(path, meta)| format!("{} is {:o}", path.display(), meta.mode() & 0o7777))
        .collect();
    assert!(open.is_empty(), "not private:\n{}", open.join("\n"));
}
