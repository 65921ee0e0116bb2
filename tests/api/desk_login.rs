//! Officer login: one answer for every kind of failure, no code twice, a guard after five.

use crate::desk_helpers::PASSWORD;
use crate::helpers::*;

#[actix_web::test]
async fn unknown_user_wrong_password_and_wrong_code_get_the_same_bytes_after_the_same_work() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let checks = || app.state.officers.password_checks();
    let mut answers = Vec::new();
    let code = app.totp("anna");
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    for (name, password, code) in [
        ("nobody", PASSWORD, code.as_str()),
        ("anna", "wrong password, long enough", code.as_str()),
        ("anna", PASSWORD, wrong_code),
    ] {
        let before = checks();
        let response = app.desk_login_attempt(name, password, code).await;
        assert_eq!(checks(), before + 1, "a password hash ran for {name}");
        assert!(response.headers().get("set-cookie").is_none());
        answers.push((response.status().as_u16(), response.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, 401);
    assert!(answers[0].1.contains("Inloggen is niet gelukt"));
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1], answers[2]);
}

#[actix_web::test]
async fn a_used_code_is_not_accepted_twice() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let code = app.totp("anna");
    assert_eq!(
        status_of(app.desk_login_attempt("anna", PASSWORD, &code).await),
        303
    );
    assert_eq!(
        status_of(app.desk_login_attempt("anna", PASSWORD, &code).await),
        401
    );
}

#[actix_web::test]
async fn five_failures_guard_the_name_and_the_page_says_so_but_the_officer_gets_in() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    for _ in 0..5 {
        let code = app.totp("anna");
        assert_eq!(
            status_of(
                app.desk_login_attempt("anna", "wrong password, long enough", &code)
                    .await
            ),
            401
        );
    }
    let guarded = app
        .desk_login_attempt("anna", "wrong password, long enough", "000000")
        .await;
    assert_eq!(guarded.status(), 429);
    assert!(
        guarded
            .text()
            .await
            .unwrap()
            .contains("Te veel mislukte pogingen")
    );
    // An unknown name is guarded the same way, so a guard reveals nothing.
    for _ in 0..5 {
        app.desk_login_attempt("ghost", PASSWORD, "123456").await;
    }
    assert_eq!(
        status_of(app.desk_login_attempt("ghost", PASSWORD, "123456").await),
        429
    );
    // The right password with the right code is never kept out.
    let code = app.totp("anna");
    assert_eq!(
        status_of(app.desk_login_attempt("anna", PASSWORD, &code).await),
        303
    );
}

#[actix_web::test]
async fn the_desk_session_cookie_is_strict_and_logout_ends_it() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let code = app.totp("anna");
    let response = app.desk_login_attempt("anna", PASSWORD, &code).await;
    let set = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_owned();
    let csrf = app.desk_csrf(&cookie).await;
    let out = app
        .desk_post(&cookie, "/desk/logout", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status(), 303);
    assert_eq!(
        app.desk_get(&cookie, "/desk/reports/0123456789abcdef")
            .await
            .status(),
        401
    );
    let english = app.get("/en/desk/login").await.text().await.unwrap();
    assert!(english.contains("<html lang=\"en\">") && english.contains("Log in for officers"));
}

fn status_of(response: reqwest::Response) -> u16 {
    response.status().as_u16()
}
