//! "No plaintext on disk" through the proxy: a 2 MiB upload over TLS through nginx with
//! deploy/nginx.conf in front of the real service, with nginx's file opens traced.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::common::binary::start;
use crate::common::child::{ChildGuard, Signal, signal};
use crate::nginx::nginx_test_setup;
use crate::support::{free_port, repo_file, tool_or_skip, wait_for};

/// Runs nginx (under strace, file opens only) with `site` on free loopback ports in front of a
/// demo service, posts a 2 MiB upload over TLS, and returns the answer and the trace.
fn upload_through_nginx(site: &str) -> (String, String, String) {
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
    body.extend(std::iter::repeat_n(b'x', 2 << 20));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let head = format!(
        "POST /submit HTTP/1.1\r\nHost: meldpunt.example.nl\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
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
    stdin.write_all(head.as_bytes()).unwrap();
    stdin.write_all(&body).unwrap();
    drop(stdin);
    let mut answer = String::new();
    client
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut answer)
        .unwrap();
    client.wait().unwrap();

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

/// "No plaintext on disk" through the proxy: with deploy/nginx.conf the upload streams through
/// to the service and nginx opens no file for the request body. The same upload with request
/// buffering switched back on does spool it to disk, so the check would catch the mistake.
#[test]
fn nginx_streams_uploads_without_writing_them_to_disk() {
    if !tool_or_skip("nginx", "-v", "upload streaming through nginx")
        || !tool_or_skip("openssl", "version", "upload streaming through nginx")
        || !tool_or_skip("strace", "-V", "upload streaming through nginx")
    {
        return;
    }
    let site = repo_file("deploy/nginx.conf");
    let (answer, trace, body_dir) = upload_through_nginx(&site);
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
    let (answer, trace, body_dir) = upload_through_nginx(&buffered);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        trace.contains(&body_dir),
        "with buffering on nginx spools:\n{trace}"
    );
}
