//! Who may cost the server an Argon2 check, and how guessing is slowed without locking anyone
//! out.
//!
//! A lock-out that refuses even the right password lets any stranger keep an officer out: five
//! wrong tries, then one a minute. So a guarded name is never refused outright. While a name (or
//! the whole login, during a flood over many names) is guarded, an attempt is checked further
//! only when its TOTP code is right, which a guesser hits once in some 333,000 tries; everyone
//! else gets the "too many attempts" answer at once, without an Argon2 run. The officer, who has
//! the code, gets in; a guesser needs the password and the code at once, at a few tries a minute.
//!
//! Nothing here names anyone: a name is a keyed hash into one of [`BUCKETS`] counters, so the
//! table has a fixed size whatever is typed, holds no typed name, and treats real and unknown
//! names alike. Two names in one bucket share a guard, which costs nobody their login. The
//! counters live in memory: a restart clears them, and a failed attempt costs no disk write.

use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// Counters for names; a power of two, so a hash picks one without bias.
pub const BUCKETS: usize = 4096;
/// The attempt on a name that first guards it.
const GUARD_AFTER: u32 = 5;
const FIRST_GUARD_SECS: u64 = 60;
const MAX_GUARD_SECS: u64 = 24 * 60 * 60;
/// Failed attempts over all names in one minute that guard every name for the next minute.
const FLOOD_PER_MINUTE: u32 = 20;
const MINUTE: u64 = 60;

/// May this attempt have a full check?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Yes; it was counted as a failure until it succeeds. `guarded`: admitted only for its right
    /// code, so a failure must look like a refusal; `guard_began`: this attempt started the
    /// name's guard.
    Checked { guarded: bool, guard_began: bool },
    /// No: the name or the login is guarded and the code was wrong.
    Refused,
}

#[derive(Default, Clone, Copy)]
struct Bucket {
    failures: u32,
    guarded_until: u64,
}

struct Counters {
    buckets: Vec<Bucket>,
    minute_began: u64,
    minute_failures: u32,
    flood_until: u64,
    /// Since the hourly line: attempts checked and failed, and attempts refused unchecked.
    failed: u64,
    refused: u64,
}

pub struct Throttle {
    /// Keys the hash of names, so nobody outside can aim many names at one bucket.
    key: [u8; 32],
    counters: Mutex<Counters>,
}

/// Logins of the last hour, for the service log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LoginTotals {
    pub failed: u64,
    pub refused: u64,
}

impl Throttle {
    pub fn new() -> Throttle {
        let mut key = [0u8; 32];
        crate::random::fill(&mut key);
        Throttle {
            key,
            counters: Mutex::new(Counters {
                buckets: vec![Bucket::default(); BUCKETS],
                minute_began: 0,
                minute_failures: 0,
                flood_until: 0,
                failed: 0,
                refused: 0,
            }),
        }
    }

    /// Admits an attempt on `name` at `now`, `code_right` telling whether its TOTP code is
    /// right. An admitted attempt counts as failed at once (so attempts running side by side
    /// cannot all slip in before the first has failed) until [`Throttle::succeeded`].
    pub fn admit(&self, name: &str, code_right: bool, now: u64) -> Admission {
        let index = self.bucket(name);
        let mut counters = self.lock();
        if now.saturating_sub(counters.minute_began) >= MINUTE {
            counters.minute_began = now;
            counters.minute_failures = 0;
        }
        let bucket = counters.buckets[index];
        let guarded = bucket.guarded_until > now || counters.flood_until > now;
        if guarded && !code_right {
            counters.refused = counters.refused.saturating_add(1);
            return Admission::Refused;
        }
        counters.minute_failures = counters.minute_failures.saturating_add(1);
        if counters.minute_failures >= FLOOD_PER_MINUTE {
            counters.flood_until = now.saturating_add(MINUTE);
        }
        let bucket = &mut counters.buckets[index];
        bucket.failures = bucket.failures.saturating_add(1);
        let guard_began = bucket.failures >= GUARD_AFTER && bucket.guarded_until <= now;
        if bucket.failures >= GUARD_AFTER {
            bucket.guarded_until = now.saturating_add(guard_secs(bucket.failures));
        }
        Admission::Checked {
            guarded,
            guard_began,
        }
    }

