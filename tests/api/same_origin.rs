//! Issue 11, point 9: cross-site posts were accepted — a hostile page could post `/followup`
//! (swapping a reporter's session for the attacker's thread), `/desk/login`, or plant tips via
//! `/submit`. Now a post the browser marks as coming from elsewhere gets 403, in the visitor's
//! language, and changes nothing; a post with neither header (Tor Browser, curl) still works.

use crate::desk_helpers::PASSWORD;
use crate::helpers::*;

/// The host the test server is asked for, as the browser would put it in `Origin`.
fn own_origin(app: &TestApp, path: &str) -> String {
    let url = reqwest::Url::parse(&app.url(path)).unwrap();
    format!("http://{}:{}", url.host_str().unwrap(), url.port().unwrap())
}

async fn post_tip(app: &TestApp, header: Option<(&str, String)>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "een tip van elders");
    let mut request = app.client.post(app.url("/submit")).multipart(form);
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

#[actix_web::test]
async fn a_post_from_another_site_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.add_officer("c.site", "ap");
    let receipt = app.submit("ap", "de echte tip", vec![]).await;
    let reports = || app.state.store.all_reports().unwrap().len();
    assert_eq!(reports(), 1);

    for header in [
        ("Origin", "http://evil.example".to_owned()),
        ("Sec-Fetch-Site", "cross-site".to_owned()),
        ("Sec-Fetch-Site", "same-site".to_owned()),
    ] {
        let planted = post_tip(&app, Some(header.clone())).await;
        assert_eq!(planted.status(), 403, "{header:?}");
        let page = planted.text().await.unwrap();
        assert!(page.contains("andere website"), "told in Dutch: {page}");
        assert_eq!(reports(), 1, "{header:?}: no tip was planted");
    }

    let swapped = app
        .client
        .post(app.url("/followup"))
        .header("Origin", "http://evil.example")
        .form(&[("receipt", receipt.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(swapped.status(), 403);
    assert!(
        crate::common::page::session_cookie(&swapped).is_none(),
        "no session was handed out"
    );

    let code = app.totp("c.site");
    let guessed = app
        .client
        .post(app.url("/en/desk/login"))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("name", "c.site"), ("password", PASSWORD), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(guessed.status(), 403);
    assert!(guessed.text().await.unwrap().contains("another website"));
    assert!(
        app.state
            .audit
            .entries()
            .unwrap()
            .iter()
            .all(|e| e.action != meldpunt::audit::Action::Login),
        "no login happened"
    );

    // The same posts from the site itself, or with no header at all, go through.
    let own = own_origin(&app, "/submit");
    for header in [
        None,
        Some(("Origin", own.clone())),
        Some(("Sec-Fetch-Site", "same-origin".to_owned())),
    ] {
        let sent = post_tip(&app, header.clone()).await;
        assert!(
            sent.status().is_redirection() || sent.status().is_success(),
            "{header:?}: {}",
            sent.status()
        );
    }
    assert_eq!(reports(), 4);
    assert!(
        !app.login(&receipt).await.is_empty(),
        "the real reporter still gets in"
    );
}
