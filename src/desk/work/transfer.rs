//! Handing a report to another desk: a transfer package (every item re-sealed offline to the
//! new desk) replaces the items in one change, and the report moves, remembering where it came
//! from. A package that does not match the report item for item is refused whole.

use crate::audit::Action;
use crate::bundle;
use crate::domain::{DeskId, ItemId};
use crate::seal::{Sealed, TempPath};
use crate::store::ReportRecord;

use super::DeskWork;
use super::error::DeskError;

impl DeskWork {
    /// Accepts a transfer package (items re-sealed offline to another desk, uploaded into
    /// `tmp/`) and moves the report.
    pub fn transfer(&self, record: &ReportRecord, upload: TempPath) -> Result<DeskId, DeskError> {
        let Some(package) = upload.path() else {
            return Err(DeskError::Invalid("desk_err_package"));
        };
        let store = &self.installation.store;
        let budget = self.installation.package_max;
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
            || self.installation.desk(&to).is_none()
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
        let today = self.installation.clock.today();
        store
            .replace_items(&record.id, today, fresh, &old, |r| {
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
