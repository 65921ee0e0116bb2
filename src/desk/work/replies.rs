//! Replies to the reporter: typed by the officer and encrypted at once to the reporter and the
//! desk, or sealed offline and uploaded as an age file that is stored as it is.

use crate::audit::Action;
use crate::domain::ItemId;
use crate::seal::{Sealed, TempPath};
use crate::store::{ItemKind, ItemRecord, ReportRecord};

use super::error::{DeskError, internal};
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
        let today = self.installation.clock.today();
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
        self.installation
            .store
            .add_items(&record.id, vec![item], vec![sealed], today)
            .map_err(DeskError::from)?;
        self.audit(Action::Reply, Some(&record.id), Some("sealed offline"))?;
        Ok(id)
    }
}
