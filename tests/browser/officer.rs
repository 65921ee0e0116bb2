//! An officer's working day in an ordinary Chromium (JavaScript on, though the desk needs none):
//! log in with password and TOTP code, open the inbox and the report, acknowledge it, reply,
//! log out.

use fantoccini::Locator::Css;

use crate::chromedriver::{Chromedriver, Options, browser_installed};
use crate::desk_helpers::PASSWORD;
use crate::helpers::*;
use crate::page::{click_and_load, cookie_names, wait_for};
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
    let mut driver = Chromedriver::start().await;
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
            b.goto(&app.url("/desk/login")).await?;
            let h1 = b.find(Css("h1")).await?.text().await?;
            assert_eq!(h1, "Inloggen voor medewerkers");
            Ok(())
        })
        .await;

    steps
        .run("log in with password and code", async {
            b.find(Css("#name")).await?.send_keys("anna").await?;
            b.find(Css("#password")).await?.send_keys(PASSWORD).await?;
            b.find(Css("#code"))
                .await?
                .send_keys(&app.totp("anna"))
                .await?;
            click_and_load(&b.find(Css("form[action='/desk/login'] button")).await?).await?;
            wait_for(b, "table.inbox").await?;
            assert_eq!(cookie_names(b).await?, ["meldpunt_desk"]);
            Ok(())
        })
        .await;

    steps
        .run("the inbox lists the report", async {
            let links = b.find_all(Css("table.inbox tbody a")).await?;
            assert_eq!(links.len(), 1);
            assert_eq!(links[0].text().await?, report);
            let status = b.find(Css("table.inbox tbody td.status"));
            assert_eq!(status.await?.text().await?, "Ontvangen");
            Ok(())
        })
        .await;

    steps
        .run("open the report", async {
            click_and_load(&b.find(Css("table.inbox tbody a")).await?).await?;
            wait_for(b, "select#status").await?;
            assert_eq!(b.find(Css("h1 code")).await?.text().await?, report);
            assert_eq!(b.find(Css("dd.status")).await?.text().await?, "Ontvangen");
            Ok(())
        })
        .await;

    steps
        .run("acknowledge the report", async {
            let status = b.find(Css("select#status")).await?;
            status.select_by_value("acknowledged").await?;
            click_and_load(&b.find(Css("form[action$='/status'] button")).await?).await?;
            assert_eq!(b.find(Css("dd.status")).await?.text().await?, "Bevestigd");
            let history = b.find_all(Css("main > ul li")).await?;
            assert_eq!(history.len(), 1, "one status change in the history");
            Ok(())
        })
        .await;

    let reply = "Dank voor uw melding. Welke leverancier is het?";
    steps
        .run("write a reply", async {
            b.find(Css("#reply-text")).await?.send_keys(reply).await?;
            click_and_load(&b.find(Css("form[action$='/reply'] button")).await?).await?;
            wait_for(b, "select#status").await?;
            let mut shown = Vec::new();
            for kind in b.find_all(Css("table tbody td:first-of-type")).await? {
                shown.push(kind.text().await?);
            }
            assert!(shown.contains(&"antwoord".to_owned()), "{shown:?}");
            Ok(())
        })
        .await;

    steps
        .run("the reporter can read the reply", async {
            let cookie = app.login(&receipt).await;
            let thread = app.thread(&cookie).await;
            assert_eq!(select_all(&thread, ".reply .reply-text"), [reply]);
            Ok(())
        })
        .await;

    steps
        .run("log out", async {
            let log_out = b.find(Css("header form[action='/desk/logout'] button"));
            click_and_load(&log_out.await?).await?;
            wait_for(b, "input#password").await?;
            let cookies = cookie_names(b).await?;
            assert!(cookies.is_empty(), "the desk cookie is gone");
            b.goto(&app.url("/desk/")).await?;
            let inbox = b.find_all(Css("table.inbox")).await?;
            assert!(inbox.is_empty(), "the inbox is closed");
            Ok(())
        })
        .await;

    steps.finish();
    driver.close(browser).await.unwrap();
}
