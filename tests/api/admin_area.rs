//! Issue 12, part 4: the admin role and the officer's own account in the browser. Every admin
//! action through the real pages, with its audit entry; a non-admin meets 404 everywhere; an
//! officer an admin added or reset reaches only their account until they set their own
//! password and authenticator; tokens expire by the test clock; no form works without CSRF.

use meldpunt::audit::{Action, Entry};
use meldpunt::domain::{Clock, DeskId};
use secrecy::SecretString;

use crate::desk_helpers::PASSWORD;
use crate::desk_work::api_get;
use crate::helpers::*;

const NEW_PASSWORD: &str = "a long new passphrase of mine";

impl TestApp {
    fn add_admin(&self, name: &str, desk: &str) {
        self.add_officer(name, desk);
        self.state.officers.set_admin(name, true).unwrap();
    }

    fn entries(&self) -> Vec<Entry> {
        self.state.audit.entries().unwrap()
    }

    fn last_entry(&self, action: Action) -> Entry {
        self.entries()
            .into_iter()
            .rev()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("no {action:?} entry"))
    }
}

/// The text of an element by id, trimmed.
fn text_of(html: &str, id: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("#{id}")).unwrap();
    doc.select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no #{id} in {html}"))
        .text()
        .collect::<String>()
        .trim()
        .to_owned()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("meldpunt_desk="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap()
}

/// A code of the authenticator whose base32 key the enrolment page showed, at `unix`.
fn code_for(secret: &str, unix: u64) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret)
        .unwrap()
        .as_bytes()
        .to_vec();
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(bytes)
        .build()
        .unwrap()
        .generate(unix)
        .to_string()
}

async fn csrf_of(app: &TestApp, cookie: &str, path: &str) -> String {
    let page = app.desk_get(cookie, path).await.text().await.unwrap();
    hidden(&page, "csrf")
}

#[actix_web::test]
async fn an_officer_who_is_not_an_admin_meets_404_on_every_admin_page_and_form() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("bert", "ap");
    let cookie = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&cookie).await;
    for path in ["/desk/admin", "/desk/admin/audit", "/en/desk/admin"] {
        assert_eq!(app.desk_get(&cookie, path).await.status(), 404, "{path}");
    }
    let before = app.entries().len();
    for path in [
        "/desk/admin/officers/bert/remove",
        "/desk/admin/officers/bert/reset-password",
        "/desk/admin/officers/bert/reset-totp",
    ] {
        assert_eq!(app.desk_act(&cookie, &csrf, path, &[]).await, 404, "{path}");
    }
    let add = [("name", "mallory"), ("desk", "ap"), ("admin", "yes")];
    assert_eq!(
        app.desk_act(&cookie, &csrf, "/desk/admin/officers", &add)
            .await,
        404
    );
    assert!(app.state.officers.get("bert").unwrap().is_some());
    assert!(app.state.officers.get("mallory").unwrap().is_none());
    assert_eq!(
        app.entries().len(),
        before,
        "nothing was audited: nothing happened"
    );
    let inbox = app.desk_get(&cookie, "/desk/").await.text().await.unwrap();
    assert!(
        !inbox.contains("/desk/admin"),
        "no admin link for a non-admin"
    );
}

