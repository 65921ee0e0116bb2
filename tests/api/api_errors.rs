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

#[actix_web::test]
async fn the_lists_bad_parameters_and_a_too_large_body_answer_coded() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let receipt = app.submit("ap", "tip", vec![]).await;
    let report = app.report_of(&receipt).to_string();
    let c = &app.client;
    for query in [
        "limit=0",
        "limit=501",
        "status=lost",
        "after=zz",
        "colour=red",
    ] {
        let (s, b, _) = call(
            Some(&token),
            c.get(app.url(&format!("/desk/api/v1/reports?{query}"))),
        )
        .await;
        assert_coded(s, &b, 400, "bad_query");
        assert!(
            !b.to_string().contains(query),
            "the query is not echoed: {b}"
        );
    }
    let (s, b, _) = call(
        Some(&token),
        c.post(app.url(&format!("/desk/api/v1/reports/{report}/status")))
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"status":"closed","reason":"{}"}}"#,
                "x".repeat(200_000)
            )),
    )
    .await;
    assert_coded(s, &b, 413, "too_large");
    let (s, b, _) = call(
        Some(&token),
        c.post(app.url(&format!("/desk/api/v1/reports/{report}/status")))
            .header("content-type", "application/json")
            .body(r#"{"status":"lost"}"#),
    )
    .await;
    assert_coded(s, &b, 400, "unknown_status");
    let record = app
        .state
        .store
        .get(&app.report_of(&receipt))
        .unwrap()
        .unwrap();
    assert_eq!(
        record.status,
        meldpunt::store::Status::Received,
        "nothing changed"
    );
}

async fn extend(
    app: &TestApp,
    token: &str,
    report: &str,
    body: &str,
) -> (u16, serde_json::Value, String) {
    call(
        Some(token),
        app.client
            .post(app.url(&format!("/desk/api/v1/reports/{report}/extension")))
            .header("content-type", "application/json")
            .body(body.to_owned()),
    )
    .await
}

#[actix_web::test]
async fn the_extension_endpoint_lengthens_the_feedback_term_with_a_reason_and_audits_it() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("bert", "om");
    let token = app.api_token("anna");
    let receipt = app.submit("ap", "tip", vec![]).await;
    let id = app.report_of(&receipt);
    let report = id.to_string();
    let foreign = app
        .report_of(&app.submit("om", "other tip", vec![]).await)
        .to_string();

    for (body, code) in [
        (
            r#"{"feedback_days": 60, "reason": "more time"}"#,
            "extension_days",
        ),
        (
            r#"{"feedback_days": 181, "reason": "more time"}"#,
            "extension_days",
        ),
        (
            r#"{"feedback_days": 150, "reason": "  "}"#,
            "extension_reason",
        ),
        (r#"{"feedback_days": 150}"#, "bad_json"),
        (
            r#"{"feedback_days": 150, "reason": "x", "extra": 1}"#,
            "bad_json",
        ),
    ] {
        let (s, b, _) = extend(&app, &token, &report, body).await;
        assert_coded(s, &b, 400, code);
    }
    let unchanged = app.state.store.get(&id).unwrap().unwrap();
    assert!(
        unchanged.extension.is_none(),
        "a refused extension changes nothing"
    );

    let (_, _, walled) = extend(
        &app,
        &token,
        &foreign,
        r#"{"feedback_days": 150, "reason": "x"}"#,
    )
    .await;
    let (_, _, missing) = extend(
        &app,
        &token,
        "0123abcd",
        r#"{"feedback_days": 150, "reason": "x"}"#,
    )
    .await;
    assert_eq!(
        walled, missing,
        "another desk's report is as absent as a missing one"
    );

    let received = unchanged.received;
    let (s, b, _) = extend(
        &app,
        &token,
        &report,
        r#"{"feedback_days": 150, "reason": "Wij wachten op stukken."}"#,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["id"], report.as_str(), "{b}");
    let expected = meldpunt::domain::Day(received.0 + 150).to_string();
    assert_eq!(b["feedback_by"], expected.as_str(), "{b}");
    let record = app.state.store.get(&id).unwrap().unwrap();
    let extension = record.extension.unwrap();
    assert_eq!(extension.feedback_days, 150);
    assert_eq!(extension.reason, "Wij wachten op stukken.");
    let audited = app.state.audit.entries().unwrap();
    assert!(
        audited
            .iter()
            .any(|e| e.action == meldpunt::audit::Action::Extension
                && e.report.as_deref() == Some(report.as_str())
                && e.officer == "anna"),
        "audited"
    );
}
