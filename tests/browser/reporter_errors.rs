//! A reporter's mistakes in Chromium with JavaScript off (issue 13): an empty tip gets the form
//! again with an error summary that links to the field and the chosen desk kept; an empty or
//! oversized follow-up gets the thread again with the typed text kept; a follow-up that was sent
//! is confirmed.

use fantoccini::Locator::Css;

use crate::chromedriver::{Chromedriver, Options, browser_installed};
use crate::helpers::*;
use crate::page::{click_and_load, two_attachments, wait_for};
use crate::reporter::reports;
use crate::steps::Steps;

const TEST: &str = "reporter_errors_without_javascript";

#[actix_web::test]
async fn a_reporters_mistakes_get_the_form_again_with_javascript_off() {
    if !browser_installed(TEST) {
        return;
    }
    // One file at most, so that two make an oversized follow-up.
    let app = spawn_app_with(|s| s.limits.files = 1).await;
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
    let paths = two_attachments(files.path());

    steps
        .run("an empty tip: the form again, the desk kept", async {
            b.goto(&app.url("/submit?desk=om")).await?;
            click_and_load(&b.find(Css("form[action='/submit'] button")).await?).await?;
            let summary = wait_for(b, ".error-summary").await?;
            let title = summary
                .find(Css("#error-summary-title"))
                .await?
                .text()
                .await?;
            assert_eq!(title, "Er is een probleem");
            let link = summary.find(Css("a[href='#message']")).await?;
            assert!(link.text().await?.contains("Schrijf een bericht"));
            assert!(b.title().await?.starts_with("Fout: "));
            let desk = b.find(Css("select#desk")).await?;
            assert_eq!(desk.prop("value").await?.as_deref(), Some("om"));
            let field = b.find(Css("textarea#message")).await?;
            assert_eq!(field.attr("aria-invalid").await?.as_deref(), Some("true"));
            let described = field.attr("aria-describedby").await?.unwrap_or_default();
            assert!(described.contains("message-error"), "{described}");
            link.click().await?;
            assert!(b.current_url().await?.as_str().ends_with("#message"));
            assert_eq!(reports(&app), 0);
            Ok(())
        })
        .await;

    let receipt = app.submit("ap", "de tip", vec![]).await;
    steps
        .run("open the thread", async {
            b.goto(&app.url("/followup")).await?;
            b.find(Css("input#receipt"))
                .await?
                .send_keys(&receipt)
                .await?;
            click_and_load(&b.find(Css("form[action='/followup'] button")).await?).await?;
            wait_for(b, "dd.status").await?;
            Ok(())
        })
        .await;

    steps
        .run(
            "an empty follow-up: the thread again with the problem",
            async {
                click_and_load(&b.find(Css("form[action='/thread/message'] button")).await?)
                    .await?;
                wait_for(b, ".error-summary a[href='#message']").await?;
                assert!(b.find(Css("#message-error")).await?.is_displayed().await?);
                assert!(b.find_all(Css(".success")).await?.is_empty());
                Ok(())
            },
        )
        .await;

    steps
        .run("an oversized follow-up: the typed text kept", async {
            let typed = "Twee bestanden erbij.";
            b.find(Css("textarea#message"))
                .await?
                .send_keys(typed)
                .await?;
            let attachment = b.find(Css("#attachment")).await?;
            attachment.send_keys(&paths.join("\n")).await?;
            click_and_load(&b.find(Css("form[action='/thread/message'] button")).await?).await?;
            wait_for(b, ".error-summary a[href='#attachment']").await?;
            let kept = b.find(Css("textarea#message")).await?.prop("value").await?;
            assert_eq!(kept.as_deref(), Some(typed));
            let again = b.find(Css("#attachment-again")).await?.text().await?;
            assert!(again.contains("opnieuw"), "{again}");
            Ok(())
        })
        .await;

    steps
        .run("a follow-up sent: confirmed on the thread", async {
            click_and_load(&b.find(Css("form[action='/thread/message'] button")).await?).await?;
            let sent = wait_for(b, ".success[role=status]").await?.text().await?;
            assert!(sent.contains("Uw bericht is verstuurd"), "{sent}");
            assert_eq!(b.find_all(Css(".sent li")).await?.len(), 2);
            let address = b.current_url().await?;
            assert_eq!(address.query(), Some("sent=1"), "nothing identifying");
            Ok(())
        })
        .await;

    steps.finish();
    driver.close(browser).await.unwrap();
}
