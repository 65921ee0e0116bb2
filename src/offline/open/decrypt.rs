//! Decrypting one verified ciphertext with the desk's identity: into memory for the small
//! submission manifests, or streamed into a new file for everything the officer reads.
//!
//! age cannot expand a ciphertext much, but what is written is still counted against the budget
//! on the bytes actually written — never on sizes a manifest claims — and a file that fails
//! half-way (budget, damaged chunk) is removed, so no partial plaintext is left behind.

use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use super::kept::Blob;
use super::report::shown_text;
use crate::offline::identity::DeskIdentity;

/// A submission manifest lists a handful of names and sizes; more than this is not one.
pub(super) const SUBMISSION_MANIFEST_MAX: u64 = 1024 * 1024;

pub(super) type Plain<'a> = age::stream::StreamReader<Box<dyn BufRead + 'a>>;

/// The bytes still allowed to be written; once exceeded, nothing more is.
pub(super) struct Budget {
    left: u64,
    pub exhausted: bool,
}

impl Budget {
    pub fn new(bytes: u64) -> Self {
        Budget {
            left: bytes,
            exhausted: false,
        }
    }
}

/// What became of one item that got as far as its own file.
pub(super) enum Outcome {
    Wrote(u64),
    Refused(String),
}

/// Starts decrypting `blob`; the error is the reason shown to the officer.
pub(super) fn start<'a>(blob: &'a Blob, identity: &DeskIdentity) -> Result<Plain<'a>, String> {
    let reader = blob
        .reader()
        .map_err(|e| format!("cannot read the ciphertext back: {e}"))?;
    let decryptor = age::Decryptor::new_buffered(reader).map_err(reason)?;
    decryptor.decrypt(identity.as_identities()).map_err(reason)
}

fn reason(e: age::DecryptError) -> String {
    use age::DecryptError as E;
    match e {
        E::NoMatchingKeys => "not for this identity (encrypted to another key)".into(),
        E::InvalidHeader | E::UnknownFormat => "not an age file".into(),
        E::InvalidMac | E::DecryptionFailed | E::KeyDecryptionFailed => {
            "damaged or tampered with (age authentication failed)".into()
        }
        E::ExcessiveWork { .. } => "encrypted to a passphrase, not to a desk".into(),
        E::Io(e) => format!("not a readable age file ({})", shown_text(&e.to_string())),
        other => format!("cannot be decrypted: {}", shown_text(&other.to_string())),
    }
}

/// Decrypts a small item into memory (at most `max` bytes).
pub(super) fn read_small(
    blob: &Blob,
    identity: &DeskIdentity,
    max: u64,
) -> Result<Zeroizing<Vec<u8>>, String> {
    let plain = start(blob, identity)?;
    let mut bytes = Zeroizing::new(Vec::new());
    plain
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| damaged(0, &e))?;
    if bytes.len() as u64 > max {
        return Err(format!("decrypts to more than {max} bytes"));
    }
    Ok(bytes)
}

fn damaged(after: u64, e: &io::Error) -> String {
    format!(
        "damaged or tampered with after {after} bytes ({})",
        shown_text(&e.to_string())
    )
}

/// Streams `plain` into the new `file` at `path`. On a refusal the file is removed; an `Err` is
/// a failure of this machine (disk full), which stops the whole run.
pub(super) fn fill(
    mut plain: impl Read,
    mut file: File,
    path: &Path,
    budget: &mut Budget,
) -> io::Result<Outcome> {
    let mut buf = Zeroizing::new(vec![0u8; 64 * 1024]);
    let mut written = 0u64;
    let refused = loop {
        let n = match plain.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Some(damaged(written, &e)),
        };
        let total = written.saturating_add(n as u64);
        if total > budget.left {
            budget.exhausted = true;
            break Some("goes over the --max-mib budget; writing stopped".to_owned());
        }
        if let Err(e) = file.write_all(buf.get(..n).unwrap_or_default()) {
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
        written = total;
    };
    match refused {
        None => {
            file.sync_all()?;
            budget.left = budget.left.saturating_sub(written);
            Ok(Outcome::Wrote(written))
        }
        Some(why) => {
            drop(file);
            std::fs::remove_file(path)?;
            Ok(Outcome::Refused(format!("{why}; partial file removed")))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn fill_new(
        plain: &[u8],
        budget: &mut Budget,
    ) -> (Outcome, std::path::PathBuf, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let file = super::super::create_private(&path).unwrap();
        (fill(plain, file, &path, budget).unwrap(), path, dir)
    }

    #[test]
    fn writing_past_the_budget_stops_and_removes_the_partial_file() {
        let mut budget = Budget::new(100_000);
        let big = vec![7u8; 200_000];
        let (outcome, path, _dir) = fill_new(&big, &mut budget);
        assert!(matches!(outcome, Outcome::Refused(why) if why.contains("budget")));
        assert!(!path.exists());
        assert!(budget.exhausted);
    }

    #[test]
    fn what_is_written_is_taken_from_the_budget() {
        let mut budget = Budget::new(100);
        let (outcome, path, _dir) = fill_new(&[1u8; 60], &mut budget);
        assert!(matches!(outcome, Outcome::Wrote(60)));
        assert_eq!(std::fs::read(&path).unwrap(), [1u8; 60]);
        let (second, path, _dir) = fill_new(&[1u8; 60], &mut budget);
        assert!(matches!(second, Outcome::Refused(_)));
        assert!(!path.exists());
    }
}
