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
//! The padding is zero bytes after the plaintext. The real size of a message or attachment is
//! kept in the encrypted submission manifest, so `meldpunt open` cuts each one to the exact
//! bytes; texts that are always UTF-8 (replies, manifests) simply lose their trailing zeros.

use std::io::{self, Write};

/// The smallest bucket: 4 KiB.
pub const FLOOR: u64 = 4096;

/// The size a plaintext of `len` bytes is padded to.
pub fn padded_len(len: u64) -> u64 {
    // Beyond 2^63 there is no next power of two; no item comes near (uploads are capped far
    // below), and such a length is then left as it is.
    len.max(FLOOR).checked_next_power_of_two().unwrap_or(len)
}

/// Writes the zeros that bring `written` plaintext bytes up to their bucket.
pub fn write_padding(out: &mut impl Write, written: u64) -> io::Result<()> {
    const ZEROS: [u8; 8192] = [0; 8192];
    let mut left = padded_len(written).saturating_sub(written);
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

/// The plaintext with its padding, for sealing from memory.
pub fn padded(plain: &[u8]) -> zeroize::Zeroizing<Vec<u8>> {
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(
        usize::try_from(padded_len(plain.len() as u64)).unwrap_or(plain.len()),
    ));
    out.extend_from_slice(plain);
    // Writing to a Vec cannot fail.
    let _ = write_padding(&mut *out, plain.len() as u64);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        write_padding(&mut out, 3).unwrap();
        assert_eq!(out.len(), 4096);
        assert!(out[3..].iter().all(|b| *b == 0));
        strip_text(&mut out);
        assert_eq!(out, b"tip");
        let mut big = vec![1u8; 20_000];
        write_padding(&mut big, 20_000).unwrap();
        assert_eq!(big.len(), 32_768);
        assert_eq!(padded(b"x").len(), 4096);
    }
}
