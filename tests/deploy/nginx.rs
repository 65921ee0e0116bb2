//! deploy/nginx.conf: it tells the service nothing about the client, keeps no access log,
//! streams request bodies, and `nginx -t` accepts it with a throwaway certificate.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{directives, repo_file, run, text, tool_or_skip};

#[test]
fn nginx_config_passes_nginx_t() {
    let conf = directives(&repo_file("deploy/nginx.conf"));
    let has = |line: &str| conf.iter().filter(|l| *l == line).count();
    let servers = has("server {");
    assert_eq!(
        servers, 2,
        "a redirecting port-80 server and the TLS server"
    );
    assert_eq!(
        has("access_log off;"),
        servers,
        "every server block: access_log off"
    );
    for line in [
        "proxy_request_buffering off;",
        "proxy_buffering off;",
        "proxy_pass http://127.0.0.1:8080;",
        "proxy_set_header Host $host;",
        "proxy_http_version 1.1;",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "listen 443 ssl http2;",
        "add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;",
        "return 301 https://$host$request_uri;",
    ] {
        assert_eq!(has(line), 1, "deploy/nginx.conf: {line}");
    }
    for line in &conf {
        let lower = line.to_lowercase();
        for never in ["x-forwarded-for", "x-real-ip", "forwarded", "$remote_addr"] {
            assert!(
                !lower.contains(never),
                "the service must not learn addresses: {line}"
            );
        }
        if lower.starts_with("error_log") {
            assert!(
                lower.ends_with(" crit;"),
                "error logs carry client addresses: {line}"
            );
        }
    }
    if !tool_or_skip("nginx", "-v", "deploy/nginx.conf")
        || !tool_or_skip(
            "openssl",
            "version",
            "deploy/nginx.conf (no test certificate)",
        )
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let main = nginx_test_setup(dir.path(), &repo_file("deploy/nginx.conf"));
    let test = run(Command::new("nginx")
        .arg("-t")
        .arg("-c")
        .arg(&main)
        .arg("-p")
        .arg(format!("{}/", dir.path().display())));
    assert!(test.status.success(), "{}", text(&test));
    assert!(
        text(&test).contains("test is successful"),
        "{}",
        text(&test)
    );
}

/// A throwaway certificate, the site file with its certificate and log paths moved into `dir`,
/// and a minimal main configuration that includes it. Returns the main file.
pub fn nginx_test_setup(dir: &Path, site: &str) -> PathBuf {
    let d = dir.display();
    let cert = run(Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=test"])
        .args([
            "-keyout",
            &format!("{d}/key.pem"),
            "-out",
            &format!("{d}/cert.pem"),
        ]));
    assert!(cert.status.success(), "{}", text(&cert));
    let site = site
        .replace("/etc/ssl/meldpunt/fullchain.pem", &format!("{d}/cert.pem"))
        .replace("/etc/ssl/meldpunt/privkey.pem", &format!("{d}/key.pem"))
        .replace("/var/log/nginx/", &format!("{d}/"));
    let left = directives(&site).join("\n");
    assert!(!left.contains("/var/") && !left.contains("/etc/"), "{left}");
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let main = format!(
        "pid {d}/nginx.pid;\nerror_log {d}/error.log;\ndaemon off;\nevents {{}}\nhttp {{\n\
         \x20   client_body_temp_path {d}/body;\n    proxy_temp_path {d}/proxy;\n\
         \x20   include {d}/site.conf;\n}}\n"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, main).unwrap();
    path
}