#[actix_web::test]
async fn an_admin_adds_an_officer_who_sets_their_own_password_and_authenticator_at_first_login() {
    let app = spawn_app().await;
    app.add_admin("root", "ap");
    let admin = app.desk_login("root").await;
    let csrf = app.desk_csrf(&admin).await;
    let inbox = app.desk_get(&admin, "/desk/").await.text().await.unwrap();
    assert!(inbox.contains("/desk/admin"), "the admin sees the link");

    let add = [("name", "olga"), ("desk", "om"), ("csrf", &csrf)];
    let page = app.desk_post(&admin, "/desk/admin/officers", &add).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let temporary = text_of(&page, "temporary-password");
    assert_eq!(temporary.len(), 19, "{temporary}");
    let added = app.last_entry(Action::OfficerAdded);
    assert_eq!(added.officer, "root");
    assert_eq!(added.detail.as_deref(), Some("olga at desk om"));
    let olga = app.state.officers.get("olga").unwrap().unwrap();
    assert_eq!(olga.desk.as_str(), "om");
    assert!(!olga.admin && olga.pending.password && olga.pending.totp);

    // The first login: the temporary password and no code (there is no authenticator yet).
    let login = app.desk_login_attempt("olga", &temporary, "").await;
    assert_eq!(login.status(), 303);
    let cookie = session_cookie(&login);
    // Everything but the account sends her there.
    for path in ["/desk/", "/desk/reports/R-nothing"] {
        let response = app.desk_get(&cookie, path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(location(&response), "/desk/account", "{path}");
    }
    let account = app.desk_get(&cookie, "/desk/account").await;
    assert_eq!(account.status(), 200);
    let account = account.text().await.unwrap();
    assert!(account.contains("<svg role=\"img\""), "a QR code to scan");
    assert!(
        !account.contains("name=\"current\""),
        "no current password asked after a temporary one"
    );
    let secret = text_of(&account, "enrol-secret");
    let csrf = hidden(&account, "csrf");
    // A token of hers is refused while she has not set up.
    let token = app.api_token("olga");
    assert_eq!(api_get(&app, &token, "/reports").await.status(), 401);

    let set = [
        ("new", NEW_PASSWORD),
        ("repeat", NEW_PASSWORD),
        ("csrf", &csrf),
    ];
    let response = app.desk_post(&cookie, "/desk/account/password", &set).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/desk/account?done=password");
    let code = code_for(&secret, app.clock.now_unix());
    let enrol = [
        ("secret", secret.as_str()),
        ("code", &code),
        ("csrf", &csrf),
    ];
    let response = app
        .desk_post(&cookie, "/desk/account/totp/confirm", &enrol)
        .await;
    assert_eq!(response.status(), 303);
    let olga = app.state.officers.get("olga").unwrap().unwrap();
    assert!(!olga.pending.any(), "{olga:?}");
    assert_eq!(app.desk_get(&cookie, "/desk/").await.status(), 200);
    assert_eq!(api_get(&app, &token, "/reports").await.status(), 200);
    assert_eq!(app.last_entry(Action::PasswordChanged).officer, "olga");
    assert_eq!(app.last_entry(Action::TotpEnrolled).officer, "olga");

    // From now on: her own password and a code from her own app.
    app.clock.set(app.clock.now_unix() + 60);
    let code = code_for(&secret, app.clock.now_unix());
    let login = app.desk_login_attempt("olga", NEW_PASSWORD, &code).await;
    assert_eq!(location(&login), "/desk/");
    app.clock.set(app.clock.now_unix() + 60);
    let code = code_for(&secret, app.clock.now_unix());
    let login = app.desk_login_attempt("olga", &temporary, &code).await;
    assert_eq!(login.status(), 401, "the temporary password is gone");
    let login = app.desk_login_attempt("olga", NEW_PASSWORD, "").await;
    assert_eq!(login.status(), 401, "a code is needed again");
}

#[actix_web::test]
async fn a_password_reset_gives_a_temporary_password_and_logs_the_officer_out() {
    let app = spawn_app().await;
    app.add_admin("root", "ap");
    app.add_officer("bert", "hvk");
    let admin = app.desk_login("root").await;
    let bert = app.desk_login("bert").await;
    let csrf = app.desk_csrf(&admin).await;
    let page = app
        .desk_post(
            &admin,
            "/desk/admin/officers/bert/reset-password",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(page.status(), 200);
    let temporary = text_of(&page.text().await.unwrap(), "temporary-password");
    let entry = app.last_entry(Action::PasswordReset);
    assert_eq!(
        (entry.officer.as_str(), entry.detail.as_deref()),
        ("root", Some("bert"))
    );
    assert_eq!(
        app.desk_get(&bert, "/desk/").await.status(),
        303,
        "logged out"
    );
    let code = app.totp("bert");
    assert_eq!(
        app.desk_login_attempt("bert", PASSWORD, &code)
            .await
            .status(),
        401
    );
    let code = app.totp("bert");
    let login = app.desk_login_attempt("bert", &temporary, &code).await;
    assert_eq!(login.status(), 303);
    let cookie = session_cookie(&login);
    let response = app.desk_get(&cookie, "/desk/").await;
    assert_eq!(location(&response), "/desk/account");
    let account = app
        .desk_get(&cookie, "/desk/account")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !account.contains("enrol-secret"),
        "his authenticator was kept"
    );
}

#[actix_web::test]
async fn an_authenticator_reset_lets_only_the_password_open_the_enrolment() {
    let app = spawn_app().await;
    app.add_admin("root", "ap");
    app.add_officer("bert", "ap");
    let admin = app.desk_login("root").await;
    let csrf = app.desk_csrf(&admin).await;
    let path = "/desk/admin/officers/bert/reset-totp";
    let response = app.desk_post(&admin, path, &[("csrf", &csrf)]).await;
    assert_eq!(location(&response), "/desk/admin?done=totp_reset");
    let entry = app.last_entry(Action::TotpReset);
    assert_eq!(
        (entry.officer.as_str(), entry.detail.as_deref()),
        ("root", Some("bert"))
    );
    let page = app.desk_get(&admin, "/desk/admin?done=totp_reset").await;
    assert!(page.text().await.unwrap().contains("class=\"done\""));
    assert_eq!(
        app.desk_login_attempt("bert", "wrong password!!", "")
            .await
            .status(),
        401
    );
    let login = app.desk_login_attempt("bert", PASSWORD, "").await;
    assert_eq!(login.status(), 303);
    let cookie = session_cookie(&login);
    assert_eq!(
        location(&app.desk_get(&cookie, "/desk/").await),
        "/desk/account"
    );
    let account = app
        .desk_get(&cookie, "/desk/account")
        .await
        .text()
        .await
        .unwrap();
    assert!(account.contains("enrol-secret"));
}

#[actix_web::test]
async fn an_admin_removes_an_officer_of_another_desk_but_never_themselves() {
    let app = spawn_app().await;
    app.add_admin("root", "ap");
    app.add_officer("otto", "om");
    let receipt = app.submit("om", "Een tip voor het OM.", vec![]).await;
    let report = app.report_of(&receipt);
    let admin = app.desk_login("root").await;
    let csrf = app.desk_csrf(&admin).await;
    let own = app
        .desk_act(&admin, &csrf, "/desk/admin/officers/root/remove", &[])
        .await;
    assert_eq!(own, 400);
    assert!(app.state.officers.get("root").unwrap().is_some());
    let otto = app
        .desk_act(&admin, &csrf, "/desk/admin/officers/otto/remove", &[])
        .await;
    assert_eq!(otto, 303);
    assert!(app.state.officers.get("otto").unwrap().is_none());
    let entry = app.last_entry(Action::OfficerRemoved);
    assert_eq!(
        (entry.officer.as_str(), entry.detail.as_deref()),
        ("root", Some("otto"))
    );
    assert!(
        app.state.store.get(&report).unwrap().is_some(),
        "the report stays"
    );
    // The admin's role opens officers, never another desk's reports.
    let other = app
        .desk_get(&admin, &format!("/desk/reports/{report}"))
        .await;
    assert_eq!(other.status(), 404);
    let gone = app
        .desk_act(&admin, &csrf, "/desk/admin/officers/otto/remove", &[])
        .await;
    assert_eq!(gone, 404);
}

#[actix_web::test]
async fn an_admin_revokes_a_token_and_ends_a_session_and_both_are_audited() {
    let app = spawn_app().await;
    app.add_admin("root", "ap");
    app.add_officer("bert", "ap");
    let token = app.api_token("bert");
    let bert = app.desk_login("bert").await;
    let admin = app.desk_login("root").await;
    let page = app
        .desk_get(&admin, "/desk/admin")
        .await
        .text()
        .await
        .unwrap();
    let csrf = hidden(&page, "csrf");
    let doc = scraper::Html::parse_document(&page);
    let forms = scraper::Selector::parse("table.sessions form").unwrap();
    let mut ends: Vec<String> = doc
        .select(&forms)
        .map(|f| f.value().attr("action").unwrap().to_owned())
        .collect();
    assert_eq!(ends.len(), 2, "both sessions are listed: {page}");
    let tokens = app.state.officers.tokens_of("bert").unwrap();
    let id = &tokens[0].id;
    assert!(page.contains(&format!("/desk/admin/tokens/{id}/revoke")));

    let revoke = format!("/desk/admin/tokens/{id}/revoke");
    assert_eq!(app.desk_act(&admin, &csrf, &revoke, &[]).await, 303);
    assert_eq!(api_get(&app, &token, "/reports").await.status(), 401);
    let entry = app.last_entry(Action::TokenRevoked);
    assert_eq!(entry.detail, Some(format!("token {id}")));

    // End bert's session: the row whose name cell says bert.
    let rows = scraper::Selector::parse("table.sessions tbody tr").unwrap();
    let th = scraper::Selector::parse("th").unwrap();
    let form = scraper::Selector::parse("form").unwrap();
    let bert_row = doc
        .select(&rows)
        .find(|r| r.select(&th).next().unwrap().text().collect::<String>() == "bert")
        .unwrap();
    let end = bert_row
        .select(&form)
        .next()
        .unwrap()
        .value()
        .attr("action")
        .unwrap();
    ends.retain(|e| e != end);
    assert_eq!(app.desk_act(&admin, &csrf, end, &[]).await, 303);
    assert_eq!(
        app.desk_get(&bert, "/desk/").await.status(),
        303,
        "bert is out"
    );
    assert_eq!(
        app.desk_get(&admin, "/desk/").await.status(),
        200,
        "root is not"
    );
    let entry = app.last_entry(Action::SessionEnded);
    assert_eq!(
        (entry.officer.as_str(), entry.detail.as_deref()),
        ("root", Some("bert"))
    );
    assert_eq!(
        app.desk_act(&admin, &csrf, end, &[]).await,
        404,
        "ended already"
    );
}

#[actix_web::test]
async fn no_admin_form_works_without_its_csrf_token() {
    let app = spawn_app().await;
    app.add_admin("root", "ap");
    app.add_officer("bert", "ap");
    let admin = app.desk_login("root").await;
    let before = app.entries().len();
    for path in [
        "/desk/admin/officers/bert/remove",
        "/desk/admin/officers/bert/reset-password",
        "/desk/admin/officers/bert/reset-totp",
        "/desk/admin/officers",
        "/desk/account/password",
        "/desk/account/tokens",
    ] {
        let form = [("name", "eve"), ("desk", "ap"), ("csrf", "not the token")];
        let status = app.desk_post(&admin, path, &form).await.status();
        assert_eq!(status, 400, "{path}");
    }
    let bert = app.state.officers.get("bert").unwrap().unwrap();
    assert!(!bert.pending.any());
    assert!(app.state.officers.get("eve").unwrap().is_none());
    assert_eq!(app.entries().len(), before);
}

#[actix_web::test]
async fn the_audit_view_filters_by_report_and_by_officer() {
    let app = spawn_app().await;
    app.add_admin("root", "ap");
    app.add_officer("anna", "ap");
    let first = app.report_of(&app.submit("ap", "Eerste tip.", vec![]).await);
    let second = app.report_of(&app.submit("ap", "Tweede tip.", vec![]).await);
    let anna = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&anna).await;
    for report in [&first, &second] {
        let path = format!("/desk/reports/{report}/status");
        let fields = [("status", "acknowledged"), ("reason", "")];
        assert_eq!(app.desk_act(&anna, &csrf, &path, &fields).await, 303);
    }
    let admin = app.desk_login("root").await;
    let rows = |html: &str| {
        let doc = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse("table.audit tbody tr").unwrap();
        doc.select(&sel)
            .map(|r| r.text().collect::<Vec<_>>().join("|"))
            .collect::<Vec<_>>()
    };
    let all = app
        .desk_get(&admin, "/desk/admin/audit")
        .await
        .text()
        .await
        .unwrap();
    assert!(rows(&all).len() >= 4, "{all}");
    let path = format!("/desk/admin/audit?report={first}");
    let page = app.desk_get(&admin, &path).await.text().await.unwrap();
    let found = rows(&page);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("anna") && found[0].contains(&first.to_string()),
        "{found:?}"
    );
    assert!(found[0].contains("status gewijzigd"), "in Dutch: {found:?}");
    let page = app
        .desk_get(&admin, "/en/desk/admin/audit?officer=root")
        .await
        .text()
        .await
        .unwrap();
    let found = rows(&page);
    assert!(
        !found.is_empty() && found.iter().all(|r| r.contains("root")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|r| r.contains("logged in")),
        "in English: {found:?}"
    );
    let page = app
        .desk_get(&admin, "/desk/admin/audit?report=R-none&officer=anna")
        .await
        .text()
        .await
        .unwrap();
    assert!(rows(&page).is_empty());
}

