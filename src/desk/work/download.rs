//! Downloading a report: a bundle of its sealed items (all of them, or those this officer has not
//! had yet) written to a temp file, the download remembered per officer and audited.

use crate::audit::Action;
use crate::bundle::{self, BundleManifest};
use crate::domain::ItemId;
use crate::seal::TempPath;
use crate::store::{ItemRecord, ReportRecord};

use super::DeskWork;
use super::error::{DeskError, internal};

impl DeskWork {
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
        let store = &self.installation.store;
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
        // The receiving desk has the report now: a transfer can no longer be taken back.
        self.drop_previous_once_opened(record)?;
        let detail = format!(
            "{} items{}",
            manifest.items.len(),
            if only_new { ", new only" } else { "" }
        );
        self.audit(Action::Download, Some(&record.id), Some(&detail))?;
        Ok((file, manifest))
    }
}
