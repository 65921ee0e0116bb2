//! A reporter's whole path in Chromium with JavaScript switched off, as in Tor Browser at its
//! "Safest" level: home page, routing guide, the recommended desk, a tip with a file, the
//! receipt, coming back with the receipt typed carelessly, a reply, a follow-up message,
//! deleting the read reply, logging out.

use crate::chromedriver::{Chromedriver, Options, browser_installed};
use crate::helpers::*;
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
    let driver = Chromedriver::start().await;
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
            b.goto(SCRIPT_PROBE).await;
            assert_eq!(b.title().await, "scripts-off", "a script ran");
        })
        .await;

    steps
        .run("read the home page", async {
            b.goto(&app.url("/")).await;
            let h1 = b.find("h1").await.text().await;
            assert_eq!(h1, "Meld een datalek, veilig en anoniem");
            let tor = b.find("#tor-title").await.text().await;
            assert_eq!(
                tor, "Gebruik Tor Browser",
                "the Tor advice off the onion address"
            );
            for href in ["/submit", "/guide", "/followup", "/submit?desk=ap"] {
                b.find(&format!("main a[href='{href}']")).await;
            }
            assert!(!b.source().await.contains("<script"), "no script element");
            assert!(b.cookie_names().await.is_empty(), "no cookie before login");
            document(b, "01-home").await;
        })
        .await;

    steps
        .run("answer the routing guide", async {
            b.find("main a[href='/guide']").await.follow().await;
            b.wait_for("#what-breach").await.click().await;
            b.find("#advice-no").await.click().await;
            b.find("form[action='/guide'] button").await.follow().await;
            let advice = b.wait_for("#advice-title").await.text().await;
            assert_eq!(advice, "Ons advies: Autoriteit Persoonsgegevens");
            assert!(b.current_url().await.contains("what=breach"));
            document(b, "02-guide").await;
        })
        .await;

    steps
        .run("follow the recommended desk", async {
            let go = b.find(".result a.button").await;
            assert_eq!(go.text().await, "Melden bij Autoriteit Persoonsgegevens");
            go.follow().await;
            let desk = b.wait_for("select#desk").await;
            assert_eq!(desk.prop("value").await, "ap");
            assert!(b.current_url().await.ends_with("/submit?desk=ap"));
        })
        .await;

    steps
        .run("write the tip and attach a file", async {
            b.find("#message").await.send_keys(tip).await;
            let input = b.find("#attachment").await;
            input.send_keys(&file.display().to_string()).await;
            let chosen = input.prop("value").await;
            assert!(
                chosen.as_str().unwrap().ends_with("verslag.txt"),
                "{chosen}"
            );
            document(b, "03-submit").await;
        })
        .await;

    let receipt = steps
        .run("send the tip and read the receipt", async {
            b.find("form[action='/submit'] button").await.follow().await;
            let receipt = b.wait_for("p#receipt").await.text().await;
            assert_eq!(receipt.len(), 24, "{receipt}");
            assert!(b.cookie_names().await.is_empty(), "still no cookie");
            document(b, "04-receipt").await;
            receipt
        })
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
        })
        .await;

    steps
        .run("open the thread with the receipt in lower case", async {
            b.find("main a[href='/followup']").await.follow().await;
            let field = b.wait_for("input#receipt").await;
            field.send_keys(&receipt.to_lowercase()).await;
            b.find("form[action='/followup'] button")
                .await
                .follow()
                .await;
            let status = b.wait_for("dd.status").await.text().await;
            assert!(status.starts_with("Ontvangen"), "{status}");
            assert!(b.current_url().await.ends_with("/thread"));
            assert_eq!(b.cookie_names().await, ["meldpunt_session"]);
            assert!(b.find_all(".reply").await.is_empty());
        })
        .await;

    let reply = "Dank u. Om welke afdeling gaat het?";
    steps
        .run("a reply from the desk shows up", async {
            write_reply(&app, &receipt, reply);
            b.refresh().await;
            let shown = b.wait_for(".reply .reply-text").await.text().await;
            assert_eq!(shown, reply);
        })
        .await;

    steps
        .run("send a follow-up message", async {
            let before = b.find_all(".sent li").await.len();
            b.find("textarea#message")
                .await
                .send_keys("De afdeling ICT.")
                .await;
            b.find("form[action='/thread/message'] button")
                .await
                .follow()
                .await;
            b.wait_for("dd.status").await;
            assert_eq!(b.find_all(".sent li").await.len(), before + 1);
        })
        .await;

    steps
        .run("delete the read replies", async {
            let delete = b.find("form[action='/thread/delete-replies'] button").await;
            delete.follow().await;
            b.wait_for("dd.status").await;
            assert!(b.find_all(".reply").await.is_empty(), "the reply is gone");
            assert!(
                b.source()
                    .await
                    .contains("Er zijn nog geen berichten van het loket.")
            );
        })
        .await;

    steps
        .run("log out", async {
            b.find("form.logout button").await.follow().await;
            let h1 = b.wait_for("h1").await.text().await;
            assert_eq!(h1, "U bent uitgelogd");
            assert!(
                b.cookie_names().await.is_empty(),
                "the session cookie is gone"
            );
            b.goto(&app.url("/thread")).await;
            assert_eq!(b.find("h1").await.text().await, "Niet ingelogd");
        })
        .await;

    steps.finish();
    driver.close(browser).await;
}

/// A desk's reply, written through the library as the desk's web page would.
pub fn write_reply(app: &TestApp, receipt: &str, text: &str) {
    let report = app.report_of(receipt);
    let record = app.state.store.get(&report).unwrap().unwrap();
    let desk = app.state.desk(&record.desk).unwrap();
    let today = app.state.clock.today();
    meldpunt::desk::reply::write_reply(&app.state.store, desk, &report, text, today).unwrap();
}
