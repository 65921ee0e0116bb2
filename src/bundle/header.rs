//! Reading an age file's header with bounds, before the `age` crate sees it: the server
//! counts the recipient stanzas of a re-sealed item (it must have been sealed to exactly as many
//! keys as its package declares), and refuses outright a header that is too large.
//!
//! The `age` crate re-parses a header from its start each time it has read a little more, so a
//! header of 2,000 stanzas cost over a minute of CPU — within a 10 MiB reply, hours. Every age
//! file that comes from outside (sealed replies, transfer packages, offline bundles) and every
//! stored reply is scanned here first, in one linear pass over at most 64 KiB.
//!
//! The header is text: `age-encryption.org/v1`, then one stanza per recipient (`-> TYPE ARGS`
//! followed by base64 body lines), then `--- MAC`. The `age` crate adds one random "grease"
//! stanza (`-> …-grease …`) to every file it writes, so that parsers stay tolerant of unknown
//! types; those are not recipients and are not counted as such, but they count toward the cap.

use std::io::{self, BufRead, Read};
use std::path::Path;

/// A header larger than this is not one meldpunt accepts (a stanza is about 100 bytes).
pub const HEADER_MAX: u64 = 64 * 1024;
/// Stanzas of any kind, grease included; a desk has a handful of recipients.
pub const STANZAS_MAX: usize = 64;
const VERSION_LINE: &str = "age-encryption.org/v1";

/// What a well-formed, bounded header holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Every stanza, grease included.
    pub stanzas: usize,
    /// The stanzas that name a recipient (grease excluded).
    pub recipients: usize,
}

/// Why a header was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not an age header (or cut short).
    Malformed,
    /// Longer than [`HEADER_MAX`] bytes or more than [`STANZAS_MAX`] stanzas.
    TooLarge,
}

/// The header at the start of `reader`, if it is well formed within [`HEADER_MAX`] bytes and
/// [`STANZAS_MAX`] stanzas. Reads no further than the header's end.
pub fn scan(reader: impl Read) -> io::Result<Result<Shape, Fault>> {
    let mut reader = io::BufReader::new(reader.take(HEADER_MAX));
    let mut line = Vec::new();
    let mut shape = Shape {
        stanzas: 0,
        recipients: 0,
    };
    let mut first = true;
    let mut read = 0u64;
    loop {
        line.clear();
        read += reader.read_until(b'\n', &mut line)? as u64;
        if line.last() != Some(&b'\n') {
            // Cut short by the bound, or by the end of the file.
            return Ok(Err(if read >= HEADER_MAX && !first {
                Fault::TooLarge
            } else {
                Fault::Malformed
            }));
        }
        let Ok(text) = std::str::from_utf8(&line[..line.len() - 1]) else {
            return Ok(Err(Fault::Malformed));
        };
        if first {
            if text != VERSION_LINE {
                return Ok(Err(Fault::Malformed));
            }
            first = false;
        } else if text.starts_with("--- ") {
            return Ok(Ok(shape));
        } else if let Some(stanza) = text.strip_prefix("-> ") {
            shape.stanzas += 1;
            if shape.stanzas > STANZAS_MAX {
                return Ok(Err(Fault::TooLarge));
            }
            let tag = stanza.split(' ').next().unwrap_or_default();
            if !tag.ends_with("-grease") {
                shape.recipients += 1;
            }
        }
    }
}

/// [`scan`] of the file at `path`.
pub fn scan_file(path: &Path) -> io::Result<Result<Shape, Fault>> {
    scan(crate::store::times::open_unnoticed(path)?)
}

/// The number of recipient stanzas (grease excluded) in the age file at `path`, or `None` when
/// its header is not well formed and bounded.
pub fn recipient_stanzas(path: &Path) -> io::Result<Option<usize>> {
    Ok(scan_file(path)?.ok().map(|shape| shape.recipients))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn sealed_to(n: usize) -> tempfile::NamedTempFile {
        let keys: Vec<age::x25519::Recipient> = (0..n)
            .map(|_| age::x25519::Identity::generate().to_public())
            .collect();
        let encryptor =
            age::Encryptor::with_recipients(keys.iter().map(|k| k as &dyn age::Recipient)).unwrap();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let mut writer = encryptor.wrap_output(file.as_file_mut()).unwrap();
        writer.write_all(b"x").unwrap();
        writer.finish().unwrap();
        file
    }

    #[test]
    fn counts_one_stanza_per_recipient_and_ignores_grease() {
        for n in 1..=3 {
            let file = sealed_to(n);
            assert_eq!(recipient_stanzas(file.path()).unwrap(), Some(n));
        }
    }

    #[test]
    fn a_file_that_is_not_age_has_no_count() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(b"age-encryption.org/v1\n-> X25519 abc\n")
            .unwrap();
        assert_eq!(recipient_stanzas(file.path()).unwrap(), None);
        let mut other = tempfile::NamedTempFile::new().unwrap();
        other.write_all(&[b'a'; 100_000]).unwrap();
        assert_eq!(recipient_stanzas(other.path()).unwrap(), None);
    }

    /// The header of `stanzas` X25519-shaped stanzas: only the shape a parser walks.
    fn header_with(stanzas: usize) -> Vec<u8> {
        let b64 = "A".repeat(43);
        let mut text = String::from("age-encryption.org/v1\n");
        for _ in 0..stanzas {
            text += &format!("-> X25519 {b64}\n{b64}\n");
        }
        text += &format!("--- {b64}\n");
        text.into_bytes()
    }

    #[test]
    fn a_header_of_more_than_64_stanzas_or_64_kib_has_no_shape() {
        assert_eq!(
            scan(&header_with(64)[..]).unwrap(),
            Ok(Shape {
                stanzas: 64,
                recipients: 64
            })
        );
        // 65 stanzas fit in 64 KiB, and are still too many.
        assert!(header_with(65).len() < HEADER_MAX as usize);
        assert_eq!(scan(&header_with(65)[..]).unwrap(), Err(Fault::TooLarge));
        // A few stanzas whose body runs past 64 KiB.
        let mut long = b"age-encryption.org/v1\n-> X25519 abc\n".to_vec();
        long.extend(std::iter::repeat_n(b'A', 70 * 1024));
        long.extend_from_slice(b"\n--- abc\n");
        assert_eq!(scan(&long[..]).unwrap(), Err(Fault::TooLarge));
        assert_eq!(scan(&header_with(3)[..40]).unwrap(), Err(Fault::Malformed));
        assert_eq!(
            scan(&b"PK\x03\x04 not age"[..]).unwrap(),
            Err(Fault::Malformed)
        );
    }
}
