//! Named, numbered steps: a step that fails (a browser command refused, an assertion that does
//! not hold) or hangs first leaves a screenshot under `target/browser-screenshots/<test>/<nn>-<step>.png`,
//! then fails the test with the step's number and name. At the end each test prints how many
//! steps it took and how long.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::Client;
use fantoccini::error::CmdError;
use futures_util::FutureExt;

/// No single step of these tests takes more than a few seconds; a hang fails instead of blocking.
const STEP_LIMIT: Duration = Duration::from_secs(60);

pub struct Steps<'b> {
    browser: &'b Client,
    test: &'static str,
    count: usize,
    started: Instant,
    problems: Vec<String>,
}

impl<'b> Steps<'b> {
    /// Starts the steps of `test`, clearing the screenshots of its earlier failures.
    pub fn new(test: &'static str, browser: &'b Client) -> Steps<'b> {
        let _ = std::fs::remove_dir_all(failure_dir(test));
        Steps {
            browser,
            test,
            count: 0,
            started: Instant::now(),
            problems: Vec::new(),
        }
    }

    /// How many steps have run so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Runs one step; its browser is photographed when it fails.
    pub async fn run<T>(
        &mut self,
        name: &str,
        step: impl Future<Output = Result<T, CmdError>>,
    ) -> T {
        self.count += 1;
        let number = self.count;
        let outcome = AssertUnwindSafe(tokio::time::timeout(STEP_LIMIT, step))
            .catch_unwind()
            .await;
        let problem = match outcome {
            Ok(Ok(Ok(value))) => return value,
            Ok(Ok(Err(refused))) => format!("the browser refused: {refused}"),
            Ok(Err(_)) => format!("no answer within {} s", STEP_LIMIT.as_secs()),
            Err(panic) => panic_text(panic.as_ref()),
        };
        let shot = self.failure_screenshot(number, name).await;
        panic!(
            "{}: step {number:02} `{name}` failed: {problem}\n  screenshot: {shot}",
            self.test
        );
    }

    /// A step whose findings are listed rather than fatal, so that one run shows the problems of
    /// every page: a page with findings is photographed, and the test fails in `finish`.
    pub async fn check(
        &mut self,
        name: &str,
        step: impl Future<Output = Result<Vec<String>, CmdError>>,
    ) {
        let findings = self.run(name, step).await;
        if !findings.is_empty() {
            let shot = self.failure_screenshot(self.count, name).await;
            let numbered = |f: String| format!("step {:02} `{name}`: {f}", self.count);
            let findings: Vec<_> = findings.into_iter().map(numbered).collect();
            self.problems.extend(findings);
            self.problems.push(format!("  screenshot: {shot}"));
        }
    }

    async fn failure_screenshot(&self, number: usize, name: &str) -> String {
        let dir = failure_dir(self.test);
        let path = dir.join(format!("{number:02}-{}.png", file_name(name)));
        let shot = self.browser.screenshot();
        match tokio::time::timeout(Duration::from_secs(20), shot).await {
            Ok(Ok(png)) => {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, png).unwrap();
                path.display().to_string()
            }
            _ => "(the browser could not take one)".to_owned(),
        }
    }

    /// Prints the closing line (steps covered and time taken); fails on the findings of `check`.
    pub fn finish(self) {
        println!(
            "browser test {}: {} steps in {:.1} s",
            self.test,
            self.count,
            self.started.elapsed().as_secs_f64()
        );
        assert!(
            self.problems.is_empty(),
            "{}: findings\n{}",
            self.test,
            self.problems.join("\n")
        );
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else {
        "panic".to_owned()
    }
}

/// `"open the thread"` → `"open-the-thread"`.
pub fn file_name(step: &str) -> String {
    let name: String = step
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn failure_dir(test: &str) -> PathBuf {
    target_dir().join("browser-screenshots").join(test)
}

/// Cargo's target folder (wherever `CARGO_TARGET_DIR` put it): the parent of the integration
/// tests' scratch folder.
pub fn target_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(PathBuf::from).unwrap_or(tmp)
}

/// Saves a screenshot for the README under `docs/screenshots/<name>.png`, but only when
/// `MELDPUNT_SCREENSHOTS=1`: ordinary test runs leave the working tree alone.
pub async fn document(browser: &Client, name: &str) -> Result<(), CmdError> {
    if std::env::var("MELDPUNT_SCREENSHOTS").as_deref() != Ok("1") {
        return Ok(());
    }
    let png = browser.screenshot().await?;
    assert!(png_width(&png) <= 1024, "README screenshots stay small");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    Ok(())
}

/// Width from a PNG's IHDR chunk.
fn png_width(png: &[u8]) -> u32 {
    let bytes: [u8; 4] = png.get(16..20).and_then(|b| b.try_into().ok()).unwrap();
    u32::from_be_bytes(bytes)
}
