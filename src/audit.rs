//! TEMPORARY STUB — replaced by the audit branch.
#![allow(dead_code, unused_variables)]

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Login,
    LoginFailed,
    Logout,
    Download,
    Reply,
    StatusChange,
    Extension,
    Transfer,
    Deletion,
    TokenCreated,
    TokenRevoked,
    OfficerAdded,
    OfficerRemoved,
    Purge,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    pub time: u64,
    pub officer: String,
    pub action: Action,
    pub report: Option<String>,
    pub detail: Option<String>,
    pub prev: String,
    pub hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("storage failed: {0}")]
    Store(String),
    #[error("audit entry {seq}: {reason}")]
    Broken { seq: u64, reason: String },
}

pub struct AuditLog {
    tree: sled::Tree,
}

impl AuditLog {
    pub fn open(db: &sled::Db) -> Result<AuditLog, AuditError> {
        Ok(AuditLog {
            tree: db
                .open_tree("audit")
                .map_err(|e| AuditError::Store(e.to_string()))?,
        })
    }
    pub fn append(
        &self,
        time: u64,
        officer: &str,
        action: Action,
        report: Option<&str>,
        detail: Option<&str>,
    ) -> Result<u64, AuditError> {
        let seq = self.tree.len() as u64 + 1;
        let entry = Entry {
            seq,
            time,
            officer: officer.into(),
            action,
            report: report.map(Into::into),
            detail: detail.map(Into::into),
            prev: String::new(),
            hash: String::new(),
        };
        let json = serde_json::to_vec(&entry).map_err(|e| AuditError::Store(e.to_string()))?;
        self.tree
            .insert(seq.to_be_bytes(), json)
            .map_err(|e| AuditError::Store(e.to_string()))?;
        Ok(seq)
    }
    pub fn verify(&self) -> Result<u64, AuditError> {
        Ok(self.tree.len() as u64)
    }
    pub fn entries(&self) -> Result<Vec<Entry>, AuditError> {
        self.tree
            .iter()
            .values()
            .map(|v| {
                let v = v.map_err(|e| AuditError::Store(e.to_string()))?;
                serde_json::from_slice(&v).map_err(|e| AuditError::Store(e.to_string()))
            })
            .collect()
    }
}
