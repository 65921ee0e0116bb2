//! Desk officers: their accounts (name, desk, Argon2id password hash, TOTP secret), their API
//! tokens, and the login check with its lock-out. Everything lives in three sled trees of the
//! store — `officers`, `officer_tokens` and `login_failures` — and every change is made durable
//! before a method returns, so an officer added or a token revoked stays so after a crash.
//!
//! The secrets are kept where they cannot leak by accident: the TOTP secret and password hash
//! sit in `secrecy` types that do not print, API tokens are stored only as their SHA-256, and a
//! login costs the same Argon2 work whether or not the name exists (see [`login`]).

mod credentials;
mod login;
mod record;
#[cfg(test)]
mod tests;
mod tokens;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use secrecy::{ExposeSecret, SecretBox, SecretString};
use totp_rs::Totp;

use crate::domain::DeskId;
use crate::store::{Store, StoreError};
use credentials::{hash_password, random_totp_secret, totp_for};
use record::StoredOfficer;

/// The shortest password an officer may have, in characters.
const MIN_PASSWORD_CHARS: usize = 14;
/// The longest officer name, in characters (all ASCII, so also bytes).
const MAX_NAME_CHARS: usize = 64;

/// A desk officer. The password hash and TOTP secret are private and never printed.
pub struct Officer {
    pub name: String,
    pub desk: DeskId,
    /// Argon2id in PHC string form. Not a secret in itself, but it is what an offline guesser
    /// would want, so it is kept out of `Debug` and zeroized like one.
    password_hash: SecretString,
    totp_secret: SecretBox<[u8; 20]>,
    /// The last TOTP time step a login was accepted with; a code is only good for a later step.
    last_step: u64,
}

impl Clone for Officer {
    fn clone(&self) -> Officer {
        Officer {
            name: self.name.clone(),
            desk: self.desk.clone(),
            password_hash: self.password_hash.clone(),
            totp_secret: SecretBox::new(Box::new(*self.totp_secret.expose_secret())),
            last_step: self.last_step,
        }
    }
}

impl std::fmt::Debug for Officer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Officer")
            .field("name", &self.name)
            .field("desk", &self.desk)
            .finish_non_exhaustive()
    }
}

impl Officer {
    /// The TOTP generator for this officer: RFC 6238, SHA-1, 6 digits, 30 s steps, skew 1.
    fn totp(&self) -> Result<Totp, OfficerError> {
        totp_for(
            self.totp_secret.expose_secret(),
            format!("{} ({})", self.name, self.desk),
        )
    }
}

/// An officer as `list` shows it: no secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerSummary {
    pub name: String,
    pub desk: DeskId,
    pub tokens: Vec<TokenSummary>,
}

/// An API token as `list` shows it: its short id, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSummary {
    /// 8 hex characters.
    pub id: String,
    /// Unix seconds.
    pub created: u64,
    pub revoked: bool,
}

/// What a login attempt came to. `Failed` does not say which part was wrong, on purpose.
#[derive(Debug)]
pub enum LoginOutcome {
    Success(Officer),
    Failed,
    /// Too many failures for this name; nothing was checked. `until` is in unix seconds.
    Locked {
        until: u64,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum OfficerError {
    #[error("storage failed: {0}")]
    Store(String),
    #[error("an officer named {0} already exists")]
    Exists(String),
    #[error("no officer named {0}")]
    Unknown(String),
    #[error("the password must be at least 14 characters")]
    WeakPassword,
    #[error("the name must be 1 to 64 letters, digits, dots, dashes or underscores")]
    BadName,
}

impl From<StoreError> for OfficerError {
    fn from(e: StoreError) -> OfficerError {
        // The store's own message is kept: for a locked folder it says the service has it.
        OfficerError::Store(e.to_string())
    }
}

impl From<sled::Error> for OfficerError {
    fn from(e: sled::Error) -> OfficerError {
        OfficerError::Store(e.to_string())
    }
}

/// Refuses a name that is not 1–64 of `[A-Za-z0-9._-]`: names end up in URIs, logs and the
/// audit log, where anything else would need escaping.
pub fn validate_name(name: &str) -> Result<(), OfficerError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_CHARS
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(OfficerError::BadName)
    }
}

/// The officers of an installation, on top of the shared store.
pub struct Officers {
    /// Kept to make writes durable with [`Store::commit`].
    store: Arc<Store>,
    officers: sled::Tree,
    tokens: sled::Tree,
    failures: sled::Tree,
    /// Verified instead of an officer's hash when the name is unknown, so that both cost the same.
    dummy_hash: SecretString,
    /// Checked instead of an officer's TOTP secret when the name is unknown, for the same reason.
    dummy_totp: SecretBox<[u8; 20]>,
    password_checks: AtomicU64,
    /// Serialises read-modify-write of records (accepted TOTP steps, failure counts, tokens), so
    /// two concurrent logins cannot both accept one code.
    write: Mutex<()>,
}

