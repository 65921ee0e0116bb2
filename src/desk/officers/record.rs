//! How officers, tokens and login failures are laid out in their tables (`officers`,
//! `officer_tokens`, `login_failures` of `DATA/db/meldpunt.sqlite`): one row each, keyed by
//! officer name, by the SHA-256 of a token, and by the name as typed at login.
//!
//! Secrets read from a row go straight into `secrecy` types: the password hash's `String` is
//! moved, not copied, and the TOTP secret is copied from SQLite's buffer into a `SecretBox`.
//! SQLite's own page cache keeps a copy that we cannot reach, one more reason the database is
//! readable by the service user only (mode 0600).

use rusqlite::{Connection, OptionalExtension, Row, params};
use secrecy::{ExposeSecret, SecretBox, SecretString};

use super::{Officer, OfficerError, Pending};

fn damaged() -> OfficerError {
    OfficerError::Store("a stored officer record is damaged".into())
}

const OFFICER_COLUMNS: &str = "name, desk, password_hash, totp_secret, last_step, admin, must_change_password, must_enrol_totp";

fn officer_from(row: &Row<'_>) -> rusqlite::Result<Result<Officer, OfficerError>> {
    let name: String = row.get(0)?;
    let desk: String = row.get(1)?;
    let password_hash = SecretString::from(row.get::<_, String>(2)?);
    let secret = row.get_ref(3)?.as_blob()?;
    let last_step: i64 = row.get(4)?;
    let admin: bool = row.get(5)?;
    let pending = Pending {
        password: row.get(6)?,
        totp: row.get(7)?,
    };
    let mut copied = false;
    let totp_secret = SecretBox::init_with_mut(|out: &mut [u8; 20]| {
        if secret.len() == out.len() {
            out.copy_from_slice(secret);
            copied = true;
        }
    });
    let (Ok(desk), Ok(last_step), true) = (desk.parse(), u64::try_from(last_step), copied) else {
        return Ok(Err(damaged()));
    };
    Ok(Ok(Officer {
        name,
        desk,
        password_hash,
        totp_secret,
        last_step,
        admin,
        pending,
    }))
}

pub(super) fn read_officer(db: &Connection, name: &str) -> Result<Option<Officer>, OfficerError> {
    let sql = format!("SELECT {OFFICER_COLUMNS} FROM officers WHERE name = ?1");
    db.query_row(&sql, [name], officer_from)
        .optional()?
        .transpose()
}

pub(super) fn all_officers(db: &Connection) -> Result<Vec<Officer>, OfficerError> {
    let sql = format!("SELECT {OFFICER_COLUMNS} FROM officers ORDER BY name");
    let mut query = db.prepare(&sql)?;
    let rows = query.query_map([], officer_from)?;
    rows.map(|row| row?).collect()
}

pub(super) fn insert_officer(db: &Connection, officer: &Officer) -> Result<(), OfficerError> {
    db.execute(
        "INSERT INTO officers (name, desk, password_hash, totp_secret, last_step, admin,
                               must_change_password, must_enrol_totp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            officer.name,
            officer.desk.as_str(),
            officer.password_hash.expose_secret(),
            &officer.totp_secret.expose_secret()[..],
            i64::try_from(officer.last_step).map_err(|_| damaged())?,
            officer.admin,
            officer.pending.password,
            officer.pending.totp,
        ],
    )?;
    Ok(())
}

/// A new password hash; `pending` says whether the officer must still replace it at login.
pub(super) fn set_password_hash(
    db: &Connection,
    name: &str,
    hash: &SecretString,
    pending: bool,
) -> Result<bool, OfficerError> {
    let changed = db.execute(
        "UPDATE officers SET password_hash = ?2, must_change_password = ?3 WHERE name = ?1",
        params![name, hash.expose_secret(), pending],
    )?;
    Ok(changed == 1)
}

/// A new TOTP secret; `pending` says whether the officer must still enrol one at login. The
/// last accepted step is kept, so no code from before is good again.
pub(super) fn set_totp_secret(
    db: &Connection,
    name: &str,
    secret: &SecretBox<[u8; 20]>,
    pending: bool,
) -> Result<bool, OfficerError> {
    let changed = db.execute(
        "UPDATE officers SET totp_secret = ?2, must_enrol_totp = ?3 WHERE name = ?1",
        params![name, &secret.expose_secret()[..], pending],
    )?;
    Ok(changed == 1)
}

pub(super) fn set_last_step(db: &Connection, name: &str, step: u64) -> Result<(), OfficerError> {
    let step = i64::try_from(step).map_err(|_| damaged())?;
    db.execute(
        "UPDATE officers SET last_step = ?2 WHERE name = ?1",
        params![name, step],
    )?;
    Ok(())
}

/// An API token as stored under the SHA-256 of the token.
pub(super) struct StoredToken {
    pub id: String,
    pub officer: String,
    pub created: u64,
    /// Unix seconds from which the token no longer opens the API.
    pub expires: u64,
    pub revoked: bool,
}

const TOKEN_COLUMNS: &str = "id, officer, created, revoked, expires";

fn token_from(row: &Row<'_>) -> rusqlite::Result<StoredToken> {
    Ok(StoredToken {
        id: row.get(0)?,
        officer: row.get(1)?,
        created: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
        revoked: row.get(3)?,
        // A damaged expiry counts as expired: a token must never outlive its time by accident.
        expires: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
    })
}

pub(super) fn token_by_key(
    db: &Connection,
    key: &[u8],
) -> Result<Option<StoredToken>, OfficerError> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM officer_tokens WHERE key = ?1");
    Ok(db.query_row(&sql, [key], token_from).optional()?)
}

pub(super) fn all_tokens(db: &Connection) -> Result<Vec<StoredToken>, OfficerError> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM officer_tokens ORDER BY created, id");
    let mut query = db.prepare(&sql)?;
    let rows = query.query_map([], token_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
