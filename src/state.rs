//! What every handler shares: settings, storage, the Argon2 pool, templates, reporter sessions.

use std::sync::Arc;

use crate::audit::AuditLog;
use crate::config::{DeskSettings, Settings};
use crate::desk::officers::Officers;
use crate::desk::web::session::OfficerSessions;
use crate::domain::{Clock, DeskId};
use crate::kdf::KdfPool;
use crate::reporter::session::ReporterSessions;
use crate::store::Store;
use crate::web::{Failure, PageError, PageLang, Templates};

pub struct AppState {
    pub settings: Settings,
    pub store: Arc<Store>,
    pub kdf: KdfPool,
    pub templates: Arc<Templates>,
    pub sessions: ReporterSessions,
    pub officer_sessions: OfficerSessions,
    pub officers: Officers,
    pub audit: AuditLog,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn desk(&self, id: &DeskId) -> Option<&DeskSettings> {
        self.settings.desks.iter().find(|d| &d.id == id)
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
