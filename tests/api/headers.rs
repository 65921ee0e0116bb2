//! Security headers on every route, no cookie before a receipt, nothing loaded from elsewhere.

use crate::helpers::*;

const GET_ROUTES: [&str; 10] = [
    "/",
    "/en/",
    "/guide",
    "/en/guide?what=crime&advice=no",
    "/submit",
    "/submit?desk=om",
    "/followup",
    "/en/followup",
    "/static/style.css",
    "/no-such-page",
];

#[actix_web::test]
async fn every_route_carries_the_security_headers_and_no_server_header() {
    let app = spawn_app().await;
    let mut responses = Vec::new();
    for path in GET_ROUTES {
        responses.push((path.to_owned(), app.get(path).await));
    }
    let receipt = app.submit("ap", "tip", vec![]).await;
    responses.push(("POST /followup".into(), app.followup(&receipt).await));
    responses.push(("GET /thread (no session)".into(), app.get("/thread").await));
    for (what, response) in responses {
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{what}"
        );
        assert!(
            !csp.contains("script-src"),
            "no script is ever needed: {what}"
        );
        assert_eq!(h["referrer-policy"], "no-referrer", "{what}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert!(h.get("server").is_none(), "{what}");
        if !what.starts_with("/static") {
            assert_eq!(h["cache-control"], "no-store", "{what}");
        }
    }
}

#[actix_web::test]
async fn no_cookie_is_set_before_a_receipt_is_entered() {
    let app = spawn_app().await;
    for path in GET_ROUTES {
        assert!(
            app.get(path).await.headers().get("set-cookie").is_none(),
            "{path}"
        );
    }
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "tip");
    let response = app.post_multipart("/submit", form).await;
    assert!(response.headers().get("set-cookie").is_none());
}

#[actix_web::test]
async fn pages_name_their_language_and_link_the_other() {
    let app = spawn_app().await;
    let nl = app.get("/submit").await.text().await.unwrap();
    assert!(nl.contains("<html lang=\"nl\">") && nl.contains("href=\"/en/submit\""));
    let en = app.get("/submit?lang=en").await.text().await.unwrap();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Make a report"));
    let en404 = app.get("/en/nothing-here").await;
    assert_eq!(en404.status(), 404);
    assert!(
        en404
            .text()
            .await
            .unwrap()
            .contains("This page does not exist")
    );
}

#[actix_web::test]
async fn the_home_page_advises_tor_browser_except_over_the_onion() {
    let app = spawn_app_with(|s| s.onion_address = Some("meldpuntexample.onion".into())).await;
    let clearnet = app.get("/").await;
    assert_eq!(
        clearnet.headers()["onion-location"],
        "http://meldpuntexample.onion/"
    );
    assert!(clearnet.text().await.unwrap().contains("Tor Browser"));
    let onion = app
        .client
        .get(app.url("/"))
        .header("Host", "meldpuntexample.onion")
        .send()
        .await
        .unwrap();
    assert!(onion.headers().get("onion-location").is_none());
    assert!(!onion.text().await.unwrap().contains("Gebruik Tor Browser"));
}

#[test]
fn no_template_or_stylesheet_loads_anything_from_elsewhere() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["templates", "static"] {
        for file in files_under(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for bad in [
                "http://",
                "https://",
                "src=\"//",
                "href=\"//",
                "url(",
                "@import",
                "<script",
            ] {
                assert!(!text.contains(bad), "{file:?} contains {bad}");
            }
        }
    }
}
