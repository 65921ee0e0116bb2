//! Size buckets: every item is padded inside its age stream, so a ciphertext's length tells only
//! which bucket the plaintext fell into, never its size.
//!
//! The buckets are powers of two with a floor of 4 KiB. We chose them over Padmé because the
//! anonymity set is what protects a reporter: an employer who knows a leaked spreadsheet is
//! 300,000 bytes learns only "between 256 and 512 KiB", shared with every other file of that
//! octave, where Padmé would narrow it to one of 32 sizes per octave (about 3 %). The price is
//! disk: at most just under twice the plaintext, about 1.4 times on average. The floor makes
//! every typed message, manifest and reply under 4 KiB the same size.
//!
//! age adds a "grease" stanza of random length (up to [`GREASE_MAX`] bytes) to every header, so
//! the same plaintext size would still give ciphertexts of many sizes. [`HeaderTap`] reads the
//! header as it is written and [`Slack`] tells how many more zeros make up for a short grease
//! stanza: every ciphertext of one bucket for one desk then has exactly the same length.
//!
//! The padding is zero bytes after the plaintext. The real size of a message or attachment is
//! kept in the encrypted submission manifest, so `meldpunt open` cuts each one to the exact
//! bytes; texts that are always UTF-8 (replies, manifests) simply lose their trailing zeros.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The smallest bucket: 4 KiB.
pub const FLOOR: u64 = 4096;

/// The size a plaintext of `len` bytes is padded to.
pub fn padded_len(len: u64) -> u64 {
    // Beyond 2^63 there is no next power of two; no item comes near (uploads are capped far
    // below), and such a length is then left as it is.
    len.max(FLOOR).checked_next_power_of_two().unwrap_or(len)
}

/// The longest grease stanza age 0.12 writes: `-> ` and a tag of up to 15 characters with up to
/// four arguments of up to 8 (55 bytes with the newline), and a body of up to 99 bytes (132
/// Base64 characters on three lines, 135 bytes).
pub const GREASE_MAX: u64 = 190;

/// Writes the zeros that bring `written` plaintext bytes up to their bucket, plus `slack`.
pub fn write_padding(out: &mut impl Write, written: u64, slack: u64) -> io::Result<()> {
    let left = padded_len(written)
        .saturating_add(slack)
        .saturating_sub(written);
    zeros(out, left)
}

fn zeros(out: &mut impl Write, mut left: u64) -> io::Result<()> {
    const ZEROS: [u8; 8192] = [0; 8192];
    while left > 0 {
        let n = left.min(ZEROS.len() as u64);
        // `n` is at most 8192, so it fits a usize and the slice is within ZEROS.
        out.write_all(ZEROS.get(..n as usize).unwrap_or_default())?;
        left -= n;
    }
    Ok(())
}

/// Removes the padding from a text item (a reply, a manifest): text never ends in a NUL.
pub fn strip_text(bytes: &mut Vec<u8>) {
    let end = bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    // `truncate` keeps the allocation; the cut-off bytes were zeros anyway.
    bytes.truncate(end);
}

/// The plaintext with its padding (and `slack`), for sealing from memory.
pub fn padded(plain: &[u8], slack: u64) -> zeroize::Zeroizing<Vec<u8>> {
    let len = padded_len(plain.len() as u64).saturating_add(slack);
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(
        usize::try_from(len).unwrap_or(plain.len()),
    ));
    out.extend_from_slice(plain);
    // Writing to a Vec cannot fail.
    let _ = write_padding(&mut *out, plain.len() as u64, slack);
    out
}

/// Passes a decrypted item on to a new encryptor with the padding made anew: trailing zeros are
/// held back, and [`Repad::finish`] writes as many as the new header's [`Slack`] asks. An item
/// that was padded already keeps its bucket; one sealed before padding came in gets one.
pub struct Repad<W> {
    inner: W,
    /// Bytes passed on: everything up to the last non-zero byte seen.
    written: u64,
    /// Zeros seen after it and not passed on (yet).
    held: u64,
}

impl<W: Write> Repad<W> {
    pub fn new(inner: W) -> Repad<W> {
        Repad {
            inner,
            written: 0,
            held: 0,
        }
    }