    /// The checked attempt on `name` failed (it is already counted; this counts it for the hour).
    pub fn failed(&self) {
        let mut counters = self.lock();
        counters.failed = counters.failed.saturating_add(1);
    }

    /// The checked attempt on `name` succeeded: its name starts afresh, and it is taken off the
    /// minute's failures.
    pub fn succeeded(&self, name: &str) {
        let index = self.bucket(name);
        let mut counters = self.lock();
        counters.buckets[index] = Bucket::default();
        counters.minute_failures = counters.minute_failures.saturating_sub(1);
    }

    /// The totals since the last call.
    pub fn take_totals(&self) -> LoginTotals {
        let mut counters = self.lock();
        let totals = LoginTotals {
            failed: counters.failed,
            refused: counters.refused,
        };
        counters.failed = 0;
        counters.refused = 0;
        totals
    }

    fn bucket(&self, name: &str) -> usize {
        let digest = Sha256::new()
            .chain_update(self.key)
            .chain_update(name.as_bytes())
            .finalize();
        usize::from(u16::from_le_bytes([digest[0], digest[1]])) % BUCKETS
    }

    /// The counters, even if a thread panicked holding them (they are plain numbers).
    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.counters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new()
    }
}

/// 60 s × 2^(failures − 5), at most a day.
fn guard_secs(failures: u32) -> u64 {
    let doublings = failures.saturating_sub(GUARD_AFTER);
    // 60 × 2^11 is already more than a day; stopping there keeps the shift in range.
    let secs = FIRST_GUARD_SECS << doublings.min(11);
    secs.min(MAX_GUARD_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_starts_at_a_minute_doubles_and_stops_at_a_day() {
        assert_eq!(guard_secs(5), 60);
        assert_eq!(guard_secs(6), 120);
        assert_eq!(guard_secs(15), 61_440);
        assert_eq!(guard_secs(16), MAX_GUARD_SECS);
        assert_eq!(guard_secs(u32::MAX), MAX_GUARD_SECS);
    }

    #[test]
    fn a_guarded_name_admits_only_the_right_code_and_a_success_clears_it() {
        let throttle = Throttle::new();
        let now = 1_000_000;
        for n in 1..=5 {
            let admitted = throttle.admit("j.devries", false, now);
            let want = Admission::Checked {
                guarded: false,
                guard_began: n == 5,
            };
            assert_eq!(admitted, want);
        }
        assert_eq!(throttle.admit("j.devries", false, now), Admission::Refused);
        assert!(matches!(
            throttle.admit("j.devries", true, now),
            Admission::Checked { guarded: true, .. }
        ));
        throttle.succeeded("j.devries");
        assert!(matches!(
            throttle.admit("j.devries", false, now),
            Admission::Checked { .. }
        ));
        assert_eq!(throttle.take_totals().refused, 1);
    }

    #[test]
    fn a_flood_over_many_names_guards_every_name_for_a_minute() {
        let throttle = Throttle::new();
        let now = 1_000_000;
        for n in 0..FLOOD_PER_MINUTE {
            throttle.admit(&format!("guess{n}"), false, now);
        }
        assert_eq!(throttle.admit("fresh", false, now + 1), Admission::Refused);
        assert!(matches!(
            throttle.admit("fresh", true, now + 1),
            Admission::Checked { .. }
        ));
        assert!(matches!(
            throttle.admit("later", false, now + 2 * MINUTE),
            Admission::Checked { .. }
        ));
    }

    #[test]
    fn names_share_a_fixed_table() {
        let throttle = Throttle::new();
        for n in 0..20_000 {
            assert!(throttle.bucket(&format!("name{n}")) < BUCKETS);
        }
        assert_eq!(throttle.lock().buckets.len(), BUCKETS);
    }
}
