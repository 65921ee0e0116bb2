//! Issue 12, part 5: the log as an operator's tools expect it, from the real binary. Under
//! systemd (standard error on the journal) each line starts with its syslog priority; with
//! `MELDPUNT_LOG_FORMAT=json` each line is one JSON object (an unknown format is refused: see
//! `config`). Either way there is a line at start (version, the service's own addresses) and one
//! at stop, a failed start says why in the same format, and no visitor's address, user agent,
//! referrer or query string is in it.

use std::time::Duration;

use crate::common::binary::{Server, listening, spawn, spawn_under_journal};

/// Requests come from this loopback address, so the log can be searched for it while the
/// service's own address (127.0.0.1) is in the start line.
const CLIENT: &str = "127.0.0.3";
/// Marks everything a visitor sent that must not reach the log.
const MARK: &str = "LOGCHECK";

/// Waits for the start line, keeping every line before it too.
fn started(mut server: Server) -> (Server, Vec<String>) {
    let mut lines = Vec::new();
    loop {
        let line = server
            .log
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no start line in:\n{}", lines.join("\n")));
        let ports = listening(&line);
        lines.push(line);
        if let Some((port, desk_port)) = ports {
            (server.port, server.desk_port) = (port, desk_port);
            return (server, lines);
        }
    }
}

/// A reporter page and desk requests (logged at debug) with everything a visitor could leave in
/// a log; then SIGTERM. Returns every line the run wrote.
async fn run_with_visitors(server: Server, mut lines: Vec<String>) -> Vec<String> {
    let client = reqwest::Client::builder()
        .local_address(CLIENT.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let visit = |method: reqwest::Method, path: &str| {
        client
            .request(method, server.url(path))
            .header("User-Agent", format!("{MARK}-agent"))
            .header("Referer", format!("http://{MARK}-referrer.example/"))
            .header("Authorization", format!("Bearer {MARK}-token"))
            .send()
    };
    let guide = visit(reqwest::Method::GET, &format!("/guide?what={MARK}")).await;
    assert_eq!(guide.unwrap().status(), 200);
    let login = visit(reqwest::Method::GET, &format!("/desk/login?next={MARK}")).await;
    assert_eq!(login.unwrap().status(), 200);
    let api = visit(
        reqwest::Method::GET,
        &format!("/desk/api/v1/reports?q={MARK}"),
    )
    .await;
    assert_eq!(api.unwrap().status(), 401);
    let wrong = visit(reqwest::Method::PUT, "/desk/login").await;
    assert_eq!(wrong.unwrap().status(), 405);
    lines.extend(server.terminate());
    lines
}

fn assert_no_visitor_in(lines: &[String]) {
    let log = lines.join("\n");
    for needle in [MARK, CLIENT, "user_agent", "User-Agent", "peer_addr"] {
        assert!(!log.contains(needle), "the log holds {needle:?}:\n{log}");
    }
}

/// What a second service on the same data folder writes before it gives up: the refusal, the
/// last line of a failed start, must be in the log's format too.
fn refused_start(second: Server) -> String {
    let said: Vec<String> = second.log.iter().collect();
    said.last().cloned().unwrap_or_default()
}

#[actix_web::test]
async fn under_journald_every_line_starts_with_its_priority() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (server, lines) = started(spawn_under_journal(&data, &[]));
    let refusal = refused_start(spawn_under_journal(&data, &[]));
    assert!(
        refusal.starts_with("<3>meldpunt: another meldpunt service"),
        "{refusal:?}"
    );
    let lines = run_with_visitors(server, lines).await;
    for line in &lines {
        let priority = line.get(..3).unwrap_or_default();
        assert!(
            ["<3>", "<4>", "<6>", "<7>"].contains(&priority),
            "no priority: {line:?}"
        );
    }
    let with = |priority: &str, words: &[&str]| {
        lines
            .iter()
            .any(|l| l.starts_with(priority) && words.iter().all(|w| l.contains(w)))
    };
    let version = format!("version={}", env!("CARGO_PKG_VERSION"));
    assert!(
        with("<6>", &["listening", &version, "listen=127.0.0.1:"]),
        "{lines:#?}"
    );
    assert!(with("<4>", &["DEMO MODE"]), "a warning: {lines:#?}");
    assert!(
        with("<7>", &["status=405"]),
        "desk requests at debug: {lines:#?}"
    );
    assert!(with("<6>", &["stopping", "SIGTERM"]), "{lines:#?}");
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("<6>") && l.contains("stopped")),
        "the last line says it stopped: {lines:#?}"
    );
    assert_no_visitor_in(&lines);
}

#[actix_web::test]
async fn with_log_format_json_every_line_is_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    // JOURNAL_STREAM names some other stream (a shell started in a systemd session inherits it):
    // no priorities then.
    let env = [("MELDPUNT_LOG_FORMAT", "json"), ("JOURNAL_STREAM", "1:2")];
    let data = dir.path().join("data");
    let (server, lines) = started(spawn(&data, &env));
    let refusal: serde_json::Value =
        serde_json::from_str(&refused_start(spawn(&data, &env))).unwrap();
    assert_eq!(refusal["level"], "ERROR", "{refusal}");
    let why = refusal["fields"]["message"].as_str().unwrap();
    assert!(
        why.starts_with("meldpunt: another meldpunt service"),
        "{refusal}"
    );
    let lines = run_with_visitors(server, lines).await;
    let objects: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    for object in &objects {
        assert!(object["level"].is_string(), "{object}");
        assert!(object["fields"]["message"].is_string(), "{object}");
        assert!(
            object.get("timestamp").is_none(),
            "journald dates lines: {object}"
        );
    }
    let message = |o: &serde_json::Value| o["fields"]["message"].as_str().unwrap().to_owned();
    let start = objects
        .iter()
        .find(|o| message(o) == "listening")
        .expect("a start line");
    assert_eq!(start["level"], "INFO");
    assert_eq!(start["fields"]["version"], env!("CARGO_PKG_VERSION"));
    let request = objects
        .iter()
        .find(|o| o["fields"]["status"] == 405)
        .expect("the desk's 405 at debug");
    assert_eq!(request["span"]["route"], "/desk/login", "{request}");
    assert_eq!(request["span"]["method"], "PUT", "{request}");
    assert_eq!(message(objects.last().unwrap()), "stopped");
    assert_no_visitor_in(&lines);
}
