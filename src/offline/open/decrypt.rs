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
    let unreadable = |e: std::io::Error| format!("cannot read the ciphertext back: {e}");
    // The bounded scan first: the age crate's own parse is quadratic in the header's size.
    match crate::bundle::header::scan(blob.reader().map_err(unreadable)?).map_err(unreadable)? {
        Ok(_) => {}
        Err(crate::bundle::header::Fault::Malformed) => return Err("not an age file".into()),
        Err(crate::bundle::header::Fault::TooLarge) => {
            return Err(format!(
                "its age header is larger than {} KiB or has more than {} stanzas",
                crate::bundle::header::HEADER_MAX / 1024,
                crate::bundle::header::STANZAS_MAX
            ));
        }
    }
    let reader = blob.reader().map_err(unreadable)?;
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

/// Decrypts a small text item into memory (at most `max` bytes, padding included), without its
/// padding.
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
    // Small items are texts (JSON): their padding is the trailing zeros.
    crate::seal::padding::strip_text(&mut bytes);
    Ok(bytes)
}

fn damaged(after: u64, e: &io::Error) -> String {
    format!(
        "damaged or tampered with after {after} bytes ({})",
        shown_text(&e.to_string())
    )
}

/// Where a decrypted item ends: every item is padded with zeros to a size bucket
/// ([`crate::seal::padding`]), and the padding must not reach the officer's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cut {
    /// The size the submission's encrypted manifest gives: exactly that many bytes, and
    /// everything after them must be zeros.
    Exact(u64),
    /// A text (a reply, a message whose manifest did not open): trailing zeros are padding.
    Text,
    /// An attachment of unknown size: written whole, padding and all.
    Whole,
}

/// Streams `plain` into the new `file` at `path`, cut as `cut` says. On a refusal the file is
/// removed; an `Err` is a failure of this machine (disk full), which stops the whole run.
pub(super) fn fill(
    mut plain: impl Read,
    file: File,
    path: &Path,
    budget: &mut Budget,
    cut: Cut,
) -> io::Result<Outcome> {
    let mut buf = Zeroizing::new(vec![0u8; 64 * 1024]);
    let mut sink = Sink {
        file,
        written: 0,
        zeros_held: 0,
        seen: 0,
    };
    let refused = loop {
        let n = match plain.read(&mut buf) {
            Ok(0) => break sink.end(cut),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Some(damaged(sink.seen, &e)),
        };
        match sink.take(buf.get(..n).unwrap_or_default(), cut, budget) {
            Ok(None) => {}
            Ok(Some(why)) => break Some(why),
            Err(e) => {
                drop(sink);
                let _ = std::fs::remove_file(path);
                return Err(e);
            }
        }
    };
    match refused {
        None => {
            sink.file.sync_all()?;
            budget.left = budget.left.saturating_sub(sink.written);
            Ok(Outcome::Wrote(sink.written))
        }
        Some(why) => {
            drop(sink);
            std::fs::remove_file(path)?;
            Ok(Outcome::Refused(format!("{why}; partial file removed")))
        }
    }
}

/// The officer's file being written, and how far the plaintext has come.
struct Sink {
    file: File,
    /// Bytes in the file.
    written: u64,
    /// Zeros read but not yet written: padding if nothing but zeros follows ([`Cut::Text`]).
    zeros_held: u64,
    /// Plaintext bytes read, padding included.
    seen: u64,
}

