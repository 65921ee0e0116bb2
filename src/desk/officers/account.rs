//! Changing an account after it was made: adding one with a role and a temporary password,
//! resets by an admin (the officer sets a new password or authenticator at the next login), an
//! officer's own new password and authenticator, and the admin flag.
//!
//! A reset never shows an admin the officer's new secret: a password reset gives a temporary
//! password that only opens the page where the officer chooses their own, and a TOTP reset
//! leaves an unknown secret that the officer replaces by enrolling a new authenticator. Each
//! change is one transaction, durable before the method returns.

use secrecy::{ExposeSecret, SecretBox, SecretString};
use zeroize::Zeroizing;

use super::credentials::{hash_password, random_totp_secret, totp_for};
use super::record;
use super::{MIN_PASSWORD_CHARS, Officer, OfficerError, Officers, validate_name};
use crate::domain::DeskId;

/// Credentials an officer must replace before working: after an admin reset them, or when an
/// admin added the officer with a temporary password.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Pending {
    /// Logged in with a temporary password, which must be replaced.
    pub password: bool,
    /// No authenticator is enrolled: the password alone opens the account until one is.
    pub totp: bool,
}

impl Pending {
    pub fn any(self) -> bool {
        self.password || self.totp
    }
}

/// An officer to add.
pub struct NewOfficer<'a> {
    pub name: &'a str,
    pub desk: &'a DeskId,
    pub password: &'a SecretString,
    pub admin: bool,
    /// The password is a temporary one (an admin made it): the officer replaces it, and enrols
    /// an authenticator, at the first login.
    pub temporary: bool,
}

/// A new authenticator being enrolled: the secret (base32, for typing it in), the otpauth://
/// URI (for the QR code), both secret.
pub struct Enrolment {
    pub secret_base32: SecretString,
    pub uri: SecretString,
}

/// The alphabet of temporary passwords: lower case and digits without 0, 1, l and o, so that one
/// read out over the phone is typed right.
const TEMPORARY_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

impl Officers {
    /// Adds an officer with a fresh TOTP secret. Returns the officer and the otpauth:// URI to
    /// enrol an authenticator app with (of no use for a `temporary` one, who enrols at login).
    pub fn add_officer(
        &self,
        new: &NewOfficer<'_>,
    ) -> Result<(Officer, SecretString), OfficerError> {
        validate_name(new.name)?;
        if new.password.expose_secret().chars().count() < MIN_PASSWORD_CHARS {
            return Err(OfficerError::WeakPassword);
        }
        // Checked before the Argon2 work too, so a duplicate is refused at once.
        if self.get(new.name)?.is_some() {
            return Err(OfficerError::Exists(new.name.to_owned()));
        }
        let officer = Officer {
            name: new.name.to_owned(),
            desk: new.desk.clone(),
            password_hash: hash_password(new.password.expose_secret().as_bytes())?,
            totp_secret: random_totp_secret(),
            last_step: 0,
            admin: new.admin,
            pending: Pending {
                password: new.temporary,
                totp: new.temporary,
            },
        };
        let uri = officer
            .totp()?
            .to_url()
            .map_err(|e| OfficerError::Store(format!("TOTP enrolment failed: {e}")))?;
        self.db().write(|tx| {
            if record::read_officer(tx, new.name)?.is_some() {
                return Err(OfficerError::Exists(new.name.to_owned()));
            }
            record::insert_officer(tx, &officer)
        })?;
        Ok((officer, SecretString::from(uri)))
    }

    /// Adds an officer with a temporary password, returned to be handed over: at the first
    /// login they choose their own and enrol their authenticator, so whoever added them never
    /// knows either.
    pub fn add_with_temporary_password(
        &self,
        name: &str,
        desk: &DeskId,
        admin: bool,
    ) -> Result<SecretString, OfficerError> {
        let temporary = temporary_password();
        self.add_officer(&NewOfficer {
            name,
            desk,
            password: &temporary,
            admin,
            temporary: true,
        })?;
        Ok(temporary)
    }

    /// Gives the officer a temporary password, returned to be handed over; their next login
    /// must replace it. Their old password stops working at once.
    pub fn reset_password(&self, name: &str) -> Result<SecretString, OfficerError> {
        let temporary = temporary_password();
        let hash = hash_password(temporary.expose_secret().as_bytes())?;
        if !self
            .db()
            .write(|tx| record::set_password_hash(tx, name, &hash, true))?
        {
            return Err(OfficerError::Unknown(name.to_owned()));
        }
        Ok(temporary)
    }

    /// Forgets the officer's authenticator: until they enrol a new one at their next login,
    /// their password alone opens the account, and nothing else than the enrolment.
    pub fn reset_totp(&self, name: &str) -> Result<(), OfficerError> {
        let unknown = random_totp_secret();
        if self
            .db()
            .write(|tx| record::set_totp_secret(tx, name, &unknown, true))?
        {
            Ok(())
        } else {
            Err(OfficerError::Unknown(name.to_owned()))
        }
    }

