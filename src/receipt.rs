//! Receipt codes: the reporter's only key back to their report.
//!
//! A code is 24 symbols of Crockford's base32 (120 bits from the OS random generator), shown as
//! six groups of four so it can be copied, written down and read aloud. Input forgives case,
//! spaces, dashes and the look-alikes `I`/`L` (read as `1`) and `O` (read as `0`).
//!
//! The code is never stored. HKDF-SHA256 over the code, keyed with the install's secret salt,
//! yields 64 bytes: the first 32 are the report's lookup key in the database, the last 32 the
//! reporter's own age X25519 identity, to which replies are encrypted. The database holds the
//! lookup key and the public half only. A look-up secret of 112 bits or more needs only an
//! approved one-way function (NIST SP 800-63B §5.1.2.2): nobody can try 2^119 codes, and a
//! memory-hard function on top would only hand every anonymous visitor a way to burn the
//! server's CPU and memory. The derivation takes microseconds, so it runs on the request itself.
//!
//! Earlier versions made 20-symbol (100-bit) codes and stretched them with Argon2id; reports
//! made so keep their cost in the record ([`ReceiptKdf::Argon2`]) and still open, through the
//! bounded Argon2 pool ([`derive_legacy_with_memory`]).

use std::fmt;

use age::secrecy::ExposeSecret;
use secrecy::{SecretBox, SecretString};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use serde::{Deserialize, Serialize};

/// Crockford's base32: no `I`, `L`, `O` or `U`, so nothing reads as something else.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SYMBOLS: usize = 24;
/// The length of the codes earlier versions made (100 bits, stretched with Argon2id).
const LEGACY_SYMBOLS: usize = 20;
const GROUP: usize = 4;
/// HKDF's `info`: what the 64 bytes are for, so no other use of the salt can collide with it.
const HKDF_INFO: &[u8] = b"meldpunt receipt v2: lookup key, reporter identity";

/// Bits of entropy in a receipt code.
pub const ENTROPY_BITS: usize = SYMBOLS * 5;

/// A receipt code in canonical form (24 upper-case symbols, or 20 for a code made by an earlier
/// version, no separators). Its `Debug` is redacted and its memory is zeroized on drop.
pub struct ReceiptCode(SecretString);

/// How a report's receipt turns into its keys; stored with the report.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(untagged)]
pub enum ReceiptKdf {
    /// 24-symbol codes: HKDF-SHA256 keyed with the install's salt.
    Hkdf(HkdfSha256),
    /// 20-symbol codes of earlier versions: Argon2id with the cost the report was made with.
    Argon2(Argon2Cost),
}

/// The one HKDF variant there is; stored as the string `"hkdf-sha256"`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum HkdfSha256 {
    #[serde(rename = "hkdf-sha256")]
    V1,
}

impl ReceiptKdf {
    /// What a new receipt is derived with.
    pub const CURRENT: ReceiptKdf = ReceiptKdf::Hkdf(HkdfSha256::V1);
}

/// The Argon2id cost a receipt of an earlier version was stretched with.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Argon2Cost {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

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
        if canonical.len() == SYMBOLS || canonical.len() == LEGACY_SYMBOLS {
            Some(ReceiptCode(SecretString::from(canonical)))
        } else {
            canonical.zeroize();
            None
        }
    }

    /// A code of an earlier version (20 symbols), whose keys come from Argon2id.
    pub fn is_legacy(&self) -> bool {
        self.canonical().len() == LEGACY_SYMBOLS
    }

    /// The code for display, in groups: `7KQ2-M9XD-4HRT-B0C5-WZ8N-3FJP`.
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
    /// The first half is the lookup key, the second the identity.
    fn split(out: &[u8; 64]) -> ReporterKeys {
        let mut lookup = [0u8; 32];
        let mut identity = Box::new([0u8; 32]);
        lookup.copy_from_slice(&out[..32]);
        identity.copy_from_slice(&out[32..]);
        ReporterKeys {
            lookup: LookupKey(lookup),
            identity: SecretBox::new(identity),
        }
    }

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

/// The keys of a 24-symbol code: HKDF-SHA256 with the install's salt as its key. Fast (a few
/// HMACs), so it needs no pool; a legacy code is refused here (see [`derive_legacy_with_memory`]).
pub fn derive(code: &ReceiptCode, salt: &[u8]) -> Result<ReporterKeys, KeyError> {
    if code.is_legacy() {
        return Err(KeyError::Derivation);
    }
    let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), code.canonical().as_bytes());
    let mut out = Zeroizing::new([0u8; 64]);
    hkdf.expand(HKDF_INFO, out.as_mut())
        .map_err(|_| KeyError::Derivation)?;
    Ok(ReporterKeys::split(&out))
}

