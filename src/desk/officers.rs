//! TEMPORARY STUB — replaced by the officers branch.
#![allow(dead_code, unused_variables)]

use crate::domain::DeskId;
use crate::store::Store;

#[derive(Clone)]
pub struct Officer {
    pub name: String,
    pub desk: DeskId,
}

pub enum LoginOutcome {
    Success(Officer),
    Failed,
    Locked { until: u64 },
}

#[derive(Debug, thiserror::Error)]
pub enum OfficerError {
    #[error("storage failed: {0}")]
    Store(String),
}

pub struct Officers {}

impl Officers {
    pub fn open(store: std::sync::Arc<Store>) -> Result<Officers, OfficerError> {
        Ok(Officers {})
    }
    pub fn get(&self, name: &str) -> Result<Option<Officer>, OfficerError> {
        Ok(None)
    }
    pub fn officer_for_token(&self, token: &str) -> Result<Option<Officer>, OfficerError> {
        Ok(None)
    }
    pub fn login(
        &self,
        name: &str,
        password: &str,
        code: &str,
        now_unix: u64,
    ) -> Result<LoginOutcome, OfficerError> {
        Ok(LoginOutcome::Failed)
    }
    pub fn password_checks(&self) -> u64 {
        0
    }
    pub fn current_code(&self, name: &str, now_unix: u64) -> Result<Option<String>, OfficerError> {
        Ok(None)
    }
}
