//! Starting the real application on port 0 with a fresh data folder, and talking to it like a
//! browser would (cookies by hand, no redirects followed, no JavaScript).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use meldpunt::config::{ConnectionSettings, KdfSettings, Limits, SessionSettings, Settings};
use meldpunt::domain::Lang;
use meldpunt::web::startup::Application;
use meldpunt::web::state::AppState;

pub use crate::common::files::{desk_identity, files_under};
pub use crate::common::page::{hidden, select_all, select_text, session_cookie};

/// Everything every test's app has logged, at every level, for the log assertions.
pub fn captured_log() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| Arc::new(Mutex::new(Vec::new())))
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logging() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let capture = Capture(log_buffer().clone());
        // Everything the server's code and its dependencies log, at every level: nothing may leak
        // even at trace. Only the test's own HTML parser (html5ever, a dev-dependency that logs every
        // character it reads) is left out.
        meldpunt::telemetry::init(
            "trace,html5ever=off,selectors=off,reqwest=off,hyper_util=off",
            meldpunt::telemetry::Output::default(),
            move || capture.clone(),
        );
    });
}

/// Test clients connect from this loopback address (the server listens on 127.0.0.1), so a log
/// assertion can tell the client's address from the server's own.
pub const CLIENT_ADDRESS: &str = "127.0.0.3";

pub struct TestApp {
    pub clock: std::sync::Arc<meldpunt::domain::TestClock>,
    /// The reporters' listener.
    pub reporter_address: String,
    /// The desk's listener (the desk area and the API).
    pub desk_address: String,
    pub data: tempfile::TempDir,
    pub state: actix_web::web::Data<AppState>,
    pub client: reqwest::Client,
    pub server: meldpunt::web::startup::Handle,
}

pub fn test_settings(data: &Path) -> Settings {
    Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        desk_listen: "127.0.0.1:0".parse().unwrap(),
        data: data.to_owned(),
        default_lang: Lang::Nl,
        onion_address: None,
        https: false,
        limits: Limits::default(),
        connections: ConnectionSettings::default(),
        session: SessionSettings::default(),
        officers: meldpunt::config::OfficerSettings::default(),
        kdf: KdfSettings::default(),
        desks: Vec::new(),
        demo: true,
        followup_floor_ms: 50,
        notify: None,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    init_logging();
    let data = tempfile::tempdir().unwrap();
    let mut settings = test_settings(data.path());
    adjust(&mut settings);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let clock = std::sync::Arc::new(meldpunt::domain::TestClock::at(now));
    let app = Application::build_with_clock(settings, clock.clone()).expect("the app starts");
    let reporter_address = format!("http://127.0.0.1:{}", app.port());
    let desk_address = format!("http://127.0.0.1:{}", app.desk_port());
    let state = app.state();
    let server = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .local_address(CLIENT_ADDRESS.parse::<std::net::IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        // A fresh connection per request: a pooled one may be closed by the server's keep-alive
        // timeout while a test runs a slow command, which reqwest reports as an incomplete message.
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    TestApp {
        clock,
        reporter_address,
        desk_address,
        data,
        state,
        client,
        server,
    }
}

/// A submitted tip: the receipt code as shown, and the page.
pub struct Submitted {
    pub status: u16,
    pub body: String,
    pub receipt: Option<String>,
}

pub fn attachment(name: &str, bytes: Vec<u8>) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str("application/octet-stream")
        .unwrap()
}

impl TestApp {
    pub fn clock_today(&self) -> meldpunt::domain::Day {
        use meldpunt::domain::Clock;
        self.clock.today()
    }

