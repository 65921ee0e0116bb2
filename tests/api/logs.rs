//! The log of a whole run holds no receipt, no content and no client address.

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
        log.contains("route=/submit"),
        "the root span logs route patterns: {log}"
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
