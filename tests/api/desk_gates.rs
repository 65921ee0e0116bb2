//! The gates of the desk: a bearer token is looked up once per API request, and no body is read
//! before the caller is known (a token for the API, a live session for the web area).

use std::time::Duration;

use crate::helpers::*;

/// One officer of desk `ap` with a token, and a report of theirs.
async fn desk_with_report() -> (TestApp, String, String) {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "a tip", vec![]).await;
    let report = app.report_of(&receipt).to_string();
    let token = app.api_token("anna");
    (app, token, report)
}

#[actix_web::test]
async fn every_api_request_looks_its_bearer_token_up_exactly_once() {
    let (app, token, report) = desk_with_report().await;
    let api = |path: &str| app.url(&format!("/desk/api/v1/reports{path}"));
    let sealed = age::encrypt(&app.desk_identity("ap").to_public(), b"sealed").unwrap();
    let requests = [
        ("list", app.client.get(api(""))),
        ("one", app.client.get(api(&format!("/{report}")))),
        ("bundle", app.client.get(api(&format!("/{report}/bundle")))),
        (
            "typed reply",
            app.client
                .post(api(&format!("/{report}/replies")))
                .json(&serde_json::json!({"text": "thank you"})),
        ),
        (
            "bare age file as a sealed reply (refused: issue 9, defect 4)",
            app.client
                .post(api(&format!("/{report}/replies")))
                .header("Content-Type", "application/octet-stream")
                .body(sealed),
        ),
        (
            "status",
            app.client
                .post(api(&format!("/{report}/status")))
                .json(&serde_json::json!({"status": "in_progress"})),
        ),
        (
            "transfer",
            app.client
                .post(api(&format!("/{report}/transfer")))
                .body(b"not a tar".to_vec()),
        ),
    ];
    let expected = [200, 200, 200, 201, 400, 200, 400];
    for ((what, request), status) in requests.into_iter().zip(expected) {
        let before = app.state.officers.token_lookups();
        let response = request
            .header("Authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{what}");
        assert_eq!(
            app.state.officers.token_lookups() - before,
            1,
            "{what}: the token must be looked up once"
        );
    }
}

/// A body whose first bytes arrive and whose end never does.
fn endless_body() -> reqwest::Body {
    use futures_util::StreamExt;
    let first = futures_util::stream::once(async { Ok::<_, std::io::Error>(b"{\"a".to_vec()) });
    reqwest::Body::wrap_stream(first.chain(futures_util::stream::pending()))
}

/// Posts an endless body; the status, or None when no answer came within a few seconds (the
/// server is waiting for the body).
async fn answer_to_endless(request: reqwest::RequestBuilder, content_type: &str) -> Option<u16> {
    let sent = request
        .header("Content-Type", content_type)
        .body(endless_body())
        .send();
    match tokio::time::timeout(Duration::from_secs(5), sent).await {
        Ok(response) => Some(response.unwrap().status().as_u16()),
        Err(_) => None,
    }
}

#[actix_web::test]
async fn a_stranger_is_turned_away_before_any_body_is_read() {
    let (app, _, report) = desk_with_report().await;
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    let multipart = "multipart/form-data; boundary=x";
    let cases = [
        (format!("/desk/api/v1/reports/{report}/replies"), json),
        (
            format!("/desk/api/v1/reports/{report}/replies"),
            "application/octet-stream",
        ),
        (format!("/desk/api/v1/reports/{report}/status"), json),
        (
            format!("/desk/api/v1/reports/{report}/transfer"),
            "application/x-tar",
        ),
        (format!("/desk/reports/{report}/reply"), form),
        (format!("/desk/reports/{report}/status"), form),
        (format!("/desk/reports/{report}/extend"), form),
        (format!("/desk/reports/{report}/reply-sealed"), multipart),
        (format!("/desk/reports/{report}/transfer"), multipart),
        ("/desk/logout".to_owned(), form),
    ];
    for (path, content_type) in cases {
        let request = app
            .client
            .post(app.url(&path))
            .header("Authorization", "Bearer mp_0000")
            .header("Cookie", "meldpunt_desk=0000");
        assert_eq!(
            answer_to_endless(request, content_type).await,
            Some(401),
            "{path} ({content_type})"
        );
    }
}
