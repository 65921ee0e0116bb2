//! A kill -9 at any moment loses nothing acknowledged and leaves no half report.

use std::time::Duration;

use crate::common::binary::start;
use crate::common::files::{desk_identity, files_under};
use crate::common::page::{client, open_thread, receipt_in};

#[actix_web::test]
async fn a_tip_acknowledged_just_before_sigkill_survives_the_restart() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    let tip = "Crash-test tip: het archief staat open op een gedeelde schijf";
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", tip);
    let response = client()
        .post(server.url("/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    // Kill the moment the receipt has arrived.
    let log = server.kill();
    let receipt = receipt_in(&body);

    let server = start(data.path());
    // The receipt still opens the thread.
    open_thread(&client(), &server.url(""), &receipt).await;
    server.kill();

    let desk = desk_identity(data.path(), "ap");
    let opened: Vec<Vec<u8>> = files_under(&data.path().join("reports"))
        .iter()
        .filter_map(|f| age::decrypt(&desk, &std::fs::read(f).unwrap()).ok())
        .map(|mut plain| {
            meldpunt::seal::padding::strip_text(&mut plain);
            plain
        })
        .collect();
    assert!(
        opened.iter().any(|p| p == tip.as_bytes()),
        "the tip still decrypts"
    );
    assert!(log.iter().all(|l| !l.contains(&receipt)));
}

#[actix_web::test]
async fn a_sigkill_in_the_middle_of_a_large_upload_leaves_no_report_and_no_temp_file() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path());
    // 64 MiB in 256 KiB chunks, slowly, so the kill lands mid-stream.
    let chunks = futures_util::stream::unfold(0u32, |i| async move {
        if i >= 256 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some((Ok::<_, std::io::Error>(vec![b'x'; 256 * 1024]), i + 1))
    });
    let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(chunks))
        .file_name("big.bin")
        .mime_str("application/octet-stream")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "a big one")
        .part("attachment", part);
    let upload = tokio::spawn(client().post(server.url("/submit")).multipart(form).send());

    // Wait until encrypted bytes are landing in tmp/, then kill.
    let tmp = data.path().join("tmp");
    let mut waited = 0;
    while !files_under(&tmp)
        .iter()
        .any(|f| f.metadata().map(|m| m.len() > 1024 * 1024).unwrap_or(false))
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
        assert!(waited < 1000, "the upload never reached the disk");
    }
    assert!(files_under(&data.path().join("reports")).is_empty());
    server.kill();
    assert!(
        upload.await.unwrap().is_err(),
        "the client saw the connection die, no receipt"
    );
    assert!(
        !files_under(&tmp).is_empty(),
        "the kill left a temp file behind, as it should"
    );

    let server = start(data.path());
    assert!(
        files_under(&tmp).is_empty(),
        "start-up removed the orphan temp file"
    );
    assert!(
        files_under(&data.path().join("reports")).is_empty(),
        "no report"
    );
    let home = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    server.kill();
}

#[actix_web::test]
async fn a_second_service_on_the_same_data_folder_is_refused_and_the_first_keeps_serving() {
    let data = tempfile::tempdir().unwrap();
    let first = start(data.path());
    let second = crate::common::binary::run(
        crate::common::binary::meldpunt_serve()
            .arg("--data")
            .arg(data.path()),
        None,
    );
    let said = String::from_utf8_lossy(&second.stderr).into_owned();
    assert_eq!(second.status.code(), Some(1), "{said}");
    assert!(
        said.contains("another meldpunt service is running"),
        "{said}"
    );
    let home = client().get(first.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    first.kill();
}
