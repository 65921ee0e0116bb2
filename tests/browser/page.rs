//! The few things these tests do that fantoccini has no single call for: waiting for a selector
//! with a message that names it, a click that loads a new page, the names of the cookies, and a
//! key pressed as a person would.

use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

/// How long a page may take to show what a step waits for.
const PATIENCE: Duration = Duration::from_secs(10);

/// Waits for `css` to appear (after a navigation); panics with the selector and the page's
/// address when it does not.
pub async fn wait_for(b: &Client, css: &str) -> Result<Element, CmdError> {
    let found = b.wait().at_most(PATIENCE).for_element(Locator::Css(css));
    match found.await {
        Err(CmdError::WaitTimeout) => {
            panic!("`{css}` did not appear on {}", b.current_url().await?)
        }
        other => other,
    }
}

/// Clicks something that loads a new page (a link, a form's button) and waits until the page it
/// was on is gone: chromedriver does not always wait for a form's navigation, and a form posted
/// to its own address leaves the URL as it was, so only the old page's going stale tells.
pub async fn click_and_load(element: &Element) -> Result<(), CmdError> {
    let b = element.clone().client();
    let old = b.find(Locator::Css("html")).await?;
    element.click().await?;
    let deadline = Instant::now() + PATIENCE;
    loop {
        match old.tag_name().await {
            Err(e) if old_page_gone(&e) => return Ok(()),
            Err(e) => return Err(e),
            Ok(_) => assert!(
                Instant::now() < deadline,
                "the click did not load a new page"
            ),
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Whether asking about an element of the old page failed because that page is gone: Chromium
/// says "stale element reference", or, when its document was already torn down, "no such
/// element" or an "unknown error" with "Node with given id does not belong to the document".
fn old_page_gone(e: &CmdError) -> bool {
    e.is_stale_element_reference()
        || e.is_no_such_element()
        || e.to_string().contains("does not belong to the document")
}

/// Names (only) of the cookies the browser holds for the current page.
pub async fn cookie_names(b: &Client) -> Result<Vec<String>, CmdError> {
    let cookies = b.get_all_cookies().await?;
    Ok(cookies.iter().map(|c| c.name().to_owned()).collect())
}

/// Presses and releases one key on whatever has the focus.
pub async fn press(b: &Client, key: Key) -> Result<(), CmdError> {
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key.into() })
        .then(KeyAction::Up { value: key.into() });
    b.perform_actions(keys).await
}

/// Two small files to attach (`een.txt`, `twee.txt`) in `dir`: with a limit of one file, both
/// make an oversized submission. Their paths, for a file input.
pub fn two_attachments(dir: &std::path::Path) -> Vec<String> {
    ["een.txt", "twee.txt"]
        .iter()
        .map(|name| {
            let path = dir.join(name);
            std::fs::write(&path, b"bijlage").unwrap();
            path.display().to_string()
        })
        .collect()
}