impl Sink {
    /// Takes the next decrypted chunk; `Some` is why the item is refused.
    fn take(&mut self, chunk: &[u8], cut: Cut, budget: &mut Budget) -> io::Result<Option<String>> {
        let start = self.seen;
        self.seen = self.seen.saturating_add(chunk.len() as u64);
        let keep: &[u8] = match cut {
            Cut::Whole => chunk,
            Cut::Exact(size) => {
                let inside = usize::try_from(size.saturating_sub(start)).unwrap_or(usize::MAX);
                let (keep, padding) = chunk.split_at(inside.min(chunk.len()));
                if padding.iter().any(|b| *b != 0) {
                    return Ok(Some(format!(
                        "goes on past the {size} bytes its manifest gives with bytes that are not padding"
                    )));
                }
                keep
            }
            Cut::Text => {
                let Some(last) = chunk.iter().rposition(|b| *b != 0) else {
                    self.zeros_held = self.zeros_held.saturating_add(chunk.len() as u64);
                    return Ok(None);
                };
                let held = std::mem::take(&mut self.zeros_held);
                if let Some(why) = self.write_zeros(held, budget)? {
                    return Ok(Some(why));
                }
                self.zeros_held = (chunk.len() - last - 1) as u64;
                chunk.get(..=last).unwrap_or_default()
            }
        };
        self.write(keep, budget)
    }

    fn write_zeros(&mut self, mut n: u64, budget: &mut Budget) -> io::Result<Option<String>> {
        const ZEROS: [u8; 4096] = [0; 4096];
        while n > 0 {
            let step = n.min(ZEROS.len() as u64);
            // `step` is at most 4096: within ZEROS.
            if let Some(why) = self.write(ZEROS.get(..step as usize).unwrap_or_default(), budget)? {
                return Ok(Some(why));
            }
            n -= step;
        }
        Ok(None)
    }

    fn write(&mut self, bytes: &[u8], budget: &mut Budget) -> io::Result<Option<String>> {
        let total = self.written.saturating_add(bytes.len() as u64);
        if total > budget.left {
            budget.exhausted = true;
            return Ok(Some(
                "goes over the --max-mib budget; writing stopped".to_owned(),
            ));
        }
        self.file.write_all(bytes)?;
        self.written = total;
        Ok(None)
    }

    /// The stream ended cleanly; `Some` if it ended before the size the manifest gives.
    fn end(&self, cut: Cut) -> Option<String> {
        match cut {
            Cut::Exact(size) if self.seen < size => Some(format!(
                "ends after {} of the {size} bytes its manifest gives",
                self.seen
            )),
            _ => None,
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
        fill_cut(plain, budget, Cut::Whole)
    }

    fn fill_cut(
        plain: &[u8],
        budget: &mut Budget,
        cut: Cut,
    ) -> (Outcome, std::path::PathBuf, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let file = super::super::create_private(&path).unwrap();
        (fill(plain, file, &path, budget, cut).unwrap(), path, dir)
    }

    fn padded(plain: &[u8]) -> Vec<u8> {
        crate::seal::padding::padded(plain, 7).to_vec()
    }

    #[test]
    fn an_exact_cut_restores_the_bytes_even_when_they_end_in_zeros() {
        let plain = [7u8, 0, 0, 9, 0, 0];
        let (outcome, path, _dir) =
            fill_cut(&padded(&plain), &mut Budget::new(1 << 20), Cut::Exact(6));
        assert!(matches!(outcome, Outcome::Wrote(6)));
        assert_eq!(std::fs::read(&path).unwrap(), plain);
    }

    #[test]
    fn bytes_after_the_manifest_size_that_are_not_zeros_are_refused() {
        let mut bytes = padded(b"abc");
        bytes[4000] = 1;
        let (outcome, path, _dir) = fill_cut(&bytes, &mut Budget::new(1 << 20), Cut::Exact(3));
        assert!(matches!(outcome, Outcome::Refused(why) if why.contains("not padding")));
        assert!(!path.exists());
        let (short, _, _dir) = fill_cut(b"abc", &mut Budget::new(1 << 20), Cut::Exact(10));
        assert!(matches!(short, Outcome::Refused(why) if why.contains("ends after 3")));
    }

    #[test]
    fn a_text_cut_drops_only_trailing_zeros_across_chunks() {
        let mut text = vec![b'a'; 70_000];
        text.extend([0u8; 5]);
        text.push(b'z');
        let (outcome, path, _dir) = fill_cut(&padded(&text), &mut Budget::new(1 << 20), Cut::Text);
        assert!(matches!(outcome, Outcome::Wrote(70_006)));
        assert_eq!(std::fs::read(&path).unwrap(), text);
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
