//! Where each decrypted item goes, and writing it there.
//!
//! One submission (the tip alone): `message.txt` and the attachments at the top of the output
//! folder. Several: one folder per submission — `01-tip/`, `02-followup/`, … — each with its
//! `message.txt` and attachments. Replies go to `replies/<day>-<n>.txt`, and `manifest.json` is
//! the bundle's manifest as this tool re-serialised it. Every name is either fixed here or the
//! [`safe_name`] of what the submission's encrypted manifest says, numbered when already taken;
//! the fixed names are reserved in every folder so an attachment can never pass for the message.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::decrypt::{self, Budget, Cut, Outcome, SUBMISSION_MANIFEST_MAX};
use super::report::OpenReport;
use super::verify::{Verified, describe};
use super::{create_private, create_private_dir};
use crate::bundle::BundleManifest;
use crate::domain::ItemId;
use crate::offline::OfflineError;
use crate::offline::identity::DeskIdentity;
use crate::offline::sanitize::{FALLBACK, NameBook, safe_name};
use crate::seal::manifest::{self, Manifest, Role};
use crate::store::ItemKind;

const MESSAGE: &str = "message.txt";
const REPLIES: &str = "replies";
const NOTES: &str = "notes";
const MANIFEST: &str = "manifest.json";
/// How often a taken name is renumbered before giving up (only a file system that folds names
/// in ways [`NameBook`] does not know about gets here at all).
const CREATE_TRIES: u32 = 16;

/// What the submission manifests say of each part, by submission number and item.
type Entries = HashMap<(u32, ItemId), Entry>;

/// One part as its submission's encrypted manifest describes it.
struct Entry {
    /// The attachment's name as the browser sent it (unsanitised).
    name: Option<String>,
    /// The exact plaintext size: what is left after it is padding.
    size: u64,
}

/// Decrypts every verified item into `out`; refusals go into `report`.
pub(super) fn write_all(
    manifest: &BundleManifest,
    verified: Vec<Verified>,
    identity: &DeskIdentity,
    out: &Path,
    budget: u64,
    report: &mut OpenReport,
) -> Result<(), OfflineError> {
    let entries = read_submission_manifests(&verified, identity, report);
    let flat = verified
        .iter()
        .all(|v| v.item.kind.from_desk() || v.item.batch == 0);
    let mut order: Vec<&Verified> = verified
        .iter()
        .filter(|v| v.item.kind != ItemKind::Manifest)
        .collect();
    // Messages before attachments within a submission, submissions in order, the desk's own
    // items (replies, notes) last.
    order.sort_by_key(|v| {
        let kind = &v.item.kind;
        (
            kind.from_desk(),
            v.item.batch,
            *kind == ItemKind::Attachment,
        )
    });
    let mut writer = Writer {
        out,
        identity,
        budget: Budget::new(budget),
        report,
        folders: HashMap::new(),
    };
    let mut replies_per_day: HashMap<&str, u32> = HashMap::new();
    let mut desk_copies_per_day: HashMap<&str, u32> = HashMap::new();
    let mut notes_per_day: HashMap<&str, u32> = HashMap::new();
    for v in order {
        let folder = submission_folder(flat, v.item.batch);
        let entry = entries.get(&(v.item.batch, v.item.id.clone()));
        let exact = entry.map(|e| Cut::Exact(e.size));
        match v.item.kind {
            ItemKind::Message => {
                writer.write(v, &folder, Choice::Message, exact.unwrap_or(Cut::Text))?;
            }
            ItemKind::Attachment => {
                let raw = entry.and_then(|e| e.name.as_deref());
                let name = safe_name(raw.unwrap_or(FALLBACK));
                writer.write(v, &folder, Choice::Named(name), exact.unwrap_or(Cut::Whole))?;
            }
            ItemKind::Reply => {
                let day = plain_day(&v.item.day);
                let n = replies_per_day.entry(day).or_default();
                *n += 1;
                let name = Choice::Named(format!("{day}-{n}.txt"));
                writer.write(v, REPLIES, name, Cut::Text)?;
            }
            // The desk's copy of a reply: the same text, kept when the reporter deleted theirs.
            ItemKind::DeskCopy => {
                let day = plain_day(&v.item.day);
                let n = desk_copies_per_day.entry(day).or_default();
                *n += 1;
                let name = format!("{day}-{n}-desk-copy.txt");
                writer.write(v, REPLIES, Choice::Named(name), Cut::Text)?;
            }
            // An internal note: for the desk's eyes, in a folder of its own.
            ItemKind::Note => {
                let day = plain_day(&v.item.day);
                let n = notes_per_day.entry(day).or_default();
                *n += 1;
                writer.write(v, NOTES, Choice::Named(format!("{day}-{n}.txt")), Cut::Text)?;
            }
            ItemKind::Manifest => {}
        }
    }
    writer.write_manifest(manifest)
}

/// The top of the output folder for a lone tip, else `01-tip`, `02-followup`, ….
fn submission_folder(flat: bool, batch: u32) -> String {
    match (flat, batch) {
        (true, _) => String::new(),
        (false, 0) => "01-tip".into(),
        (false, n) => format!("{:02}-followup", u64::from(n) + 1),
    }
}

/// The day of a reply if it looks like `YYYY-MM-DD`; the manifest is foreign text.
fn plain_day(day: &str) -> &str {
    let ok = day.len() == 10
        && day.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if ok { day } else { "undated" }
}

fn read_submission_manifests(
    verified: &[Verified],
    identity: &DeskIdentity,
    report: &mut OpenReport,
) -> Entries {
    let mut entries = Entries::new();
    let mut seen = BTreeSet::new();
    for v in verified
        .iter()
        .filter(|v| v.item.kind == ItemKind::Manifest)
    {
        let what = describe(&v.item);
        if !seen.insert(v.item.batch) {
            report.refuse(what, "a second manifest for the same submission; not used");
            continue;
        }
        match read_submission(v, identity) {
            Ok(submission) => {
                for mut item in submission.items {
                    let name = (item.role == Role::Attachment)
                        .then(|| item.name.take())
                        .flatten();
                    let entry = Entry {
                        name,
                        size: item.size,
                    };
                    entries.insert((v.item.batch, item.item.clone()), entry);
                }
            }
            Err(why) => report.refuse(
                what,
                format!(
                    "{why}; attachments of this submission keep no names and may end in zero padding"
                ),
            ),
        }
    }
    entries
}

fn read_submission(v: &Verified, identity: &DeskIdentity) -> Result<Manifest, String> {
    let bytes = decrypt::read_small(&v.blob, identity, SUBMISSION_MANIFEST_MAX)?;
    let submission: Manifest = serde_json::from_slice(&bytes)
        .map_err(|_| "decrypts to something that is not a submission manifest".to_owned())?;
    if submission.format != manifest::FORMAT {
        return Err("decrypts to a submission manifest of an unknown format".into());
    }
    Ok(submission)
}

/// How an item's file is named.
enum Choice {
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

struct Writer<'a> {
    out: &'a Path,
    identity: &'a DeskIdentity,
    budget: Budget,
    report: &'a mut OpenReport,
    folders: HashMap<String, Folder>,
}

impl Writer<'_> {
    fn write(
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
    fn write_manifest(&mut self, manifest: &BundleManifest) -> Result<(), OfflineError> {
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
