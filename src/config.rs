//! Typed settings: what the operator may configure and how it is loaded.
//!
//! Layers, lowest first: defaults in code, the TOML file given with `--config`, `MELDPUNT_…`
//! environment variables, then command-line flags. Unknown keys in the file are rejected so a typo
//! never silently falls back to a default. Without a configuration file the service runs in demo
//! mode (see [`crate::demo`]), with throwaway desk identities in the data folder.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::{DeskId, Lang};

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data: PathBuf,
    pub default_lang: Lang,
    /// The `.onion` host name, when the service is also published as an onion service.
    pub onion_address: Option<String>,
    /// Set when a TLS proxy serves the clearnet address, so cookies get the `Secure` flag.
    pub https: bool,
    pub limits: Limits,
    pub argon2: Argon2Settings,
    pub session: SessionSettings,
    pub kdf: KdfSettings,
    pub desks: Vec<DeskSettings>,
    /// True when no configuration file was given: throwaway keys, banner on every page.
    pub demo: bool,
    /// Minimum time a follow-up login takes, so a known and an unknown receipt answer alike.
    pub followup_floor_ms: u64,
}

/// Upload limits; going over answers 413 and stores nothing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Characters allowed in one message.
    pub message_chars: usize,
    /// Bytes allowed in one submission (the whole multipart body).
    pub submission_bytes: u64,
    /// Attachments allowed in one submission.
    pub files: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            message_chars: 100_000,
            submission_bytes: 500 * 1024 * 1024,
            files: 20,
        }
    }
}

/// Argon2id cost for stretching receipt codes. Stored with each report so it can be raised later.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct Argon2Settings {
    /// Memory in KiB (OWASP minimum: 19 MiB).
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for Argon2Settings {
    fn default() -> Self {
        Argon2Settings {
            m_kib: 19 * 1024,
            t: 2,
            p: 1,
        }
    }
}

/// Reporter session lifetimes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    pub idle_minutes: u64,
    pub absolute_minutes: u64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_minutes: 15,
            absolute_minutes: 120,
        }
    }
}

/// How much Argon2 work may run and wait at once.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KdfSettings {
    /// Derivations allowed at once (default: the number of cores).
    pub workers: usize,
    /// Requests allowed to wait for a worker before "busy, try again" is shown.
    pub queue: usize,
}

impl Default for KdfSettings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        KdfSettings {
            workers: cores,
            queue: cores * 16,
        }
    }
}

/// One desk (authority) that can receive reports.
#[derive(Debug, Clone)]
pub struct DeskSettings {
    pub id: DeskId,
    pub name_nl: String,
    pub name_en: String,
    pub description_nl: String,
    pub description_en: String,
    pub recipients: Vec<age::x25519::Recipient>,
    pub acknowledge_days: u32,
    pub feedback_days: u32,
    pub retention_days: u32,
}

/// The configuration file as written by the operator.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data: Option<PathBuf>,
    default_lang: Option<Lang>,
    onion_address: Option<String>,
    https: Option<bool>,
    limits: Option<Limits>,
    argon2: Option<Argon2Settings>,
    session: Option<SessionSettings>,
    kdf: Option<KdfSettings>,
    followup_floor_ms: Option<u64>,
    #[serde(default)]
    desk: Vec<FileDesk>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDesk {
    id: String,
    name_nl: String,
    name_en: String,
    #[serde(default)]
    description_nl: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    recipients: Vec<String>,
    #[serde(default = "default_acknowledge_days")]
    acknowledge_days: u32,
    #[serde(default = "default_feedback_days")]
    feedback_days: u32,
    #[serde(default = "default_retention_days")]
    retention_days: u32,
}

fn default_acknowledge_days() -> u32 {
    7
}
fn default_feedback_days() -> u32 {
    90
}
fn default_retention_days() -> u32 {
    365
}

/// Why the configuration cannot be used. Each message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("configuration file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name} is not valid: {message}")]
    Env { name: &'static str, message: String },
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
}

