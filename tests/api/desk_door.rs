//! Issue 11: the desk has its own door. The desk area and its API answer only on the desk
//! listener (`--desk-listen`); on the reporters' listener every `/desk` path, in any language and
//! with any method, answers 404 as if there were no desk at all — so a flood of officer logins
//! through the public address cannot reach Argon2, and the desk's address can sit behind Tor
//! client authorisation. The desk listener in turn serves no reporter page.

use crate::helpers::*;

#[actix_web::test]
async fn the_reporters_listener_knows_no_desk_and_the_desks_listener_no_reporter_page() {
    let app = spawn_app().await;
    app.add_officer("d.deur", "ap");
    let token = app.api_token("d.deur");
    assert_ne!(app.reporter_address, app.desk_address, "two listeners");

    for path in [
        "/desk",
        "/desk/",
        "/desk/login",
        "/nl/desk/login",
        "/en/desk/",
        "/desk/api/v1/reports",
        "/desk/api/v1/openapi.json",
    ] {
        let public = app
            .client
            .get(format!("{}{path}", app.reporter_address))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            public.status(),
            404,
            "GET {path} on the reporters' listener"
        );
        let body = public.text().await.unwrap();
        assert!(
            !body.to_lowercase().contains("wachtwoord"),
            "{path}: {body}"
        );
    }
    let login = app
        .client
        .post(format!("{}/desk/login", app.reporter_address))
        .form(&[("name", "d.deur"), ("password", "x"), ("code", "000000")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status(),
        404,
        "POST /desk/login on the reporters' listener"
    );

    let desk = |path: &str| format!("{}{path}", app.desk_address);
    let page = app.client.get(desk("/desk/login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let list = app
        .client
        .get(desk("/desk/api/v1/reports"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    for path in ["/", "/submit", "/followup", "/nl/"] {
        let reporter_page = app.client.get(desk(path)).send().await.unwrap();
        assert_eq!(
            reporter_page.status(),
            404,
            "GET {path} on the desk listener"
        );
    }
    for address in [&app.reporter_address, &app.desk_address] {
        let css = app
            .client
            .get(format!("{address}/static/style.css"))
            .send()
            .await
            .unwrap();
        assert_eq!(css.status(), 200, "the stylesheet on {address}");
    }
    let home = app
        .client
        .get(format!("{}/", app.reporter_address))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200);
}
