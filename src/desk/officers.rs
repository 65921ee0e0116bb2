//! Desk officers: their accounts (name, desk, Argon2id password hash, TOTP secret), their API
//! tokens, and the login check with its throttle. Accounts and tokens live in two tables of the
//! store's database — `officers` and `officer_tokens` — and every change is one transaction, durable before a method returns. Nothing is cached: every request reads the
//! database, so an officer added, removed or revoked by `meldpunt officer …` while the service
//! runs counts from the very next request.
//!
//! The secrets are kept where they cannot leak by accident: the TOTP secret and password hash
//! sit in `secrecy` types that do not print, API tokens are stored only as their SHA-256, and a
//! login costs the same Argon2 work whether or not the name exists (see [`login`]).

mod account;
mod credentials;
mod login;
mod mail;
mod record;
#[cfg(test)]
mod tests;
mod throttle;
mod tokens;

pub use account::{Enrolment, NewOfficer, Pending};
pub use mail::MailTo;
pub use throttle::LoginTotals;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use secrecy::{ExposeSecret, SecretBox, SecretString};
use totp_rs::Totp;

use crate::domain::DeskId;
use crate::store::{Database, DbError, Store, StoreError};
use credentials::{hash_password, random_totp_secret, totp_for};

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
    /// May manage the officers of every desk (never another desk's reports).
    pub admin: bool,
    /// What the officer must set at their next login before anything else.
    pub pending: Pending,
}

impl Clone for Officer {
    fn clone(&self) -> Officer {
        Officer {
            name: self.name.clone(),
            desk: self.desk.clone(),
            password_hash: self.password_hash.clone(),
            totp_secret: SecretBox::new(Box::new(*self.totp_secret.expose_secret())),
            last_step: self.last_step,
            admin: self.admin,
            pending: self.pending,
        }
    }
}

impl std::fmt::Debug for Officer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Officer")
            .field("name", &self.name)
            .field("desk", &self.desk)
            .field("admin", &self.admin)
            .field("pending", &self.pending)
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
    pub admin: bool,
    pub pending: Pending,
    pub tokens: Vec<TokenSummary>,
}

/// An API token as `list` shows it: its short id, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSummary {
    /// 8 hex characters.
    pub id: String,
    /// Unix seconds.
    pub created: u64,
    /// Unix seconds from which it no longer works.
    pub expires: u64,
    pub revoked: bool,
}

/// What a login attempt came to. No failure says which part was wrong, on purpose; the names
/// they carry are for the audit log, never for the page.
#[derive(Debug)]
pub enum LoginOutcome {
    Success(Officer),
    /// The full check ran and failed. `officer`: the name, when it is a real officer's;
    /// `guard_began`: from this attempt on, the name is guarded.
    Failed {
        officer: Option<String>,
        guard_began: bool,
    },
    /// Too many attempts on this name or on all: only an attempt with the right code is checked
    /// further, and this one was refused. `officer`: a real officer's name whose check ran (the
    /// code was right) and failed — someone may have the officer's authenticator.
    Guarded {
        officer: Option<String>,
    },
    /// Every Argon2 worker is taken and the queue is full; nothing was checked.
    Busy,
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
    #[error("the code does not match the new authenticator")]
    WrongCode,
    #[error("the current password is not right")]
    WrongPassword,
}

impl From<StoreError> for OfficerError {
    fn from(e: StoreError) -> OfficerError {
        // The store's own message is kept: for a locked folder it says the service has it.
        OfficerError::Store(e.to_string())
    }
}

impl From<DbError> for OfficerError {
    fn from(e: DbError) -> OfficerError {
        OfficerError::Store(e.to_string())
    }
}

impl From<rusqlite::Error> for OfficerError {
    fn from(e: rusqlite::Error) -> OfficerError {
        DbError::from(e).into()
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
    /// The database the officer tables live in.
    store: Arc<Store>,
    /// Verified instead of an officer's hash when the name is unknown, so that both cost the same.
    dummy_hash: SecretString,
    /// Checked instead of an officer's TOTP secret when the name is unknown, for the same reason.
    dummy_totp: SecretBox<[u8; 20]>,
    password_checks: Arc<AtomicU64>,
    token_lookups: AtomicU64,
    throttle: throttle::Throttle,
}

impl Officers {
    /// The officers of the store's database. Hashes one random password to make the dummy hash (one Argon2
    /// run, tens of milliseconds).
    pub fn open(store: Arc<Store>) -> Result<Officers, OfficerError> {
        let mut dummy_password = zeroize::Zeroizing::new([0u8; 32]);
        crate::random::fill(dummy_password.as_mut());
        Ok(Officers {
            dummy_hash: hash_password(dummy_password.as_ref())?,
            dummy_totp: random_totp_secret(),
            password_checks: Arc::new(AtomicU64::new(0)),
            token_lookups: AtomicU64::new(0),
            throttle: throttle::Throttle::new(),
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
        self.add_officer(&NewOfficer {
            name,
            desk,
            password,
            admin: false,
            temporary: false,
        })
    }

    /// Every officer with their tokens, ordered by name (tokens by creation time).
    pub fn list(&self) -> Result<Vec<OfficerSummary>, OfficerError> {
        let (officers, tokens) = self.db().read(|tx| {
            Ok::<_, OfficerError>((record::all_officers(tx)?, record::all_tokens(tx)?))
        })?;
        let mut summaries = Vec::new();
        for officer in officers {
            let mine = tokens
                .iter()
                .filter(|t| t.officer == officer.name)
                .map(TokenSummary::from)
                .collect();
            summaries.push(OfficerSummary {
                name: officer.name.clone(),
                desk: officer.desk.clone(),
                admin: officer.admin,
                pending: officer.pending,
                tokens: mine,
            });
        }
        Ok(summaries)
    }

    pub fn get(&self, name: &str) -> Result<Option<Officer>, OfficerError> {
        record::read_officer(&*self.db().connection()?, name)
    }

    /// Removes the officer and revokes all their tokens. Ok(false) if there was none.
    pub fn remove(&self, name: &str) -> Result<bool, OfficerError> {
        // One transaction: the officer and every token of theirs go together, so no live token
        // is left for a later officer of the same name to inherit.
        self.db().write(|tx| {
            if tx.execute("DELETE FROM officers WHERE name = ?1", [name])? == 0 {
                return Ok(false);
            }
            tokens::revoke_all_of(tx, name)?;
            // The digest address goes too: a later officer of the same name starts without one.
            mail::forget(tx, name)?;
            Ok(true)
        })
    }

    /// How many password hashes `login` has verified since open (a test hook proving unknown
    /// users cost the same work).
    pub fn password_checks(&self) -> u64 {
        self.password_checks.load(Ordering::SeqCst)
    }

    /// How many bearer tokens `officer_for_token` has looked up since open (a test hook proving
    /// that an API request checks its token once).
    pub fn token_lookups(&self) -> u64 {
        self.token_lookups.load(Ordering::SeqCst)
    }

    /// The current TOTP code for an officer at `now_unix` — for tests that need to log in.
    #[doc(hidden)]
    pub fn current_code(&self, name: &str, now_unix: u64) -> Result<Option<String>, OfficerError> {
        match self.get(name)? {
            Some(officer) => Ok(Some(officer.totp()?.generate(now_unix).to_string())),
            None => Ok(None),
        }
    }

    fn db(&self) -> &Database {
        self.store.database()
    }
}