#[actix_web::test]
async fn an_officer_changes_their_own_password_only_with_the_current_one() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let cookie = app.desk_login("anna").await;
    let csrf = csrf_of(&app, &cookie, "/desk/account").await;
    let change = |current: &'static str, new: &'static str, repeat: &'static str| {
        [("current", current), ("new", new), ("repeat", repeat)]
    };
    let path = "/desk/account/password";
    let wrong = change("not my password!", NEW_PASSWORD, NEW_PASSWORD);
    assert_eq!(app.desk_act(&cookie, &csrf, path, &wrong).await, 400);
    let differ = change(PASSWORD, NEW_PASSWORD, "a long other passphrase");
    assert_eq!(app.desk_act(&cookie, &csrf, path, &differ).await, 400);
    let short = change(PASSWORD, "short", "short");
    assert_eq!(app.desk_act(&cookie, &csrf, path, &short).await, 400);
    let code = app.totp("anna");
    assert_eq!(
        app.desk_login_attempt("anna", PASSWORD, &code)
            .await
            .status(),
        303
    );
    assert!(
        !app.entries()
            .iter()
            .any(|e| e.action == Action::PasswordChanged)
    );
    let right = change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
    assert_eq!(app.desk_act(&cookie, &csrf, path, &right).await, 303);
    let page = app.desk_get(&cookie, "/desk/account?done=password").await;
    assert!(page.text().await.unwrap().contains("role=\"status\""));
    let code = app.totp("anna");
    assert_eq!(
        app.desk_login_attempt("anna", NEW_PASSWORD, &code)
            .await
            .status(),
        303
    );
    assert_eq!(app.last_entry(Action::PasswordChanged).officer, "anna");
}