    /// `path` on the listener that serves it: the desk's for the desk area and the API, the
    /// reporters' for everything else.
    pub fn url(&self, path: &str) -> String {
        let address = if meldpunt::web::trace::is_desk(path) {
            &self.desk_address
        } else {
            &self.reporter_address
        };
        format!("{address}{path}")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Posts `form` to `path` as multipart, and returns the answer as it is (no redirect followed).
    pub async fn post_multipart(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        let request = self.client.post(self.url(path)).multipart(form);
        request.send().await.unwrap()
    }

    pub async fn submit_form(&self, form: reqwest::multipart::Form) -> Submitted {
        let response = self.post_multipart("/submit", form).await;
        let response = self.follow(response).await;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        let receipt = select_text(&body, "#receipt");
        Submitted {
            status,
            body,
            receipt,
        }
    }

    /// Follows a `303 See Other` as a browser does (a GET of its `Location`); any other answer
    /// is returned as it is.
    pub async fn follow(&self, response: reqwest::Response) -> reqwest::Response {
        if response.status() != 303 {
            return response;
        }
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        self.get(&location).await
    }

    /// Submits a tip to `desk` with `message` and attachments; panics unless a receipt comes back.
    pub async fn submit(&self, desk: &str, message: &str, files: Vec<(&str, Vec<u8>)>) -> String {
        let mut form = reqwest::multipart::Form::new()
            .text("desk", desk.to_owned())
            .text("message", message.to_owned());
        for (name, bytes) in files {
            form = form.part("attachment", attachment(name, bytes));
        }
        let submitted = self.submit_form(form).await;
        assert_eq!(submitted.status, 200, "{}", submitted.body);
        submitted.receipt.expect("a receipt on the page")
    }

    /// Posts a receipt to /followup; returns the raw response.
    pub async fn followup(&self, receipt: &str) -> reqwest::Response {
        self.client
            .post(self.url("/followup"))
            .form(&[("receipt", receipt)])
            .send()
            .await
            .unwrap()
    }

    /// Logs in with a receipt and returns the session cookie (`name=value`).
    pub async fn login(&self, receipt: &str) -> String {
        let response = self.followup(receipt).await;
        assert_eq!(response.status().as_u16(), 303);
        session_cookie(&response).expect("a session cookie")
    }

    pub async fn thread(&self, cookie: &str) -> String {
        let response = self
            .client
            .get(self.url("/thread"))
            .header("Cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.text().await.unwrap()
    }

    /// Ciphertext files of stored reports.
    pub fn report_files(&self) -> Vec<PathBuf> {
        files_under(&self.data.path().join("reports"))
    }

    pub fn desk_identity(&self, desk: &str) -> age::x25519::Identity {
        desk_identity(self.data.path(), desk)
    }
}

/// Decrypts an age file with `identity` and drops the zero padding after a text (test data never
/// ends in a NUL); `None` when it does not open.
pub fn decrypt(path: &Path, identity: &age::x25519::Identity) -> Option<Vec<u8>> {
    let mut plain = decrypt_padded(path, identity)?;
    meldpunt::seal::padding::strip_text(&mut plain);
    Some(plain)
}

/// A padded plaintext cut to its real `size`, after checking the padding: zeros, up to the bucket
/// and the few bytes that level out age's header grease.
pub fn cut_padding(mut plain: Vec<u8>, size: usize) -> Vec<u8> {
    use meldpunt::seal::padding::{GREASE_MAX, padded_len};
    let bucket = padded_len(size as u64);
    let len = plain.len() as u64;
    assert!(
        len > bucket && len <= bucket + 1 + GREASE_MAX,
        "{len} bytes for {size}: not its bucket"
    );
    assert!(
        plain[size..].iter().all(|b| *b == 0),
        "padding that is not zeros"
    );
    plain.truncate(size);
    plain
}

/// Decrypts an age file with `identity`, padding and all; `None` when it does not open.
pub fn decrypt_padded(path: &Path, identity: &age::x25519::Identity) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    age::decrypt(identity, &bytes).ok()
}

/// True when `needle` occurs in any file under `dir`.
pub fn appears_in_plain(dir: &Path, needle: &[u8]) -> Option<PathBuf> {
    files_under(dir).into_iter().find(|f| {
        std::fs::read(f)
            .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
            .unwrap_or(false)
    })
}

/// Random bytes for attachments.
/// The database file (`DATA/db/meldpunt.sqlite`, its WAL or index) that holds `needle`, if any.
/// (Reading the files closes descriptors of them in this process, which drops SQLite's POSIX
/// locks; harmless here, where no other process uses the folder.)
pub fn in_database(data: &Path, needle: &[u8]) -> Option<PathBuf> {
    files_under(&data.join("db"))
        .into_iter()
        .filter(|f| {
            f.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("meldpunt.sqlite")
        })
        .find(|f| {
            let bytes = std::fs::read(f).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle)
        })
}

pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    meldpunt::random::fill(&mut v);
    v
}
