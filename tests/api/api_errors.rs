//! The API's one error shape: `{"error": {"code": "…", "message": "…"}}` for every failure, and
//! one 404 body for an unknown route, a missing report and another desk's report.

use crate::helpers::*;

async fn call(
    token: Option<&str>,
    request: reqwest::RequestBuilder,
) -> (u16, serde_json::Value, String) {
    let request = match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    (status, body, text)
}

fn assert_coded(status: u16, body: &serde_json::Value, expected: u16, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
}

#[actix_web::test]
async fn every_api_error_answers_in_the_coded_shape() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("bert", "om");
    let receipt = app.submit("om", "tip for om", vec![]).await;
    let other = app.report_of(&receipt).to_string();
    let token = app.api_token("anna");
    let c = &app.client;
    let url = |p: &str| app.url(p);

    let (s, b, _) = call(None, c.get(url("/desk/api/v1/reports"))).await;
    assert_coded(s, &b, 401, "unauthorized");

    let (s, b, missing) = call(Some(&token), c.get(url("/desk/api/v1/reports/nope"))).await;
    assert_coded(s, &b, 404, "not_found");
    let (_, _, walled) = call(
        Some(&token),
        c.get(url(&format!("/desk/api/v1/reports/{other}"))),
    )
    .await;
    let (_, _, route) = call(Some(&token), c.get(url("/desk/api/v1/nowhere"))).await;
    assert_eq!(missing, walled);
    assert_eq!(missing, route);

    let (s, b, _) = call(
        Some(&token),
        c.get(url("/desk/api/v1/reports/x/bundle?new=maybe")),
    )
    .await;
    assert_coded(s, &b, 400, "bad_query");
    assert!(!b.to_string().contains("deserialize"), "{b}");

    let (s, b, _) = call(
        Some(&token),
        c.post(url(&format!("/desk/api/v1/reports/{other}/status")))
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert!(b["error"]["code"].is_string(), "{b}");

    let (s, b, _) = call(Some(&token), c.put(url("/desk/api/v1/reports"))).await;
    assert_coded(s, &b, 405, "method_not_allowed");
}
