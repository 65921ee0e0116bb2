//! Issue 10, point 1: no plaintext on disk, not for a moment. The real binary runs under
//! `strace -f -y` through the whole reporter and desk flow — a tip with files, a follow-up, a
//! reply typed in the browser and one through the API (with the right content type and with a
//! wrong one), the replies read back in the thread — and no marker of that content may be passed
//! to a `write` on a descriptor that is a file. The markers must reach the sockets, so the test
//! sees what it looks for.

use std::collections::BTreeSet;

use crate::common::binary::{Server, meldpunt, run, start_with};
use crate::common::page::{client, hidden, open_thread, receipt_in, session_cookie};
use crate::common::tools::tool_or_skip;

const TIP: &str = "MARKER-TIP-7f3a1c";
const FILE: &str = "MARKER-FILE-2b8e44";
const FOLLOWUP: &str = "MARKER-FOLLOWUP-91d0c2";
const REPLY_WEB: &str = "MARKER-REPLYWEB-5ce7a9";
const REPLY_API: &str = "MARKER-REPLYAPI-03f6bd";
const REPLY_WRONG_TYPE: &str = "MARKER-REPLYTEXTPLAIN-e41f70";
const REPLY_OCTETS: &str = "MARKER-REPLYOCTETS-88a2d5";
const PASSWORD: &str = "a long officer password for strace";

/// The write system calls of a trace, as (descriptor annotation, whole line).
fn writes(trace: &str) -> Vec<(&str, &str)> {
    let calls = [
        "write(",
        "writev(",
        "pwrite64(",
        "pwritev(",
        "pwritev2(",
        "sendto(",
        "sendmsg(",
    ];
    trace
        .lines()
        .filter_map(|line| {
            let at = calls
                .iter()
                .filter_map(|c| line.find(c).map(|i| i + c.len()))
                .min()?;
            let rest = &line[at..];
            let open = rest.find('<')?;
            if !rest[..open].bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let close = rest.find(">,")?;
            Some((&rest[open + 1..close], line))
        })
        .collect()
}

/// A descriptor `strace -y` names by a path is a file (sockets and pipes have `socket:[…]`,
/// `pipe:[…]`); devices such as /dev/null are not storage.
fn is_file(annotation: &str) -> bool {
    annotation.starts_with('/') && !annotation.starts_with("/dev/")
}

/// Adds an officer of desk `ap` beside the running service; returns its TOTP generator.
pub(crate) fn add_officer(data: &std::path::Path, name: &str) -> totp_rs::Totp {
    let mut add = meldpunt();
    add.args([
        "officer",
        "add",
        "--desk",
        "ap",
        "--name",
        name,
        "--password-stdin",
    ])
    .arg("--data")
    .arg(data);
    let output = run(&mut add, Some(&format!("{PASSWORD}\n")));
    assert!(output.status.success(), "{output:?}");
    let out = String::from_utf8(output.stdout).unwrap();
    let uri = out.lines().find(|l| l.starts_with("otpauth://")).unwrap();
    totp_rs::Totp::from_url(uri).unwrap()
}

pub(crate) fn api_token(data: &std::path::Path, name: &str) -> String {
    let mut token = meldpunt();
    token
        .args(["officer", "token", "--name", name, "--data"])
        .arg(data);
    let output = run(&mut token, None);
    assert!(output.status.success(), "{output:?}");
    let out = String::from_utf8(output.stdout).unwrap();
    out.lines().last().unwrap().trim().to_owned()
}

