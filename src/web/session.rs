//! Server-side sessions, for reporters and officers alike: short, in memory only.
//!
//! The browser holds a 256-bit random id in an `HttpOnly; SameSite=Strict` cookie; the table is
//! keyed by the SHA-256 of that id, so a lookup never compares secrets byte by byte. Each session
//! has a CSRF token for its forms, an idle timeout and an absolute lifetime. What a session holds
//! (`T`) is dropped — and, for secrets, zeroized — when it ends.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, SameSite};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

struct Entry<T> {
    data: T,
    csrf: SecretString,
    /// A short public id (8 hex characters) for listing and ending the session by another
    /// hand than its own: never the cookie, nor anything that leads to it.
    id: String,
    created: Instant,
    last_seen: Instant,
}

/// A live session as a list shows it: its public id, its data, and how long ago it began and
/// was last used.
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub id: String,
    pub data: T,
    pub age: Duration,
    pub idle: Duration,
}

/// A live session as a handler sees it: a copy of its data and its CSRF token.
pub struct Active<T> {
    pub data: T,
    csrf: SecretString,
}

impl<T> Active<T> {
    pub fn csrf(&self) -> &str {
        self.csrf.expose_secret()
    }

    /// Constant-time check of a submitted CSRF token.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        let expected = self.csrf.expose_secret().as_bytes();
        expected.len() == submitted.len() && bool::from(expected.ct_eq(submitted.as_bytes()))
    }
}

pub struct Sessions<T> {
    table: Mutex<HashMap<[u8; 32], Entry<T>>>,
    idle: Duration,
    absolute: Duration,
}

/// 256 random bits, hex-encoded.
pub fn random_token() -> SecretString {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    crate::random::fill(bytes.as_mut());
    SecretString::from(hex::encode(&bytes[..]))
}

fn table_key(cookie: &str) -> [u8; 32] {
    Sha256::digest(cookie.as_bytes()).into()
}

impl<T: Clone> Sessions<T> {
    pub fn new(idle: Duration, absolute: Duration) -> Sessions<T> {
        Sessions {
            table: Mutex::new(HashMap::new()),
            idle,
            absolute,
        }
    }

    /// Starts a session; returns the cookie value.
    pub fn create(&self, data: T) -> SecretString {
        let cookie = random_token();
        let now = Instant::now();
        let mut id = [0u8; 4];
        crate::random::fill(&mut id);
        let entry = Entry {
            data,
            csrf: random_token(),
            id: hex::encode(id),
            created: now,
            last_seen: now,
        };
        self.table()
            .insert(table_key(cookie.expose_secret()), entry);
        cookie
    }

    /// The live session for a cookie value, touching its idle timer.
    pub fn get(&self, cookie: &str) -> Option<Active<T>> {
        self.get_at(cookie, Instant::now())
    }

    pub(crate) fn get_at(&self, cookie: &str, now: Instant) -> Option<Active<T>> {
        let mut table = self.table();
        let key = table_key(cookie);
        let entry = table.get_mut(&key)?;
        if self.expired(entry, now) {
            table.remove(&key);
            return None;
        }
        entry.last_seen = now;
        Some(Active {
            data: entry.data.clone(),
            csrf: entry.csrf.clone(),
        })
    }

    fn expired(&self, entry: &Entry<T>, now: Instant) -> bool {
        now.duration_since(entry.last_seen) > self.idle
            || now.duration_since(entry.created) > self.absolute
    }

    /// Ends a session (log-out).
    pub fn remove(&self, cookie: &str) {
        self.table().remove(&table_key(cookie));
    }

    /// Ends every session whose data matches (e.g. all sessions of a report that was deleted).
    pub fn remove_where(&self, doomed: impl Fn(&T) -> bool) {
        self.table().retain(|_, e| !doomed(&e.data));
    }

