//! Counting the recipient stanzas of an age file's header, with a bounded read, so the server
//! can check that a re-sealed item was sealed to exactly as many keys as its package declares.
//!
//! The header is text: `age-encryption.org/v1`, then one stanza per recipient (`-> TYPE ARGS`
//! followed by base64 body lines), then `--- MAC`. The `age` crate adds one random "grease"
//! stanza (`-> …-grease …`) to every file it writes, so that parsers stay tolerant of unknown
//! types; those are not recipients and are not counted.

use std::io::{self, BufRead, Read};
use std::path::Path;

/// A header larger than this is not one meldpunt accepts (a stanza is about 100 bytes).
const HEADER_MAX: u64 = 64 * 1024;
const VERSION_LINE: &str = "age-encryption.org/v1";

/// The number of recipient stanzas (grease excluded) in the age file at `path`, or `None` when
/// it has no well-formed header within the first 64 KiB.
pub fn recipient_stanzas(path: &Path) -> io::Result<Option<usize>> {
    let file = std::fs::File::open(path)?;
    let mut reader = io::BufReader::new(file).take(HEADER_MAX);
    let mut line = Vec::new();
    let mut count = 0usize;
    let mut first = true;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 || line.last() != Some(&b'\n') {
            return Ok(None);
        }
        let Ok(text) = std::str::from_utf8(&line[..line.len() - 1]) else {
            return Ok(None);
        };
        if first {
            if text != VERSION_LINE {
                return Ok(None);
            }
            first = false;
        } else if text.starts_with("--- ") {
            return Ok(Some(count));
        } else if let Some(stanza) = text.strip_prefix("-> ") {
            let tag = stanza.split(' ').next().unwrap_or_default();
            if !tag.ends_with("-grease") {
                count += 1;
            }
        }
    }
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
}
