//! A desk's recipient as the configuration names it: an X25519 public key (`age1…`), or a plugin
//! recipient (`age1yubikey1…`, any `age1<plugin>1…`) that is encrypted to by running the plugin
//! binary `age-plugin-<plugin>` from the service's `PATH`, as the `age` tool does.
//!
//! Parsing refuses, without ever repeating the value, what would lose tips or leak a key: a
//! secret key pasted where the public one belongs, the example key from age's manual (nobody
//! holds its secret), and a plugin recipient whose plugin is not installed.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use age::plugin::RecipientPluginV1;
use age_core::format::{FileKey, Stanza};

/// The recipient in age's manual and README (`age -r age1ql3z…`): its secret is published, so a
/// desk configured with it would receive tips that nobody — or anybody — can read.
const MANUAL_EXAMPLE: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

/// One public key a desk's items are encrypted to.
#[derive(Clone)]
pub struct DeskRecipient {
    /// The recipient as written (public, so it may be shown and compared).
    text: String,
    key: Key,
}

#[derive(Clone)]
enum Key {
    X25519(age::x25519::Recipient),
    /// Found on the `PATH` once, at start; every encryption runs the plugin anew.
    Plugin(Arc<RecipientPluginV1<age::NoCallbacks>>),
}

/// Why a configured value is not a usable recipient. The messages never repeat the value: it
/// may be a secret key, whole or with a typo.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecipientError {
    #[error(
        "is a SECRET key (AGE-SECRET-KEY-…): it must never be on the server. Remove it from the \
         configuration, treat it as exposed, and put the desk's public recipient (age1…) here"
    )]
    SecretKey,
    #[error(
        "is the example key from age's manual, whose secret no desk holds; put the desk's own \
         recipient here (made offline with `meldpunt keygen`)"
    )]
    ManualExample,
    #[error("is not an age recipient (age1… or age1<plugin>1…)")]
    Malformed,
    #[error(
        "needs the plugin program age-plugin-{0}, which is not on the service's PATH; install \
         it on the server or use an X25519 recipient"
    )]
    PluginMissing(String),
}

impl DeskRecipient {
    /// An age encryption recipient for this key.
    pub fn to_recipient(&self) -> Box<dyn age::Recipient + Send + Sync> {
        match &self.key {
            Key::X25519(key) => Box::new(key.clone()),
            Key::Plugin(plugin) => Box::new(SharedPlugin(Arc::clone(plugin))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The name of the plugin that encrypts to this recipient, if it is a plugin recipient.
    pub fn plugin(&self) -> Option<&str> {
        match &self.key {
            Key::Plugin(_) => self.text.get(4..).and_then(|rest| rest.split('1').next()),
            Key::X25519(_) => None,
        }
    }
}

impl FromStr for DeskRecipient {
    type Err = RecipientError;

    fn from_str(value: &str) -> Result<DeskRecipient, RecipientError> {
        let text = value.trim();
        let upper = text.to_ascii_uppercase();
        if upper.starts_with("AGE-SECRET-KEY") || upper.starts_with("AGE-PLUGIN-") {
            return Err(RecipientError::SecretKey);
        }
        if text.eq_ignore_ascii_case(MANUAL_EXAMPLE) {
            return Err(RecipientError::ManualExample);
        }
        if let Ok(key) = age::x25519::Recipient::from_str(text) {
            return Ok(DeskRecipient {
                text: key.to_string(),
                key: Key::X25519(key),
            });
        }
        let plugin =
            age::plugin::Recipient::from_str(text).map_err(|_| RecipientError::Malformed)?;
        let name = plugin.plugin().to_owned();
        let found = RecipientPluginV1::new(&name, &[plugin], &[], age::NoCallbacks)
            .map_err(|_| RecipientError::PluginMissing(name))?;
        Ok(DeskRecipient {
            text: text.to_owned(),
            key: Key::Plugin(Arc::new(found)),
        })
    }
}

impl From<age::x25519::Recipient> for DeskRecipient {
    fn from(key: age::x25519::Recipient) -> DeskRecipient {
        DeskRecipient {
            text: key.to_string(),
            key: Key::X25519(key),
        }
    }
}

impl PartialEq for DeskRecipient {
    fn eq(&self, other: &DeskRecipient) -> bool {
        self.text == other.text
    }
}

impl fmt::Display for DeskRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for DeskRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeskRecipient({})", self.text)
    }
}

/// Encrypts a short test message, in memory, to `recipients` and a throwaway X25519 key (as a
/// reply is sealed to the desk and the reporter): run at start, so a plugin that is missing,
/// fails, or cannot be combined with the other keys stops the service instead of every tip.
pub fn check_encrypts(recipients: &[DeskRecipient]) -> Result<(), String> {
    let reporter = age::x25519::Identity::generate().to_public();
    let mut all: Vec<Box<dyn age::Recipient + Send + Sync>> =
        recipients.iter().map(DeskRecipient::to_recipient).collect();
    all.push(Box::new(reporter));
    let encryptor = age::Encryptor::with_recipients(all.iter().map(|r| r.as_ref() as _))
        .map_err(|e| e.to_string())?;
    let mut sealed = Vec::new();
    let mut writer = encryptor
        .wrap_output(&mut sealed)
        .map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut writer, b"meldpunt start check")
        .and_then(|()| writer.finish().map(drop))
        .map_err(|e| e.to_string())
}

/// A plugin found once and shared by every encryption (the plugin type is not `Clone`).
struct SharedPlugin(Arc<RecipientPluginV1<age::NoCallbacks>>);

impl age::Recipient for SharedPlugin {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        self.0.wrap_file_key(file_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plugin_recipient_without_its_plugin_names_the_plugin() {
        // A syntactically valid recipient for a plugin nobody installs.
        let text = bech32_recipient("meldpuntabsent");
        assert_eq!(
            text.parse::<DeskRecipient>().unwrap_err(),
            RecipientError::PluginMissing("meldpuntabsent".into())
        );
    }

    #[test]
    fn x25519_keys_round_trip() {
        let key = age::x25519::Identity::generate().to_public();
        let parsed: DeskRecipient = format!(" {key} ").parse().unwrap();
        assert_eq!(parsed.to_string(), key.to_string());
        assert_eq!(parsed.plugin(), None);
    }

    /// `age1<plugin>1…` with a valid bech32 checksum over 32 bytes of data.
    pub(crate) fn bech32_recipient(plugin: &str) -> String {
        let hrp = bech32::Hrp::parse(&format!("age1{plugin}")).unwrap();
        bech32::encode::<bech32::Bech32>(hrp, &[7u8; 32]).unwrap()
    }
}
