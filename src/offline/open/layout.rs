//! Where each decrypted item goes, and writing it there.
//!
//! One submission (the tip alone): `message.txt` and the attachments at the top of the output
//! folder. Several: one folder per submission — `01-tip/`, `02-followup/`, … — each with its
//! `message.txt` and attachments. Replies go to `replies/<day>-<n>.txt`, and `manifest.json` is
//! the bundle's manifest as this tool re-serialised it. Every name is either fixed here or the
//! [`safe_name`] of what the submission's encrypted manifest says, numbered when already taken;
//! the fixed names are reserved in every folder so an attachment can never pass for the message
//! (see [`super::writer`]). Internal notes go to `notes/<day>-<n>.txt`.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::decrypt::{self, Budget, Cut, SUBMISSION_MANIFEST_MAX};
use super::report::OpenReport;
use super::verify::{Verified, describe};
use crate::bundle::BundleManifest;
use crate::domain::ItemId;
use crate::offline::OfflineError;
use crate::offline::identity::DeskIdentity;
use crate::offline::sanitize::{FALLBACK, safe_name};
use crate::seal::manifest::{self, Manifest, Role};
use crate::store::ItemKind;

use super::writer::{Choice, NOTES, REPLIES, Writer};

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
    let mut writer = Writer::new(out, identity, Budget::new(budget), report);
    let mut desk_texts_per_day: HashMap<(ItemKind, &str), u32> = HashMap::new();
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
            // The desk's own texts, numbered per day: a reply, the desk's copy of a reply (the
            // same text, kept when the reporter deleted theirs), an internal note in its folder.
            kind @ (ItemKind::Reply | ItemKind::DeskCopy | ItemKind::Note) => {
                let day = plain_day(&v.item.day);
                let n = desk_texts_per_day.entry((kind, day)).or_default();
                *n += 1;
                let (folder, suffix) = match kind {
                    ItemKind::DeskCopy => (REPLIES, "-desk-copy"),
                    ItemKind::Note => (NOTES, ""),
                    _ => (REPLIES, ""),
                };
                let name = Choice::Named(format!("{day}-{n}{suffix}.txt"));
                writer.write(v, folder, name, Cut::Text)?;
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
