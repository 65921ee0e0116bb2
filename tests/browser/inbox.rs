//! Issue 13: a busy desk's inbox in a real Chromium. The filter form narrows the list by label,
//! status and report id through an ordinary GET (the address keeps the filters, the form shows
//! them again), page numbers lead on, and every new state — filtered, nothing found, a second
//! page, a bulk confirmation, a report with a confirmation and a started reply — passes axe, the
//! keyboard check and 320 px.

use fantoccini::Client;
use fantoccini::Locator::Css;
use fantoccini::error::CmdError;

use crate::accessibility::{log_in, submit};
use crate::audit;
use crate::chromedriver::{Chromedriver, Options, browser_installed};
use crate::helpers::*;
use crate::page::wait_for;
use crate::steps::Steps;

const TEST: &str = "inbox";
/// More than one page of 25.
const REPORTS: usize = 30;

/// The report ids of the rows shown.
async fn rows(b: &Client) -> Result<Vec<String>, CmdError> {
    let mut ids = Vec::new();
    for link in b.find_all(Css("table.inbox tbody th a")).await? {
        ids.push(link.text().await?);
    }
    Ok(ids)
}

#[actix_web::test]
async fn the_inbox_filters_pages_and_passes_axe_in_every_state() {
    if !browser_installed(TEST) {
        return;
    }
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let mut ids = Vec::new();
    for n in 0..REPORTS {
        let receipt = app.submit("ap", &format!("tip {n}"), vec![]).await;
        ids.push(app.report_of(&receipt).to_string());
    }
    let cookie = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&cookie).await;
    let labelled = &ids[..3];
    for id in labelled {
        let path = format!("/desk/reports/{id}/label");
        assert_eq!(
            app.desk_act(&cookie, &csrf, &path, &[("label", "zorg")])
                .await,
            303
        );
    }
    let closed = &ids[3];
    let path = format!("/desk/reports/{closed}/status");
    let fields = [("status", "closed"), ("reason", "afgehandeld")];
    assert_eq!(app.desk_act(&cookie, &csrf, &path, &fields).await, 303);

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
        .run("log in", async {
            b.goto(&app.url("/desk/login")).await?;
            log_in(b, &app.totp("anna")).await?;
            wait_for(b, "table.inbox").await?;
            assert_eq!(rows(b).await?.len(), 25, "a first page of 25");
            Ok(())
        })
        .await;

    steps
        .run("filter by label with the form", async {
            b.find(Css("#f-label option[value='zorg']"))
                .await?
                .click()
                .await?;
            submit(b, "/desk/").await?;
            wait_for(b, "table.inbox").await?;
            let mut shown = rows(b).await?;
            shown.sort();
            let mut expected = labelled.to_vec();
            expected.sort();
            assert_eq!(shown, expected);
            assert!(b.current_url().await?.as_str().contains("label=zorg"));
            let kept = b.find(Css("#f-label option[value='zorg']")).await?;
            assert!(kept.prop("selected").await?.as_deref() == Some("true"));
            Ok(())
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check(
            "desk inbox, filtered",
            audit::page(b, n, "desk inbox, filtered"),
        )
        .await;

    steps
        .run("filter by status: closed", async {
            b.goto(&app.url("/desk/")).await?;
            b.find(Css("#f-status option[value='closed']"))
                .await?
                .click()
                .await?;
            submit(b, "/desk/").await?;
            wait_for(b, "table.inbox").await?;
            assert_eq!(rows(b).await?, std::slice::from_ref(closed));
            Ok(())
        })
        .await;

    steps
        .run("search by the start of a report id, in capitals", async {
            b.goto(&app.url("/desk/")).await?;
            let prefix = ids[7][..6].to_uppercase();
            b.find(Css("#f-q")).await?.send_keys(&prefix).await?;
            submit(b, "/desk/").await?;
            wait_for(b, "table.inbox").await?;
            assert!(rows(b).await?.contains(&ids[7]));
            Ok(())
        })
        .await;

    steps
        .run("a search that finds nothing", async {
            b.goto(&app.url("/desk/?q=ffffffffffffffff0")).await?;
            wait_for(b, "#f-q").await?;
            assert!(b.find_all(Css("table.inbox")).await?.is_empty());
            Ok(())
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check(
            "desk inbox, nothing found",
            audit::page(b, n, "desk inbox, nothing found"),
        )
        .await;

    steps
        .run("page numbers lead to the second page", async {
            b.goto(&app.url("/desk/")).await?;
            let two = b.find(Css("nav.pages a[href$='page=2']")).await?;
            crate::page::click_and_load(&two).await?;
            wait_for(b, "table.inbox").await?;
            assert_eq!(rows(b).await?.len(), REPORTS - 25);
            let current = b.find(Css("nav.pages a[aria-current=page]")).await?;
            assert_eq!(current.text().await?, "2");
            Ok(())
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check(
            "desk inbox, second page",
            audit::page(b, n, "desk inbox, second page"),
        )
        .await;

    steps
        .run("a bulk confirmation", async {
            b.goto(&app.url("/en/desk/?done=3")).await?;
            wait_for(b, "p.done").await?;
            Ok(())
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check(
            "desk inbox, a confirmation",
            audit::page(b, n, "desk inbox, a confirmation"),
        )
        .await;

    steps
        .run("a report with a confirmation and a started reply", async {
            let page = format!(
                "/desk/reports/{}?done=note&template=acknowledgement",
                ids[0]
            );
            b.goto(&app.url(&page)).await?;
            wait_for(b, "p.done").await?;
            let text = b.find(Css("#reply-text")).await?.prop("value").await?;
            assert!(text.unwrap_or_default().starts_with("Geachte melder"));
            Ok(())
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check(
            "desk report, confirmed, reply started",
            audit::page(b, n, "desk report, confirmed, reply started"),
        )
        .await;

    steps.finish();
    driver.close(browser).await.unwrap();
}
