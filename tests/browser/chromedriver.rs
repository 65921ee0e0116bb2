//! The `chromedriver` child process, and Chromium sessions started through it with the options
//! the tests need (headless, fresh profile, JavaScript on or off).
//!
//! Why not fantoccini: with its default features off (no TLS), fantoccini 0.22 can only be built
//! with `ClientBuilder::new(connector)`, where the connector must implement
//! `hyper_util::client::legacy::connect::Connect`. `hyper-util` is not a dependency of this crate
//! (only of fantoccini and reqwest), so a test cannot name such a connector without a change to
//! `Cargo.toml`. The protocol is plain JSON over HTTP, so the few commands the tests need are
//! written out in `webdriver.rs`, with the names fantoccini uses (`goto`, `find`, `execute`, …).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::child::ChildGuard;
use crate::common::tools::skip;
use crate::webdriver::{Browser, send};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// True when both programs are installed. Outside CI a missing browser skips the test loudly;
/// under `CI=true` it fails it.
pub fn browser_installed(test: &str) -> bool {
    let missing: Vec<_> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    skip(&format!(
        "{test}: {missing:?} not installed; browser not tested"
    ));
    false
}

/// A `chromedriver --port=N` child; on drop its sessions are ended (which stops their Chromium)
/// and the process is killed, with any Chromium still running under it.
pub struct Chromedriver {
    /// Held for its drop, which kills chromedriver and what it started.
    _process: ChildGuard,
    port: u16,
    sessions: Mutex<Vec<String>>,
    http: reqwest::Client,
}

pub struct Options {
    pub javascript: bool,
    pub width: u32,
    pub height: u32,
}

impl Chromedriver {
    pub async fn start() -> Chromedriver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = ChildGuard::spawn(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(90))
            .build()
            .unwrap();
        let driver = Chromedriver {
            _process: child,
            port,
            sessions: Mutex::new(Vec::new()),
            http,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let status = driver.http.get(driver.url("/status")).send().await;
            if status.is_ok_and(|s| s.status().is_success()) {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Starts Chromium with a fresh profile; JavaScript on or off.
    pub async fn session(&self, options: &Options) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut chrome = json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.path().display()),
                format!("--window-size={},{}", options.width, options.height),
            ],
        });
        if !options.javascript {
            chrome["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": chrome,
            "timeouts": { "implicit": 0, "pageLoad": 30_000, "script": 30_000 },
        }}});
        let answer = send(self.http.post(self.url("/session")).json(&capabilities)).await;
        let id = answer["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        self.sessions.lock().unwrap().push(id.clone());
        let base = self.url(&format!("/session/{id}"));
        Browser::new(self.http.clone(), base, id, profile)
    }

    /// Ends a session (Chromium quits).
    pub async fn close(&self, browser: Browser) {
        send(self.http.delete(browser.base())).await;
        self.sessions.lock().unwrap().retain(|s| s != browser.id());
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // A failed test never reaches `close`: end its sessions with plain blocking HTTP (no
        // runtime is available in `drop`), or the orphaned Chromium would outlive the test.
        for id in self.sessions.lock().map(|s| s.clone()).unwrap_or_default() {
            let _ = delete_blocking(self.port, &format!("/session/{id}"));
        }
        // Then `_process`'s own drop kills chromedriver and whatever it started.
    }
}

fn delete_blocking(port: u16, path: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "DELETE {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(())
}
