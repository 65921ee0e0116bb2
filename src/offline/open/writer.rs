//! Writing decrypted items into the output folder: each folder made on first use (private), each
//! file under the first free name, never over an existing one, within the size budget; the fixed
//! names are reserved in every folder so that an attachment can never pass for the message.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::decrypt::{self, Budget, Cut, Outcome};
use super::report::OpenReport;
use super::verify::{Verified, describe};
use super::{create_private, create_private_dir};
use crate::bundle::BundleManifest;
use crate::offline::OfflineError;
use crate::offline::identity::DeskIdentity;
use crate::offline::sanitize::NameBook;

pub(super) const MESSAGE: &str = "message.txt";
pub(super) const REPLIES: &str = "replies";
pub(super) const NOTES: &str = "notes";
pub(super) const MANIFEST: &str = "manifest.json";
/// How often a taken name is renumbered before giving up (only a file system that folds names
/// in ways [`NameBook`] does not know about gets here at all).
const CREATE_TRIES: u32 = 16;

/// How an item's file is named.
pub(super) enum Choice {
    /// `message.txt`, or `message (2).txt` for a second message in the same submission.
    Message,
    /// A safe name, numbered if taken.
    Named(String),
}

/// One output folder: whether it exists yet and which names it holds.
struct Folder {
    created: bool,
    names: NameBook,
    message_taken: bool,
}

impl Folder {
    fn new(top: bool) -> Self {
        let mut names = NameBook::default();
        for fixed in [MESSAGE, REPLIES, NOTES, MANIFEST] {
            names.reserve(fixed);
        }
        Folder {
            created: top,
            names,
            message_taken: false,
        }
    }

    fn name_for(&mut self, choice: &Choice) -> String {
        match choice {
            Choice::Message if !self.message_taken => {
                self.message_taken = true;
                MESSAGE.to_owned()
            }
            Choice::Message => self.names.claim(MESSAGE),
            Choice::Named(name) => self.names.claim(name),
        }
    }
}

pub(super) struct Writer<'a> {
    out: &'a Path,
    identity: &'a DeskIdentity,
    budget: Budget,
    report: &'a mut OpenReport,
    folders: HashMap<String, Folder>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(
        out: &'a Path,
        identity: &'a DeskIdentity,
        budget: Budget,
        report: &'a mut OpenReport,
    ) -> Self {
        Writer {
            out,
            identity,
            budget,
            report,
            folders: HashMap::new(),
        }
    }

    pub(super) fn write(
        &mut self,
        v: &Verified,
        folder: &str,
        choice: Choice,
        cut: Cut,
    ) -> Result<(), OfflineError> {
        let what = describe(&v.item);
        if self.budget.exhausted {
            self.report
                .refuse(what, "not written: the --max-mib budget is used up");
            return Ok(());
        }
        // Decryption starts before a file is made, so an item for another key leaves nothing.
        let plain = match decrypt::start(&v.blob, self.identity) {
            Ok(plain) => plain,
            Err(why) => {
                self.report.refuse(what, why);
                return Ok(());
            }
        };
        let (rel, path, file) = self.create(folder, &choice)?;
        match decrypt::fill(plain, file, &path, &mut self.budget, cut)
            .map_err(|e| write_error(&path, e))?
        {
            Outcome::Wrote(bytes) => self.report.wrote(rel, bytes),
            Outcome::Refused(why) => self.report.refuse(what, why),
        }
        Ok(())
    }

    /// A new file in `folder` (made on first use), under the first free name for `choice`.
    fn create(
        &mut self,
        folder: &str,
        choice: &Choice,
    ) -> Result<(String, PathBuf, File), OfflineError> {
        let out = self.out;
        let entry = self
            .folders
            .entry(folder.to_owned())
            .or_insert_with(|| Folder::new(folder.is_empty()));
        if !entry.created {
            let dir = out.join(folder);
            create_private_dir(&dir).map_err(|e| write_error(&dir, e))?;
            entry.created = true;
        }
        for _ in 0..CREATE_TRIES {
            let name = entry.name_for(choice);
            let rel = if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            };
            let path = out.join(&rel);
            match create_private(&path) {
                Ok(file) => return Ok((rel, path, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(write_error(&path, e)),
            }
        }
        Err(write_error(
            &out.join(folder),
            io::Error::other("no free file name left"),
        ))
    }

    /// `manifest.json` as parsed and re-serialised here, never the archive's own bytes.
    pub(super) fn write_manifest(&mut self, manifest: &BundleManifest) -> Result<(), OfflineError> {
        let path = self.out.join(MANIFEST);
        let json = serde_json::to_vec_pretty(manifest).map_err(|e| write_error(&path, e.into()))?;
        let mut file = create_private(&path).map_err(|e| write_error(&path, e))?;
        io::Write::write_all(&mut file, &json)
            .and_then(|()| file.sync_all())
            .map_err(|e| write_error(&path, e))?;
        self.report.wrote(MANIFEST, json.len() as u64);
        Ok(())
    }
}

fn write_error(path: &Path, source: io::Error) -> OfflineError {
    OfflineError::Write {
        path: path.display().to_string(),
        source,
    }
}
