//! A small W3C WebDriver client over `reqwest` (see `chromedriver.rs` for why not fantoccini).
//!
//! Every method panics with the command and the driver's message when the browser refuses: the
//! tests wrap each step (see `steps.rs`), which turns the panic into a screenshot and a step name.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key under which WebDriver passes element references.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Sends a command; the `value` of the answer, or a panic with the driver's error.
pub async fn send(request: reqwest::RequestBuilder) -> Value {
    try_send(request).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn try_send(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let (client, request) = request.build_split();
    let request = request.map_err(|e| e.to_string())?;
    let what = format!("{} {}", request.method(), request.url().path());
    let response = client
        .execute(request)
        .await
        .map_err(|e| format!("{what}: {e}"))?;
    let ok = response.status().is_success();
    let body: Value = response.json().await.map_err(|e| format!("{what}: {e}"))?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if ok {
        Ok(value)
    } else {
        Err(format!("{what}: {} — {}", value["error"], value["message"]))
    }
}

/// One Chromium session.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    id: String,
    _profile: tempfile::TempDir,
}

pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Browser {
    /// A session `chromedriver.rs` has opened; `profile` is its Chromium profile folder.
    pub fn new(
        http: reqwest::Client,
        base: String,
        id: String,
        profile: tempfile::TempDir,
    ) -> Self {
        Browser {
            http,
            base,
            id,
            _profile: profile,
        }
    }

    /// `http://127.0.0.1:PORT/session/ID`.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    async fn get(&self, path: &str) -> Value {
        send(self.http.get(format!("{}{path}", self.base))).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        send(self.http.post(format!("{}{path}", self.base)).json(&body)).await
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    pub async fn current_url(&self) -> String {
        self.get("/url")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn source(&self) -> String {
        self.get("/source")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn title(&self) -> String {
        self.get("/title")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn refresh(&self) {
        self.post("/refresh", json!({})).await;
    }

    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await;
    }

    /// Names (only) of the cookies the browser holds for the current page.
    pub async fn cookie_names(&self) -> Vec<String> {
        let cookies = self.get("/cookie").await;
        let names = cookies.as_array().into_iter().flatten();
        names
            .filter_map(|c| c["name"].as_str().map(str::to_owned))
            .collect()
    }

    /// The first element matching `css`; panics when there is none.
    pub async fn find(&self, css: &str) -> Element<'_> {
        let found = self
            .post("/element", json!({ "using": "css selector", "value": css }))
            .await;
        self.element(&found)
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let found = self
            .post(
                "/elements",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        let found = found.as_array().cloned().unwrap_or_default();
        found.iter().map(|v| self.element(v)).collect()
    }

    /// Waits up to ten seconds for `css` to appear (after a navigation).
    pub async fn wait_for(&self, css: &str) -> Element<'_> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(found) = self.find_all(css).await.into_iter().next() {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "`{css}` did not appear on {}",
                self.current_url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn element(&self, value: &Value) -> Element<'_> {
        let id = value[ELEMENT].as_str().expect("an element reference");
        Element {
            browser: self,
            id: id.to_owned(),
        }
    }

    pub async fn try_execute(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        let body = json!({ "script": script, "args": args });
        try_send(
            self.http
                .post(format!("{}/execute/sync", self.base))
                .json(&body),
        )
        .await
    }

    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.try_execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("/execute/async", json!({ "script": script, "args": args }))
            .await
    }

    /// Presses and releases one key (a WebDriver key code such as `"\u{E004}"` for Tab) on
    /// whatever has the focus, as a person would.
    pub async fn press(&self, key: &str) {
        let keys = json!([{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }]);
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": keys }] });
        self.post("/actions", actions).await;
    }

    /// The visible viewport as PNG.
    pub async fn screenshot(&self) -> Vec<u8> {
        let encoded = self.get("/screenshot").await;
        base64_decode(encoded.as_str().unwrap_or_default())
    }
}

impl Element<'_> {
    async fn get(&self, what: &str) -> Value {
        let path = format!("/element/{}/{what}", self.id);
        self.browser.get(&path).await
    }

    pub async fn click(&self) {
        let path = format!("/element/{}/click", self.id);
        self.browser.post(&path, json!({})).await;
    }

    /// Clicks something that loads a new page (a link, a form's button) and waits until the
    /// page it was on is gone: chromedriver does not always wait for a form's navigation.
    pub async fn follow(&self) {
        let old = self.browser.find("html").await;
        self.click().await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !old.is_gone().await {
            assert!(
                Instant::now() < deadline,
                "the click did not load a new page"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// True once the element's page has been replaced ("stale element reference").
    async fn is_gone(&self) -> bool {
        let url = format!("{}/element/{}/name", self.browser.base, self.id);
        try_send(self.browser.http.get(url)).await.is_err()
    }

    /// Types `text`; on a file input, `text` is an absolute path and the file is attached.
    pub async fn send_keys(&self, text: &str) {
        let path = format!("/element/{}/value", self.id);
        self.browser.post(&path, json!({ "text": text })).await;
    }

    pub async fn text(&self) -> String {
        let text = self.get("text").await;
        text.as_str().unwrap_or_default().to_owned()
    }

    /// A DOM property (`value`, `checked`, …) as JSON.
    pub async fn prop(&self, name: &str) -> Value {
        self.get(&format!("property/{name}")).await
    }
}

/// Standard base64 (screenshots); the crate has no base64 dependency of its own.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let symbols: Vec<u8> = text.bytes().filter(|c| *c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(symbols.len() * 3 / 4);
    for chunk in symbols.chunks(4) {
        let mut n = 0u32;
        for (i, s) in chunk.iter().enumerate() {
            n |= u32::from(*s) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes_what_the_driver_sends() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGVsbG8h"), b"hello!");
    assert_eq!(base64_decode("aGk="), b"hi");
}
