//! Typed settings: what the operator may configure and how it is loaded.
//!
//! Layers, lowest first ([`layers`]): defaults in code, the TOML file given with `--config`,
//! `MELDPUNT_…` environment variables, then the command-line flags. Every setting can come from
//! any layer; an unknown key in the file or an unknown `MELDPUNT_…` variable stops the start with
//! a message naming it, so a typo never silently falls back to a default. Without a configuration
//! file (and no desks from the environment) the service runs in demo mode (see [`crate::demo`]),
//! with throwaway desk identities in the data folder.

mod desks;
mod layers;
mod notify;
mod sections;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::domain::{DeskId, Lang};
pub use layers::NOT_SETTINGS;
pub use notify::{DigestMode, NotifySettings, SmtpTls};
pub use sections::{ConnectionSettings, KdfSettings, Limits, OfficerSettings, SessionSettings};

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The reporters' listener.
    pub listen: SocketAddr,
    /// The desk's listener: the desk area and the API, and nothing else.
    pub desk_listen: SocketAddr,
    pub data: PathBuf,
    pub default_lang: Lang,
    /// The `.onion` host name, when the service is also published as an onion service.
    pub onion_address: Option<String>,
    /// Set when a TLS proxy serves the clearnet address, so cookies get the `Secure` flag.
    pub https: bool,
    pub limits: Limits,
    pub connections: ConnectionSettings,
    pub session: SessionSettings,
    pub officers: OfficerSettings,
    pub kdf: KdfSettings,
    pub desks: Vec<DeskSettings>,
    /// True when no desk was configured: throwaway keys, banner on every page.
    pub demo: bool,
    /// Minimum time a follow-up login takes, so a known and an unknown receipt answer alike.
    pub followup_floor_ms: u64,
    /// The officers' daily digest mail (`[notify]`); `None`: no mail is sent.
    pub notify: Option<NotifySettings>,
}

/// One desk (authority) that can receive reports.
#[derive(Debug, Clone)]
pub struct DeskSettings {
    pub id: DeskId,
    pub name_nl: String,
    pub name_en: String,
    pub description_nl: String,
    pub description_en: String,
    pub recipients: Vec<crate::seal::DeskRecipient>,
    pub acknowledge_days: u32,
    pub feedback_days: u32,
    pub retention_days: u32,
    /// What the desk's officers' daily digest says (only with `[notify]`).
    pub digest: DigestMode,
    /// The desk's own texts to start a reply from, where it does not want the standard ones.
    pub canned_replies: CannedReplies,
}

/// Texts an officer may start a typed reply from (`[desk.canned_replies]`); each one not given
/// is the standard text in the page's language. An officer always edits before sending.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedReplies {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledgement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure: Option<String>,
}

#[cfg(test)]
impl DeskSettings {
    /// Desk `id` with the default terms and a fresh key, for the library's unit tests.
    pub(crate) fn for_tests(id: &str) -> DeskSettings {
        DeskSettings {
            id: id.parse().unwrap_or_else(|e| panic!("{e}")),
            name_nl: id.into(),
            name_en: id.into(),
            description_nl: String::new(),
            description_en: String::new(),
            recipients: vec![age::x25519::Identity::generate().to_public().into()],
            acknowledge_days: 7,
            feedback_days: 90,
            retention_days: 30,
            digest: DigestMode::Plain,
            canned_replies: CannedReplies::default(),
        }
    }
}

/// Why the configuration cannot be used. Each message names what to fix and where it came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A value that does not fit, or a key nobody knows: figment's message names the key and
    /// its source (the file, or the `MELDPUNT_` variables).
    #[error("the configuration is not valid: {0}")]
    Invalid(String),
    #[error("desk {desk}: {message}")]
    Desk { desk: String, message: String },
    #[error("the configuration names no desk; add at least one [[desk]] table")]
    NoDesks,
}

/// Values given on the command line; they beat everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub data: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    pub desk_listen: Option<SocketAddr>,
}

/// Loads the settings from the defaults, the file, the process's `MELDPUNT_…` variables and the
/// flags. Demo desks are filled in later by [`crate::demo::prepare`], because they need the data
/// folder.
pub fn load(overrides: &Overrides) -> Result<Settings, ConfigError> {
    let raw = layers::extract(overrides)?;
    let given_file = overrides.config.is_some();
    let demo = !given_file && raw.desk.is_empty();
    let desks = desks::parse_desks(raw.desk)?;
    let onion_address = raw.onion_address.filter(|a| !a.is_empty());
    if let Some(address) = &onion_address {
        check_onion(address)?;
    }
    if !demo && desks.is_empty() {
        return Err(ConfigError::NoDesks);
    }
    if let Some(notify) = &raw.notify {
        notify.check()?;
    }
    Ok(Settings {
        listen: raw.listen,
        desk_listen: raw.desk_listen,
        data: raw.data,
        default_lang: raw.default_lang,
        onion_address,
        https: raw.https,
        limits: raw.limits,
        connections: raw.connections,
        session: raw.session,
        officers: raw.officers,
        kdf: raw.kdf,
        desks,
        demo,
        followup_floor_ms: raw.followup_floor_ms,
        notify: raw.notify,
    })
}

/// A bare v3 onion address: 56 base32 characters (lower case) and `.onion`, no scheme, no port.
/// It ends up in the `Onion-Location` header and the page's advice, so a wrong one would send
/// reporters to an address that is not ours.
fn check_onion(address: &str) -> Result<(), ConfigError> {
    let host = address.strip_suffix(".onion").unwrap_or("");
    let base32 = |c: char| c.is_ascii_lowercase() || ('2'..='7').contains(&c);
    if host.len() == 56 && host.chars().all(base32) {
        return Ok(());
    }
    Err(ConfigError::Invalid(
        "onion_address must be a bare v3 onion address: 56 characters a-z and 2-7, then .onion, \
         without http:// and without a port"
            .into(),
    ))
}
