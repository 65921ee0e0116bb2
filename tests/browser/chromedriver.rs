//! The `chromedriver` child process, and fantoccini sessions of Chromium started through it with
//! the options the tests need (headless, a fresh profile, JavaScript on or off). The guard ends
//! every session and kills and waits for chromedriver on every way out, a panic included.
//!
//! fantoccini is built without TLS (the driver is on localhost), so the session needs a plain
//! HTTP connector: `hyper-util`'s, hence that crate among the dev-dependencies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

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
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {missing:?} missing, and CI=true requires the browser tests to run"
    );
    eprintln!("\n*** SKIPPED: {test}: {missing:?} not installed; browser not tested ***\n");
    false
}

/// A `chromedriver` child; on drop its open sessions are ended (which stops their Chromium), the
/// process is killed and waited for, and then the Chromium profiles are removed.
pub struct Chromedriver {
    child: Child,
    port: u16,
    sessions: Vec<String>,
    profiles: Vec<tempfile::TempDir>,
}

pub struct Options {
    pub javascript: bool,
    pub width: u32,
    pub height: u32,
}

impl Chromedriver {
    /// Starts chromedriver on a port of its own choosing (`--port=0`, read back from the line it
    /// prints), so that no other process can take the port between choosing and binding it.
    pub async fn start() -> Chromedriver {
        let mut child = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let stdout = child.stdout.take().unwrap();
        let mut driver = Chromedriver {
            child,
            port: 0,
            sessions: Vec::new(),
            profiles: Vec::new(),
        };
        let (tell, port) = mpsc::channel();
        // Reads the port, then drains the pipe until chromedriver is gone, so it never blocks
        // on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split(" started successfully on port ").nth(1) {
                    let _ = tell.send(rest.trim_end_matches('.').parse::<u16>());
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        driver.port = loop {
            if let Ok(parsed) = port.try_recv() {
                break parsed.expect("chromedriver prints its port");
            }
            let exited = driver.child.try_wait().unwrap();
            assert!(exited.is_none(), "chromedriver exited early: {exited:?}");
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            tokio::time::sleep(Duration::from_millis(25)).await;
        };
        driver
    }

    /// Starts Chromium with a fresh profile and the given window size, JavaScript on or off.
    pub async fn session(&mut self, options: &Options) -> Client {
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
            // The policy-level setting: pages cannot switch it back on.
            chrome["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let timeouts = json!({ "implicit": 0, "pageLoad": 30_000, "script": 30_000 });
        let capabilities = serde_json::Map::from_iter([
            ("browserName".to_owned(), json!("chrome")),
            ("goog:chromeOptions".to_owned(), chrome),
            ("timeouts".to_owned(), timeouts),
        ]);
        self.profiles.push(profile);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| panic!("chromedriver starts Chromium: {e}"));
        let id = client.session_id().await.unwrap().expect("a session id");
        self.sessions.push(id);
        client
    }

    /// Ends a session (Chromium quits).
    pub async fn close(&mut self, browser: Client) -> Result<(), CmdError> {
        let id = browser.session_id().await?;
        browser.close().await?;
        self.sessions.retain(|s| Some(s) != id.as_ref());
        Ok(())
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // A failed test never reaches `close`, and fantoccini's own clean-up on drop is a task
        // that the test's runtime, being torn down, never runs. So the sessions are ended here
        // with plain blocking HTTP (no runtime is available in `drop`); killing chromedriver
        // alone would leave its Chromium running.
        for id in &self.sessions {
            let _ = delete_blocking(self.port, &format!("/session/{id}"));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
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
