//! What desk work can fail with, in the terms its callers answer in: not found (or not this
//! desk's), an invalid request naming the message to show, a full disk, or an internal fault whose
//! cause is logged and never shown. The lower layers' errors are folded in here, once.

use crate::audit::AuditError;
use crate::desk::reply::ReplyError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("not found")]
    NotFound,
    /// The request is wrong; the key names the message shown.
    #[error("invalid: {0}")]
    Invalid(&'static str),
    /// Nothing was stored: the disk is full.
    #[error("the disk is full")]
    DiskFull,
    #[error("internal: {0}")]
    Internal(String),
}

/// An internal fault, with its cause kept for the log.
pub(super) fn internal(e: impl std::fmt::Display) -> DeskError {
    DeskError::Internal(e.to_string())
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> DeskError {
        if e.is_disk_full() {
            DeskError::DiskFull
        } else {
            internal(e)
        }
    }
}

impl From<AuditError> for DeskError {
    fn from(e: AuditError) -> DeskError {
        match e {
            AuditError::DiskFull => DeskError::DiskFull,
            other => internal(other),
        }
    }
}

impl From<ReplyError> for DeskError {
    fn from(e: ReplyError) -> DeskError {
        match e {
            ReplyError::Store(e) => e.into(),
            ReplyError::Seal(e) if e.is_disk_full() => DeskError::DiskFull,
            other => internal(other),
        }
    }
}
