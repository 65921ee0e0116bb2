//! A full disk is an answer, not a crash: the real binary on a small tmpfs that the test fills.
//! Reporters get the 507 page in their language, the API a JSON 507; what is stored stays
//! readable; a kill -9 on the full disk and a start on it leave a service that starts and serves;
//! when space returns, storing works again without a restart. Needs root to mount the tmpfs:
//! skipped loudly without it, failing under `CI=true`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::binary::{Server, start};
use crate::common::files::{desk_identity, files_under};
use crate::common::page::{client, receipt_in};

/// A tmpfs mounted for the test, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a filler file until the disk refuses another byte.
    fn fill(&self) -> PathBuf {
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        let block = vec![0xA5u8; 64 * 1024];
        loop {
            if file.write_all(&block).is_err() {
                break;
            }
        }
        // The last bytes, one at a time, so that not one is left free.
        while file.write_all(&[0]).is_ok() {}
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

async fn submit(server: &Server, path: &str, tip: &str) -> (u16, String) {
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", tip.to_owned())
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(vec![7u8; 20_000]).file_name("bijlage.bin"),
        );
    let response = client()
        .post(server.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn thread_opens(server: &Server, receipt: &str) -> bool {
    let login = client()
        .post(server.url("/followup"))
        .form(&[("receipt", receipt)])
        .send()
        .await
        .unwrap();
    login.status() == 303
}

async fn api(server: &Server, token: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let request = match body {
        Some(json) => client()
            .post(server.url(path))
            .header("content-type", "application/json")
            .body(json.to_owned()),
        None => client().get(server.url(path)),
    };
    let response = request.bearer_auth(token).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn officer_token(data: &Path) -> String {
    let meldpunt = env!("CARGO_BIN_EXE_meldpunt");
    let mut add = Command::new(meldpunt)
        .args(["officer", "add", "--desk", "ap", "--name", "j.devries"])
        .args(["--password-stdin", "--data"])
        .arg(data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery staple\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    let token = Command::new(meldpunt)
        .args(["officer", "token", "--name", "j.devries", "--data"])
        .arg(data)
        .output()
        .unwrap();
    assert!(token.status.success());
    String::from_utf8(token.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned()
}

fn report_id(list: &str) -> String {
    let reports: serde_json::Value = serde_json::from_str(list).unwrap();
    reports[0]["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_full_disk_gets_a_clear_answer_and_the_service_comes_back_without_surgery() {
    let Some(disk) = SmallDisk::mount(24) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "mounting a tmpfs (root) is required under CI=true"
        );
        eprintln!(
            "\n*** SKIPPED: cannot mount a tmpfs (not root?); the full-disk test did not run ***\n"
        );
        return;
    };
    let data = disk.path().join("data");
    let server = start(&data);
    let (status, page) = submit(&server, "/submit", "tip before the disk filled").await;
    assert_eq!(status, 200);
    let before = receipt_in(&page);
    let token = officer_token(&data);
    let (status, list) = api(&server, &token, "/desk/api/v1/reports", None).await;
    assert_eq!(status, 200);
    let report = report_id(&list);

    let filler = disk.fill();
    let (status, page) = submit(&server, "/submit", "tip on a full disk").await;
    assert_eq!(status, 507, "{page}");
    assert!(page.contains("Opslag vol"), "Dutch: {page}");
    let (status, page) = submit(&server, "/en/submit", "tip on a full disk").await;
    assert_eq!(status, 507);
    assert!(page.contains("Storage full"), "English: {page}");
    assert!(
        thread_opens(&server, &before).await,
        "what is stored stays readable"
    );
    let (status, _) = api(&server, &token, "/desk/api/v1/reports", None).await;
    assert_eq!(status, 200, "the desk still reads");
    let reply = format!("/desk/api/v1/reports/{report}/replies");
    let (status, body) = api(&server, &token, &reply, Some(r#"{"text": "Dank u"}"#)).await;
    assert_eq!(status, 507, "{body}");
    assert!(
        serde_json::from_str::<serde_json::Value>(&body).is_ok(),
        "JSON: {body}"
    );

    // A kill -9 on the full disk, and a start on it.
    server.kill();
    let server = start(&data);
    assert_eq!(
        client().get(server.url("/")).send().await.unwrap().status(),
        200
    );
    assert!(thread_opens(&server, &before).await);
    let (status, _) = submit(&server, "/submit", "still full").await;
    assert_eq!(status, 507);

    // Space returns: storing works again without a restart.
    std::fs::remove_file(&filler).unwrap();
    let (status, page) = submit(&server, "/submit", "tip after space returned").await;
    assert_eq!(status, 200, "{page}");
    let after = receipt_in(&page);
    assert!(thread_opens(&server, &after).await);
    let (status, body) = api(&server, &token, &reply, Some(r#"{"text": "Dank u"}"#)).await;
    assert_eq!(status, 201, "{body}");

    // A clean stop on a full disk, and a start on a disk filled after it: the WAL and its index
    // are gone by then, and must be made anew with not one byte free.
    let filler = disk.fill();
    server.terminate();
    std::fs::remove_file(&filler).unwrap();
    let filler = disk.fill();
    let server = start(&data);
    assert!(thread_opens(&server, &before).await);
    assert!(thread_opens(&server, &after).await);
    std::fs::remove_file(&filler).unwrap();
    server.kill();

    assert_eq!(std::fs::read_dir(data.join("tmp")).unwrap().count(), 0);
    let reports = std::fs::read_dir(data.join("reports")).unwrap().count();
    assert_eq!(reports, 2, "the two acknowledged tips, no half report");
    let desk = desk_identity(&data, "ap");
    let opened: Vec<Vec<u8>> = files_under(&data.join("reports"))
        .iter()
        .filter_map(|f| age::decrypt(&desk, &std::fs::read(f).unwrap()).ok())
        .map(|mut plain| {
            meldpunt::seal::padding::strip_text(&mut plain);
            plain
        })
        .collect();
    for tip in ["tip before the disk filled", "tip after space returned"] {
        assert!(opened.iter().any(|p| p == tip.as_bytes()), "{tip} decrypts");
    }
}