    pub fn finish(mut self, slack: u64) -> io::Result<W> {
        let total = self.written.saturating_add(self.held);
        // Largest power of two not above `total`: the bucket, if `total` is a padded length.
        let below = if total == 0 {
            0
        } else {
            1u64 << (63 - total.leading_zeros())
        };
        let padded_before =
            below >= FLOOR && total - below <= GREASE_MAX + 1 && self.written <= below;
        let bucket = if padded_before {
            below
        } else {
            padded_len(total)
        };
        let target = bucket.saturating_add(slack);
        zeros(&mut self.inner, target.saturating_sub(self.written))?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for Repad<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match buf.iter().rposition(|b| *b != 0) {
            None => self.held = self.held.saturating_add(buf.len() as u64),
            Some(last) => {
                let held = std::mem::take(&mut self.held);
                zeros(&mut self.inner, held)?;
                self.inner.write_all(buf.get(..=last).unwrap_or_default())?;
                self.written = self
                    .written
                    .saturating_add(held)
                    .saturating_add(last as u64 + 1);
                self.held = (buf.len() - last - 1) as u64;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// How many zeros, beyond the bucket, level out the grease of the header written through a
/// [`HeaderTap`]. Always at least 1, so that a bucket of whole 64 KiB chunks always gets one
/// more (short) chunk, whatever the grease.
#[derive(Clone, Debug, Default)]
pub struct Slack(Arc<AtomicU64>);

impl Slack {
    /// Read after `wrap_output` returned: the header has been written by then.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed).max(1)
    }
}

/// A writer that passes everything on and reads the age header as it goes by (ciphertext only:
/// the header holds no plaintext).
pub struct HeaderTap<W> {
    inner: W,
    header: Option<Vec<u8>>,
    slack: Slack,
}

impl<W: Write> HeaderTap<W> {
    pub fn new(inner: W) -> (HeaderTap<W>, Slack) {
        let slack = Slack::default();
        let tap = HeaderTap {
            inner,
            header: Some(Vec::new()),
            slack: slack.clone(),
        };
        (tap, slack)
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for HeaderTap<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(header) = &mut self.header {
            header.extend_from_slice(buf.get(..n).unwrap_or_default());
            if let Some(grease) = grease_len(header) {
                let slack = (GREASE_MAX + 1).saturating_sub(grease);
                self.slack.0.store(slack, Ordering::Relaxed);
                self.header = None;
            } else if header.len() > 64 * 1024 {
                // Not a header we know how to read: no levelling, a size of its own.
                self.header = None;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The length of the grease stanza of a complete age header (`None` until the header's MAC
/// line has been seen; 0 when it holds no grease).
fn grease_len(header: &[u8]) -> Option<u64> {
    let end = header.windows(5).position(|w| w == b"\n--- ")?;
    header.get(end + 1..)?.iter().position(|b| *b == b'\n')?;
    // Lines of the stanzas, each with its newline: `-> tag args…` starts one.
    let lines: Vec<&[u8]> = header
        .get(..=end)?
        .split_inclusive(|b| *b == b'\n')
        .collect();
    let mut grease = 0u64;
    let mut inside = false;
    for line in lines {
        if let Some(stanza) = line.strip_prefix(b"-> ") {
            let tag = stanza
                .split(|b| *b == b' ' || *b == b'\n')
                .next()
                .unwrap_or_default();
            inside = tag.ends_with(b"-grease");
        }
        if inside {
            grease += line.len() as u64;
        }
    }
    Some(grease)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seals `len` zero bytes to `to`, levelled as [`crate::seal::SealedFile`] does.
    fn sealed_len(to: &age::x25519::Recipient, len: usize) -> (usize, u64) {
        let encryptor = age::Encryptor::with_recipients(std::iter::once(to as _)).unwrap();
        let (tap, slack) = HeaderTap::new(Vec::new());
        let mut writer = encryptor.wrap_output(tap).unwrap();
        let slack = slack.get();
        writer.write_all(&padded(&vec![0; len], slack)).unwrap();
        (writer.finish().unwrap().into_inner().len(), slack)
    }

    fn repadded(plain: &[u8], slack: u64) -> Vec<u8> {
        let mut repad = Repad::new(Vec::new());
        for chunk in plain.chunks(1000) {
            repad.write_all(chunk).unwrap();
        }
        repad.finish(slack).unwrap()
    }

    #[test]
    fn repadding_keeps_the_bytes_and_the_bucket_and_takes_the_new_slack() {
        let mut text = vec![5u8; 9000];
        text.extend([0u8; 10]);
        text.push(1);
        let once = padded(&text, 150);
        let again = repadded(&once, 3);
        assert_eq!(again.len(), 16_384 + 3);
        assert_eq!(&again[..text.len()], &text[..]);
        assert!(again[text.len()..].iter().all(|b| *b == 0));
        // Sealed before padding came in: it gets its bucket now.
        assert_eq!(repadded(&[9u8; 5000], 1).len(), 8192 + 1);
        // A file of zeros is still all there.
        assert_eq!(repadded(&[0u8; 4096], 1).len(), 4096 + 1);
        assert_eq!(repadded(&vec![0u8; 70_000], 2).len(), 131_072 + 2);
    }

    #[test]
    fn the_grease_of_age_headers_is_levelled_out_to_one_size_per_bucket() {
        let to = age::x25519::Identity::generate().to_public();
        for len in [1usize, 4096, 65_536, 70_000] {
            let runs: Vec<(usize, u64)> = (0..60).map(|_| sealed_len(&to, len)).collect();
            let sizes: std::collections::BTreeSet<usize> = runs.iter().map(|r| r.0).collect();
            let slacks: std::collections::BTreeSet<u64> = runs.iter().map(|r| r.1).collect();
            assert_eq!(sizes.len(), 1, "{len} bytes: {sizes:?}");
            assert!(slacks.len() > 1, "the grease did vary: {slacks:?}");
        }
    }

    #[test]
    fn lengths_go_up_to_the_next_power_of_two_from_4_kib() {
        assert_eq!(padded_len(0), 4096);
        assert_eq!(padded_len(1), 4096);
        assert_eq!(padded_len(4096), 4096);
        assert_eq!(padded_len(4097), 8192);
        assert_eq!(padded_len(300_000), 524_288);
        assert_eq!(padded_len(5 * 1024 * 1024), 8 * 1024 * 1024);
    }

    #[test]
    fn padding_fills_exactly_to_the_bucket_with_zeros() {
        let mut out = b"tip".to_vec();
        write_padding(&mut out, 3, 0).unwrap();
        assert_eq!(out.len(), 4096);
        assert!(out[3..].iter().all(|b| *b == 0));
        strip_text(&mut out);
        assert_eq!(out, b"tip");
        let mut big = vec![1u8; 20_000];
        write_padding(&mut big, 20_000, 5).unwrap();
        assert_eq!(big.len(), 32_768 + 5);
        assert_eq!(padded(b"x", 0).len(), 4096);
    }
}
