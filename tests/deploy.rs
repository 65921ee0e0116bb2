#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The files in `deploy/`, checked by the programs that will read them on the server: tor, systemd,
//! nginx, and the `meldpunt` binary itself for every command the operator guide shows.
//!
//! A test whose tool is missing prints a loud SKIPPED line and passes, except under `CI=true`,
//! where `.ci/run` installs every tool used here (systemd-analyze comes with Debian) and a missing
//! one is a failure.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_meldpunt");

fn repo_file(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// True when `tool` runs. When it does not: fails under CI=true, else prints SKIPPED.
fn tool_or_skip(tool: &str, version_arg: &str, what: &str) -> bool {
    let runs = Command::new(tool)
        .arg(version_arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if runs {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{tool} is required under CI=true (.ci/run installs it)"
    );
    eprintln!("\n*** SKIPPED: {tool} is not installed; {what} not checked ***\n");
    false
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The lines of a configuration file without comments and blank lines, trimmed.
fn directives(file: &str) -> Vec<String> {
    file.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// `file` with each line starting with `key` replaced by `key value`; each key must occur once.
fn rewrite(file: &str, replacements: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut seen = vec![0; replacements.len()];
    for line in file.lines() {
        match replacements.iter().position(|(k, _)| line.starts_with(k)) {
            Some(i) => {
                seen[i] += 1;
                out.push_str(&format!("{} {}\n", replacements[i].0, replacements[i].1));
            }
            None => out.push_str(&format!("{line}\n")),
        }
    }
    assert!(seen.iter().all(|&n| n == 1), "{replacements:?}: {seen:?}");
    out
}

fn private_dir(path: &Path) -> PathBuf {
    std::fs::DirBuilder::new().mode(0o700).create(path).unwrap();
    path.to_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status();
}

/// Stops a child we started: by its own id, politely first.
fn stop(mut child: Child) {
    signal(child.id(), "TERM");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

// ----------------------------------------------------------------------------------------------
// tor

/// deploy/torrc with its two folders moved into `dir` (tor insists they are private).
fn test_torrc(dir: &Path) -> PathBuf {
    let hs = private_dir(&dir.join("hs"));
    let data = private_dir(&dir.join("tor-data"));
    let torrc = rewrite(
        &repo_file("deploy/torrc"),
        &[
            ("HiddenServiceDir", format!("{}/", hs.display())),
            ("DataDirectory", data.display().to_string()),
        ],
    );
    let path = dir.join("torrc");
    std::fs::write(&path, torrc).unwrap();
    path
}

#[test]
fn torrc_passes_tor_verify_config() {
    let torrc = directives(&repo_file("deploy/torrc"));
    for line in [
        "HiddenServiceDir /var/lib/tor/meldpunt/",
        "HiddenServiceVersion 3",
        "HiddenServicePort 80 127.0.0.1:8080",
        "HiddenServicePoWDefensesEnabled 1",
        "SocksPort 0",
        "ExitRelay 0",
    ] {
        assert!(torrc.iter().any(|l| l == line), "deploy/torrc lacks {line}");
    }
    for never in [
        "HiddenServiceNonAnonymousMode",
        "HiddenServiceSingleHopMode",
    ] {
        assert!(!torrc.iter().any(|l| l.starts_with(never)), "{never} set");
    }
    if !tool_or_skip("tor", "--version", "deploy/torrc") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = test_torrc(dir.path());

    let alone = run(Command::new("tor")
        .arg("--verify-config")
        .arg("-f")
        .arg(&path));
    assert!(alone.status.success(), "{}", text(&alone));
    assert!(text(&alone).contains("Configuration was valid"));

    // As Debian's tor@default unit checks it: on top of Debian's defaults file. That file names
    // the debian-tor user, who would not own our temporary folders; name ourselves instead.
    let debian_defaults = Path::new("/usr/share/tor/tor-service-defaults-torrc");
    if debian_defaults.exists() {
        let me = String::from_utf8(run(Command::new("id").arg("-un")).stdout).unwrap();
        let debian = run(Command::new("tor")
            .arg("--verify-config")
            .arg("--defaults-torrc")
            .arg(debian_defaults)
            .arg("-f")
            .arg(&path)
            .args(["--User", me.trim()]));
        assert!(debian.status.success(), "{}", text(&debian));
    }

    // The check is real: tor refuses an option it does not know.
    let broken = dir.path().join("broken-torrc");
    let mut content = std::fs::read_to_string(&path).unwrap();
    content.push_str("HiddenServiceNoSuchOption 1\n");
    std::fs::write(&broken, content).unwrap();
    let refused = run(Command::new("tor")
        .arg("--verify-config")
        .arg("-f")
        .arg(&broken));
    assert!(!refused.status.success(), "{}", text(&refused));
}

/// The guide tells the operator to read the address from `HiddenServiceDir/hostname`. tor writes
/// it while loading the keys, before it touches the network, so `DisableNetwork 1` suffices.
#[test]
fn tor_writes_the_onion_hostname_where_the_guide_reads_it() {
    assert!(repo_file("deploy/README.md").contains("cat /var/lib/tor/meldpunt/hostname"));
    if !tool_or_skip("tor", "--version", "the onion hostname") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = test_torrc(dir.path());
    let hostname = dir.path().join("hs/hostname");
    let tor = Command::new("tor")
        .arg("-f")
        .arg(&path)
        .args(["--DisableNetwork", "1", "--RunAsDaemon", "0", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !hostname.exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    stop(tor);
    let name = std::fs::read_to_string(&hostname).expect("tor wrote hs/hostname");
    let name = name.trim();
    let label = name.strip_suffix(".onion").unwrap();
    assert_eq!(label.len(), 56, "{name}");
    assert!(
        label
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'))
    );
    let mode = std::fs::metadata(dir.path().join("hs"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}

// ----------------------------------------------------------------------------------------------
// systemd

fn unit_settings() -> Vec<(String, String)> {
    directives(&repo_file("deploy/meldpunt.service"))
        .into_iter()
        .filter(|l| !l.starts_with('['))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("{l}"));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// The unit with ExecStart pointing at this build's binary (verify wants it to exist).
fn test_unit(dir: &Path) -> PathBuf {
    let unit = repo_file("deploy/meldpunt.service").replace(
        "ExecStart=/usr/local/bin/meldpunt ",
        &format!("ExecStart={BINARY} "),
    );
    assert!(unit.contains(BINARY));
    let path = dir.join("meldpunt.service");
    std::fs::write(&path, unit).unwrap();
    path
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    let settings = unit_settings();
    let value = |key: &str| -> Vec<&str> {
        settings
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    for (key, expected) in [
        ("User", "meldpunt"),
        (
            "ExecStart",
            "/usr/local/bin/meldpunt serve --config /etc/meldpunt/meldpunt.toml",
        ),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ReadWritePaths", "/var/lib/meldpunt"),
        ("StateDirectory", "meldpunt"),
        ("StateDirectoryMode", "0700"),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("SystemCallFilter", "@system-service"),
        ("SystemCallArchitectures", "native"),
        ("MemoryDenyWriteExecute", "yes"),
        ("CapabilityBoundingSet", ""),
        ("AmbientCapabilities", ""),
        ("LockPersonality", "yes"),
        ("RestrictRealtime", "yes"),
        ("RestrictSUIDSGID", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectKernelLogs", "yes"),
        ("ProtectControlGroups", "yes"),
        ("ProtectClock", "yes"),
        ("ProtectHostname", "yes"),
        ("RestrictNamespaces", "yes"),
        ("UMask", "0077"),
        ("Restart", "on-failure"),
        ("LimitCORE", "0"),
    ] {
        assert!(
            value(key).contains(&expected),
            "{key}={expected} missing from deploy/meldpunt.service (has {:?})",
            value(key)
        );
    }
    // The data folder is the only writable place.
    assert_eq!(value("ReadWritePaths"), ["/var/lib/meldpunt"]);

    if !tool_or_skip("systemd-analyze", "--version", "deploy/meldpunt.service") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = test_unit(dir.path());
    // verify exits 0 even for unknown keys and bad values; it warns naming the file.
    let verify = run(Command::new("systemd-analyze").arg("verify").arg(&path));
    let said = text(&verify);
    assert!(verify.status.success(), "{said}");
    assert!(!said.contains("meldpunt.service"), "{said}");

    // The check is real: a misspelt directive is reported.
    let broken = dir.path().join("broken").join("meldpunt.service");
    std::fs::create_dir(broken.parent().unwrap()).unwrap();
    let content = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&broken, content.replace("ProtectClock=", "ProtectClocks=")).unwrap();
    let warned = text(&run(Command::new("systemd-analyze")
        .arg("verify")
        .arg(&broken)));
    assert!(warned.contains("ProtectClocks"), "{warned}");

    // The exposure score, where this systemd can compute it offline (systemd 250 and later).
    let security = run(Command::new("systemd-analyze")
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(&path));
    let said = text(&security);
    match said.lines().find(|l| l.contains("Overall exposure level")) {
        Some(line) => {
            eprintln!("{line}");
            let score: f64 = line
                .split(':')
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{line}"));
            assert!(score <= 1.5, "exposure {score} (was 0.9):\n{said}");
        }
        None => eprintln!("systemd-analyze security --offline=yes gave no score:\n{said}"),
    }
}

/// Every group and call named in `systemd-analyze syscall-filter`, expanded to call names.
fn syscall_set(groups: &str, names: &str) -> std::collections::BTreeSet<String> {
    let mut table: Vec<(String, Vec<String>)> = Vec::new();
    for line in groups.lines() {
        if line.starts_with('@') {
            table.push((line.trim().to_owned(), Vec::new()));
        } else if let (Some(last), Some(member)) = (table.last_mut(), line.strip_prefix("    "))
            && !member.starts_with('#')
            && !member.trim().is_empty()
        {
            last.1.push(member.trim().to_owned());
        }
    }
    fn expand(
        table: &[(String, Vec<String>)],
        name: &str,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        match table.iter().find(|(g, _)| g == name) {
            Some((_, members)) => members.iter().for_each(|m| expand(table, m, out)),
            None if name.starts_with('@') => panic!("unknown group {name}"),
            None => {
                out.insert(name.to_owned());
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for name in names.split_whitespace() {
        expand(&table, name, &mut out);
    }
    out
}

/// SystemCallFilter= cannot be tried here without systemd as PID 1, so the service runs under
/// strace through startup, a submission with a file, a follow-up login, the thread page and a
/// clean stop, and every call it made must pass the unit's filter.
#[actix_web::test]
async fn the_service_makes_only_system_calls_the_unit_filter_allows() {
    if !tool_or_skip("strace", "-V", "the unit's system call filter")
        || !tool_or_skip(
            "systemd-analyze",
            "--version",
            "the unit's system call filter",
        )
    {
        return;
    }
    let groups =
        String::from_utf8(run(Command::new("systemd-analyze").arg("syscall-filter")).stdout)
            .unwrap();
    let settings = unit_settings();
    let filters: Vec<&str> = settings
        .iter()
        .filter(|(k, _)| k == "SystemCallFilter")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut allowed = syscall_set(&groups, filters[0]);
    for deny in &filters[1..] {
        let deny = deny.strip_prefix('~').expect("later filters deny");
        allowed.retain(|c| !syscall_set(&groups, deny).contains(c));
    }

    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    let mut service = Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(&trace)
        .arg(BINARY)
        .args(["serve", "--data"])
        .arg(dir.path().join("data"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let port = listening_port(&mut service);
    let url = |path: &str| format!("http://127.0.0.1:{port}{path}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "a tip")
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(vec![7u8; 1 << 20]).file_name("a.pdf"),
        );
    let page = client
        .post(url("/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    let receipt = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("#receipt").unwrap())
        .next()
        .expect("a receipt")
        .text()
        .collect::<String>();
    let login = client
        .post(url("/followup"))
        .form(&[("receipt", receipt.trim())])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let thread = client
        .get(url("/thread"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(thread.status(), 200);

    // SIGTERM to the service (strace's child), not to strace: the clean stop is traced too.
    signal(traced_child(&service), "TERM");
    wait_for("the service stops", || {
        service.try_wait().unwrap().is_some()
    });

    let trace = std::fs::read_to_string(&trace).unwrap();
    let made: std::collections::BTreeSet<&str> = trace
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(_, rest)| rest.trim_start()))
        .filter_map(|rest| rest.split_once('(').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .collect();
    assert!(
        made.contains("fsync") && made.contains("accept4"),
        "{made:?}"
    );
    // SQLite gives a new -wal or -shm file the database's owner with fchown, but only when it
    // runs as root, as this test may; the unit runs the service as the user meldpunt.
    let as_root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    let root_only = |c: &str| as_root && c == "fchown";
    let refused: Vec<&&str> = made
        .iter()
        .filter(|c| !allowed.contains(**c) && !root_only(c))
        .collect();
    assert!(
        refused.is_empty(),
        "the unit's filter would kill the service on {refused:?}"
    );
}

fn listening_port(child: &mut Child) -> u16 {
    use std::io::BufRead;
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the service says which port it listens on");
        if let Some(port) = line.strip_prefix("meldpunt: listening on port ") {
            return port.trim().parse().unwrap();
        }
    }
}

/// The program strace started: strace's only child.
fn traced_child(strace: &Child) -> u32 {
    let children = format!("/proc/{0}/task/{0}/children", strace.id());
    let children = std::fs::read_to_string(children).unwrap();
    children.split_whitespace().next().unwrap().parse().unwrap()
}

// ----------------------------------------------------------------------------------------------
// nginx

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
        "client_max_body_size 500m;",
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
    // 500m is the service's default submission limit.
    let example = repo_file("deploy/meldpunt.example.toml");
    assert!(directives(&example).contains(&"submission_bytes = 524288000".to_owned()));

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
fn nginx_test_setup(dir: &Path, site: &str) -> PathBuf {
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

/// Runs nginx (under strace, file opens only) with `site` on free loopback ports in front of a
/// demo service, posts a 2 MiB upload over TLS, and returns the answer and the trace.
fn upload_through_nginx(site: &str) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut service = Command::new(BINARY)
        .args(["serve", "--data"])
        .arg(dir.path().join("data"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let service_port = listening_port(&mut service);
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
    let nginx = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=open,openat,creat", "-o"])
        .arg(&trace)
        .args(["nginx", "-c"])
        .arg(&main)
        .arg("-p")
        .arg(format!("{}/", dir.path().display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
    let mut client = Command::new("openssl")
        .args(["s_client", "-quiet", "-ign_eof", "-connect"])
        .arg(format!("127.0.0.1:{https}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
    signal(pid, "QUIT");
    let mut nginx = nginx;
    wait_for("nginx stops", || nginx.try_wait().unwrap().is_some());
    stop(service);
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

// ----------------------------------------------------------------------------------------------
// The operator guide

/// Every command line in ```sh blocks, with continuation lines joined and comments removed.
fn shell_lines(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        let trimmed = line.trim();
        if let Some(language) = trimmed.strip_prefix("```") {
            in_block = !in_block && ["sh", "bash", "console"].contains(&language);
            continue;
        }
        if !in_block {
            continue;
        }
        let code = match trimmed.find(" #") {
            Some(i) => &trimmed[..i],
            None if trimmed.starts_with('#') => "",
            None => trimmed,
        };
        match code.strip_suffix('\\') {
            Some(part) => pending.push_str(part),
            None => {
                pending.push_str(code);
                if !pending.trim().is_empty() {
                    lines.push(pending.trim().to_owned());
                }
                pending.clear();
            }
        }
    }
    lines
}

/// The `meldpunt` invocations in a shell line: for each, the words after the program.
fn meldpunt_invocations(line: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let separated = line
        .replace("&&", ";")
        .replace("||", ";")
        .replace('|', ";")
        .replace("$(", ";");
    for segment in separated.split(';') {
        let mut words = segment.split_whitespace().peekable();
        // Skip `VAR=value`, and `sudo` with its options (`-u USER`).
        while let Some(word) = words.peek() {
            if word.contains('=') && !word.starts_with('-') {
                words.next();
            } else if *word == "sudo" {
                words.next();
                while words.peek().is_some_and(|w| w.starts_with('-')) {
                    if words.next() == Some("-u") {
                        words.next();
                    }
                }
            } else {
                break;
            }
        }
        if words
            .next()
            .is_some_and(|w| w == "meldpunt" || w.ends_with("/meldpunt"))
        {
            found.push(words.map(str::to_owned).collect());
        }
    }
    found
}

fn help(path: &[&str]) -> Option<String> {
    let output = run(Command::new(BINARY).args(path).arg("--help"));
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The help text lists `--flag` as an option (followed by a space, `<`, or the line's end).
fn help_lists(help: &str, flag: &str) -> bool {
    help.lines()
        .any(|l| l.trim_start().split([',', ' ']).any(|w| w == flag))
}

#[test]
fn the_operator_guide_uses_only_real_subcommands_and_flags() {
    let mut checked = 0;
    for (file, at_least) in [("deploy/README.md", 8), ("README.md", 8)] {
        let mut in_file = 0;
        for line in shell_lines(&repo_file(file)) {
            for words in meldpunt_invocations(&line) {
                // The subcommand path: words until the first flag, as deep as help lists commands.
                let mut path: Vec<&str> = Vec::new();
                let mut text_of_help = help(&[]).unwrap();
                for word in words.iter().take_while(|w| !w.starts_with('-')) {
                    if !text_of_help.contains("\nCommands:") {
                        break;
                    }
                    path.push(word);
                    text_of_help = help(&path).unwrap_or_else(|| {
                        panic!(
                            "{file}: `meldpunt {}` does not exist: {line}",
                            path.join(" ")
                        )
                    });
                }
                for flag in words.iter().filter(|w| w.starts_with("--")) {
                    let flag = flag.split('=').next().unwrap();
                    assert!(
                        help_lists(&text_of_help, flag),
                        "{file}: `meldpunt {}` has no {flag}: {line}",
                        path.join(" ")
                    );
                }
                in_file += 1;
            }
        }
        assert!(
            in_file >= at_least,
            "{file}: only {in_file} meldpunt commands found"
        );
        checked += in_file;
    }
    eprintln!("{checked} meldpunt command lines checked");
}

#[test]
fn the_command_finder_sees_through_sudo_pipes_and_continuations() {
    let guide = "```sh\nprintf x \\\n  | sudo -u meldpunt meldpunt officer add --data /d --name n # c\n\
                 systemctl stop meldpunt && /usr/local/bin/meldpunt audit verify --data /d\n```\n";
    let lines = shell_lines(guide);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        meldpunt_invocations(&lines[0]),
        [["officer", "add", "--data", "/d", "--name", "n"]]
    );
    assert_eq!(
        meldpunt_invocations(&lines[1]),
        [["audit", "verify", "--data", "/d"]]
    );
    assert!(!help_lists(&help(&["officer", "add"]).unwrap(), "--nope"));
    assert!(help_lists(
        &help(&["officer", "add"]).unwrap(),
        "--password-stdin"
    ));
}
