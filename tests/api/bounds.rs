//! Issue 11, defect 3: ~640 slow uploads took all 1,024 open files. A silent upload is now
//! dropped, and uploads past the cap hear "busy" before a byte of them is read.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

/// Starts a multipart upload of a large attachment on a raw connection, sends its first 10 KiB
/// and then nothing: the connection is returned with the upload still open.
async fn stalled_upload(app: &TestApp) -> tokio::net::TcpStream {
    let address = app
        .reporter_address
        .trim_start_matches("http://")
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let body_start = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"desk\"\r\n\r\nap\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{}",
        "x".repeat(10 * 1024)
    );
    let head = format!(
        "POST /submit HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 1000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body_start.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

fn tmp_entries(app: &TestApp) -> usize {
    std::fs::read_dir(app.data.path().join("tmp"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[actix_web::test]
async fn an_upload_that_sends_nothing_for_the_idle_time_is_dropped_and_leaves_no_file() {
    let app = spawn_app_with(|s| s.connections.body_idle_secs = 1).await;
    let mut stream = stalled_upload(&app).await;
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the server still holds a silent upload after 10 s"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "dropped too early"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while tmp_entries(&app) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(tmp_entries(&app), 0, "the half upload's ciphertext is gone");
    assert!(app.report_files().is_empty(), "no report");
    // The service goes on.
    app.submit("ap", "after the silent one", vec![]).await;
}

#[actix_web::test]
async fn uploads_past_the_cap_hear_busy_and_the_cap_frees_when_they_end() {
    let app = spawn_app_with(|s| {
        s.connections.uploads = 2;
        s.connections.body_idle_secs = 30;
    })
    .await;
    let first = stalled_upload(&app).await;
    let second = stalled_upload(&app).await;
    // Both have reached the handler (their temp files exist) before the third comes.
    let deadline = Instant::now() + Duration::from_secs(5);
    while tmp_entries(&app) < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "a real tip");
    let refused = app.submit_form(form).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(
        refused.body.contains("Het is even druk"),
        "{}",
        refused.body
    );
    assert!(refused.receipt.is_none());
    // A page that uploads nothing is not held back by the cap.
    assert_eq!(app.get("/").await.status(), 200);

    drop(first);
    drop(second);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let form = reqwest::multipart::Form::new()
            .text("desk", "ap")
            .text("message", "a real tip");
        let answer = app.submit_form(form).await;
        if answer.status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cap did not free: {}",
            answer.status
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
