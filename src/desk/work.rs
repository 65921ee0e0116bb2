//! What an officer can do to the reports of their own desk, shared by the web area and the API.
//!
//! Every lookup goes through [`DeskWork::report`], which answers `NotFound` alike for a malformed
//! id, an unknown id and another desk's report: desks are walls, and an officer never learns
//! whether another desk's report exists. Every action is written to the audit log and made
//! durable before it is confirmed. All methods block (disk, fsync): call them from `web::block`.

use std::path::Path;
use std::str::FromStr;

use serde::Serialize;
use std::sync::Arc;

use super::deadlines::{self, Deadlines, MAX_FEEDBACK_DAYS};
use super::reply::ReplyError;
use crate::audit::AuditLog;
use crate::audit::{Action, AuditError};
use crate::bundle::{self, BundleManifest};
use crate::config::DeskSettings;
use crate::domain::Clock;
use crate::domain::{DeskId, ItemId, ReportId};
use crate::seal::{Sealed, TempPath};
use crate::store::Store;
use crate::store::{
    Extension, ItemKind, ItemRecord, ReportRecord, Status, StatusEvent, StoreError,
};

/// Reasons and replies are short texts typed by an officer.
pub const REASON_MAX: usize = 1_000;
pub const REPLY_MAX: usize = 20_000;
/// An uploaded sealed reply may be this large.
pub const SEALED_REPLY_MAX: u64 = 10 * 1024 * 1024;

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

fn internal(e: impl std::fmt::Display) -> DeskError {
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

/// One line of the inbox.
#[derive(Debug, Clone, Serialize)]
pub struct InboxRow {
    pub id: String,
    pub desk: String,
    pub status: &'static str,
    pub received: String,
    pub acknowledge_by: String,
    pub feedback_by: String,
    pub acknowledge_overdue: bool,
    pub feedback_overdue: bool,
    pub overdue: bool,
    pub new_items: usize,
    pub forwarded_from: Option<String>,
}

/// Who is acting: an officer's name and desk (no secrets), as held in a session or found by token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub desk: DeskId,
}

/// What desk work is done with: the installation's store, audit log, desks and clock. Cheap to
/// clone (shared handles), so each request can take its own.
#[derive(Clone)]
pub struct Installation {
    pub store: Arc<Store>,
    pub audit: Arc<AuditLog>,
    pub desks: Arc<[DeskSettings]>,
    pub clock: Arc<dyn Clock>,
    /// The largest transfer package accepted, in bytes.
    pub package_max: u64,
}

impl Installation {
    pub fn desk(&self, id: &DeskId) -> Option<&DeskSettings> {
        self.desks.iter().find(|d| &d.id == id)
    }
}

/// An officer at work: their desk's reports, and nothing else.
pub struct DeskWork {
    state: Installation,
    officer: Actor,
}

impl DeskWork {
    pub fn new(installation: Installation, officer: Actor) -> DeskWork {
        DeskWork {
            state: installation,
            officer,
        }
    }

    pub fn officer(&self) -> &Actor {
        &self.officer
    }

    fn desk(&self) -> Result<&DeskSettings, DeskError> {
        self.state
            .desk(&self.officer.desk)
            .ok_or(DeskError::NotFound)
    }

    /// Writes an audit entry, durable when this returns.
    pub fn audit(
        &self,
        action: Action,
        report: Option<&ReportId>,
        detail: Option<&str>,
    ) -> Result<(), DeskError> {
        self.state
            .audit
            .append(
                self.state.clock.now_unix(),
                &self.officer.name,
                action,
                report.map(ReportId::as_str),
                detail,
            )
            .map_err(DeskError::from)?;
        Ok(())
    }

    /// A report of this officer's desk; `NotFound` for anything else.
    pub fn report(&self, id: &str) -> Result<ReportRecord, DeskError> {
        let id = ReportId::from_str(id).map_err(|_| DeskError::NotFound)?;
        match self.state.store.get(&id).map_err(DeskError::from)? {
            Some(record) if record.desk == self.officer.desk => Ok(record),
            _ => Err(DeskError::NotFound),
        }
    }

    pub fn deadlines(&self, record: &ReportRecord) -> Result<Deadlines, DeskError> {
        Ok(deadlines::deadlines(
            record,
            self.desk()?,
            self.state.clock.today(),
        ))
    }

    pub fn row(&self, record: &ReportRecord) -> Result<InboxRow, DeskError> {
        let d = self.deadlines(record)?;
        Ok(InboxRow {
            id: record.id.to_string(),
            desk: record.desk.to_string(),
            status: record.status.key(),
            received: record.received.iso(),
            acknowledge_by: d.acknowledge_by.iso(),
            feedback_by: d.feedback_by.iso(),
            acknowledge_overdue: d.acknowledge_overdue,
            feedback_overdue: d.feedback_overdue,
            overdue: d.overdue(),
            new_items: record.new_for(&self.officer.name).len(),
            forwarded_from: record.forwarded_from.as_ref().map(ToString::to_string),
        })
    }

