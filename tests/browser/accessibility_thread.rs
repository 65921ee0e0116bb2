//! The reporter's pages behind a receipt, for the accessibility run (`accessibility.rs`): the
//! thread with a reply, with a follow-up refused and with one sent, logged out, and not logged in.

use fantoccini::Client;
use fantoccini::Locator::Css;

use crate::accessibility::submit;
use crate::audit;
use crate::helpers::*;
use crate::page::{click_and_load, wait_for};
use crate::steps::Steps;

pub async fn reporter_session_pages(
    steps: &mut Steps<'_>,
    b: &Client,
    app: &TestApp,
    receipt: &str,
) {
    let n = steps.count() + 1;
    steps
        .check("thread with a reply", async {
            b.goto(&app.url("/followup")).await?;
            b.find(Css("input#receipt"))
                .await?
                .send_keys(receipt)
                .await?;
            submit(b, "/followup").await?;
            wait_for(b, ".reply").await?;
            audit::page(b, n, "thread with a reply").await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("follow-up with an error (400)", async {
            submit(b, "/thread/message").await?;
            wait_for(b, ".error-summary a[href='#message']").await?;
            audit::page(b, n, "follow-up with an error (400)").await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("thread with a follow-up sent", async {
            b.find(Css("textarea#message"))
                .await?
                .send_keys("De afdeling ICT.")
                .await?;
            submit(b, "/thread/message").await?;
            wait_for(b, ".success[role=status]").await?;
            audit::page(b, n, "thread with a follow-up sent").await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("logged out", async {
            click_and_load(&b.find(Css("form.logout button")).await?).await?;
            assert_eq!(wait_for(b, "h1").await?.text().await?, "U bent uitgelogd");
            audit::page(b, n, "logged out").await
        })
        .await;

    let n = steps.count() + 1;
    steps
        .check("not logged in (401)", async {
            b.goto(&app.url("/thread")).await?;
            assert_eq!(b.find(Css("h1")).await?.text().await?, "Niet ingelogd");
            audit::page(b, n, "not logged in (401)").await
        })
        .await;
}
