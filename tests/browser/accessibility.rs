//! Every reporter page and every desk page, each in the state a person meets it in (with and
//! without an error, with a reply, …), checked with axe-core, by keyboard and at 320 px
//! (see `audit.rs`).

use fantoccini::Client;
use fantoccini::Locator::Css;
use fantoccini::error::CmdError;

use crate::audit;
use crate::chromedriver::{Chromedriver, Options, browser_installed};
use crate::desk_helpers::PASSWORD;
use crate::helpers::*;
use crate::page::{click_and_load, two_attachments, wait_for};
use crate::reporter::write_reply;
use crate::steps::Steps;

const TEST: &str = "accessibility";

#[actix_web::test]
async fn every_page_passes_axe_works_by_keyboard_and_fits_320_px() {
    if !browser_installed(TEST) {
        return;
    }
    // One attachment at most, so that two give the "too large" page.
    let app = spawn_app_with(|settings| settings.limits.files = 1).await;
    app.add_officer("anna", "ap");
    // An admin, so that the admin pages are checked too.
    app.state.officers.set_admin("anna", true).unwrap();
    let mut driver = Chromedriver::start().await;
    let options = Options {
        javascript: true,
        width: 1280,
        height: 900,
    };
    let browser = driver.session(&options).await;
    let mut steps = Steps::new(TEST, &browser);
    let b = &browser;
    let files = tempfile::tempdir().unwrap();
    let paths = two_attachments(files.path());

    steps
        .run("scripts and axe run in this session", async {
            b.goto("data:text/html,<title>off</title><script>document.title='on'</script>")
                .await?;
            assert_eq!(b.title().await?, "on", "the audit needs JavaScript");
            // A page with known faults, so that "no violations" below means something.
            b.goto("data:text/html,<title>x</title><img src='x.png'>")
                .await?;
            let found = audit::axe(b).await?.join("\n");
            assert!(
                found.contains("image-alt") && found.contains("html-has-lang"),
                "{found}"
            );
            Ok(())
        })
        .await;

    let pages = [
        ("home", "/"),
        ("home in English", "/en/"),
        ("guide", "/guide"),
        ("guide with advice", "/guide?what=crime&advice=no"),
        ("submit", "/submit?desk=ap"),
        ("follow-up", "/followup"),
        ("not found (404)", "/bestaat-niet"),
        ("desk login", "/desk/login"),
        ("desk login in English", "/en/desk/login"),
    ];
    for (label, path) in pages {
        let n = steps.count() + 1;
        steps
            .check(label, async {
                b.goto(&app.url(path)).await?;
                audit::page(b, n, label).await
            })
            .await;
    }

    steps
        .check("the skip link goes to the content", async {
            b.goto(&app.url("/")).await?;
            audit::skip_link(b).await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("empty form (400)", async {
            b.goto(&app.url("/submit")).await?;
            submit(b, "/submit").await?;
            wait_for(b, ".error-summary a[href='#message']").await?;
            audit::page(b, n, "empty form (400)").await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("too many files (413)", async {
            b.goto(&app.url("/submit")).await?;
            b.find(Css("#message")).await?.send_keys("x").await?;
            let attachment = b.find(Css("#attachment")).await?;
            attachment.send_keys(&paths.join("\n")).await?;
            submit(b, "/submit").await?;
            wait_for(b, ".error-summary a[href='#attachment']").await?;
            audit::page(b, n, "too many files (413)").await
        })
        .await;

    let n = steps.count() + 1;
    let mut receipt = String::new();
    steps
        .check("receipt", async {
            b.goto(&app.url("/submit?desk=ap")).await?;
            b.find(Css("#message")).await?.send_keys("Een tip.").await?;
            submit(b, "/submit").await?;
            receipt = wait_for(b, "p#receipt").await?.text().await?;
            audit::page(b, n, "receipt").await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("follow-up with a wrong code", async {
            b.goto(&app.url("/followup")).await?;
            let field = b.find(Css("input#receipt")).await?;
            field.send_keys("AAAA-BBBB-CCCC").await?;
            submit(b, "/followup").await?;
            wait_for(b, "#receipt-error").await?;
            audit::page(b, n, "follow-up with a wrong code").await
        })
        .await;

    write_reply(&app, &receipt, "Dank u. Welke afdeling was het?");
    crate::accessibility_thread::reporter_session_pages(&mut steps, b, &app, &receipt).await;
    desk_pages(&mut steps, b, &app).await;

    steps.finish();
    driver.close(browser).await.unwrap();
}

async fn desk_pages(steps: &mut Steps<'_>, b: &Client, app: &TestApp) {
    let n = steps.count() + 1;
    steps
        .check("desk login with an error", async {
            b.goto(&app.url("/desk/login")).await?;
            log_in(b, "000000").await?;
            wait_for(b, "#login-error").await?;
            audit::page(b, n, "desk login with an error").await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("desk inbox", async {
            b.goto(&app.url("/desk/login")).await?;
            log_in(b, &app.totp("anna")).await?;
            wait_for(b, "table.inbox").await?;
            audit::page(b, n, "desk inbox").await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("desk report", async {
            click_and_load(&b.find(Css("table.inbox tbody a")).await?).await?;
            wait_for(b, "select#status").await?;
            audit::page(b, n, "desk report").await
        })
        .await;
    for (name, path) in [
        ("statistics", "/desk/statistics"),
        ("statistics, English", "/en/desk/statistics"),
    ] {
        let n = steps.count() + 1;
        steps
            .check(name, async {
                b.goto(&app.url(path)).await?;
                wait_for(b, "table.stats").await?;
                audit::page(b, n, name).await
            })
            .await;
    }
    account_and_admin_pages(steps, b, app).await;
}

/// The officer's own account and the admin's pages (issue 12), each in the states a person
/// meets: plain, enrolling an authenticator, a token or temporary password shown once, a
/// confirmation, the audit log with and without matches.
async fn account_and_admin_pages(steps: &mut Steps<'_>, b: &Client, app: &TestApp) {
    let n = steps.count() + 1;
    steps
        .check("my account", async {
            b.goto(&app.url("/desk/account")).await?;
            wait_for(b, "form[action='/desk/account/password']").await?;
            audit::page(b, n, "my account").await
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check("my account, enrolling an authenticator", async {
            submit(b, "/desk/account/totp").await?;
            wait_for(b, ".qr svg").await?;
            audit::page(b, n, "my account, enrolling an authenticator").await
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check("my account, a new token shown once", async {
            b.goto(&app.url("/en/desk/account")).await?;
            submit(b, "/en/desk/account/tokens").await?;
            wait_for(b, "#new-token").await?;
            audit::page(b, n, "my account, a new token shown once").await
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check("admin", async {
            b.goto(&app.url("/desk/admin")).await?;
            wait_for(b, "table.officers").await?;
            audit::page(b, n, "admin").await
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check("admin, a temporary password shown once", async {
            b.find(Css("#add-name")).await?.send_keys("bert").await?;
            submit(b, "/desk/admin/officers").await?;
            wait_for(b, "#temporary-password").await?;
            audit::page(b, n, "admin, a temporary password shown once").await
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check("admin, a confirmation", async {
            b.goto(&app.url("/en/desk/admin?done=removed")).await?;
            wait_for(b, ".done").await?;
            audit::page(b, n, "admin, a confirmation").await
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check("audit log", async {
            b.goto(&app.url("/desk/admin/audit")).await?;
            wait_for(b, "table.audit").await?;
            audit::page(b, n, "audit log").await
        })
        .await;
    let n = steps.count() + 1;
    steps
        .check("audit log, nothing found", async {
            b.goto(&app.url("/desk/admin/audit?report=R-none")).await?;
            wait_for(b, "#filter-report").await?;
            audit::page(b, n, "audit log, nothing found").await
        })
        .await;
}

pub(crate) async fn log_in(b: &Client, code: &str) -> Result<(), CmdError> {
    b.find(Css("#name")).await?.send_keys("anna").await?;
    b.find(Css("#password")).await?.send_keys(PASSWORD).await?;
    b.find(Css("#code")).await?.send_keys(code).await?;
    submit(b, "/desk/login").await
}

/// Sends the form that posts to `action` with its button, and waits for the answer.
pub(crate) async fn submit(b: &Client, action: &str) -> Result<(), CmdError> {
    let button = format!("form[action='{action}'] button");
    click_and_load(&b.find(Css(&button)).await?).await
}
