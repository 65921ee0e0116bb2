//! An officer's working day in an ordinary Chromium (JavaScript on, though the desk needs none):
//! log in with password and TOTP code, open the inbox and the report, acknowledge it, reply,
//! log out.

use crate::chromedriver::{Chromedriver, Options, browser_installed};
use crate::desk_helpers::PASSWORD;
use crate::helpers::*;
use crate::steps::Steps;

const TEST: &str = "officer";

#[actix_web::test]
async fn an_officer_acknowledges_and_answers_a_report() {
    if !browser_installed(TEST) {
        return;
    }
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "Een tip over een datalek.", vec![]).await;
    let report = app.report_of(&receipt).to_string();
    let driver = Chromedriver::start().await;
    let options = Options {
        javascript: true,
        width: 1280,
        height: 900,
    };
    let browser = driver.session(&options).await;
    let mut steps = Steps::new(TEST, &browser);
    let b = &browser;

    steps
        .run("open the login page", async {
            b.goto(&app.url("/desk/login")).await;
            let h1 = b.find("h1").await.text().await;
            assert_eq!(h1, "Inloggen voor medewerkers");
        })
        .await;

    steps
        .run("log in with password and code", async {
            b.find("#name").await.send_keys("anna").await;
            b.find("#password").await.send_keys(PASSWORD).await;
            b.find("#code").await.send_keys(&app.totp("anna")).await;
            b.find("form[action='/desk/login'] button")
                .await
                .follow()
                .await;
            b.wait_for("table.inbox").await;
            assert_eq!(b.cookie_names().await, ["meldpunt_desk"]);
        })
        .await;

    steps
        .run("the inbox lists the report", async {
            let links = b.find_all("table.inbox tbody a").await;
            assert_eq!(links.len(), 1);
            assert_eq!(links[0].text().await, report);
            let status = b
                .find("table.inbox tbody td:nth-of-type(2)")
                .await
                .text()
                .await;
            assert_eq!(status, "Ontvangen");
        })
        .await;

    steps
        .run("open the report", async {
            b.find("table.inbox tbody a").await.follow().await;
            b.wait_for("select#status").await;
            assert_eq!(b.find("h1 code").await.text().await, report);
            assert_eq!(b.find("dd.status").await.text().await, "Ontvangen");
        })
        .await;

    steps
        .run("acknowledge the report", async {
            b.find("#status option[value='acknowledged']")
                .await
                .click()
                .await;
            b.find("form[action$='/status'] button")
                .await
                .follow()
                .await;
            assert_eq!(b.find("dd.status").await.text().await, "Bevestigd");
            let history = b.find_all("main > ul li").await;
            assert_eq!(history.len(), 1, "one status change in the history");
        })
        .await;

    let reply = "Dank voor uw melding. Welke leverancier is het?";
    steps
        .run("write a reply", async {
            b.find("#reply-text").await.send_keys(reply).await;
            b.find("form[action$='/reply'] button").await.follow().await;
            b.wait_for("select#status").await;
            let kinds = b.find_all("table tbody td:first-of-type").await;
            let mut shown = Vec::new();
            for kind in kinds {
                shown.push(kind.text().await);
            }
            assert!(shown.contains(&"antwoord".to_owned()), "{shown:?}");
        })
        .await;

    steps
        .run("the reporter can read the reply", async {
            let cookie = app.login(&receipt).await;
            let thread = app.thread(&cookie).await;
            assert_eq!(select_all(&thread, ".reply .reply-text"), [reply]);
        })
        .await;

    steps
        .run("log out", async {
            b.find("header form[action='/desk/logout'] button")
                .await
                .follow()
                .await;
            b.wait_for("input#password").await;
            assert!(b.cookie_names().await.is_empty(), "the desk cookie is gone");
            b.goto(&app.url("/desk/")).await;
            assert!(
                b.find_all("table.inbox").await.is_empty(),
                "the inbox is closed"
            );
        })
        .await;

    steps.finish();
    driver.close(browser).await;
}
