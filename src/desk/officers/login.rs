//! The login check: name, password and TOTP code, throttled without a lock-out.
//!
//! Every attempt the throttle admits does the same work — one Argon2id verification, in the
//! bounded pool, and three TOTP codes — whether the name exists, the password is right or the
//! code is, so neither the answer nor its timing says which part failed. While a name, or the
//! whole login during a flood, is guarded ([`super::throttle`]), an attempt whose code is wrong
//! is refused without the Argon2 run, and one whose code is right but password wrong gets that
//! same refusal: the officer with both still gets in. A failure writes nothing to disk; the
//! caller audits those on real names, which the throttle keeps to a few per guard.

use std::sync::atomic::Ordering;

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::credentials::{TOTP_SKEW, TOTP_STEP_SECS, password_matches_with_memory, totp_for};
use super::record;
use super::throttle::{Admission, LoginTotals};
use super::{LoginOutcome, MAX_NAME_CHARS, Officer, OfficerError, Officers};
use crate::kdf::{ArgonPool, KdfError};

impl Officers {
    /// Checks name, password and 6-digit TOTP code at `now_unix`, the password in `pool`.
    pub async fn login(
        &self,
        pool: &ArgonPool,
        name: &str,
        password: Zeroizing<String>,
        code: &str,
        now_unix: u64,
    ) -> Result<LoginOutcome, OfficerError> {
        let name: String = name.chars().take(MAX_NAME_CHARS).collect();
        let officer = self.get(&name)?;
        let secret = match &officer {
            Some(officer) => officer.totp_secret.expose_secret(),
            None => self.dummy_totp.expose_secret(),
        };
        let step = matched_step(secret, code, now_unix)?;
        // An officer whose authenticator was reset has none to give a code from: their password
        // alone opens the enrolment (and nothing else), so for them any code counts as right.
        let enrolling = officer.as_ref().is_some_and(|o| o.pending.totp);
        let code_ok = step.is_some() || enrolling;
        let real = || officer.as_ref().map(|o| o.name.clone());
        let (guarded, guard_began) = match self.throttle.admit(&name, code_ok, now_unix) {
            Admission::Refused => return Ok(LoginOutcome::Guarded { officer: None }),
            Admission::Checked {
                guarded,
                guard_began,
            } => (guarded, guard_began),
        };
        let password_ok = match self.verify_password(pool, officer.as_ref(), password).await {
            Ok(ok) => ok,
            Err(KdfError::Busy) => return Ok(LoginOutcome::Busy),
            Err(KdfError::Failed) => {
                return Err(OfficerError::Store("password check failed".into()));
            }
        };

        // One transaction: the accepted step is re-read and written together, so two logins (in
        // this process or another) cannot both accept one code.
        let accepted = match (password_ok, step, &officer) {
            (true, _, Some(officer)) if enrolling => Some(officer.clone()),
            (true, Some(step), Some(officer)) => {
                self.db().write(|tx| accept_step(tx, &officer.name, step))?
            }
            _ => None,
        };
        match accepted {
            Some(officer) => {
                self.throttle.succeeded(&name);
                Ok(LoginOutcome::Success(officer))
            }
            // Checked only for its right code: the same refusal as an unchecked attempt, so a
            // right code is not told apart from a wrong one.
            None if guarded => {
                self.throttle.failed();
                Ok(LoginOutcome::Guarded { officer: real() })
            }
            None => {
                self.throttle.failed();
                Ok(LoginOutcome::Failed {
                    officer: real(),
                    guard_began,
                })
            }
        }
    }

    /// Whether `password` is officer `name`'s, checked in `pool` (for a change of password,
    /// which asks for the current one). An unknown name is checked against the dummy hash.
    pub async fn check_password(
        &self,
        pool: &ArgonPool,
        name: &str,
        password: Zeroizing<String>,
    ) -> Result<bool, KdfError> {
        let officer = self.get(name).map_err(|_| KdfError::Failed)?;
        self.verify_password(pool, officer.as_ref(), password).await
    }

    /// The logins since the last call, for the service's hourly line.
    pub fn take_login_totals(&self) -> LoginTotals {
        self.throttle.take_totals()
    }

    /// Verifies in the pool against the officer's hash, or the dummy one for an unknown name:
    /// the same Argon2 parameters, so the same cost.
    async fn verify_password(
        &self,
        pool: &ArgonPool,
        officer: Option<&Officer>,
        password: Zeroizing<String>,
    ) -> Result<bool, KdfError> {
        let hash: SecretString = match officer {
            Some(officer) => officer.password_hash.clone(),
            None => self.dummy_hash.clone(),
        };
        let checks = self.password_checks.clone();
        let matches = pool
            .run(move |memory| {
                checks.fetch_add(1, Ordering::SeqCst);
                password_matches_with_memory(hash.expose_secret(), password.as_bytes(), memory)
            })
            .await?;
        Ok(matches && officer.is_some())
    }
}

/// Records `step` as the officer's last accepted one if it is later than the stored one —
/// re-read inside the transaction, so a code is never accepted twice. Returns the updated
/// officer, or None if the step was used already or the officer has gone meanwhile.
fn accept_step(
    db: &rusqlite::Connection,
    name: &str,
    step: u64,
) -> Result<Option<Officer>, OfficerError> {
    let Some(mut officer) = record::read_officer(db, name)? else {
        return Ok(None);
    };
    if step <= officer.last_step {
        return Ok(None);
    }
    officer.last_step = step;
    record::set_last_step(db, name, step)?;
    Ok(Some(officer))
}

/// The time step `code` is valid for at `now_unix` (within the skew), or None. All steps of the
/// window are computed and compared in constant time, so timing does not say which one matched;
/// if one code matches two steps (one chance in a million), the later is taken.
pub(super) fn matched_step(
    secret: &[u8; 20],
    code: &str,
    now_unix: u64,
) -> Result<Option<u64>, OfficerError> {
    // Only the secret matters for codes; the account name is for enrolment URIs.
    let totp = totp_for(secret, String::from("login"))?;
    let typed: Zeroizing<String> =
        Zeroizing::new(code.chars().filter(|c| !c.is_whitespace()).collect());
    let origin = now_unix / TOTP_STEP_SECS;
    let skew = u64::from(TOTP_SKEW);
    let mut matched = None;
    for step in origin.saturating_sub(skew)..=origin.saturating_add(skew) {
        let expected = Zeroizing::new(
            totp.generate(step.saturating_mul(TOTP_STEP_SECS))
                .to_string(),
        );
        let same = expected.len() == typed.len()
            && bool::from(expected.as_bytes().ct_eq(typed.as_bytes()));
        if same {
            matched = Some(step);
        }
    }
    Ok(matched)
}
