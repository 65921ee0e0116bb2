//! Officers for tests: created through the library, logged in through the real login page.

use meldpunt::domain::{Clock, DeskId, ReportId};
use meldpunt::receipt::{ReceiptCode, derive};
use secrecy::{ExposeSecret, SecretString};

use crate::helpers::*;

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// Adds an officer as `meldpunt officer add` does, with the audit entry that adds them (so
    /// that `audit verify` finds every officer's start).
    pub fn add_officer(&self, name: &str, desk: &str) {
        let desk: DeskId = desk.parse().unwrap();
        self.state
            .officers
            .add(name, &desk, &SecretString::from(PASSWORD.to_owned()))
            .unwrap();
        let detail = format!("{name} at desk {desk}");
        self.state
            .audit
            .append(
                self.clock.now_unix(),
                "admin (command line)",
                meldpunt::audit::Action::OfficerAdded,
                None,
                Some(&detail),
            )
            .unwrap();
    }

    /// The officer's TOTP code now, and moves the clock on one step so the next code is fresh.
    pub fn totp(&self, name: &str) -> String {
        self.clock.set(self.clock.now_unix() + 30);
        self.state
            .officers
            .current_code(name, self.clock.now_unix())
            .unwrap()
            .unwrap()
    }

    pub async fn desk_login_attempt(
        &self,
        name: &str,
        password: &str,
        code: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url("/desk/login"))
            .form(&[("name", name), ("password", password), ("code", code)])
            .send()
            .await
            .unwrap()
    }

    /// Logs an officer in; returns the desk session cookie.
    pub async fn desk_login(&self, name: &str) -> String {
        let code = self.totp(name);
        let response = self.desk_login_attempt(name, PASSWORD, &code).await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("meldpunt_desk="))
            .map(|v| v.split(';').next().unwrap().to_owned())
            .unwrap()
    }

    /// A token for ten years: tests move the clock past the default 90 days to reach deadlines
    /// (expiry itself is tested in `admin_area`).
    pub fn api_token(&self, name: &str) -> String {
        let (_, token) = self
            .state
            .officers
            .create_token(name, self.clock.now_unix(), 3650)
            .unwrap();
        token.expose_secret().to_owned()
    }

    pub async fn desk_get(&self, cookie: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("Cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    pub async fn desk_post(
        &self,
        cookie: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("Cookie", cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Posts a desk form with the session's CSRF token; returns the status.
    pub async fn desk_act(
        &self,
        cookie: &str,
        csrf: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> u16 {
        let mut form = fields.to_vec();
        form.push(("csrf", csrf));
        self.desk_post(cookie, path, &form).await.status().as_u16()
    }

    /// The CSRF token of the officer's session, read from a page.
    pub async fn desk_csrf(&self, cookie: &str) -> String {
        let page = self.desk_get(cookie, "/desk/").await.text().await.unwrap();
        hidden(&page, "csrf")
    }

    pub fn report_of(&self, receipt: &str) -> ReportId {
        let code = ReceiptCode::parse(receipt).unwrap();
        let salt = std::fs::read(self.data.path().join("salt")).unwrap();
        let keys = derive(&code, &salt).unwrap();
        self.state
            .store
            .find_by_lookup(&keys.lookup)
            .unwrap()
            .unwrap()
            .id
    }

    pub fn reporter_identity(&self, receipt: &str) -> age::x25519::Identity {
        let code = ReceiptCode::parse(receipt).unwrap();
        let salt = std::fs::read(self.data.path().join("salt")).unwrap();
        derive(&code, &salt).unwrap().identity().unwrap()
    }
}

/// Runs the `age` CLI to decrypt `file` with the identity file `key` (the output keeps the zero
/// padding); `None` when `age` is absent (outside CI only).
pub fn age_cli_decrypt(key: &std::path::Path, file: &std::path::Path) -> Option<Vec<u8>> {
    let output = match std::process::Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(key)
        .arg(file)
        .output()
    {
        Ok(output) => output,
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "the age CLI is required under CI=true"
            );
            eprintln!("\n*** SKIPPED: the age CLI is not installed; interop not checked ***\n");
            return None;
        }
    };
    assert!(
        output.status.success(),
        "age -d failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output.stdout)
}