#[actix_web::test]
async fn an_officer_sees_makes_and_revokes_only_their_own_tokens() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    app.add_officer("bert", "ap");
    let berts = app.api_token("bert");
    let bert_id = app.state.officers.tokens_of("bert").unwrap()[0].id.clone();
    let cookie = app.desk_login("anna").await;
    let csrf = csrf_of(&app, &cookie, "/desk/account").await;
    let made = app
        .desk_post(&cookie, "/desk/account/tokens", &[("csrf", &csrf)])
        .await;
    assert_eq!(made.status(), 200);
    let page = made.text().await.unwrap();
    let token = text_of(&page, "new-token");
    assert!(token.starts_with("mp_"));
    assert!(!page.contains(&bert_id), "only her own tokens are listed");
    assert_eq!(api_get(&app, &token, "/reports").await.status(), 200);
    let mine = app.state.officers.tokens_of("anna").unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].expires, app.clock.now_unix() + 90 * 86_400);
    assert_eq!(app.last_entry(Action::TokenCreated).officer, "anna");

    let theirs = format!("/desk/account/tokens/{bert_id}/revoke");
    assert_eq!(app.desk_act(&cookie, &csrf, &theirs, &[]).await, 404);
    assert_eq!(api_get(&app, &berts, "/reports").await.status(), 200);
    let own = format!("/desk/account/tokens/{}/revoke", mine[0].id);
    assert_eq!(app.desk_act(&cookie, &csrf, &own, &[]).await, 303);
    assert_eq!(api_get(&app, &token, "/reports").await.status(), 401);
    assert_eq!(app.last_entry(Action::TokenRevoked).officer, "anna");
}