/// The reporter's part: a tip with two files, then a follow-up; returns the receipt.
pub(crate) async fn reporter_sends(server: &Server, http: &reqwest::Client) -> String {
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", format!("{TIP} de tip zelf"))
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(format!("{FILE} inhoud van het bestand").into_bytes())
                .file_name("verslag.txt"),
        )
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(vec![9u8; 200_000]).file_name("groot.bin"),
        );
    let page = http
        .post(server.url("/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let page = match page.status().as_u16() {
        303 => {
            let to = page.headers()["location"].to_str().unwrap().to_owned();
            http.get(server.url(&to)).send().await.unwrap()
        }
        _ => page,
    };
    let receipt = receipt_in(&page.text().await.unwrap());

    let login = http
        .post(server.url("/followup"))
        .form(&[("receipt", receipt.as_str())])
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&login).unwrap();
    let thread = http
        .get(server.url("/thread"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", hidden(&thread, "csrf"))
        .text("message", format!("{FOLLOWUP} een aanvulling"));
    let sent = http
        .post(server.url("/thread/message"))
        .header("Cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 303);
    receipt
}

/// The id of the first report in the API's list.
pub(crate) async fn first_report(server: &Server, http: &reqwest::Client, token: &str) -> String {
    let list: serde_json::Value = http
        .get(server.url("/desk/api/v1/reports"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list[0]["id"].as_str().unwrap().to_owned()
}

/// The desk's part: a reply typed in the browser, and through the API three ways.
pub(crate) async fn desk_replies(server: &Server, http: &reqwest::Client, data: &std::path::Path) {
    let totp = add_officer(data, "s.trace");
    let token = api_token(data, "s.trace");
    let report = first_report(server, http, &token).await;

    let code = totp.generate_current().to_string();
    let login = http
        .post(server.url("/desk/login"))
        .form(&[("name", "s.trace"), ("password", PASSWORD), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let desk = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("meldpunt_desk="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap();
    let inbox = http
        .get(server.url("/desk/"))
        .header("Cookie", &desk)
        .send()
        .await
        .unwrap();
    let csrf = hidden(&inbox.text().await.unwrap(), "csrf");
    let typed = http
        .post(server.url(&format!("/desk/reports/{report}/reply")))
        .header("Cookie", &desk)
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", &format!("{REPLY_WEB} vraag")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(typed.status(), 303);

    let replies = server.url(&format!("/desk/api/v1/reports/{report}/replies"));
    let json = http
        .post(&replies)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "text": format!("{REPLY_API} vraag") }))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 201);
    // The same JSON with a content type that is not JSON, and a plaintext body sent as octets
    // (both easy mistakes with curl): refused, and never written anywhere on the way.
    for (content_type, marker) in [
        ("text/plain", REPLY_WRONG_TYPE),
        ("application/octet-stream", REPLY_OCTETS),
    ] {
        let wrong = http
            .post(&replies)
            .bearer_auth(&token)
            .header("Content-Type", content_type)
            .body(format!("{{\"text\": \"{marker} vraag\"}}"))
            .send()
            .await
            .unwrap();
        assert!(
            wrong.status().is_client_error(),
            "{content_type}: {}",
            wrong.status()
        );
    }
}

#[actix_web::test]
async fn no_content_of_a_whole_flow_is_ever_written_to_a_file() {
    if !tool_or_skip("strace", "-V", "that no plaintext reaches a file") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let trace = dir.path().join("trace");
    let server = start_with(
        &data,
        &[
            "strace",
            "-f",
            "-qq",
            "-y",
            "-s",
            "1000000",
            "-e",
            "trace=write,writev,pwrite64,pwritev,pwritev2,sendto,sendmsg",
            "-o",
            trace.to_str().unwrap(),
        ],
    );
    let http = client();
    let receipt = reporter_sends(&server, &http).await;
    desk_replies(&server, &http, &data).await;
    let thread = open_thread(&http, &server.url(""), &receipt).await;
    for marker in [REPLY_WEB, REPLY_API] {
        assert!(
            thread.contains(marker),
            "the thread shows the reply {marker}"
        );
    }
    server.terminate();

    let trace = std::fs::read_to_string(&trace).unwrap();
    let writes = writes(&trace);
    let files: BTreeSet<&str> = writes
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| is_file(a))
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.contains("/reports/") || f.contains("/tmp/")),
        "the trace shows the ciphertexts being written: {files:?}"
    );
    let markers = [
        TIP,
        FILE,
        FOLLOWUP,
        REPLY_WEB,
        REPLY_API,
        REPLY_WRONG_TYPE,
        REPLY_OCTETS,
    ];
    let on_sockets = |m: &str| writes.iter().any(|(a, l)| !is_file(a) && l.contains(m));
    assert!(
        on_sockets(REPLY_WEB) && on_sockets(REPLY_API),
        "the replies went out to the reporter's socket in the trace"
    );
    let leaks: Vec<String> = writes
        .iter()
        .filter(|(a, _)| is_file(a))
        .flat_map(|(a, l)| {
            markers
                .iter()
                .filter(|m| l.contains(**m))
                .map(move |m| format!("{m} written to {a}"))
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "plaintext reached a file:\n{}",
        leaks.join("\n")
    );
}
