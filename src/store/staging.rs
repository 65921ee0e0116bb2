//! The file moves of a re-sealing (see [`super::reseal`]): new ciphertexts placed in a staging
//! folder inside the report's folder, then moved over the items, the old ones set aside in
//! `previous/` when they are to be kept. Every move ends with the folders' fsyncs.

use std::io;

use super::files::{Files, sync_dir};
use super::times::{blur_today, list_unnoticed};
use crate::domain::{Day, ItemId, ReportId};
use crate::seal::Sealed;

impl Files {
    /// Places sealed temp files in `reports/<report>/<sub>/` (made if need be), durably.
    pub fn place_in(
        &self,
        report: &ReportId,
        sub: &str,
        day: Day,
        files: Vec<Sealed>,
    ) -> io::Result<()> {
        // `place` makes the report's folder durable; the staging folder is made inside it.
        self.place(report, day, Vec::new())?;
        let dir = self.report_dir(report).join(sub);
        crate::private::create_dir(&dir)?;
        for file in files {
            let target = dir.join(format!("{}.age", file.id));
            file.temp.persist(&target)?;
            blur_today([target]);
        }
        blur_today([&dir, &self.report_dir(report)]);
        sync_dir(&dir)?;
        sync_dir(&self.report_dir(report))
    }

    /// Removes `reports/<report>/<sub>/` and everything in it (gone already is fine).
    pub fn remove_subdir(&self, report: &ReportId, sub: &str) -> io::Result<()> {
        match std::fs::remove_dir_all(self.report_dir(report).join(sub)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        blur_today([self.report_dir(report)]);
        sync_dir(&self.report_dir(report))
    }

    /// Moves every file of `reports/<report>/<staging>/` over the item of the same name; the
    /// items in `keep` are first set aside in `<previous>/` (unless one is there already, from
    /// an earlier try). Safe to run again after a crash at any point; removes the staging folder.
    pub fn swap_in(
        &self,
        report: &ReportId,
        staging: &str,
        keep: &[ItemId],
        previous: &str,
    ) -> io::Result<()> {
        let dir = self.report_dir(report);
        let from = dir.join(staging);
        if !from.exists() {
            return Ok(());
        }
        let aside = dir.join(previous);
        if !keep.is_empty() {
            match crate::private::create_dir(&aside) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                _ => {}
            }
        }
        for name in list_unnoticed(&from)? {
            let target = dir.join(&name);
            let kept = aside.join(&name);
            let is_kept = keep
                .iter()
                .any(|id| name.to_str() == Some(&format!("{id}.age")));
            if is_kept && !kept.exists() && target.exists() {
                std::fs::rename(&target, &kept)?;
            }
            std::fs::rename(from.join(&name), &target)?;
        }
        if !keep.is_empty() {
            blur_today([&aside]);
            sync_dir(&aside)?;
        }
        sync_dir(&dir)?;
        std::fs::remove_dir(&from)?;
        blur_today([&dir]);
        sync_dir(&dir)
    }
}
