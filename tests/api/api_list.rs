//! The API's list: a page at a time by id (`limit`, `after`, a `Link` header to the next page),
//! filtered by status and overdue, this desk's reports only; bad parameters answer 400.

use meldpunt::domain::Clock;

use crate::desk_work::api_get;
use crate::helpers::*;

async fn page(app: &TestApp, token: &str, query: &str) -> (u16, Option<String>, Vec<String>) {
    let response = api_get(app, token, &format!("/reports{query}")).await;
    let status = response.status().as_u16();
    let link = response
        .headers()
        .get("link")
        .map(|v| v.to_str().unwrap().to_owned());
    // An error's body is not a list (and its shape is `api_errors`' concern).
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let ids = body
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| r["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (status, link, ids)
}

#[actix_web::test]
async fn the_list_pages_by_id_and_every_report_comes_exactly_once() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let mut all = Vec::new();
    for n in 0..7 {
        all.push(
            app.report_of(&app.submit("ap", &format!("tip {n}"), vec![]).await)
                .to_string(),
        );
    }
    app.submit("om", "ander loket", vec![]).await;
    all.sort();

    let (status, _, everything) = page(&app, &token, "").await;
    assert_eq!(status, 200);
    assert_eq!(everything, all, "by id, this desk's only");

    let mut seen = Vec::new();
    let mut query = "?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let (status, link, ids) = page(&app, &token, &query).await;
        assert_eq!(status, 200);
        assert!(ids.len() <= 3);
        seen.extend(ids);
        pages += 1;
        let Some(link) = link else { break };
        assert!(link.ends_with("; rel=\"next\""), "{link}");
        let next = link.split('>').next().unwrap().trim_start_matches('<');
        query = next.trim_start_matches("/desk/api/v1/reports").to_owned();
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, all);
}

#[actix_web::test]
async fn the_list_filters_by_status_and_overdue_and_refuses_bad_parameters() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let old = app
        .report_of(&app.submit("ap", "oud", vec![]).await)
        .to_string();
    app.clock.set(app.clock.now_unix() + 8 * 86_400);
    let new = app
        .report_of(&app.submit("ap", "nieuw", vec![]).await)
        .to_string();

    assert_eq!(
        page(&app, &token, "?overdue=true").await.2,
        vec![old.clone()]
    );
    assert_eq!(
        page(&app, &token, "?overdue=false").await.2,
        vec![new.clone()]
    );
    let mut both = vec![old, new];
    both.sort();
    assert_eq!(page(&app, &token, "?status=received").await.2, both);
    assert!(page(&app, &token, "?status=closed").await.2.is_empty());

    for bad in [
        "?limit=0",
        "?limit=501",
        "?status=burnt",
        "?after=zz",
        "?colour=red",
    ] {
        assert_eq!(page(&app, &token, bad).await.0, 400, "{bad}");
        // Without a valid token nothing is said about the parameters.
        assert_eq!(page(&app, "no-such-token", bad).await.0, 401, "{bad}");
    }
}
