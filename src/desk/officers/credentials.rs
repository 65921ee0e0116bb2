//! Making credentials: Argon2id password hashes and TOTP secrets, and the TOTP generator that
//! turns a secret into codes and enrolment URIs. One place, so the parameters an officer is
//! enrolled with and the ones a login checks against cannot drift apart.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use secrecy::{SecretBox, SecretString};
use totp_rs::{Algorithm, Builder, Secret, Totp};

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

/// Whether `password` matches a PHC string. The parameters come from the string itself, so an
/// officer's hash and the dummy one (both made by [`hash_password`]) cost the same to check.
pub(super) fn password_matches(hash: &str, password: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

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