    /// The desk's reports, overdue first.
    pub fn inbox(&self) -> Result<Vec<InboxRow>, DeskError> {
        let desk = self.desk()?;
        let today = self.state.clock.today();
        let mut reports: Vec<(ReportRecord, Deadlines)> = self
            .state
            .store
            .all_reports()
            .map_err(DeskError::from)?
            .into_iter()
            .filter(|r| r.desk == self.officer.desk)
            .map(|r| {
                let d = deadlines::deadlines(&r, desk, today);
                (r, d)
            })
            .collect();
        reports.sort_by(|a, b| deadlines::inbox_order((&a.0, &a.1), (&b.0, &b.1)));
        reports.iter().map(|(r, _)| self.row(r)).collect()
    }

    /// Writes a bundle (all items, or those this officer has not downloaded) into a temp file,
    /// records the download, and returns the open file (already unlinked) and its manifest.
    pub fn bundle(
        &self,
        record: &ReportRecord,
        only_new: bool,
    ) -> Result<(std::fs::File, BundleManifest), DeskError> {
        let items: Vec<&ItemRecord> = if only_new {
            record.new_for(&self.officer.name)
        } else {
            record.items.iter().collect()
        };
        let store = &self.state.store;
        let path = store.tmp_dir().join(format!("{}.bundle", ItemId::random()));
        let temp = TempPath::guard(path);
        let Some(path) = temp.path() else {
            return Err(internal("no temp path"));
        };
        let manifest = bundle::write_bundle(store, record, &items, path).map_err(internal)?;
        let file = std::fs::File::open(path).map_err(internal)?;
        drop(temp);
        let ids: Vec<ItemId> = items.iter().map(|i| i.id.clone()).collect();
        let officer = self.officer.name.clone();
        store
            .update_record(&record.id, |r| {
                let seen = r.downloaded.entry(officer).or_default();
                for id in ids {
                    if !seen.contains(&id) {
                        seen.push(id);
                    }
                }
            })
            .map_err(DeskError::from)?;
        let detail = format!(
            "{} items{}",
            manifest.items.len(),
            if only_new { ", new only" } else { "" }
        );
        self.audit(Action::Download, Some(&record.id), Some(&detail))?;
        Ok((file, manifest))
    }