/// Loads the settings from file, environment and flags. Demo desks are filled in later by
/// [`crate::demo::prepare`], because they need the data folder.
pub fn load(overrides: &Overrides) -> Result<Settings, ConfigError> {
    let (file, demo) = match &overrides.config {
        Some(path) => (read_file(path)?, false),
        None => (FileConfig::default(), true),
    };
    let mut settings = Settings {
        listen: file
            .listen
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
        data: file.data.unwrap_or_else(|| PathBuf::from("data")),
        default_lang: file.default_lang.unwrap_or(Lang::Nl),
        onion_address: file.onion_address.filter(|a| !a.is_empty()),
        https: file.https.unwrap_or(false),
        limits: file.limits.unwrap_or_default(),
        argon2: file.argon2.unwrap_or_default(),
        session: file.session.unwrap_or_default(),
        kdf: file.kdf.unwrap_or_default(),
        desks: Vec::new(),
        demo,
        followup_floor_ms: file.followup_floor_ms.unwrap_or(800),
    };
    if !demo {
        settings.desks = file
            .desk
            .into_iter()
            .map(parse_desk)
            .collect::<Result<_, _>>()?;
        if settings.desks.is_empty() {
            return Err(ConfigError::NoDesks);
        }
    }
    apply_env(&mut settings, |name| std::env::var(name).ok())?;
    if let Some(data) = &overrides.data {
        settings.data = data.clone();
    }
    if let Some(listen) = overrides.listen {
        settings.listen = listen;
    }
    Ok(settings)
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn parse_desk(desk: FileDesk) -> Result<DeskSettings, ConfigError> {
    let fail = |message: String| ConfigError::Desk {
        desk: desk.id.clone(),
        message,
    };
    let id: DeskId = desk.id.parse().map_err(|e: String| fail(e))?;
    if desk.recipients.is_empty() {
        return Err(fail(
            "names no recipient; add the desk's age1… public key(s) under recipients".into(),
        ));
    }
    let recipients = desk
        .recipients
        .iter()
        .map(|r| {
            r.trim().parse::<age::x25519::Recipient>().map_err(|_| {
                fail(format!(
                    "recipient {r:?} is not an age X25519 public key (age1…)"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !(1..=180).contains(&desk.feedback_days) {
        return Err(fail("feedback_days must be between 1 and 180".into()));
    }
    Ok(DeskSettings {
        id,
        name_nl: desk.name_nl,
        name_en: desk.name_en,
        description_nl: desk.description_nl,
        description_en: desk.description_en,
        recipients,
        acknowledge_days: desk.acknowledge_days,
        feedback_days: desk.feedback_days,
        retention_days: desk.retention_days,
    })
}

/// Applies `MELDPUNT_…` variables. `lookup` is a parameter so tests need not touch the process
/// environment.
pub fn apply_env(
    settings: &mut Settings,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    fn parsed<T: std::str::FromStr>(name: &'static str, value: &str) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        value.trim().parse().map_err(|e: T::Err| ConfigError::Env {
            name,
            message: e.to_string(),
        })
    }
    if let Some(v) = lookup("MELDPUNT_LISTEN") {
        settings.listen = parsed("MELDPUNT_LISTEN", &v)?;
    }
    if let Some(v) = lookup("MELDPUNT_DATA") {
        settings.data = PathBuf::from(v);
    }
    if let Some(v) = lookup("MELDPUNT_DEFAULT_LANG") {
        settings.default_lang = parsed("MELDPUNT_DEFAULT_LANG", &v)?;
    }
    if let Some(v) = lookup("MELDPUNT_ONION_ADDRESS") {
        settings.onion_address = Some(v).filter(|a| !a.is_empty());
    }
    if let Some(v) = lookup("MELDPUNT_HTTPS") {
        settings.https = parsed("MELDPUNT_HTTPS", &v)?;
    }
    if let Some(v) = lookup("MELDPUNT_MAX_SUBMISSION_BYTES") {
        settings.limits.submission_bytes = parsed("MELDPUNT_MAX_SUBMISSION_BYTES", &v)?;
    }
    if let Some(v) = lookup("MELDPUNT_MAX_MESSAGE_CHARS") {
        settings.limits.message_chars = parsed("MELDPUNT_MAX_MESSAGE_CHARS", &v)?;
    }
    if let Some(v) = lookup("MELDPUNT_MAX_FILES") {
        settings.limits.files = parsed("MELDPUNT_MAX_FILES", &v)?;
    }
    if let Some(v) = lookup("MELDPUNT_ARGON2_M_KIB") {
        settings.argon2.m_kib = parsed("MELDPUNT_ARGON2_M_KIB", &v)?;
    }
    if let Some(v) = lookup("MELDPUNT_ARGON2_T") {
        settings.argon2.t = parsed("MELDPUNT_ARGON2_T", &v)?;
    }
    if let Some(v) = lookup("MELDPUNT_FOLLOWUP_FLOOR_MS") {
        settings.followup_floor_ms = parsed("MELDPUNT_FOLLOWUP_FLOOR_MS", &v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meldpunt.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn load_text(text: &str) -> Result<Settings, ConfigError> {
        let (_dir, path) = write(text);
        load(&Overrides {
            config: Some(path),
            ..Overrides::default()
        })
    }

    fn good_desk() -> String {
        let recipient = age::x25519::Identity::generate().to_public();
        format!(
            "[[desk]]\nid = \"ap\"\nname_nl = \"Autoriteit Persoonsgegevens\"\n\
             name_en = \"Dutch Data Protection Authority\"\nrecipients = [\"{recipient}\"]\n"
        )
    }

    #[test]
    fn a_valid_file_loads_its_desks() {
        let settings = load_text(&good_desk()).unwrap();
        assert!(!settings.demo);
        assert_eq!(settings.desks.len(), 1);
        assert_eq!(settings.desks[0].acknowledge_days, 7);
        assert_eq!(settings.desks[0].feedback_days, 90);
    }

    #[test]
    fn the_commented_example_in_deploy_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/meldpunt.example.toml");
        let settings = load(&Overrides {
            config: Some(path),
            ..Overrides::default()
        })
        .unwrap();
        let ids: Vec<&str> = settings.desks.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["ap", "om", "hvk"]);
        assert_eq!(settings.argon2, Argon2Settings::default());
        assert_eq!(
            settings.limits.submission_bytes,
            Limits::default().submission_bytes
        );
    }

    #[test]
    fn an_unknown_key_is_rejected_by_name() {
        let err = load_text(&format!("lisen = \"127.0.0.1:1\"\n{}", good_desk())).unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
    }

    #[test]
    fn a_desk_without_recipients_names_the_desk() {
        let err =
            load_text("[[desk]]\nid = \"om\"\nname_nl = \"OM\"\nname_en = \"PPS\"\n").unwrap_err();
        assert!(err.to_string().contains("desk om"), "{err}");
        assert!(err.to_string().contains("recipient"), "{err}");
    }

    #[test]
    fn a_malformed_recipient_names_the_desk() {
        let text = good_desk().replace("age1", "age1xxxx");
        let err = load_text(&text).unwrap_err();
        assert!(err.to_string().starts_with("desk ap"), "{err}");
    }

    #[test]
    fn flags_beat_environment_which_beats_the_file() {
        let (_dir, path) = write(&format!("listen = \"127.0.0.1:1111\"\n{}", good_desk()));
        let mut settings = load(&Overrides {
            config: Some(path),
            ..Overrides::default()
        })
        .unwrap();
        assert_eq!(settings.listen.port(), 1111);
        apply_env(&mut settings, |name| {
            (name == "MELDPUNT_LISTEN").then(|| "127.0.0.1:2222".to_string())
        })
        .unwrap();
        assert_eq!(settings.listen.port(), 2222);
        let (_dir, path) = write(&format!("listen = \"127.0.0.1:1111\"\n{}", good_desk()));
        let settings = load(&Overrides {
            config: Some(path),
            listen: Some("127.0.0.1:3333".parse().unwrap()),
            ..Overrides::default()
        })
        .unwrap();
        assert_eq!(settings.listen.port(), 3333);
    }
}