    /// Every live session, longest-running first.
    pub fn list(&self) -> Vec<Listed<T>> {
        let now = Instant::now();
        let mut listed: Vec<Listed<T>> = self
            .table()
            .values()
            .filter(|e| !self.expired(e, now))
            .map(|e| Listed {
                id: e.id.clone(),
                data: e.data.clone(),
                age: now.duration_since(e.created),
                idle: now.duration_since(e.last_seen),
            })
            .collect();
        listed.sort_by_key(|l| std::cmp::Reverse(l.age));
        listed
    }

    /// Ends the session with this public id; returns its data, or None if there is none.
    pub fn end_by_id(&self, id: &str) -> Option<T> {
        let mut table = self.table();
        let key = *table.iter().find(|(_, e)| e.id == id)?.0;
        table.remove(&key).map(|e| e.data)
    }

    /// Drops every expired session.
    pub fn sweep(&self) {
        let now = Instant::now();
        self.table().retain(|_, e| !self.expired(e, now));
    }

    pub fn len(&self) -> usize {
        self.table().len()
    }

    /// The table, also after a panic elsewhere poisoned its lock: every change to it is a
    /// single insert or removal, so it is never left half-changed, and a log-out that silently
    /// did nothing would leave a session open.
    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Entry<T>>> {
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A session cookie named `name`: `HttpOnly`, `SameSite=Strict`, and `Secure` where the service
/// is served over HTTPS.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions() -> Sessions<u32> {
        Sessions::new(Duration::from_secs(15 * 60), Duration::from_secs(120 * 60))
    }

    #[test]
    fn a_session_ends_after_its_idle_time() {
        let s = sessions();
        let cookie = s.create(7);
        let start = Instant::now();
        let at = |m: u64| start + Duration::from_secs(m * 60);
        assert_eq!(s.get_at(cookie.expose_secret(), at(14)).unwrap().data, 7);
        assert!(s.get_at(cookie.expose_secret(), at(30)).is_none());
        assert!(s.is_empty());
    }

    #[test]
    fn a_busy_session_still_ends_after_its_absolute_lifetime() {
        let s = sessions();
        let cookie = s.create(7);
        let start = Instant::now();
        for minute in (10..=110).step_by(10) {
            let at = start + Duration::from_secs(minute * 60);
            assert!(s.get_at(cookie.expose_secret(), at).is_some());
        }
        let late = start + Duration::from_secs(125 * 60);
        assert!(s.get_at(cookie.expose_secret(), late).is_none());
    }

    #[test]
    fn a_log_out_works_after_a_panic_poisoned_the_table() {
        let s = std::sync::Arc::new(sessions());
        let cookie = s.create(7);
        let poisoner = s.clone();
        let _ = std::thread::spawn(move || {
            let _guard = poisoner.table.lock().unwrap();
            panic!("a handler panicked while holding the session table");
        })
        .join();
        assert!(s.table.is_poisoned());
        s.remove(cookie.expose_secret());
        s.table.clear_poison();
        assert!(
            s.get(cookie.expose_secret()).is_none(),
            "the session is gone"
        );
    }

    #[test]
    fn a_session_is_listed_by_its_public_id_and_ended_by_it() {
        let s = sessions();
        let first = s.create(7);
        let _second = s.create(8);
        let listed = s.list();
        assert_eq!(listed.len(), 2);
        let id = listed.iter().find(|l| l.data == 7).unwrap().id.clone();
        assert_eq!(id.len(), 8);
        assert!(!first.expose_secret().contains(&id));
        assert_eq!(s.end_by_id(&id), Some(7));
        assert!(s.get(first.expose_secret()).is_none());
        assert_eq!(s.end_by_id(&id), None);
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn csrf_tokens_must_match_exactly() {
        let s = sessions();
        let cookie = s.create(7);
        let active = s.get(cookie.expose_secret()).unwrap();
        let token = active.csrf().to_owned();
        assert!(active.csrf_matches(&token));
        assert!(!active.csrf_matches(&token[1..]));
        assert!(!active.csrf_matches(""));
        s.remove(cookie.expose_secret());
        assert!(s.get(cookie.expose_secret()).is_none());
    }
}
