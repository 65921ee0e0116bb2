//! What can go wrong for a reporter, in the reporter area's own terms. The web layer tells each
//! variant as a page in the reporter's language; the internal ones only under an operation id.
//!
//! A full disk has its own variant: nothing was stored, and the reporter should be told so (and to
//! try again later) rather than shown a bare "error".

use crate::kdf::KdfError;
use crate::receipt::KeyError;
use crate::seal::SealError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReporterError {
    #[error("no desk was chosen, or it does not exist")]
    NoDesk,
    #[error("the submission holds neither a message nor a file")]
    Empty,
    #[error("the message is longer than {max_chars} characters")]
    MessageTooLong { max_chars: usize },
    #[error("the submission holds more than {max_files} files")]
    TooManyFiles { max_files: usize },
    #[error("the submission is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// Too many receipts are being stretched at once; the reporter may try again in a minute.
    #[error("too many receipt derivations waiting")]
    Busy,
    /// The report of a session is gone (deleted after its retention, say).
    #[error("the report is gone")]
    NotFound,
    /// The report moved to another desk while a follow-up sealed to the old one was uploading;
    /// nothing was stored, and sending it again (sealed to the new desk) will work.
    #[error("the report was moved to another desk")]
    Moved,
    #[error("the disk is full")]
    DiskFull,
    /// Anything else; the cause is logged, never shown.
    #[error("{0}")]
    Internal(String),
}

impl ReporterError {
    /// Over one of a submission's limits: the upload stopped part-way, on purpose.
    pub fn is_over_limit(&self) -> bool {
        matches!(
            self,
            ReporterError::MessageTooLong { .. }
                | ReporterError::TooManyFiles { .. }
                | ReporterError::TooLarge { .. }
        )
    }
}

impl From<KdfError> for ReporterError {
    fn from(e: KdfError) -> ReporterError {
        match e {
            KdfError::Busy => ReporterError::Busy,
            KdfError::Failed => ReporterError::Internal("key derivation failed".into()),
        }
    }
}

/// A full disk is told as such; any other storage failure is internal.
fn full_or_internal(disk_full: bool, e: impl std::fmt::Display) -> ReporterError {
    match disk_full {
        true => ReporterError::DiskFull,
        false => ReporterError::Internal(e.to_string()),
    }
}

impl From<StoreError> for ReporterError {
    fn from(e: StoreError) -> ReporterError {
        match e {
            StoreError::Moved => ReporterError::Moved,
            StoreError::NoReport => ReporterError::NotFound,
            e => full_or_internal(e.is_disk_full(), e),
        }
    }
}

impl From<SealError> for ReporterError {
    fn from(e: SealError) -> ReporterError {
        full_or_internal(e.is_disk_full(), e)
    }
}

impl From<KeyError> for ReporterError {
    fn from(e: KeyError) -> ReporterError {
        ReporterError::Internal(e.to_string())
    }
}
