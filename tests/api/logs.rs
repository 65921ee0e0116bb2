//! The log of a whole run holds no receipt, no content and no client address, and no line about
//! any one reporter request.

use crate::helpers::*;

#[actix_web::test]
async fn the_log_of_a_whole_run_holds_no_receipt_content_or_address() {
    let app = spawn_app().await;
    let secret_text = "LOGCHECK-geheime-tekst-8841";
    let receipt = app
        .submit(
            "ap",
            secret_text,
            vec![("LOGCHECK-bestand.txt", b"LOGCHECK-inhoud".to_vec())],
        )
        .await;
    let cookie = app.login(&receipt).await;
    let _ = app.thread(&cookie).await;
    let _ = app.followup("WRONG-CODE-LOGCHECK").await;
    let _ = app.get("/guide?what=crime&advice=LOGCHECKQUERY").await;
    let _ = app.get("/missing-LOGCHECK-path").await;
    let _ = app
        .client
        .get(app.url("/"))
        .header("User-Agent", "LOGCHECK-agent")
        .header("Referer", "http://LOGCHECK-referrer.example/")
        .send()
        .await;

    // Officer secrets must not reach the log either: a password, a code, a bearer token.
    let _ = app
        .desk_login_attempt("LOGCHECK-officer", "LOGCHECK-password-long", "123456")
        .await;
    let _ = app
        .client
        .get(app.url("/desk/api/v1/reports"))
        .header("Authorization", "Bearer LOGCHECK-token")
        .send()
        .await;
    let log = captured_log();
    assert!(
        log.contains("route=/desk/api/v1/reports"),
        "desk requests are logged with their route pattern: {log}"
    );
    let canonical = receipt.replace('-', "");
    let cookie_value = cookie.split('=').nth(1).unwrap();
    for needle in [
        receipt.as_str(),
        canonical.as_str(),
        cookie_value,
        "LOGCHECK",
        CLIENT_ADDRESS,
        "User-Agent",
        "user_agent",
        "peer_addr",
    ] {
        assert!(!log.contains(needle), "the log contains {needle:?}");
    }
}

/// Issue 10, point 5: a failed reporter request was logged with its route and status, so
/// journald dated the attempt to the second. Now reporter requests are counted, never logged.
#[actix_web::test]
async fn reporter_requests_leave_no_line_in_the_log_whatever_their_status() {
    let app = spawn_app().await;
    let before = meldpunt::web::trace::REPORTER_TALLY.peek();
    let receipt = app.submit("ap", "a tip that is never logged", vec![]).await;
    let _ = app.thread(&app.login(&receipt).await).await;
    let _ = app.followup("WRONG-CODE").await; // refused
    let _ = app.get("/no-such-page").await; // 404
    let empty = reqwest::multipart::Form::new().text("desk", "ap");
    let _ = app.submit_form(empty).await; // 400: nothing to send
    let _ = app.get("/en/desk/login").await; // a desk page: this one is logged
    let after = meldpunt::web::trace::REPORTER_TALLY.peek();
    assert!(
        after.answered >= before.answered + 3,
        "{before:?} -> {after:?}"
    );
    assert!(
        after.refused >= before.refused + 3,
        "{before:?} -> {after:?}"
    );

    let log = captured_log();
    assert!(
        log.contains("route=/en/desk/login"),
        "desk lines are there: {log}"
    );
    // The capture holds every test of this binary: no reporter route of any of them is in it.
    // (The desk's listener logs its own 404s and the stylesheet: those lines are the desk's.)
    let reporter_lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("request{"))
        .filter(|l| {
            let route = l.split("route=").nth(1).unwrap_or("");
            !(meldpunt::web::trace::is_desk(route.split(' ').next().unwrap_or(""))
                || route.starts_with("(unmatched)")
                || route.starts_with("/static/"))
        })
        .collect();
    assert!(reporter_lines.is_empty(), "{reporter_lines:#?}");
    for route in [
        "route=/submit",
        "route=/followup",
        "route=/thread",
        "route=/receipt",
    ] {
        assert!(!log.contains(route), "the log names {route}");
    }
}