    /// A reply typed by the officer: encrypted at once to the reporter and the desk.
    pub fn reply_text(&self, record: &ReportRecord, text: &str) -> Result<ItemId, DeskError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DeskError::Invalid("desk_err_reply_empty"));
        }
        if text.chars().count() > REPLY_MAX {
            return Err(DeskError::Invalid("desk_err_reply_long"));
        }
        let id = super::reply::write_reply(
            &self.state.store,
            self.desk()?,
            &record.id,
            text,
            self.state.clock.today(),
        )
        .map_err(DeskError::from)?;
        self.audit(Action::Reply, Some(&record.id), Some("typed"))?;
        Ok(id)
    }

    /// A reply sealed offline (an `.age` file already in `tmp/`), stored as it is.
    pub fn reply_sealed(
        &self,
        record: &ReportRecord,
        upload: TempPath,
    ) -> Result<ItemId, DeskError> {
        let Some(path) = upload.path() else {
            return Err(internal("no upload"));
        };
        let size = std::fs::metadata(path).map_err(internal)?.len();
        if size == 0 || size > SEALED_REPLY_MAX {
            return Err(DeskError::Invalid("desk_err_not_age"));
        }
        let opened = std::fs::File::open(path).map_err(internal)?;
        if age::Decryptor::new(std::io::BufReader::new(opened)).is_err() {
            return Err(DeskError::Invalid("desk_err_not_age"));
        }
        std::fs::File::open(path)
            .and_then(|f| f.sync_all())
            .map_err(internal)?;
        let id = ItemId::random();
        let today = self.state.clock.today();
        let item = ItemRecord {
            id: id.clone(),
            kind: ItemKind::Reply,
            batch: record.next_batch().saturating_sub(1),
            day: today,
            size,
        };
        let sealed = Sealed {
            id: id.clone(),
            temp: upload,
            plaintext_len: 0,
            ciphertext_len: size,
        };
        self.state
            .store
            .add_items(&record.id, vec![item], vec![sealed], today)
            .map_err(DeskError::from)?;
        self.audit(Action::Reply, Some(&record.id), Some("sealed offline"))?;
        Ok(id)
    }

    /// Moves the report forward (received → acknowledged → in progress → feedback given →
    /// closed), or reopens a closed report with a reason.
    pub fn set_status(
        &self,
        record: &ReportRecord,
        to: Status,
        reason: &str,
    ) -> Result<(), DeskError> {
        let reason = clean_reason(reason)?;
        let position = |s: Status| Status::ALL.iter().position(|x| *x == s);
        let reopening = record.status == Status::Closed && to != Status::Closed;
        if reopening && reason.is_none() {
            return Err(DeskError::Invalid("desk_err_reopen_reason"));
        }
        if !reopening && position(to) <= position(record.status) {
            return Err(DeskError::Invalid("desk_err_status_order"));
        }
        let event = StatusEvent {
            day: self.state.clock.today(),
            status: to,
            reason: reason.clone(),
        };
        self.state
            .store
            .update_record(&record.id, |r| {
                r.status = to;
                r.history.push(event);
            })
            .map_err(DeskError::from)?;
        let detail = format!("{} -> {}", record.status.key(), to.key());
        self.audit(Action::StatusChange, Some(&record.id), Some(&detail))
    }

    /// Extends the feedback term to `feedback_days` after receipt (at most 180), with a reason.
    pub fn extend(
        &self,
        record: &ReportRecord,
        feedback_days: u32,
        reason: &str,
    ) -> Result<(), DeskError> {
        let reason =
            clean_reason(reason)?.ok_or(DeskError::Invalid("desk_err_extension_reason"))?;
        let current = self.deadlines(record)?.feedback_by.0 - record.received.0;
        if i64::from(feedback_days) <= current || feedback_days > MAX_FEEDBACK_DAYS {
            return Err(DeskError::Invalid("desk_err_extension_days"));
        }
        self.state
            .store
            .update_record(&record.id, |r| {
                r.extension = Some(Extension {
                    feedback_days,
                    reason,
                })
            })
            .map_err(DeskError::from)?;
        self.audit(
            Action::Extension,
            Some(&record.id),
            Some(&format!("{feedback_days} days")),
        )
    }

    /// Accepts a transfer package (items re-sealed offline to another desk) and moves the report.
    pub fn transfer(&self, record: &ReportRecord, package: &Path) -> Result<DeskId, DeskError> {
        let store = &self.state.store;
        let budget = self.state.package_max;
        let (manifest, received) = bundle::read_package(package, &store.tmp_dir(), budget)
            .map_err(|_| DeskError::Invalid("desk_err_package"))?;
        let to = manifest
            .to
            .clone()
            .ok_or(DeskError::Invalid("desk_err_package"))?;
        if manifest.format != bundle::TRANSFER_FORMAT
            || manifest.report != record.id
            || manifest.desk != record.desk
            || to == record.desk
            || self.state.desk(&to).is_none()
        {
            return Err(DeskError::Invalid("desk_err_package"));
        }
        let mut current: Vec<&ItemId> = record.items.iter().map(|i| &i.id).collect();
        let mut offered: Vec<&ItemId> = manifest.items.iter().map(|i| &i.id).collect();
        current.sort();
        offered.sort();
        if current != offered {
            return Err(DeskError::Invalid("desk_err_package_items"));
        }
        let mut fresh = Vec::new();
        let mut renamed = Vec::new();
        for r in received {
            let new_id = ItemId::random();
            renamed.push((r.item.id.clone(), new_id.clone(), r.item.size));
            fresh.push(Sealed {
                id: new_id,
                temp: r.temp,
                plaintext_len: 0,
                ciphertext_len: r.item.size,
            });
        }
        let old: Vec<ItemId> = record.items.iter().map(|i| i.id.clone()).collect();
        let from = record.desk.clone();
        let new_desk = to.clone();
        store
            .replace_items(&record.id, self.state.clock.today(), fresh, &old, |r| {
                for item in &mut r.items {
                    if let Some((_, new_id, size)) = renamed.iter().find(|(o, _, _)| *o == item.id)
                    {
                        item.id = new_id.clone();
                        item.size = *size;
                    }
                }
                r.forwarded_from = Some(from);
                r.desk = new_desk;
                r.downloaded.clear();
            })
            .map_err(DeskError::from)?;
        let detail = format!("{} -> {}", record.desk, to);
        self.audit(Action::Transfer, Some(&record.id), Some(&detail))?;
        Ok(to)
    }
}

/// A reason as typed: trimmed, bounded, `None` when empty.
fn clean_reason(reason: &str) -> Result<Option<String>, DeskError> {
    let reason = reason.trim();
    if reason.chars().count() > REASON_MAX {
        return Err(DeskError::Invalid("desk_err_reason_long"));
    }
    Ok((!reason.is_empty()).then(|| reason.to_owned()))
}
