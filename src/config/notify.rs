//! The `[notify]` section: how the officers' daily digest mail leaves the server (an SMTP relay,
//! always over TLS) and at which local hour. Without the section no mail is ever sent. Each
//! desk chooses what its digest says with `digest` in its `[[desk]]` table ([`DigestMode`]).
//!
//! The relay's password is a secret: it is held in a `SecretString`, left out of `Debug`, and
//! never serialised, so no log line or error message can carry it. It may come from the
//! environment (`MELDPUNT_NOTIFY__SMTP_PASSWORD`) rather than the file.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::ConfigError;

/// How the connection to the relay is encrypted. There is no plain-text choice: the digest
/// names officers' addresses and the relay's password, and neither goes over the wire in clear.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// TLS from the first byte (SMTPS, RFC 8314), port 465 by default.
    #[default]
    Tls,
    /// A plain connection upgraded with STARTTLS before anything is sent, port 587 by default;
    /// a relay that does not offer STARTTLS is refused.
    Starttls,
}

/// What a desk's digest says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DigestMode {
    /// The same text every day, whatever came in: "log in to see your desk".
    #[default]
    Plain,
    /// Counts of new reports and of deadlines due within two days or overdue, as fixed-width
    /// numbers; never an id, a date or anything a reporter wrote.
    Counts,
}

/// The `[notify]` section as given.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySettings {
    /// The relay's host name, as its certificate names it.
    pub smtp_host: String,
    /// The relay's port (default 465 with `tls`, 587 with `starttls`).
    #[serde(default)]
    pub smtp_port: Option<u16>,
    #[serde(default)]
    pub smtp_tls: SmtpTls,
    /// The login at the relay; with `smtp_password`, or neither.
    #[serde(default)]
    pub smtp_user: Option<String>,
    #[serde(default, skip_serializing)]
    pub smtp_password: Option<SecretString>,
    /// A CA certificate (PEM) to trust instead of the system's roots: a relay with a private CA,
    /// or the tests' own server.
    #[serde(default)]
    pub smtp_ca_file: Option<PathBuf>,
    /// The sender, e.g. `meldpunt <meldpunt@example.org>`.
    pub from: String,
    /// The local hour (0–23) from which the day's digest goes out (default 7).
    #[serde(default = "default_hour")]
    pub hour: u8,
}

fn default_hour() -> u8 {
    7
}

impl std::fmt::Debug for NotifySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifySettings")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.port())
            .field("smtp_tls", &self.smtp_tls)
            .field("smtp_user", &self.smtp_user)
            .field("smtp_ca_file", &self.smtp_ca_file)
            .field("from", &self.from)
            .field("hour", &self.hour)
            .finish_non_exhaustive()
    }
}

impl NotifySettings {
    /// The port to connect to: the one given, or the standard one for the kind of TLS.
    pub fn port(&self) -> u16 {
        self.smtp_port.unwrap_or(match self.smtp_tls {
            SmtpTls::Tls => 465,
            SmtpTls::Starttls => 587,
        })
    }

    /// Refuses what could never send: an hour that is not one, a sender that is no address, a
    /// user without a password (or the other way round).
    pub(super) fn check(&self) -> Result<(), ConfigError> {
        let fail = |m: &str| Err(ConfigError::Invalid(format!("[notify] {m}")));
        if self.smtp_host.trim().is_empty() {
            return fail("smtp_host must name the mail relay");
        }
        if self.hour > 23 {
            return fail("hour must be between 0 and 23 (the local hour the digest goes out)");
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            return fail("from must be a mail address, e.g. \"meldpunt <meldpunt@example.org>\"");
        }
        if self.smtp_user.is_some() != self.smtp_password.is_some() {
            return fail("smtp_user and smtp_password go together: give both, or neither");
        }
        Ok(())
    }
}