    /// The officer's own new password, replacing a temporary one too.
    pub fn set_password(&self, name: &str, password: &SecretString) -> Result<(), OfficerError> {
        if password.expose_secret().chars().count() < MIN_PASSWORD_CHARS {
            return Err(OfficerError::WeakPassword);
        }
        let hash = hash_password(password.expose_secret().as_bytes())?;
        if self
            .db()
            .write(|tx| record::set_password_hash(tx, name, &hash, false))?
        {
            Ok(())
        } else {
            Err(OfficerError::Unknown(name.to_owned()))
        }
    }

    /// A new secret for officer `name` to enrol; nothing is stored until [`Self::enrol`].
    pub fn new_enrolment(&self, name: &str, desk: &DeskId) -> Result<Enrolment, OfficerError> {
        let secret = random_totp_secret();
        enrolment_of(secret.expose_secret(), name, desk)
    }

    /// Stores the authenticator whose base32 secret the enrolment page showed, once `code` (at
    /// `now_unix`) shows the officer's app has it. The step the code belongs to counts as used.
    pub fn enrol(
        &self,
        name: &str,
        secret_base32: &str,
        code: &str,
        now_unix: u64,
    ) -> Result<(), OfficerError> {
        let secret = secret_from_base32(secret_base32).ok_or(OfficerError::WrongCode)?;
        let Some(step) = super::login::matched_step(secret.expose_secret(), code, now_unix)? else {
            return Err(OfficerError::WrongCode);
        };
        self.db().write(|tx| {
            if !record::set_totp_secret(tx, name, &secret, false)? {
                return Err(OfficerError::Unknown(name.to_owned()));
            }
            record::set_last_step(tx, name, step)
        })
    }

    /// Makes the officer an admin, or not.
    pub fn set_admin(&self, name: &str, admin: bool) -> Result<(), OfficerError> {
        let changed = self.db().write(|tx| {
            Ok::<_, OfficerError>(tx.execute(
                "UPDATE officers SET admin = ?2 WHERE name = ?1",
                rusqlite::params![name, admin],
            )?)
        })?;
        if changed == 1 {
            Ok(())
        } else {
            Err(OfficerError::Unknown(name.to_owned()))
        }
    }
}

/// The enrolment of a given secret: its base32 form and its otpauth:// URI.
fn enrolment_of(secret: &[u8; 20], name: &str, desk: &DeskId) -> Result<Enrolment, OfficerError> {
    let totp = totp_for(secret, format!("{name} ({desk})"))?;
    let uri = totp
        .to_url()
        .map_err(|e| OfficerError::Store(format!("TOTP enrolment failed: {e}")))?;
    let base32 = totp_rs::Secret::new_stack(*secret).to_base32();
    Ok(Enrolment {
        secret_base32: SecretString::from(base32),
        uri: SecretString::from(uri),
    })
}

/// A 20-byte secret from its base32 form as the enrolment page carried it, or None.
fn secret_from_base32(text: &str) -> Option<SecretBox<[u8; 20]>> {
    let decoded = Zeroizing::new(
        totp_rs::Secret::try_from_base32(text.trim())
            .ok()?
            .as_bytes()
            .to_vec(),
    );
    if decoded.len() != 20 {
        return None;
    }
    Some(SecretBox::init_with_mut(|out: &mut [u8; 20]| {
        out.copy_from_slice(&decoded)
    }))
}

/// 16 symbols of [`TEMPORARY_ALPHABET`] (80 bits) in groups of four: `abcd-efgh-jkmn-pqrs`.
fn temporary_password() -> SecretString {
    let mut bytes = Zeroizing::new([0u8; 16]);
    crate::random::fill(bytes.as_mut());
    let mut out = String::with_capacity(19);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        // 32 symbols divide 256: each byte picks one without bias.
        out.push(char::from(
            TEMPORARY_ALPHABET[usize::from(*byte) % TEMPORARY_ALPHABET.len()],
        ));
    }
    SecretString::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_password_is_long_enough_and_readable() {
        let password = temporary_password();
        let text = password.expose_secret();
        assert_eq!(text.len(), 19);
        assert!(text.chars().count() >= MIN_PASSWORD_CHARS);
        assert!(
            text.chars()
                .all(|c| c == '-' || TEMPORARY_ALPHABET.contains(&(c as u8)))
        );
        assert_ne!(text, temporary_password().expose_secret());
    }

    #[test]
    fn an_enrolment_secret_reads_back() {
        let secret = random_totp_secret();
        let desk: DeskId = "ap".parse().unwrap();
        let enrolment = enrolment_of(secret.expose_secret(), "a", &desk).unwrap();
        let back = secret_from_base32(enrolment.secret_base32.expose_secret()).unwrap();
        assert_eq!(back.expose_secret(), secret.expose_secret());
        assert!(enrolment.uri.expose_secret().starts_with("otpauth://totp/"));
        assert!(secret_from_base32("not base32!").is_none());
        assert!(secret_from_base32("JBSWY3DP").is_none(), "too short");
    }
}
