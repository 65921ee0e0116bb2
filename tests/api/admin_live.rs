//! The admin commands against a running service: the real `meldpunt` binary on the data folder
//! of an app that is serving, and the effect seen on the app's very next request.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::desk_helpers::PASSWORD;
use crate::helpers::*;

fn meldpunt(app: &TestApp, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(args)
        .arg("--data")
        .arg(app.data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "meldpunt {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn last_line(output: &Output) -> String {
    let out = String::from_utf8_lossy(&output.stdout);
    out.lines().last().unwrap().trim().to_owned()
}

async fn api_status(app: &TestApp, token: &str) -> u16 {
    app.client
        .get(app.url("/desk/api/v1/reports"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[actix_web::test]
async fn an_officer_added_on_the_command_line_logs_in_at_once() {
    let app = spawn_app().await;
    let password = format!("{PASSWORD}\n");
    meldpunt(
        &app,
        &[
            "officer",
            "add",
            "--desk",
            "om",
            "--name",
            "k.jansen",
            "--password-stdin",
        ],
        Some(&password),
    );
    let cookie = app.desk_login("k.jansen").await;
    assert_eq!(app.desk_get(&cookie, "/desk/").await.status(), 200);
}

#[actix_web::test]
async fn a_removed_officer_loses_session_and_token_on_the_next_request() {
    let app = spawn_app().await;
    app.add_officer("j.devries", "ap");
    let cookie = app.desk_login("j.devries").await;
    let token = app.api_token("j.devries");
    assert_eq!(app.desk_get(&cookie, "/desk/").await.status(), 200);
    assert_eq!(api_status(&app, &token).await, 200);

    meldpunt(&app, &["officer", "remove", "--name", "j.devries"], None);

    let page = app.desk_get(&cookie, "/desk/").await;
    assert_eq!(page.status(), 303, "back to the login page");
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("/desk/login")
    );
    assert_eq!(api_status(&app, &token).await, 401);
}

#[actix_web::test]
async fn a_token_made_on_the_command_line_works_until_it_is_revoked() {
    let app = spawn_app().await;
    app.add_officer("j.devries", "ap");
    let made = meldpunt(&app, &["officer", "token", "--name", "j.devries"], None);
    let token = last_line(&made);
    let first = String::from_utf8_lossy(&made.stdout).into_owned();
    let id = first.split_whitespace().nth(1).unwrap().to_owned();
    assert_eq!(api_status(&app, &token).await, 200);

    meldpunt(&app, &["officer", "revoke", "--token-id", &id], None);
    assert_eq!(api_status(&app, &token).await, 401);
}

#[actix_web::test]
async fn audit_verify_reads_the_log_the_service_is_writing() {
    let app = spawn_app().await;
    // Added as an operator does, so the log starts with its officer_added entry (verify refuses
    // a log without one for an officer that exists).
    let password = format!("{PASSWORD}\n");
    let add = [
        "officer",
        "add",
        "--desk",
        "ap",
        "--name",
        "j.devries",
        "--password-stdin",
    ];
    meldpunt(&app, &add, Some(&password));
    let cookie = app.desk_login("j.devries").await;
    let verified = meldpunt(&app, &["audit", "verify"], None);
    let said = String::from_utf8_lossy(&verified.stdout).into_owned();
    assert!(
        said.contains("intact: 2 entries"),
        "added, the login: {said}"
    );

    // The next officer action is in the log the next command reads.
    let csrf = app.desk_csrf(&cookie).await;
    let out = app
        .desk_post(&cookie, "/desk/logout", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(out.status(), 303);
    let verified = meldpunt(&app, &["audit", "verify"], None);
    let said = String::from_utf8_lossy(&verified.stdout).into_owned();
    assert!(
        said.contains("intact: 3 entries"),
        "added, login and logout: {said}"
    );
}
