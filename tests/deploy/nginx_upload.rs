//! Uploads over TLS through nginx with deploy/nginx.conf in front of the real service, with
//! nginx's file opens traced: a 2 MiB one must not touch nginx's disk ("no plaintext on disk"),
//! and one just over the service's limit must reach the service, which answers it in the
//! reporter's language (issue 12, part 5) — not nginx, with a bare English 413.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::common::binary::start;
use crate::common::child::{ChildGuard, Signal, signal};
use crate::nginx::nginx_test_setup;
use crate::support::{free_port, repo_file, tool_or_skip, wait_for};

/// Runs nginx (under strace, file opens only) with `site` on free loopback ports in front of a
/// demo service, posts a tip with an attachment of `attachment` bytes over TLS to `path`, and
/// returns the answer and the trace.
fn upload_through_nginx(site: &str, path: &str, attachment: usize) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let service = start(&dir.path().join("data"));
    let service_port = service.port;
    let (https, http) = (free_port(), free_port());
    let site = site
        .replace(
            "listen 443 ssl http2;",
            &format!("listen 127.0.0.1:{https} ssl;"),
        )
        .replace("listen 80;", &format!("listen 127.0.0.1:{http};"))
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{service_port}"))
        .lines()
        .filter(|l| !l.trim_start().starts_with("listen [::]"))
        .collect::<Vec<_>>()
        .join("\n");
    let main = nginx_test_setup(dir.path(), &site);
    let trace = dir.path().join("trace");
    let mut nginx = ChildGuard::spawn(
        Command::new("strace")
            .args(["-f", "-qq", "-e", "trace=open,openat,creat", "-o"])
            .arg(&trace)
            .args(["nginx", "-c"])
            .arg(&main)
            .arg("-p")
            .arg(format!("{}/", dir.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_for("nginx listens", || {
        TcpStream::connect(("127.0.0.1", https)).is_ok()
    });

    let boundary = "meldpunt-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("desk", "ap"), ("message", "a tip through nginx")] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; \
             filename=\"a.pdf\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    let end = format!("\r\n--{boundary}--\r\n");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: meldpunt.example.nl\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len() + attachment + end.len()
    );
    let mut client = ChildGuard::spawn(
        Command::new("openssl")
            .args(["s_client", "-quiet", "-ign_eof", "-connect"])
            .arg(format!("127.0.0.1:{https}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut stdin = client.stdin.take().unwrap();
    // Written as it goes, from one buffer: a body of 500 MiB is never held whole. The proxy
    // may answer before it has all of it; a refused write then ends the sending.
    let sent = (|| -> std::io::Result<()> {
        stdin.write_all(head.as_bytes())?;
        stdin.write_all(&body)?;
        let chunk = vec![b'x'; 1 << 20];
        let mut left = attachment;
        while left > 0 {
            let n = left.min(chunk.len());
            stdin.write_all(&chunk[..n])?;
            left -= n;
        }
        stdin.write_all(end.as_bytes())
    })();
    drop(stdin);
    let mut answer = String::new();
    client
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut answer)
        .unwrap();
    client.wait().unwrap();
    if let Err(e) = sent {
        assert!(!answer.is_empty(), "the upload broke off unanswered: {e}");
    }

    // nginx's master writes its pid file; stop it by that id, then strace ends with it.
    let pid: u32 = std::fs::read_to_string(dir.path().join("nginx.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    signal(pid, Signal::QUIT);
    wait_for("nginx stops", || nginx.try_wait().unwrap().is_some());
    service.terminate();
    let traced = std::fs::read_to_string(&trace).unwrap();
    let body_dir = format!("{}/body/", dir.path().display());
    (answer, traced, body_dir)
}

/// Whether nginx, openssl (the TLS client) and strace are all here; says SKIPPED if not.
fn tools_or_skip(what: &str) -> bool {
    tool_or_skip("nginx", "-v", what)
        && tool_or_skip("openssl", "version", what)
        && tool_or_skip("strace", "-V", what)
}

/// "No plaintext on disk" through the proxy: with deploy/nginx.conf the upload streams through
/// to the service and nginx opens no file for the request body. The same upload with request
/// buffering switched back on does spool it to disk, so the check would catch the mistake.
#[test]
fn nginx_streams_uploads_without_writing_them_to_disk() {
    if !tools_or_skip("upload streaming through nginx") {
        return;
    }
    let site = repo_file("deploy/nginx.conf");
    let (answer, trace, body_dir) = upload_through_nginx(&site, "/submit", 2 << 20);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("id=\"receipt\""), "{answer}");
    assert!(
        trace.contains("cert.pem"),
        "the trace covers nginx:\n{trace}"
    );
    assert!(
        !trace.contains(&body_dir),
        "nginx wrote the request body to disk:\n{trace}"
    );

    let buffered = site.replace(
        "proxy_request_buffering off;",
        "proxy_request_buffering on;",
    );
    let (answer, trace, body_dir) = upload_through_nginx(&buffered, "/submit", 2 << 20);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        trace.contains(&body_dir),
        "with buffering on nginx spools:\n{trace}"
    );
}

/// Issue 12, part 5: deploy/nginx.conf let through no more than the service's own limit
/// counts, so a tip just over it met nginx's bare English 413. nginx must let it pass, and the
/// service answer it, in the reporter's language.
#[test]
fn a_tip_over_the_limit_through_nginx_is_answered_by_the_service_in_the_reporters_language() {
    if !tools_or_skip("an oversized upload through nginx") {
        return;
    }
    let limit = meldpunt::config::Limits::default().submission_bytes;
    let over = usize::try_from(limit).unwrap() + 1;
    let site = repo_file("deploy/nginx.conf");
    let (answer, _, _) = upload_through_nginx(&site, "/en/submit", over);
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", head_of(&answer));
    assert!(
        // The submit form again, with the error summary and the limit (issue 13's error pattern).
        answer.contains("There is a problem")
            && answer.contains("500 MiB")
            && answer.contains("lang=\"en\""),
        "the service's page, in English: {}",
        head_of(&answer)
    );
    assert!(!answer.contains("<center>nginx</center>"), "{answer}");
}

/// The start of an answer, for messages.
fn head_of(answer: &str) -> &str {
    answer.get(..answer.len().min(1500)).unwrap_or(answer)
}

/// The limit nginx sets on a request body, from deploy/nginx.conf, in bytes.
fn nginx_body_limit(conf: &str) -> u64 {
    let line = crate::support::directives(conf)
        .into_iter()
        .find_map(|l| l.strip_prefix("client_max_body_size ").map(str::to_owned))
        .expect("a client_max_body_size");
    let value = line.trim_end_matches(';').to_ascii_lowercase();
    let (number, unit) = value.split_at(value.len() - 1);
    let unit: u64 = match unit {
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        _ => panic!("{line}"),
    };
    number.parse::<u64>().unwrap() * unit
}

/// Without nginx at hand too: the example's limit leaves room above the service's own for the
/// multipart framing of a submission the service takes (its boundaries are not counted).
#[test]
fn the_nginx_example_lets_a_whole_submission_through() {
    let limit = meldpunt::config::Limits::default().submission_bytes;
    let nginx = nginx_body_limit(&repo_file("deploy/nginx.conf"));
    assert!(
        nginx >= limit + (1 << 20),
        "nginx takes {nginx} bytes, the service {limit}: nginx would answer first"
    );
}
