//! What every page is checked for, in a JavaScript-enabled session (the checks run as WebDriver
//! scripts, which Chromium runs outside the page's Content-Security-Policy):
//! - axe-core finds no violation of WCAG 2.0 / 2.1 A and AA, at 1280 and at 320 px wide, and
//!   nothing it leaves for a person to review (its "incomplete" results) either;
//! - no positive `tabindex`, the first Tab lands on the skip link, and pressing Tab reaches every
//!   link, button and form control (a radio group counts once: arrows move inside it);
//! - at 320 CSS pixels wide the page does not scroll sideways (WCAG 1.4.10 Reflow); a
//!   screenshot of that width goes to `target/browser-screenshots/narrow-320/`.

use fantoccini::Client;
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use serde_json::Value;

use crate::page::press;
use crate::steps::{file_name, target_dir};

const AXE: &str = include_str!("../vendor/axe.min.js");

const RUN_AXE: &str = "const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done(r.violations.concat(r.incomplete.map(v => ({...v, id: 'needs review: ' + v.id})))
    .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
  .catch(e => done(['axe did not run: ' + e]));";

/// Marks every element a keyboard user must reach with `data-kb` (a radio group shares one
/// mark) and returns the marks, plus any element with a positive tabindex. An element with
/// `tabindex="-1"` is left out on purpose: it takes focus only when sent there (the error summary,
/// the target of a link), never from Tab.
const MARK_INTERACTIVE: &str = "
const wanted = 'a[href], button, input, select, textarea, [tabindex]';
const shown = e => e.type !== 'hidden' && !e.disabled && e.getClientRects().length > 0
  && e.getAttribute('tabindex') !== '-1';
const items = Array.from(document.querySelectorAll(wanted)).filter(shown);
const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
  + (e.name ? '[name=' + e.name + ']' : '') + ' ' + (e.textContent || '').trim().slice(0, 30);
items.forEach((e, i) => { e.dataset.kb = e.type === 'radio' ? 'radio ' + e.name : describe(e) + ' #' + i; });
return {
  marks: Array.from(new Set(items.map(e => e.dataset.kb))),
  positive: Array.from(document.querySelectorAll('[tabindex]')).filter(e => e.tabIndex > 0).map(describe),
};";

const FOCUSED: &str = "const a = document.activeElement;
if (!a || a === document.body || a === document.documentElement) return null;
return { mark: a.dataset.kb || 'unmarked ' + a.tagName, skip: a.classList.contains('skip'),
  href: a.getAttribute('href'), visible: a.getBoundingClientRect().left >= 0,
  in_main: !!document.querySelector('main#main') && document.querySelector('main#main').contains(a) };";

const OVERFLOW: &str = "window.scrollTo(0, 0);
const root = document.documentElement;
return { inner: window.innerWidth, client: root.clientWidth, scroll: root.scrollWidth,
  wide: Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).slice(0, 8) };";

/// All problems of the page now shown; empty when it passes.
pub async fn page(b: &Client, number: usize, label: &str) -> Result<Vec<String>, CmdError> {
    let mut problems = axe(b).await?;
    problems.extend(keyboard(b).await?);
    problems.extend(narrow(b, number, label).await?);
    Ok(problems)
}

/// The axe-core violations of the page now shown.
pub async fn axe(b: &Client) -> Result<Vec<String>, CmdError> {
    if b.execute("return typeof axe", vec![]).await? != "object" {
        b.execute(AXE, vec![]).await?;
    }
    Ok(strings(&b.execute_async(RUN_AXE, vec![]).await?))
}

async fn keyboard(b: &Client) -> Result<Vec<String>, CmdError> {
    let mut problems = Vec::new();
    let marked = b.execute(MARK_INTERACTIVE, vec![]).await?;
    for element in strings(&marked["positive"]) {
        problems.push(format!("positive tabindex: {element}"));
    }
    let wanted = strings(&marked["marks"]);
    let mut reached: Vec<String> = Vec::new();
    for count in 0..wanted.len() + 3 {
        press(b, Key::Tab).await?;
        let focused = b.execute(FOCUSED, vec![]).await?;
        let Some(mark) = focused["mark"].as_str() else {
            break;
        };
        if count == 0 && !(focused["skip"] == true && focused["href"] == "#main") {
            problems.push(format!(
                "the first Tab lands on {mark}, not the skip link to #main"
            ));
        }
        if count == 0 && focused["visible"] != true {
            problems.push("the focused skip link is not on screen".to_owned());
        }
        if reached.first().is_some_and(|first| first == mark) {
            break;
        }
        reached.push(mark.to_owned());
    }
    for mark in wanted.iter().filter(|m| !reached.contains(m)) {
        problems.push(format!("Tab never reaches {mark}"));
    }
    Ok(problems)
}

/// The skip link works: the first Tab shows it, Enter follows it to `#main`, and the next Tab
/// lands inside the main content rather than in the menu.
pub async fn skip_link(b: &Client) -> Result<Vec<String>, CmdError> {
    let mut problems = Vec::new();
    press(b, Key::Tab).await?;
    let focused = b.execute(FOCUSED, vec![]).await?;
    if focused["skip"] != true || focused["visible"] != true || focused["href"] != "#main" {
        problems.push(format!("first Tab: {focused}"));
    }
    press(b, Key::Enter).await?;
    if b.current_url().await?.fragment() != Some("main") {
        problems.push("Enter on the skip link does not go to #main".to_owned());
    }
    press(b, Key::Tab).await?;
    let next = b.execute(FOCUSED, vec![]).await?;
    if next["in_main"] != true {
        problems.push(format!(
            "after the skip link, Tab goes to {next}, outside main"
        ));
    }
    Ok(problems)
}

async fn narrow(b: &Client, number: usize, label: &str) -> Result<Vec<String>, CmdError> {
    b.set_window_size(320, 800).await?;
    let measured = b.execute(OVERFLOW, vec![]).await?;
    // Cells scrolled out of a narrow table's view always "need review" for contrast: at this
    // width only violations count.
    let violations = axe(b)
        .await?
        .into_iter()
        .filter(|p| !p.starts_with("needs review"));
    let mut problems: Vec<String> = violations.map(|p| format!("at 320 px: {p}")).collect();
    let dir = target_dir().join("browser-screenshots/narrow-320");
    std::fs::create_dir_all(&dir).unwrap();
    let shot = dir.join(format!("{number:02}-{}.png", file_name(label)));
    std::fs::write(shot, b.screenshot().await?).unwrap();
    b.set_window_size(1280, 900).await?;
    if measured["inner"] != 320 {
        problems.push(format!("the window did not narrow to 320 px: {measured}"));
    }
    if measured["scroll"].as_u64() > measured["client"].as_u64() {
        problems.push(format!("scrolls sideways at 320 px: {measured}"));
    }
    Ok(problems)
}

fn strings(value: &Value) -> Vec<String> {
    let items = value.as_array().into_iter().flatten();
    items
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .collect()
}
