//! A tip is filed once, whatever the browser does after sending it: the receipt comes from a page
//! of its own after a redirect (post/redirect/get), is shown once, and the same form sent twice
//! files one report.

use secrecy::ExposeSecret;

use crate::helpers::*;

/// The submit form's one-time token, as a browser would send it back.
async fn form_token(app: &TestApp, path: &str) -> String {
    let page = app.get(path).await.text().await.unwrap();
    hidden(&page, "form_token")
}

fn tip(token: &str, message: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("form_token", token.to_owned())
        .text("desk", "om")
        .text("message", message.to_owned())
}

async fn post(app: &TestApp, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn reports(app: &TestApp) -> usize {
    app.state.store.all_reports().unwrap().len()
}

// issue 9, defect 7: reloading the receipt page filed the tip again, with a second receipt.
#[actix_web::test]
async fn the_receipt_page_comes_after_a_redirect_and_a_reload_files_nothing() {
    let app = spawn_app().await;
    let token = form_token(&app, "/en/submit").await;
    let answer = post(&app, "/en/submit", tip(&token, "tip")).await;
    assert_eq!(answer.status(), 303, "the POST stores and redirects");
    assert!(
        answer.headers().get("set-cookie").is_none(),
        "still no cookie"
    );
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/en/receipt"), "{location}");

    let receipt_page = app.get(&location).await;
    assert_eq!(receipt_page.status(), 200);
    assert_eq!(receipt_page.headers()["cache-control"], "no-store");
    let body = receipt_page.text().await.unwrap();
    let code = select_text(&body, "#receipt").expect("the code, once");
    assert_eq!(code.len(), 29);
    assert!(body.contains("Public Prosecution Service"));
    assert!(
        body.contains(" 7 days") && body.contains(" 90 days"),
        "{body}"
    );
    assert!(body.contains("lang=\"en\""));

    // The reload: the same page again.
    let again = app.get(&location).await;
    assert_eq!(again.status(), 200);
    let again = again.text().await.unwrap();
    assert!(select_text(&again, "#receipt").is_none(), "{again}");
    assert!(!again.contains(&code));
    assert!(
        again.contains("shown only once") && again.contains("was stored"),
        "{again}"
    );
    assert_eq!(reports(&app), 1, "a reload files nothing");

    // The code is nowhere but on that one page: not on disk, not in the database, not in the log;
    // nor is the one-time token of its address.
    let raw = code.replace('-', "");
    let token = location.split("t=").nth(1).unwrap();
    assert_eq!(token.len(), 64);
    for needle in [code.as_str(), raw.as_str(), token] {
        assert_eq!(appears_in_plain(app.data.path(), needle.as_bytes()), None);
        assert!(!captured_log().contains(needle));
    }
}

// issue 9, defect 7: the same form posted twice (a double click, or back and send again).
#[actix_web::test]
async fn the_same_form_sent_twice_files_one_report_and_says_it_was_stored() {
    let app = spawn_app().await;
    let token = form_token(&app, "/submit").await;
    let first = app
        .follow(post(&app, "/submit", tip(&token, "tip")).await)
        .await;
    let first = first.text().await.unwrap();
    let code = select_text(&first, "#receipt").expect("the receipt");

    // Back, and send the very same form again.
    let second = post(&app, "/submit", tip(&token, "tip")).await;
    assert_eq!(second.status(), 303);
    let second = app.follow(second).await.text().await.unwrap();
    assert!(select_text(&second, "#receipt").is_none());
    assert!(!second.contains(&code));
    assert!(second.contains("is opgeslagen"), "{second}");
    assert_eq!(reports(&app), 1, "no second report");

    // A double click: both posts in flight at once; one report, and the receipt shown once.
    let token = form_token(&app, "/submit").await;
    let (a, b) = futures_util::join!(
        post(&app, "/submit", tip(&token, "dubbel")),
        post(&app, "/submit", tip(&token, "dubbel")),
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let (a, b) = futures_util::join!(app.follow(a), app.follow(b));
    let pages = [a.text().await.unwrap(), b.text().await.unwrap()];
    let codes: Vec<_> = pages
        .iter()
        .filter_map(|p| select_text(p, "#receipt"))
        .collect();
    assert_eq!(codes.len(), 1, "the receipt is shown once: {pages:?}");
    assert_eq!(reports(&app), 2, "one report for the double click");

    // A fresh form files a fresh report, and a form without a token still works (scripts).
    let fresh = form_token(&app, "/submit").await;
    assert_ne!(fresh, token);
    let third = app
        .submit_form(tip(&fresh, "nog een tip"))
        .await
        .receipt
        .expect("a receipt");
    assert_ne!(third, code);
    app.submit("ap", "zonder token", vec![]).await;
    assert_eq!(reports(&app), 4);
}

// issue 9, defect 7: the form's token is checked before anything is stored, and a receipt
// address says nothing about whether it was ever given out.
#[actix_web::test]
async fn a_token_that_is_not_a_token_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let answer = post(&app, "/submit", tip("not a token; <script>", "tip")).await;
    assert_eq!(answer.status(), 400);
    assert_eq!(reports(&app), 0);
    assert!(app.report_files().is_empty());
    // A receipt address that was never given out says only what any used one says.
    let made_up = meldpunt::web::session::random_token();
    let page = app
        .get(&format!("/receipt?t={}", made_up.expose_secret()))
        .await
        .text()
        .await
        .unwrap();
    assert!(select_text(&page, "#receipt").is_none());
    assert!(page.contains("maar één keer"), "{page}");
}