impl Officers {
    /// Opens the officer trees. Hashes one random password to make the dummy hash (one Argon2
    /// run, tens of milliseconds).
    pub fn open(store: Arc<Store>) -> Result<Officers, OfficerError> {
        let mut dummy_password = zeroize::Zeroizing::new([0u8; 32]);
        crate::random::fill(dummy_password.as_mut());
        Ok(Officers {
            officers: store.tree("officers")?,
            tokens: store.tree("officer_tokens")?,
            failures: store.tree("login_failures")?,
            dummy_hash: hash_password(dummy_password.as_ref())?,
            dummy_totp: random_totp_secret(),
            password_checks: AtomicU64::new(0),
            write: Mutex::new(()),
            store,
        })
    }

    /// Adds an officer with a fresh TOTP secret. Returns the officer and the otpauth:// URI
    /// (issuer "meldpunt", account "NAME (DESK)") to enrol an authenticator app with.
    pub fn add(
        &self,
        name: &str,
        desk: &DeskId,
        password: &SecretString,
    ) -> Result<(Officer, SecretString), OfficerError> {
        validate_name(name)?;
        if password.expose_secret().chars().count() < MIN_PASSWORD_CHARS {
            return Err(OfficerError::WeakPassword);
        }
        // Checked before the Argon2 work too, so a duplicate is refused at once.
        if self.officers.contains_key(name.as_bytes())? {
            return Err(OfficerError::Exists(name.to_owned()));
        }
        let officer = Officer {
            name: name.to_owned(),
            desk: desk.clone(),
            password_hash: hash_password(password.expose_secret().as_bytes())?,
            totp_secret: random_totp_secret(),
            last_step: 0,
        };
        let uri = officer
            .totp()?
            .to_url()
            .map_err(|e| OfficerError::Store(format!("TOTP enrolment failed: {e}")))?;
        {
            let _guard = self.write_guard();
            if self.officers.contains_key(name.as_bytes())? {
                return Err(OfficerError::Exists(name.to_owned()));
            }
            self.put_officer(&officer)?;
        }
        self.store.commit()?;
        Ok((officer, SecretString::from(uri)))
    }

    /// Every officer with their tokens, ordered by name (tokens by creation time).
    pub fn list(&self) -> Result<Vec<OfficerSummary>, OfficerError> {
        let mut tokens = self.all_tokens()?;
        tokens.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
        let mut summaries = Vec::new();
        for entry in self.officers.iter() {
            let (_, value) = entry?;
            let officer = StoredOfficer::decode(&value)?.into_officer()?;
            let mine = tokens
                .iter()
                .filter(|t| t.officer == officer.name)
                .map(|t| TokenSummary {
                    id: t.id.clone(),
                    created: t.created,
                    revoked: t.revoked,
                })
                .collect();
            summaries.push(OfficerSummary {
                name: officer.name.clone(),
                desk: officer.desk.clone(),
                tokens: mine,
            });
        }
        Ok(summaries)
    }

    pub fn get(&self, name: &str) -> Result<Option<Officer>, OfficerError> {
        match self.officers.get(name.as_bytes())? {
            Some(value) => Ok(Some(StoredOfficer::decode(&value)?.into_officer()?)),
            None => Ok(None),
        }
    }

    /// Removes the officer and revokes all their tokens. Ok(false) if there was none.
    pub fn remove(&self, name: &str) -> Result<bool, OfficerError> {
        {
            let _guard = self.write_guard();
            if !self.officers.contains_key(name.as_bytes())? {
                return Ok(false);
            }
            // Tokens first: should the process die in between, an officer without tokens is
            // left, never live tokens that a later officer of the same name would inherit.
            self.revoke_tokens_of(name)?;
            self.officers.remove(name.as_bytes())?;
        }
        self.store.commit()?;
        Ok(true)
    }

    /// How many password hashes `login` has verified since open (a test hook proving unknown
    /// users cost the same work).
    pub fn password_checks(&self) -> u64 {
        self.password_checks.load(Ordering::SeqCst)
    }

    /// The current TOTP code for an officer at `now_unix` — for tests that need to log in.
    #[doc(hidden)]
    pub fn current_code(&self, name: &str, now_unix: u64) -> Result<Option<String>, OfficerError> {
        match self.get(name)? {
            Some(officer) => Ok(Some(officer.totp()?.generate(now_unix).to_string())),
            None => Ok(None),
        }
    }

    fn put_officer(&self, officer: &Officer) -> Result<(), OfficerError> {
        let value = StoredOfficer::from_officer(officer).encode()?;
        self.officers
            .insert(officer.name.as_bytes(), value.as_slice())?;
        Ok(())
    }

    /// The write lock. Poisoning is harmless here (it guards no data of its own, only the order
    /// of sled writes), so a panic elsewhere does not stop logins.
    fn write_guard(&self) -> MutexGuard<'_, ()> {
        self.write
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
