//! What every handler shares: settings, storage, the Argon2 pool, templates, sessions, and the
//! desk's use cases built from them.

use std::sync::Arc;

use crate::audit::AuditLog;
use crate::config::{DeskSettings, Settings};
use crate::desk::officers::Officers;
use crate::desk::work::{Actor, DeskWork, Installation};
use crate::domain::{Clock, DeskId};
use crate::kdf::ArgonPool;
use crate::store::Store;
use crate::web::desk::session::OfficerSessions;
use crate::web::reporter::once::Once;
use crate::web::reporter::session::ReporterSessions;
use crate::web::{Failure, PageError, PageLang, Templates};

/// The uploads being received now, at most the configured number: a slot is held while an
/// upload runs, and an upload that finds none is refused calmly (`web::bounds`).
#[derive(Clone)]
pub struct UploadSlots(Arc<tokio::sync::Semaphore>);

impl UploadSlots {
    pub fn new(uploads: usize) -> UploadSlots {
        UploadSlots(Arc::new(tokio::sync::Semaphore::new(uploads)))
    }

    /// A free slot, held until dropped; `None` when all are taken.
    pub fn try_take(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}

pub struct AppState {
    pub settings: Settings,
    pub store: Arc<Store>,
    /// Officer passwords and receipts of earlier versions: bounded Argon2id.
    pub argon: ArgonPool,
    /// The install's secret salt, the key receipts are derived with.
    pub receipt_salt: Arc<secrecy::SecretSlice<u8>>,
    pub templates: Arc<Templates>,
    pub sessions: ReporterSessions,
    /// Receipts waiting to be shown once, and submit forms already filed.
    pub once: Once,
    pub officer_sessions: OfficerSessions,
    pub officers: Officers,
    pub audit: Arc<AuditLog>,
    pub clock: Arc<dyn Clock>,
    /// Uploads being received now (see [`crate::web::bounds`]).
    pub upload_slots: UploadSlots,
    /// The configured desks, shared with the desk work of every request.
    pub desks: Arc<[DeskSettings]>,
}

impl AppState {
    pub fn desk(&self, id: &DeskId) -> Option<&DeskSettings> {
        self.desks.iter().find(|d| &d.id == id)
    }

    /// What the desk's use cases work with, as shared handles.
    pub fn installation(&self) -> Installation {
        Installation {
            store: self.store.clone(),
            audit: self.audit.clone(),
            desks: self.desks.clone(),
            clock: self.clock.clone(),
            package_max: self.settings.limits.submission_bytes.saturating_mul(2),
        }
    }

    /// An officer at work on their desk.
    pub fn desk_work(&self, officer: Actor) -> DeskWork {
        DeskWork::new(self.installation(), officer)
    }

    /// A failure, rendered in the reporter's language.
    pub fn fail(&self, lang: PageLang, failure: Failure) -> PageError {
        PageError {
            lang,
            failure,
            page: Some(self.templates.clone()),
        }
    }
}
