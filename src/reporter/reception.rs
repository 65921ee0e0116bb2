//! What the reporter's use cases work with ([`Reception`]), and how they run blocking work.
//!
//! The inputs are explicit: the installation's store, desks and clock, its receipt salt, the
//! Argon2 pool that opens receipts of earlier versions, and the settings that bound a submission and a look-up — nothing of a request. The
//! web pages build one per request from their state; a test builds one from a temporary folder.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretSlice;

use crate::config::{DeskSettings, Limits};
use crate::domain::{Clock, DeskId};
use crate::kdf::ArgonPool;
use crate::seal::{self, Recipients};
use crate::store::Store;

use super::error::ReporterError;
use super::parts::Intake;

/// The inputs of every reporter use case. Cheap to clone (shared handles), so each request can
/// take its own.
#[derive(Clone)]
pub struct Reception {
    pub store: Arc<Store>,
    pub desks: Arc<[DeskSettings]>,
    pub clock: Arc<dyn Clock>,
    /// The install's secret salt, the key receipts are derived with.
    pub salt: Arc<SecretSlice<u8>>,
    /// Where receipts of earlier versions are stretched (Argon2id, bounded).
    pub argon: ArgonPool,
    /// What one submission may hold.
    pub limits: Limits,
    /// The least time opening a receipt takes, whether the receipt is known or not.
    pub lookup_floor: Duration,
}

impl Reception {
    pub fn desk(&self, id: &DeskId) -> Option<&DeskSettings> {
        self.desks.iter().find(|d| &d.id == id)
    }

    /// The desk a reporter named (a form field, unchecked), if it exists.
    pub fn desk_named(&self, name: &str) -> Option<&DeskSettings> {
        name.parse::<DeskId>().ok().and_then(|id| self.desk(&id))
    }

    /// What the parts of a tip for the named desk are sealed to, if that desk exists.
    pub fn recipients_for(&self, name: &str) -> Option<Recipients> {
        self.desk_named(name)
            .map(|d| seal::recipients_of(&d.recipients))
    }

    /// A fresh intake for the parts of one submission, sealing into the store's `tmp/`.
    pub fn intake(&self) -> Intake {
        Intake::new(self.limits.clone(), self.store.tmp_dir())
    }
}

/// Runs blocking work (fsync, SQLite, decryption) off the async workers.
pub(super) async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ReporterError>
where
    T: Send + 'static,
    E: Into<ReporterError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ReporterError::Internal(e.to_string()))?
        .map_err(Into::into)
}
