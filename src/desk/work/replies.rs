//! Replies to the reporter: typed by the officer and encrypted at once to the reporter and the
//! desk, or sealed offline and uploaded as an age file that is stored as it is.

use crate::audit::Action;
use crate::bundle::{self, header};
use crate::domain::ItemId;
use crate::seal::{Sealed, TempPath};
use crate::store::{ItemKind, ItemRecord, ReportRecord};

use super::error::{DeskError, internal};
use super::transfer::{configured, declared, package_refusal};
use super::{DeskWork, REPLY_MAX, SEALED_REPLY_MAX};

impl DeskWork {
    /// A reply typed by the officer: encrypted at once to the reporter and the desk.
    pub fn reply_text(&self, record: &ReportRecord, text: &str) -> Result<ItemId, DeskError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DeskError::Invalid("desk_err_reply_empty"));
        }
        if text.chars().count() > REPLY_MAX {
            return Err(DeskError::Invalid("desk_err_reply_long"));
        }
        let id = crate::desk::reply::write_reply(
            &self.installation.store,
            self.desk()?,
            &record.id,
            text,
            self.installation.clock.today(),
        )
        .map_err(DeskError::from)?;
        self.audit(Action::Reply, Some(&record.id), Some("typed"))?;
        Ok(id)
    }

    /// A reply sealed offline: the package `meldpunt seal-reply` wrote (already in `tmp/`). It
    /// is refused unless it names this report and its desk, declares exactly the desk's
    /// configured recipients, and holds one reporter's copy (one stanza more, for the reporter)
    /// and one desk's copy, each with as many stanzas as declared. A bare age file is refused:
    /// the server cannot tell whom it was sealed to.
    pub fn reply_sealed(
        &self,
        record: &ReportRecord,
        upload: TempPath,
    ) -> Result<ItemId, DeskError> {
        let refused = || DeskError::Invalid("desk_err_reply_package");
        let Some(path) = upload.path() else {
            return Err(internal("no upload"));
        };
        let store = &self.installation.store;
        let (manifest, received) = bundle::read_package(path, &store.tmp_dir(), SEALED_REPLY_MAX)
            .map_err(|e| package_refusal(e, "desk_err_reply_package"))?;
        let desk = self.desk()?;
        let kinds: Vec<ItemKind> = received.iter().map(|r| r.item.kind).collect();
        if manifest.format != bundle::REPLY_FORMAT
            || manifest.report != record.id
            || manifest.desk != record.desk
            || kinds != [ItemKind::Reply, ItemKind::DeskCopy]
            || declared(&manifest).is_none()
            || declared(&manifest) != configured(desk)
        {
            return Err(refused());
        }
        let today = self.installation.clock.today();
        let mut items = Vec::new();
        let mut files = Vec::new();
        for r in received {
            let expected = manifest.recipients.len() + usize::from(r.item.kind == ItemKind::Reply);
            let file = r.temp.path().ok_or_else(|| internal("no temp path"))?;
            if header::recipient_stanzas(file).map_err(internal)? != Some(expected) {
                return Err(refused());
            }
            // Fresh ids: the package's own are not trusted to be new in this report.
            let id = ItemId::random();
            items.push(ItemRecord {
                id: id.clone(),
                kind: r.item.kind,
                batch: 0,
                day: today,
                size: r.item.size,
            });
            files.push(Sealed {
                id,
                temp: r.temp,
                plaintext_len: 0,
                ciphertext_len: r.item.size,
            });
        }
        let id = items[0].id.clone();
        store
            .add_items(&record.id, items, files, today)
            .map_err(DeskError::from)?;
        self.audit(Action::Reply, Some(&record.id), Some("sealed offline"))?;
        Ok(id)
    }
}