/// The keys of a legacy (20-symbol) code: Argon2id with the report's stored cost. Slow on
/// purpose: call it only through [`crate::kdf::ArgonPool`], never on an async worker. The work
/// area is the caller's, so a pool can reuse a few buffers instead of allocating 19 MiB per
/// derivation (which the allocator keeps around per thread); it is wiped before this returns.
pub fn derive_legacy_with_memory(
    code: &ReceiptCode,
    salt: &[u8],
    params: Argon2Cost,
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
    Ok(ReporterKeys::split(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Argon2Cost = Argon2Cost {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    #[test]
    fn a_code_has_120_bits_and_prints_in_six_groups_of_four() {
        const { assert!(ENTROPY_BITS >= 120) };
        let code = ReceiptCode::generate();
        let shown = code.grouped();
        let shown = shown.expose_secret();
        assert_eq!(shown.len(), 29);
        assert_eq!(shown.split('-').count(), 6);
        assert!(shown.split('-').all(|g| g.len() == 4));
    }

    #[test]
    fn typed_input_forgives_case_spaces_dashes_and_look_alikes() {
        let code = ReceiptCode::parse("0123-4567-89AB-CDEF-GH1K-MNPQ").unwrap();
        let messy = ReceiptCode::parse(" o123 4567 89ab cdef ghik mnpq ").unwrap();
        let glued = ReceiptCode::parse("O12345-6789ABCDEFGHL-KMNPQ").unwrap();
        assert_eq!(code.canonical(), messy.canonical());
        assert_eq!(code.canonical(), glued.canonical());
        assert!(!code.is_legacy());
        let old = ReceiptCode::parse("0123-4567-89AB-CDEF-GH1K").unwrap();
        assert!(
            old.is_legacy(),
            "a 20-symbol code of an earlier version still parses"
        );
    }

    #[test]
    fn input_that_cannot_be_a_code_is_refused() {
        assert!(ReceiptCode::parse("short").is_none());
        assert!(ReceiptCode::parse("0123-4567-89AB-CDEF-GH1K-0").is_none());
        assert!(ReceiptCode::parse("0123-4567-89AB-CDEF-GH1K-MNPQ-R").is_none());
        assert!(ReceiptCode::parse("0123-4567-89AB-CDEF-GH1K-MNP*").is_none());
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
        let a = derive(&code, b"install-salt-0123").unwrap();
        let b = derive(&again, b"install-salt-0123").unwrap();
        assert!(a.lookup.ct_eq(&b.lookup));
        let c = derive(&code, b"another-salt-0123").unwrap();
        assert!(!a.lookup.ct_eq(&c.lookup));

        let recipient = a.recipient().unwrap();
        let sealed = age::encrypt(&recipient, b"a reply").unwrap();
        let opened = age::decrypt(&b.identity().unwrap(), &sealed).unwrap();
        assert_eq!(opened, b"a reply");
    }

    #[test]
    fn a_legacy_code_opens_only_with_its_argon2_cost() {
        let old = ReceiptCode::parse("0123-4567-89AB-CDEF-GH1K").unwrap();
        assert!(derive(&old, b"install-salt-0123").is_err());
        let mut memory = Vec::new();
        let a = derive_legacy_with_memory(&old, b"install-salt-0123", CHEAP, &mut memory).unwrap();
        let b = derive_legacy_with_memory(&old, b"install-salt-0123", CHEAP, &mut memory).unwrap();
        assert!(a.lookup.ct_eq(&b.lookup));
        assert!(
            memory
                .iter()
                .all(|block| block.as_ref().iter().all(|w| *w == 0))
        );
    }

    #[test]
    fn the_kdf_is_stored_as_a_name_or_as_the_old_cost() {
        let current = serde_json::to_string(&ReceiptKdf::CURRENT).unwrap();
        assert_eq!(current, "\"hkdf-sha256\"");
        let old: ReceiptKdf = serde_json::from_str(r#"{"m_kib":19456,"t":2,"p":1}"#).unwrap();
        assert_eq!(
            old,
            ReceiptKdf::Argon2(Argon2Cost {
                m_kib: 19456,
                t: 2,
                p: 1
            })
        );
        assert_eq!(
            serde_json::from_str::<ReceiptKdf>(&current).unwrap(),
            ReceiptKdf::CURRENT
        );
    }
}
