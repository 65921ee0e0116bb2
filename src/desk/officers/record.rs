//! How officers, tokens and login failures are laid out in their sled trees: JSON values, keyed
//! by officer name, by the SHA-256 of a token, and by the name as typed at login.
//!
//! The officer record carries the TOTP secret (hex) and the password hash, so its serialised
//! forms are zeroized after use; sled's own page cache keeps a copy that we cannot reach, which
//! is one more reason the data folder is readable by the service user only.

use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::{Officer, OfficerError};
use crate::domain::DeskId;

fn damaged() -> OfficerError {
    OfficerError::Store("a stored officer record is damaged".into())
}

/// An officer as stored under their name in the `officers` tree.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredOfficer {
    name: String,
    desk: DeskId,
    password_hash: String,
    /// 20 bytes, hex.
    totp_secret: String,
    last_step: u64,
}

impl Drop for StoredOfficer {
    fn drop(&mut self) {
        self.password_hash.zeroize();
        self.totp_secret.zeroize();
    }
}

impl StoredOfficer {
    pub(super) fn from_officer(officer: &Officer) -> StoredOfficer {
        StoredOfficer {
            name: officer.name.clone(),
            desk: officer.desk.clone(),
            password_hash: officer.password_hash.expose_secret().to_owned(),
            totp_secret: hex::encode(officer.totp_secret.expose_secret()),
            last_step: officer.last_step,
        }
    }

    pub(super) fn into_officer(self) -> Result<Officer, OfficerError> {
        let mut decoded = Ok(());
        let totp_secret = SecretBox::init_with_mut(|secret: &mut [u8; 20]| {
            decoded = hex::decode_to_slice(&self.totp_secret, secret);
        });
        decoded.map_err(|_| damaged())?;
        Ok(Officer {
            name: self.name.clone(),
            desk: self.desk.clone(),
            password_hash: SecretString::from(self.password_hash.clone()),
            totp_secret,
            last_step: self.last_step,
        })
    }

    pub(super) fn encode(&self) -> Result<Zeroizing<Vec<u8>>, OfficerError> {
        Ok(Zeroizing::new(
            serde_json::to_vec(self).map_err(|_| damaged())?,
        ))
    }

    pub(super) fn decode(bytes: &[u8]) -> Result<StoredOfficer, OfficerError> {
        serde_json::from_slice(bytes).map_err(|_| damaged())
    }
}

/// An API token as stored under the SHA-256 of the token in the `officer_tokens` tree.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredToken {
    pub id: String,
    pub officer: String,
    pub created: u64,
    pub revoked: bool,
}

impl StoredToken {
    pub(super) fn encode(&self) -> Result<Vec<u8>, OfficerError> {
        serde_json::to_vec(self).map_err(|_| damaged())
    }

    pub(super) fn decode(bytes: &[u8]) -> Result<StoredToken, OfficerError> {
        serde_json::from_slice(bytes).map_err(|_| damaged())
    }
}

/// Consecutive login failures for one name, and until when it is locked (unix seconds).
#[derive(Default, Serialize, Deserialize)]
pub(super) struct Failures {
    pub count: u32,
    pub locked_until: u64,
}

impl Failures {
    pub(super) fn encode(&self) -> Result<Vec<u8>, OfficerError> {
        serde_json::to_vec(self).map_err(|_| damaged())
    }

    pub(super) fn decode(bytes: &[u8]) -> Result<Failures, OfficerError> {
        serde_json::from_slice(bytes).map_err(|_| damaged())
    }
}
