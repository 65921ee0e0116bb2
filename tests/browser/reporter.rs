//! A reporter's whole path in Chromium with JavaScript switched off, as in Tor Browser at its
//! "Safest" level: home page, routing guide, the recommended desk, a tip with a file, the
//! receipt (a reload and a second send of the form file nothing), coming back with the receipt
//! typed carelessly, a reply, a follow-up message, deleting the read reply, logging out.

use fantoccini::Locator::Css;

use crate::chromedriver::{Chromedriver, Options, browser_installed};
use crate::helpers::*;
use crate::page::{click_and_load, cookie_names, wait_for};
use crate::steps::{Steps, document};

const TEST: &str = "reporter_without_javascript";

/// A page that changes its own title when (and only when) scripts run. A `data:` page, because
/// the service's own pages forbid every script by their Content-Security-Policy, so they could
/// not tell "JavaScript off" from "script blocked".
const SCRIPT_PROBE: &str =
    "data:text/html,<title>scripts-off</title><script>document.title='scripts-on'</script>";

#[actix_web::test]
async fn a_reporter_does_everything_with_javascript_off() {
    if !browser_installed(TEST) {
        return;
    }
    let app = spawn_app().await;
    let mut driver = Chromedriver::start().await;
    let options = Options {
        javascript: false,
        width: 1024,
        height: 900,
    };
    let browser = driver.session(&options).await;
    let mut steps = Steps::new(TEST, &browser);
    let b = &browser;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("verslag.txt");
    let file_bytes = b"Exportlijst patienten, gevonden op de gedeelde schijf.\n".to_vec();
    std::fs::write(&file, &file_bytes).unwrap();
    let tip = "De leverancier kopieert patientdossiers naar een USB-stick.";

    steps
        .run("javascript is off", async {
            b.goto(SCRIPT_PROBE).await?;
            assert_eq!(b.title().await?, "scripts-off", "a script ran");
            Ok(())
        })
        .await;

    steps
        .run("read the home page", async {
            b.goto(&app.url("/")).await?;
            let h1 = b.find(Css("h1")).await?.text().await?;
            assert_eq!(h1, "Meld een datalek, veilig en anoniem");
            let tor = b.find(Css("#tor-title")).await?.text().await?;
            assert_eq!(
                tor, "Gebruik Tor Browser",
                "the Tor advice off the onion address"
            );
            for href in ["/submit", "/guide", "/followup", "/submit?desk=ap"] {
                b.find(Css(&format!("main a[href='{href}']"))).await?;
            }
            assert!(!b.source().await?.contains("<script"), "no script element");
            assert!(cookie_names(b).await?.is_empty(), "no cookie before login");
            document(b, "01-home").await
        })
        .await;

    steps
        .run("answer the routing guide", async {
            click_and_load(&b.find(Css("main a[href='/guide']")).await?).await?;
            wait_for(b, "#what-breach").await?.click().await?;
            b.find(Css("#advice-no")).await?.click().await?;
            click_and_load(&b.find(Css("form[action='/guide'] button")).await?).await?;
            let advice = wait_for(b, "#advice-title").await?.text().await?;
            assert_eq!(advice, "Ons advies: Autoriteit Persoonsgegevens");
            assert!(b.current_url().await?.as_str().contains("what=breach"));
            document(b, "02-guide").await
        })
        .await;

    steps
        .run("follow the recommended desk", async {
            let go = b.find(Css(".result a.button")).await?;
            assert_eq!(go.text().await?, "Melden bij Autoriteit Persoonsgegevens");
            click_and_load(&go).await?;
            let desk = wait_for(b, "select#desk").await?;
            assert_eq!(desk.prop("value").await?.as_deref(), Some("ap"));
            assert!(b.current_url().await?.as_str().ends_with("/submit?desk=ap"));
            Ok(())
        })
        .await;

    steps
        .run("write the tip and attach a file", async {
            b.find(Css("#message")).await?.send_keys(tip).await?;
            let input = b.find(Css("#attachment")).await?;
            input.send_keys(&file.display().to_string()).await?;
            let chosen = input.prop("value").await?.unwrap_or_default();
            assert!(chosen.ends_with("verslag.txt"), "{chosen}");
            document(b, "03-submit").await
        })
        .await;

    let receipt = steps
        .run("send the tip and read the receipt", async {
            click_and_load(&b.find(Css("form[action='/submit'] button")).await?).await?;
            let receipt = wait_for(b, "p#receipt").await?.text().await?;
            assert_eq!(receipt.len(), 29, "{receipt}");
            assert!(cookie_names(b).await?.is_empty(), "still no cookie");
            document(b, "04-receipt").await?;
            Ok(receipt)
        })
        .await;

    // issue 9, defect 7: reloading the receipt page filed the tip again, with a second receipt.
    steps
        .run(
            "reload the receipt page: shown once, nothing filed again",
            async {
                let address = b.current_url().await?;
                assert!(address.path().ends_with("/receipt"), "{address}");
                b.refresh().await?;
                let h1 = wait_for(b, "h1").await?.text().await?;
                assert_eq!(h1, "Deze code is al getoond");
                assert!(b.find_all(Css("#receipt")).await?.is_empty());
                assert!(!b.source().await?.contains(&receipt), "the code is gone");
                assert_eq!(reports(&app), 1, "a reload files nothing");
                document(b, "04b-receipt-reloaded").await
            },
        )
        .await;

    steps
        .run(
            "go back and send the same form again: no second report",
            async {
                b.back().await?;
                let send = wait_for(b, "form[action='/submit'] button").await?;
                click_and_load(&send).await?;
                let h1 = wait_for(b, "h1").await?.text().await?;
                let shown = b.find_all(Css("#receipt")).await?;
                assert_eq!(reports(&app), 1, "no second report ({h1})");
                assert!(shown.is_empty(), "no second receipt");
                assert_eq!(h1, "Deze code is al getoond");
                Ok(())
            },
        )
        .await;

    steps
        .run("the desk can open the tip and the file", async {
            let desk = app.desk_identity("ap");
            let opened: Vec<_> = app
                .report_files()
                .iter()
                .filter_map(|f| decrypt(f, &desk))
                .collect();
            assert!(opened.iter().any(|o| o == tip.as_bytes()), "the message");
            assert!(
                opened.contains(&file_bytes),
                "the attachment, byte for byte"
            );
            Ok(())
        })
        .await;

    steps
        .run("open the thread with the receipt in lower case", async {
            b.goto(&app.url("/")).await?;
            click_and_load(&b.find(Css("main a[href='/followup']")).await?).await?;
            let field = wait_for(b, "input#receipt").await?;
            field.send_keys(&receipt.to_lowercase()).await?;
            click_and_load(&b.find(Css("form[action='/followup'] button")).await?).await?;
            let status = wait_for(b, "dd.status").await?.text().await?;
            assert!(status.starts_with("Ontvangen"), "{status}");
            assert!(b.current_url().await?.as_str().ends_with("/thread"));
            assert_eq!(cookie_names(b).await?, ["meldpunt_session"]);
            assert!(b.find_all(Css(".reply")).await?.is_empty());
            Ok(())
        })
        .await;

    let reply = "Dank u. Om welke afdeling gaat het?";
    steps
        .run("a reply from the desk shows up", async {
            write_reply(&app, &receipt, reply);
            b.refresh().await?;
            let shown = wait_for(b, ".reply .reply-text").await?.text().await?;
            assert_eq!(shown, reply);
            Ok(())
        })
        .await;

    steps
        .run("send a follow-up message", async {
            let before = b.find_all(Css(".sent li")).await?.len();
            let message = b.find(Css("textarea#message")).await?;
            message.send_keys("De afdeling ICT.").await?;
            click_and_load(&b.find(Css("form[action='/thread/message'] button")).await?).await?;
            wait_for(b, "dd.status").await?;
            assert_eq!(b.find_all(Css(".sent li")).await?.len(), before + 1);
            Ok(())
        })
        .await;

    steps
        .run("delete the read replies", async {
            let delete = b.find(Css("form[action='/thread/delete-replies'] button"));
            click_and_load(&delete.await?).await?;
            wait_for(b, "dd.status").await?;
            assert!(
                b.find_all(Css(".reply")).await?.is_empty(),
                "the reply is gone"
            );
            let empty = "Er zijn nog geen berichten van het loket.";
            assert!(b.source().await?.contains(empty));
            Ok(())
        })
        .await;

    steps
        .run("log out", async {
            click_and_load(&b.find(Css("form.logout button")).await?).await?;
            let h1 = wait_for(b, "h1").await?.text().await?;
            assert_eq!(h1, "U bent uitgelogd");
            let cookies = cookie_names(b).await?;
            assert!(cookies.is_empty(), "the session cookie is gone");
            b.goto(&app.url("/thread")).await?;
            assert_eq!(b.find(Css("h1")).await?.text().await?, "Niet ingelogd");
            Ok(())
        })
        .await;

    steps.finish();
    driver.close(browser).await.unwrap();
}

/// A desk's reply, written through the library as the desk's web page would.
pub fn write_reply(app: &TestApp, receipt: &str, text: &str) {
    let report = app.report_of(receipt);
    let record = app.state.store.get(&report).unwrap().unwrap();
    let desk = app.state.desk(&record.desk).unwrap();
    let today = app.state.clock.today();
    meldpunt::desk::reply::write_reply(&app.state.store, desk, &report, text, today).unwrap();
}

pub fn reports(app: &TestApp) -> usize {
    app.state.store.all_reports().unwrap().len()
}
