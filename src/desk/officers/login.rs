//! The login check: name, password and TOTP code, with a lock-out per name.
//!
//! Every attempt that is not locked out does the same work — one Argon2id verification and
//! three TOTP codes — whether the name exists, the password is right or the code is, so neither
//! the answer nor its timing says which part failed. Failures are counted per name as typed, for
//! names that do not exist too, so a lock-out does not reveal which names are real. From the
//! fifth failure in a row the name is locked for 60 s, doubling with each further failure up to a
//! day; a success clears the count.

use std::sync::atomic::Ordering;

use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::credentials::{TOTP_SKEW, TOTP_STEP_SECS, password_matches, totp_for};
use super::record::{self, Failures};
use super::{LoginOutcome, MAX_NAME_CHARS, Officer, OfficerError, Officers};

/// The failure that first locks a name.
const LOCK_AFTER: u32 = 5;
const FIRST_LOCK_SECS: u64 = 60;
const MAX_LOCK_SECS: u64 = 24 * 60 * 60;

impl Officers {
    /// Blocking (runs Argon2): checks name, password and 6-digit TOTP code at `now_unix`.
    pub fn login(
        &self,
        name: &str,
        password: &str,
        code: &str,
        now_unix: u64,
    ) -> Result<LoginOutcome, OfficerError> {
        let key = failure_key(name);
        let failures = record::failures_of(&*self.db().connection()?, &key)?;
        if failures.locked_until > now_unix {
            return Ok(LoginOutcome::Locked {
                until: failures.locked_until,
            });
        }
        let officer = self.get(name)?;
        let password_ok = self.verify_password(officer.as_ref(), password);
        let secret = match &officer {
            Some(officer) => officer.totp_secret.expose_secret(),
            None => self.dummy_totp.expose_secret(),
        };
        let step = matched_step(secret, code, now_unix)?;

        // One transaction: the accepted step and the failure count are re-read and written
        // together, so two logins (in this process or another) cannot both accept one code.
        self.db().write(|tx| {
            let accepted = match (password_ok, step, officer) {
                (true, Some(step), Some(officer)) => accept_step(tx, &officer.name, step)?,
                _ => None,
            };
            match accepted {
                Some(officer) => {
                    record::clear_failures(tx, &key)?;
                    Ok(LoginOutcome::Success(officer))
                }
                None => {
                    record_failure(tx, &key, now_unix)?;
                    Ok(LoginOutcome::Failed)
                }
            }
        })
    }

    /// Verifies against the officer's hash, or the dummy one for an unknown name: the same
    /// Argon2 parameters, so the same cost.
    fn verify_password(&self, officer: Option<&Officer>, password: &str) -> bool {
        let hash = match officer {
            Some(officer) => officer.password_hash.expose_secret(),
            None => self.dummy_hash.expose_secret(),
        };
        self.password_checks.fetch_add(1, Ordering::SeqCst);
        password_matches(hash, password) && officer.is_some()
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

fn record_failure(db: &rusqlite::Connection, key: &str, now_unix: u64) -> Result<(), OfficerError> {
    let mut failures: Failures = record::failures_of(db, key)?;
    failures.count = failures.count.saturating_add(1);
    if failures.count >= LOCK_AFTER {
        failures.locked_until = now_unix.saturating_add(lock_secs(failures.count));
    }
    record::put_failures(db, key, &failures)
}

/// The name as typed, capped at 64 characters so a long name cannot bloat the tree.
fn failure_key(name: &str) -> String {
    name.chars().take(MAX_NAME_CHARS).collect()
}

/// 60 s × 2^(failures − 5), at most a day.
fn lock_secs(failures: u32) -> u64 {
    let doublings = failures.saturating_sub(LOCK_AFTER);
    // 60 × 2^11 is already more than a day; stopping there keeps the shift in range.
    let secs = FIRST_LOCK_SECS << doublings.min(11);
    secs.min(MAX_LOCK_SECS)
}

/// The time step `code` is valid for at `now_unix` (within the skew), or None. All steps of the
/// window are computed and compared in constant time, so timing does not say which one matched;
/// if one code matches two steps (one chance in a million), the later is taken.
fn matched_step(secret: &[u8; 20], code: &str, now_unix: u64) -> Result<Option<u64>, OfficerError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_starts_at_a_minute_doubles_and_stops_at_a_day() {
        assert_eq!(lock_secs(5), 60);
        assert_eq!(lock_secs(6), 120);
        assert_eq!(lock_secs(7), 240);
        assert_eq!(lock_secs(15), 61_440);
        assert_eq!(lock_secs(16), MAX_LOCK_SECS);
        assert_eq!(lock_secs(u32::MAX), MAX_LOCK_SECS);
    }

    #[test]
    fn failure_keys_keep_at_most_64_characters_of_the_name() {
        assert_eq!(failure_key(&"é".repeat(100)).chars().count(), 64);
        assert_eq!(failure_key("j.devries"), "j.devries");
    }
}
