//! Receipt codes: the reporter's only key back to their report.
//!
//! A code is 20 symbols of Crockford's base32 (100 bits from the OS random generator), shown as
//! five groups of four so it can be copied, written down and read aloud. Input forgives case,
//! spaces, dashes and the look-alikes `I`/`L` (read as `1`) and `O` (read as `0`).
//!
//! The code is never stored. Argon2id over the code, with an install-wide salt, yields 64 bytes:
//! the first 32 are the report's lookup key in the database, the last 32 the reporter's own age
//! X25519 identity, to which replies are encrypted. The database holds the lookup key and the
//! public half only.

use std::fmt;

use age::secrecy::ExposeSecret;
use secrecy::{SecretBox, SecretString};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::config::Argon2Settings;

/// Crockford's base32: no `I`, `L`, `O` or `U`, so nothing reads as something else.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SYMBOLS: usize = 20;
const GROUP: usize = 4;

/// Bits of entropy in a receipt code.
pub const ENTROPY_BITS: usize = SYMBOLS * 5;

/// A receipt code in canonical form (20 upper-case symbols, no separators).
/// Its `Debug` is redacted and its memory is zeroized on drop.
pub struct ReceiptCode(SecretString);

impl ReceiptCode {
    /// A fresh code from the operating system's random generator.
    pub fn generate() -> ReceiptCode {
        let mut bytes = Zeroizing::new([0u8; SYMBOLS]);
        crate::random::fill(bytes.as_mut());
        // 256 is a multiple of 32, so taking each byte modulo 32 is unbiased.
        let canonical: String = bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
            .collect();
        ReceiptCode(SecretString::from(canonical))
    }

    /// Parses what a person typed. `None` when it cannot be a code at all.
    pub fn parse(input: &str) -> Option<ReceiptCode> {
        let mut canonical = String::with_capacity(SYMBOLS);
        for c in input.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\t' | '\r' | '\n' | '.' => continue,
                'I' | 'L' => '1',
                'O' => '0',
                'U' => 'V',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => {
                    canonical.zeroize();
                    return None;
                }
            };
            canonical.push(c);
        }
        if canonical.len() == SYMBOLS {
            Some(ReceiptCode(SecretString::from(canonical)))
        } else {
            canonical.zeroize();
            None
        }
    }

    /// The code for display, in groups: `7KQ2-M9XD-4HRT-B0C5-WZ8N`.
    pub fn grouped(&self) -> SecretString {
        let canonical = self.0.expose_secret().as_bytes();
        let grouped: Vec<String> = canonical
            .chunks(GROUP)
            .map(|g| String::from_utf8_lossy(g).into_owned())
            .collect();
        SecretString::from(grouped.join("-"))
    }

    fn canonical(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptCode([REDACTED])")
    }
}

/// The 32-byte key under which a report's record is found.
#[derive(Clone, PartialEq, Eq)]
pub struct LookupKey(pub [u8; 32]);

impl LookupKey {
    pub fn ct_eq(&self, other: &LookupKey) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for LookupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LookupKey([REDACTED])")
    }
}

/// What a receipt code stretches into.
pub struct ReporterKeys {
    pub lookup: LookupKey,
    /// The reporter's age identity, as raw X25519 scalar bytes.
    identity: SecretBox<[u8; 32]>,
}

impl fmt::Debug for ReporterKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReporterKeys([REDACTED])")
    }
}

impl ReporterKeys {
    /// The reporter's identity as an age identity (decrypts replies).
    pub fn identity(&self) -> Result<age::x25519::Identity, KeyError> {
        identity_from_bytes(self.identity.expose_secret())
    }

    /// The public half, stored with the report; replies are encrypted to it.
    pub fn recipient(&self) -> Result<age::x25519::Recipient, KeyError> {
        Ok(self.identity()?.to_public())
    }