#[actix_web::test]
async fn an_api_token_expires_after_its_days_by_the_test_clock() {
    let app = spawn_app_with(|settings| settings.officers.token_days = 30).await;
    app.add_officer("anna", "ap");
    let cookie = app.desk_login("anna").await;
    let csrf = csrf_of(&app, &cookie, "/desk/account").await;
    let page = app
        .desk_post(&cookie, "/desk/account/tokens", &[("csrf", &csrf)])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("30"), "the page names the days");
    let token = text_of(&page, "new-token");
    assert_eq!(api_get(&app, &token, "/reports").await.status(), 200);
    app.clock.advance_days(29);
    assert_eq!(api_get(&app, &token, "/reports").await.status(), 200);
    app.clock.advance_days(1);
    assert_eq!(api_get(&app, &token, "/reports").await.status(), 401);
    // Sessions run on real time, so hers is still open: the page lists the token as expired.
    let page = app
        .desk_get(&cookie, "/desk/account")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("verlopen"), "{page}");
}

#[actix_web::test]
async fn an_admin_made_with_the_admin_flag_is_admin_in_the_browser() {
    // `officer add --admin` goes through the same library call as this one.
    let app = spawn_app().await;
    let desk: DeskId = "ap".parse().unwrap();
    let password = SecretString::from(PASSWORD.to_owned());
    app.state
        .officers
        .add_officer(&meldpunt::desk::officers::NewOfficer {
            name: "root",
            desk: &desk,
            password: &password,
            admin: true,
            temporary: false,
        })
        .unwrap();
    let cookie = app.desk_login("root").await;
    assert_eq!(app.desk_get(&cookie, "/desk/admin").await.status(), 200);
}
