//! A test plugin for age recipients of the form `age1meldpunttest1…`, used by the tests of
//! plugin recipients (tests/process/plugin.rs): hardware plugins such as `age-plugin-yubikey`
//! speak the same protocol, but need a token to test with.
//!
//! Its recipient holds an X25519 public key, and it wraps the file key to that key exactly as
//! age's native X25519 recipients do, so what it seals opens with the matching ordinary
//! `AGE-SECRET-KEY-1…` identity: a test can check the service really encrypted through the
//! plugin. With `AGE_PLUGIN_MELDPUNTTEST_FAIL` set it refuses to wrap, as a plugin whose token
//! is missing would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::convert::Infallible;
use std::io;
use std::str::FromStr;

use age_core::format::{FileKey, Stanza};
use age_plugin::recipient::{self, RecipientPluginV1};
use age_plugin::{Callbacks, PluginHandler, run_state_machine};

const NAME: &str = "meldpunttest";

struct Handler;

impl PluginHandler for Handler {
    type RecipientV1 = Plugin;
    type IdentityV1 = Infallible;

    fn recipient_v1(self) -> io::Result<Plugin> {
        Ok(Plugin(Vec::new()))
    }
}

/// The X25519 keys the recipients carry.
struct Plugin(Vec<age::x25519::Recipient>);

impl RecipientPluginV1 for Plugin {
    fn add_recipient(
        &mut self,
        index: usize,
        plugin_name: &str,
        bytes: &[u8],
    ) -> Result<(), recipient::Error> {
        let invalid = || recipient::Error::Recipient {
            index,
            message: "not a meldpunttest recipient".into(),
        };
        if plugin_name != NAME {
            return Err(invalid());
        }
        let hrp = bech32::Hrp::parse("age").map_err(|_| invalid())?;
        let text = bech32::encode::<bech32::Bech32>(hrp, bytes).map_err(|_| invalid())?;
        self.0
            .push(age::x25519::Recipient::from_str(&text).map_err(|_| invalid())?);
        Ok(())
    }

    fn add_identity(&mut self, index: usize, _: &str, _: &[u8]) -> Result<(), recipient::Error> {
        Err(recipient::Error::Identity {
            index,
            message: "identities are not supported".into(),
        })
    }

    fn labels(&mut self) -> HashSet<String> {
        HashSet::new()
    }

    fn wrap_file_keys(
        &mut self,
        file_keys: Vec<FileKey>,
        _: impl Callbacks<recipient::Error>,
    ) -> io::Result<Result<Vec<Vec<Stanza>>, Vec<recipient::Error>>> {
        if std::env::var_os("AGE_PLUGIN_MELDPUNTTEST_FAIL").is_some() {
            return Ok(Err(vec![recipient::Error::Internal {
                message: "the test token is not plugged in".into(),
            }]));
        }
        let wrapped = file_keys
            .iter()
            .map(|key| {
                self.0
                    .iter()
                    .flat_map(|r| age::Recipient::wrap_file_key(r, key).unwrap().0)
                    .collect()
            })
            .collect();
        Ok(Ok(wrapped))
    }
}

fn main() -> io::Result<()> {
    let state_machine = std::env::args()
        .find_map(|a| a.strip_prefix("--age-plugin=").map(str::to_owned))
        .unwrap_or_default();
    run_state_machine(&state_machine, Handler)
}