    /// A copy of the secret bytes, for a session that must outlive these keys.
    pub fn identity_secret(&self) -> SecretBox<[u8; 32]> {
        SecretBox::new(Box::new(*self.identity.expose_secret()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key derivation failed")]
    Derivation,
    #[error("derived key could not be encoded")]
    Encoding,
}

/// Turns 32 secret bytes into an age X25519 identity by way of its text form
/// (bech32, HRP `AGE-SECRET-KEY-`), the one constructor the age crate offers.
pub fn identity_from_bytes(bytes: &[u8; 32]) -> Result<age::x25519::Identity, KeyError> {
    let hrp = bech32::Hrp::parse("age-secret-key-").map_err(|_| KeyError::Encoding)?;
    let encoded = Zeroizing::new(
        bech32::encode::<bech32::Bech32>(hrp, bytes).map_err(|_| KeyError::Encoding)?,
    );
    let upper = Zeroizing::new(encoded.to_uppercase());
    upper.parse().map_err(|_| KeyError::Encoding)
}

/// Stretches a receipt code. Slow on purpose (tens of milliseconds, 19 MiB by default):
/// call it only through [`crate::kdf::KdfPool`], never on an async worker.
pub fn derive(
    code: &ReceiptCode,
    salt: &[u8],
    params: Argon2Settings,
) -> Result<ReporterKeys, KeyError> {
    derive_with_memory(code, salt, params, &mut Vec::new())
}

/// [`derive`] with a caller-owned Argon2 work area, so a pool can reuse a few buffers instead of
/// allocating 19 MiB per derivation (which the allocator keeps around per thread). The buffer is
/// wiped before this returns.
pub fn derive_with_memory(
    code: &ReceiptCode,
    salt: &[u8],
    params: Argon2Settings,
    memory: &mut Vec<argon2::Block>,
) -> Result<ReporterKeys, KeyError> {
    let argon_params = argon2::Params::new(params.m_kib, params.t, params.p, Some(64))
        .map_err(|_| KeyError::Derivation)?;
    memory.resize(argon_params.block_count(), argon2::Block::default());
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    );
    let mut out = Zeroizing::new([0u8; 64]);
    let hashed = argon.hash_password_into_with_memory(
        code.canonical().as_bytes(),
        salt,
        out.as_mut(),
        &mut memory[..],
    );
    memory.iter_mut().for_each(Zeroize::zeroize);
    hashed.map_err(|_| KeyError::Derivation)?;
    let mut lookup = [0u8; 32];
    let mut identity = Box::new([0u8; 32]);
    lookup.copy_from_slice(&out[..32]);
    identity.copy_from_slice(&out[32..]);
    Ok(ReporterKeys {
        lookup: LookupKey(lookup),
        identity: SecretBox::new(identity),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Argon2Settings = Argon2Settings {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    #[test]
    fn a_code_has_at_least_80_bits_and_prints_in_groups_of_four() {
        const { assert!(ENTROPY_BITS >= 80) };
        let code = ReceiptCode::generate();
        let shown = code.grouped();
        let shown = shown.expose_secret();
        assert_eq!(shown.len(), 24);
        assert!(shown.split('-').all(|g| g.len() == 4));
    }

    #[test]
    fn typed_input_forgives_case_spaces_dashes_and_look_alikes() {
        let code = ReceiptCode::parse("0123-4567-89AB-CDEF-GH1K").unwrap();
        let messy = ReceiptCode::parse(" o123 4567 89ab cdef ghik ").unwrap();
        let glued = ReceiptCode::parse("O12345-6789ABCDEFGHL-K").unwrap();
        assert_eq!(code.canonical(), messy.canonical());
        assert_eq!(code.canonical(), glued.canonical());
    }

    #[test]
    fn input_that_cannot_be_a_code_is_refused() {
        assert!(ReceiptCode::parse("short").is_none());
        assert!(ReceiptCode::parse("0123-4567-89AB-CDEF-GH1K-0").is_none());
        assert!(ReceiptCode::parse("0123-4567-89AB-CDEF-GH1*").is_none());
    }

    #[test]
    fn debug_never_shows_the_code() {
        let code = ReceiptCode::generate();
        let printed = format!("{code:?}");
        assert!(!printed.contains(code.canonical()));
    }

    #[test]
    fn the_same_code_and_salt_give_the_same_keys_and_a_working_identity() {
        let code = ReceiptCode::generate();
        let again = ReceiptCode::parse(code.grouped().expose_secret()).unwrap();
        let a = derive(&code, b"install-salt-0123", CHEAP).unwrap();
        let b = derive(&again, b"install-salt-0123", CHEAP).unwrap();
        assert!(a.lookup.ct_eq(&b.lookup));
        let c = derive(&code, b"another-salt-0123", CHEAP).unwrap();
        assert!(!a.lookup.ct_eq(&c.lookup));

        let recipient = a.recipient().unwrap();
        let sealed = age::encrypt(&recipient, b"a reply").unwrap();
        let opened = age::decrypt(&b.identity().unwrap(), &sealed).unwrap();
        assert_eq!(opened, b"a reply");
    }
}
