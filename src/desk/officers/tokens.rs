//! API tokens for the desk's JSON API: 256 random bits shown once as `mp_` + hex. Only the
//! token's SHA-256 is stored, as the key of its record, so a presented token is found by hashing
//! it and looking the hash up — no secret is compared byte by byte, and a copy of the database
//! gives no usable token. Each token also has a short public id (8 hex characters) for listing
//! and revoking.

use secrecy::SecretString;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::record::StoredToken;
use super::{Officer, OfficerError, Officers};

const TOKEN_PREFIX: &str = "mp_";

impl Officers {
    /// A new API token for officer `name`. Returns its id and the token, which is not kept.
    pub fn create_token(
        &self,
        name: &str,
        now_unix: u64,
    ) -> Result<(String, SecretString), OfficerError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        crate::random::fill(bytes.as_mut());
        let mut token = String::with_capacity(TOKEN_PREFIX.len() + 64);
        token.push_str(TOKEN_PREFIX);
        token.push_str(&Zeroizing::new(hex::encode(&bytes[..])));
        let token = SecretString::from(token);
        let key = token_key(secrecy::ExposeSecret::expose_secret(&token));
        let id = {
            let _guard = self.write_guard();
            if !self.officers.contains_key(name.as_bytes())? {
                return Err(OfficerError::Unknown(name.to_owned()));
            }
            let id = self.unused_token_id()?;
            let record = StoredToken {
                id: id.clone(),
                officer: name.to_owned(),
                created: now_unix,
                revoked: false,
            };
            self.tokens.insert(key, record.encode()?)?;
            id
        };
        self.store.commit()?;
        Ok((id, token))
    }

    /// Revokes the token with this id. Ok(false) if there is no such token; revoking one that
    /// is revoked already is Ok(true) and changes nothing.
    pub fn revoke_token(&self, id: &str) -> Result<bool, OfficerError> {
        {
            let _guard = self.write_guard();
            let Some((key, mut record)) = self.find_token(|t| t.id == id)?.pop() else {
                return Ok(false);
            };
            if record.revoked {
                return Ok(true);
            }
            record.revoked = true;
            self.tokens.insert(key, record.encode()?)?;
        }
        self.store.commit()?;
        Ok(true)
    }

    /// The officer a bearer token belongs to; None for an unknown or revoked token, or one whose
    /// officer has since been removed.
    pub fn officer_for_token(&self, token: &str) -> Result<Option<Officer>, OfficerError> {
        let Some(value) = self.tokens.get(token_key(token))? else {
            return Ok(None);
        };
        let record = StoredToken::decode(&value)?;
        if record.revoked {
            return Ok(None);
        }
        self.get(&record.officer)
    }

    /// Marks every token of officer `name` revoked. The caller holds the write lock and commits.
    pub(super) fn revoke_tokens_of(&self, name: &str) -> Result<(), OfficerError> {
        for (key, mut record) in self.find_token(|t| t.officer == name && !t.revoked)? {
            record.revoked = true;
            self.tokens.insert(key, record.encode()?)?;
        }
        Ok(())
    }

    pub(super) fn all_tokens(&self) -> Result<Vec<StoredToken>, OfficerError> {
        Ok(self
            .find_token(|_| true)?
            .into_iter()
            .map(|(_, record)| record)
            .collect())
    }

    /// Tokens are few (a handful per officer), so finding them by id or officer is a scan.
    fn find_token(
        &self,
        wanted: impl Fn(&StoredToken) -> bool,
    ) -> Result<Vec<(sled::IVec, StoredToken)>, OfficerError> {
        let mut found = Vec::new();
        for entry in self.tokens.iter() {
            let (key, value) = entry?;
            let record = StoredToken::decode(&value)?;
            if wanted(&record) {
                found.push((key, record));
            }
        }
        Ok(found)
    }

    fn unused_token_id(&self) -> Result<String, OfficerError> {
        loop {
            let mut bytes = [0u8; 4];
            crate::random::fill(&mut bytes);
            let id = hex::encode(bytes);
            if self.find_token(|t| t.id == id)?.is_empty() {
                return Ok(id);
            }
        }
    }
}

fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}
