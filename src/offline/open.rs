//! Opening a bundle on the offline machine (`meldpunt open`).
//!
//! A bundle comes from a server that may be compromised, so every byte of it is hostile. The
//! output folder is checked before anything is read. The archive is then read entry by entry,
//! keeping only regular files with the two kinds of names meldpunt writes ([`archive`]); what is
//! kept is checked against `manifest.json` ([`verify`]); the submissions' own encrypted
//! manifests are decrypted to learn what each item is and what it was called; and each item is
//! decrypted into a file created fresh under a name this tool chose ([`layout`], [`decrypt`]).
//! No path is ever taken from the bundle, no link is followed or created, and one budget bounds
//! both what is read from the archive and what is written.

mod archive;
mod decrypt;
mod kept;
mod layout;
mod report;
mod verify;
mod writer;

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

pub use report::{OpenReport, shown, shown_prefix, shown_text};

use super::OfflineError;
use super::identity::DeskIdentity;

/// Where large ciphertexts wait between reading and decrypting: inside the output folder (same
/// disk, same permissions), under a name no attachment can get (safe names never start with a
/// dot), and removed before `open` returns.
const SCRATCH: &str = ".meldpunt-tmp";

/// `O_NOFOLLOW`, so a file is never opened through a symbolic link. `create_new` (`O_EXCL`)
/// already refuses any existing path, links included; this is a second lock on the same door.
/// The values are those of the Linux headers; `libc` is not a dependency of ours.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const O_NOFOLLOW: i32 = 0o400_000;
#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
const O_NOFOLLOW: i32 = 0o100_000;
#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
const O_NOFOLLOW: i32 = 0;

/// Checks, decrypts and writes `bundle` into `out`, which must not exist yet or be an empty
/// folder. `budget_bytes` bounds the bytes read from the archive and, separately, the bytes
/// written. Refused entries and items are listed in the report; an `Err` means nothing sensible
/// could be done (bad output folder, unreadable bundle, no usable `manifest.json`, a write that
/// failed on this machine).
pub fn open_bundle(
    bundle: &Path,
    identity: &DeskIdentity,
    out: &Path,
    budget_bytes: u64,
) -> Result<OpenReport, OfflineError> {
    // `link/` (with a slash) would make the checks below see the link's target, not the link.
    let out: PathBuf = out.components().collect();
    let out = out.as_path();
    let existed = check_out(out)?;
    let file = open_bundle_file(bundle)?;
    if !existed {
        create_private_dir(out).map_err(|e| {
            OfflineError::OutFolder(format!("cannot create {}: {e}", out.display()))
        })?;
    }
    let result = open_into(file, identity, out, budget_bytes);
    if result.is_err() && !existed {
        // Only succeeds when nothing was written, which is the point: no empty leftover folder.
        let _ = fs::remove_dir(out);
    }
    result
}

fn open_into(
    file: File,
    identity: &DeskIdentity,
    out: &Path,
    budget: u64,
) -> Result<OpenReport, OfflineError> {
    let mut report = OpenReport::default();
    // Declared before everything that points into it, so it is removed after them.
    let mut scratch = kept::Scratch::new(out.join(SCRATCH));
    let loaded = archive::read(file, &mut scratch, budget, &mut report)?;
    let manifest = verify::parse_manifest(&loaded)?;
    let verified = verify::reconcile(&manifest, loaded, &mut report);
    layout::write_all(&manifest, verified, identity, out, budget, &mut report)?;
    Ok(report)
}

/// Whether `out` already exists as an empty folder; refuses anything else that exists.
fn check_out(out: &Path) -> Result<bool, OfflineError> {
    let shown = out.display();
    let meta = match fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(OfflineError::OutFolder(format!(
                "cannot check {shown}: {e}"
            )));
        }
    };
    if meta.file_type().is_symlink() {
        return Err(OfflineError::OutFolder(format!(
            "{shown} is a symbolic link, which open does not follow"
        )));
    }
    if !meta.is_dir() {
        return Err(OfflineError::OutFolder(format!(
            "{shown} exists and is not a folder"
        )));
    }
    let mut entries = fs::read_dir(out)
        .map_err(|e| OfflineError::OutFolder(format!("cannot list {shown}: {e}")))?;
    if entries.next().is_some() {
        return Err(OfflineError::OutFolder(format!(
            "{shown} is not empty and open never overwrites"
        )));
    }
    Ok(true)
}

fn open_bundle_file(bundle: &Path) -> Result<File, OfflineError> {
    let read = |source| OfflineError::Read {
        path: bundle.display().to_string(),
        source,
    };
    let file = File::open(bundle).map_err(read)?;
    if !file.metadata().map_err(read)?.is_file() {
        return Err(read(io::Error::other("not a regular file")));
    }
    Ok(file)
}

/// A new file only this user can read, never an existing path and never through a link.
fn create_private(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(O_NOFOLLOW)
        .open(path)
}

/// A new folder only this user can enter; fails if anything (a link included) is already there.
fn create_private_dir(path: &Path) -> io::Result<()> {
    DirBuilder::new().mode(0o700).create(path)
}
