//! The layers a configuration is made of, with figment: the defaults (serialised from
//! [`RawConfig::default`]), the TOML file, the `MELDPUNT_…` environment variables, and the flags,
//! each later one beating the earlier ones. The result is extracted into [`RawConfig`], whose
//! `deny_unknown_fields` refuses a key nobody knows, from the file and the environment alike.
//!
//! Environment variables are the setting's path in capitals after `MELDPUNT_`, with a double
//! underscore between a section and its key: `MELDPUNT_LISTEN`, `MELDPUNT_LIMITS__FILES`,
//! `MELDPUNT_ARGON2__M_KIB`. Desks are a list: `MELDPUNT_DESK` holds them as one TOML array of
//! tables, e.g. `[{id = "ap", name_nl = "…", name_en = "…", recipients = ["age1…"]}]`.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use super::desks::FileDesk;
use super::notify::NotifySettings;
use super::sections::{ConnectionSettings, KdfSettings, Limits, OfficerSettings, SessionSettings};
use super::{ConfigError, Overrides};
use crate::domain::Lang;

/// `MELDPUNT_…` variables that are not settings (read elsewhere: logging, tests, benchmarks),
/// named as figment sees them: lower case, without the prefix.
pub const NOT_SETTINGS: &[&str] = &[
    "log",
    "log_format",
    "screenshots",
    "crash_kills",
    "crash_seed",
];

/// The configuration as the layers give it, before desks are checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    /// Where the reporters' listener binds.
    pub listen: SocketAddr,
    /// Where the desk's listener binds (the desk area and the API).
    pub desk_listen: SocketAddr,
    /// The data folder: ciphertexts, the database, the salt.
    pub data: PathBuf,
    pub default_lang: Lang,
    pub onion_address: Option<String>,
    pub https: bool,
    pub limits: Limits,
    pub connections: ConnectionSettings,
    pub session: SessionSettings,
    pub officers: OfficerSettings,
    pub kdf: KdfSettings,
    pub followup_floor_ms: u64,
    /// The daily digest mail; without it nothing is sent.
    pub notify: Option<NotifySettings>,
    pub desk: Vec<FileDesk>,
}

impl Default for RawConfig {
    fn default() -> Self {
        RawConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            desk_listen: SocketAddr::from(([127, 0, 0, 1], 8081)),
            data: PathBuf::from("data"),
            default_lang: Lang::Nl,
            onion_address: None,
            https: false,
            limits: Limits::default(),
            connections: ConnectionSettings::default(),
            session: SessionSettings::default(),
            officers: OfficerSettings::default(),
            kdf: KdfSettings::default(),
            followup_floor_ms: 800,
            notify: None,
            desk: Vec::new(),
        }
    }
}

/// The environment layer: every `MELDPUNT_…` variable but those in [`NOT_SETTINGS`].
fn environment() -> Env {
    Env::prefixed("MELDPUNT_").split("__").ignore(NOT_SETTINGS)
}

/// All layers, merged in order.
pub(super) fn figment(overrides: &Overrides) -> Figment {
    let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
    if let Some(path) = &overrides.config {
        figment = figment.merge(Toml::file_exact(path));
    }
    figment = figment.merge(environment());
    if let Some(data) = &overrides.data {
        figment = figment.merge(Serialized::default("data", data));
    }
    if let Some(listen) = &overrides.listen {
        figment = figment.merge(Serialized::default("listen", listen));
    }
    if let Some(desk_listen) = &overrides.desk_listen {
        figment = figment.merge(Serialized::default("desk_listen", desk_listen));
    }
    figment
}

pub(super) fn extract(overrides: &Overrides) -> Result<RawConfig, ConfigError> {
    if let Some(path) = &overrides.config {
        // Read first, for a message that says the file cannot be read rather than parsed.
        if let Err(source) = std::fs::metadata(path) {
            return Err(ConfigError::Read {
                path: path.clone(),
                source,
            });
        }
    }
    figment(overrides)
        .extract()
        .map_err(|e: figment::Error| ConfigError::Invalid(describe(e)))
}

/// Every problem figment found, each with the key and where its value came from.
fn describe(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
