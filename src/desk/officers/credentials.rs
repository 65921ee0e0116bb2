//! Making credentials: Argon2id password hashes and TOTP secrets, and the TOTP generator that
//! turns a secret into codes and enrolment URIs. One place, so the parameters an officer is
//! enrolled with and the ones a login checks against cannot drift apart.

use argon2::{Argon2, PasswordHash, PasswordHasher};
use secrecy::{SecretBox, SecretString};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::{Zeroize, Zeroizing};

use super::OfficerError;

/// What authenticator apps show as the account's issuer.
const ISSUER: &str = "meldpunt";
/// RFC 6238 with the parameters every authenticator app supports.
pub(super) const TOTP_STEP_SECS: u64 = 30;
pub(super) const TOTP_SKEW: u16 = 1;
const TOTP_DIGITS: u8 = 6;

/// Argon2id with the crate defaults (m = 19 MiB, t = 2, p = 1), as a PHC string.
pub(super) fn hash_password(password: &[u8]) -> Result<SecretString, OfficerError> {
    let mut salt = [0u8; 16];
    crate::random::fill(&mut salt);
    let hash = Argon2::default()
        .hash_password_with_salt(password, &salt)
        .map_err(|e| OfficerError::Store(format!("password hashing failed: {e}")))?;
    Ok(SecretString::from(hash.to_string()))
}

/// Whether `password` matches a PHC string, hashing in the caller's work area (see
/// [`crate::kdf::ArgonPool`]): `verify_password` allocates 19 MiB for every call, and glibc keeps
/// those per thread, which let a login flood grow the process past 200 MiB. The parameters come
/// from the string itself, so an officer's hash and the dummy one (both made by
/// [`hash_password`]) cost the same to check. The work area is wiped before this returns.
pub(super) fn password_matches_with_memory(
    hash: &str,
    password: &[u8],
    memory: &mut Vec<argon2::Block>,
) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(argon2::Version::try_from) {
        None => argon2::Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = argon2::Params::try_from(&parsed) else {
        return false;
    };
    if params.block_count() > MAX_VERIFY_BLOCKS {
        return false;
    }
    memory.resize(params.block_count(), argon2::Block::default());
    let mut out = Zeroizing::new(vec![0u8; expected.as_bytes().len()]);
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password,
        &salt,
        &mut out[..],
        &mut memory[..],
    );
    memory.iter_mut().for_each(Zeroize::zeroize);
    hashed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// A stored hash asking for more than 256 MiB is refused rather than honoured: ours ask for 19.
const MAX_VERIFY_BLOCKS: usize = 256 * 1024;

/// 160 bits from the OS generator, the size RFC 4226 recommends.
pub(super) fn random_totp_secret() -> SecretBox<[u8; 20]> {
    SecretBox::init_with_mut(|secret: &mut [u8; 20]| crate::random::fill(secret))
}

pub(super) fn totp_for(secret: &[u8; 20], account: String) -> Result<Totp, OfficerError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(TOTP_DIGITS)
        .with_step_duration(TOTP_STEP_SECS)
        .with_skew(TOTP_SKEW)
        .with_secret(Secret::new_stack(*secret))
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| OfficerError::Store(format!("TOTP setup failed: {e}")))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn a_hash_matches_its_password_in_a_reused_work_area_and_nothing_else() {
        let hash = hash_password(b"correct horse").unwrap();
        let mut memory = Vec::new();
        assert!(password_matches_with_memory(
            hash.expose_secret(),
            b"correct horse",
            &mut memory
        ));
        assert!(!password_matches_with_memory(
            hash.expose_secret(),
            b"correct hors",
            &mut memory
        ));
        assert!(!password_matches_with_memory(
            hash.expose_secret(),
            b"",
            &mut memory
        ));
        assert!(!password_matches_with_memory(
            "not a hash",
            b"correct horse",
            &mut memory
        ));
        // The same area serves the next check, and holds no trace of the last one.
        assert_eq!(memory.len(), 19 * 1024);
        assert!(password_matches_with_memory(
            hash.expose_secret(),
            b"correct horse",
            &mut memory
        ));
        assert!(
            memory
                .iter()
                .all(|block| block.as_ref().iter().all(|word| *word == 0))
        );
    }

    #[test]
    fn a_stored_hash_that_asks_for_too_much_memory_is_refused_unrun() {
        let greedy = "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$\
                      AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let mut memory = Vec::new();
        assert!(!password_matches_with_memory(greedy, b"x", &mut memory));
        assert!(memory.is_empty());
    }
}
