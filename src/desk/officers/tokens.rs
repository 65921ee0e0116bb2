//! API tokens for the desk's JSON API: 256 random bits shown once as `mp_` + hex. Only the
//! token's SHA-256 is stored, as the key of its record, so a presented token is found by hashing
//! it and looking the hash up — no secret is compared byte by byte, and a copy of the database
//! gives no usable token. Each token also has a short public id (8 hex characters) for listing
//! and revoking.

use secrecy::SecretString;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use rusqlite::{Connection, params};

use super::record;
use super::{Officer, OfficerError, Officers, TokenSummary};

impl From<&record::StoredToken> for TokenSummary {
    fn from(t: &record::StoredToken) -> TokenSummary {
        TokenSummary {
            id: t.id.clone(),
            created: t.created,
            expires: t.expires,
            revoked: t.revoked,
        }
    }
}

const TOKEN_PREFIX: &str = "mp_";

impl Officers {
    /// A new API token for officer `name`, good for `lifetime_days` from `now_unix`. Returns
    /// its id and the token, which is not kept.
    pub fn create_token(
        &self,
        name: &str,
        now_unix: u64,
        lifetime_days: u32,
    ) -> Result<(String, SecretString), OfficerError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        crate::random::fill(bytes.as_mut());
        let mut token = String::with_capacity(TOKEN_PREFIX.len() + 64);
        token.push_str(TOKEN_PREFIX);
        token.push_str(&Zeroizing::new(hex::encode(&bytes[..])));
        let token = SecretString::from(token);
        let key = token_key(secrecy::ExposeSecret::expose_secret(&token));
        let created = i64::try_from(now_unix).unwrap_or(i64::MAX);
        let expires = created.saturating_add(i64::from(lifetime_days) * 86_400);
        let id = self.db().write(|tx| {
            if record::read_officer(tx, name)?.is_none() {
                return Err(OfficerError::Unknown(name.to_owned()));
            }
            let id = unused_token_id(tx)?;
            tx.execute(
                "INSERT INTO officer_tokens (key, id, officer, created, revoked, expires)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                params![&key[..], id, name, created, expires],
            )?;
            Ok(id)
        })?;
        Ok((id, token))
    }

    /// Revokes the token with this id. Ok(false) if there is no such token; revoking one that
    /// is revoked already is Ok(true) and changes nothing.
    pub fn revoke_token(&self, id: &str) -> Result<bool, OfficerError> {
        self.revoke_token_where(id, None)
    }

    /// Revokes the token with this id if it is officer `name`'s; another's answers Ok(false),
    /// as if there were no such token.
    pub fn revoke_own_token(&self, name: &str, id: &str) -> Result<bool, OfficerError> {
        self.revoke_token_where(id, Some(name))
    }

    /// Officer `name`'s tokens, oldest first.
    pub fn tokens_of(&self, name: &str) -> Result<Vec<TokenSummary>, OfficerError> {
        let db = self.db().connection()?;
        Ok(record::all_tokens(&db)?
            .iter()
            .filter(|t| t.officer == name)
            .map(TokenSummary::from)
            .collect())
    }

    fn revoke_token_where(&self, id: &str, owner: Option<&str>) -> Result<bool, OfficerError> {
        self.db().write(|tx| {
            let found: Option<bool> = tx
                .query_row(
                    "SELECT revoked FROM officer_tokens WHERE id = ?1 AND officer = ifnull(?2, officer)",
                    params![id, owner],
                    |row| row.get(0),
                )
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?;
            match found {
                None => Ok(false),
                Some(true) => Ok(true),
                Some(false) => {
                    tx.execute("UPDATE officer_tokens SET revoked = 1 WHERE id = ?1", [id])?;
                    Ok(true)
                }
            }
        })
    }

    /// The officer a bearer token belongs to; None for an unknown or revoked token, or one whose
    /// officer has since been removed. Read from the database at every call, so a token revoked
    /// by another process fails on its very next use.
    /// A token past its expiry at `now_unix` is as good as none.
    pub fn officer_for_token(
        &self,
        token: &str,
        now_unix: u64,
    ) -> Result<Option<Officer>, OfficerError> {
        self.token_lookups
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let db = self.db().connection()?;
        match record::token_by_key(&db, &token_key(token))? {
            // An officer who must still replace a reset password or authenticator is not
            // let in through the API either.
            Some(record) if !record.revoked && now_unix < record.expires => {
                Ok(record::read_officer(&db, &record.officer)?.filter(|o| !o.pending.any()))
            }
            _ => Ok(None),
        }
    }
}

/// Marks every token of officer `name` revoked, inside the caller's transaction.
pub(super) fn revoke_all_of(db: &Connection, name: &str) -> Result<(), OfficerError> {
    db.execute(
        "UPDATE officer_tokens SET revoked = 1 WHERE officer = ?1",
        [name],
    )?;
    Ok(())
}

/// A short public id (8 hex characters) that no token has yet.
fn unused_token_id(db: &Connection) -> Result<String, OfficerError> {
    loop {
        let mut bytes = [0u8; 4];
        crate::random::fill(&mut bytes);
        let id = hex::encode(bytes);
        let taken: i64 = db.query_row(
            "SELECT count(*) FROM officer_tokens WHERE id = ?1",
            [&id],
            |row| row.get(0),
        )?;
        if taken == 0 {
            return Ok(id);
        }
    }
}

fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}
