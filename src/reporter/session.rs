//! Reporter sessions: short, server-side, in memory only.
//!
//! A session is created when a receipt code opens a report. The browser holds a 256-bit random id
//! in an `HttpOnly; SameSite=Strict` cookie; the server keys its table by the SHA-256 of that id,
//! so looking one up does not compare secrets byte by byte. The session holds the reporter's
//! derived identity (to decrypt replies) in a zeroizing secret, and a CSRF token for every form.
//! Sessions end after 15 idle minutes or 2 hours in all, on log-out, or when the process stops;
//! dropping one zeroizes its secrets.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::SessionSettings;
use crate::domain::ReportId;

pub const COOKIE: &str = "meldpunt_session";

struct Session {
    report: ReportId,
    identity: SecretBox<[u8; 32]>,
    csrf: SecretString,
    created: Instant,
    last_seen: Instant,
}

/// What a handler gets from a live session.
pub struct ActiveSession {
    pub report: ReportId,
    pub identity: SecretBox<[u8; 32]>,
    csrf: SecretString,
}

impl ActiveSession {
    pub fn identity_copy(&self) -> SecretBox<[u8; 32]> {
        SecretBox::new(Box::new(*self.identity.expose_secret()))
    }

    pub fn csrf(&self) -> &str {
        self.csrf.expose_secret()
    }

    /// Constant-time check of a submitted CSRF token.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        let expected = self.csrf.expose_secret().as_bytes();
        expected.len() == submitted.len() && bool::from(expected.ct_eq(submitted.as_bytes()))
    }
}

pub struct ReporterSessions {
    table: Mutex<HashMap<[u8; 32], Session>>,
    idle: Duration,
    absolute: Duration,
}

fn random_token() -> SecretString {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    crate::random::fill(bytes.as_mut());
    SecretString::from(hex::encode(&bytes[..]))
}

fn table_key(cookie: &str) -> [u8; 32] {
    Sha256::digest(cookie.as_bytes()).into()
}

impl ReporterSessions {
    pub fn new(settings: &SessionSettings) -> ReporterSessions {
        ReporterSessions {
            table: Mutex::new(HashMap::new()),
            idle: Duration::from_secs(settings.idle_minutes * 60),
            absolute: Duration::from_secs(settings.absolute_minutes * 60),
        }
    }

    /// Starts a session; returns the cookie value.
    pub fn create(&self, report: ReportId, identity: SecretBox<[u8; 32]>) -> SecretString {
        let cookie = random_token();
        let now = Instant::now();
        let session = Session {
            report,
            identity,
            csrf: random_token(),
            created: now,
            last_seen: now,
        };
        if let Ok(mut table) = self.table.lock() {
            table.insert(table_key(cookie.expose_secret()), session);
        }
        cookie
    }

    /// The live session for a cookie value, touching its idle timer.
    pub fn get(&self, cookie: &str) -> Option<ActiveSession> {
        self.get_at(cookie, Instant::now())
    }

    fn get_at(&self, cookie: &str, now: Instant) -> Option<ActiveSession> {
        let mut table = self.table.lock().ok()?;
        let key = table_key(cookie);
        let session = table.get_mut(&key)?;
        if self.expired(session, now) {
            table.remove(&key);
            return None;
        }
        session.last_seen = now;
        Some(ActiveSession {
            report: session.report.clone(),
            identity: SecretBox::new(Box::new(*session.identity.expose_secret())),
            csrf: session.csrf.clone(),
        })
    }

    fn expired(&self, session: &Session, now: Instant) -> bool {
        now.duration_since(session.last_seen) > self.idle
            || now.duration_since(session.created) > self.absolute
    }

    /// Ends a session (log-out); its secrets are zeroized as it drops.
    pub fn remove(&self, cookie: &str) {
        if let Ok(mut table) = self.table.lock() {
            table.remove(&table_key(cookie));
        }
    }

    /// Drops every expired session.
    pub fn sweep(&self) {
        let now = Instant::now();
        if let Ok(mut table) = self.table.lock() {
            table.retain(|_, s| !self.expired(s, now));
        }
    }

    pub fn len(&self) -> usize {
        self.table.lock().map_or(0, |t| t.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions() -> ReporterSessions {
        ReporterSessions::new(&SessionSettings {
            idle_minutes: 15,
            absolute_minutes: 120,
        })
    }

    #[test]
    fn a_session_ends_after_fifteen_idle_minutes() {
        let s = sessions();
        let cookie = s.create(ReportId::random(), SecretBox::new(Box::new([7; 32])));
        let start = Instant::now();
        assert!(
            s.get_at(cookie.expose_secret(), start + Duration::from_secs(14 * 60))
                .is_some()
        );
        assert!(
            s.get_at(cookie.expose_secret(), start + Duration::from_secs(30 * 60))
                .is_none()
        );
        assert!(s.is_empty());
    }

    #[test]
    fn a_busy_session_still_ends_after_two_hours() {
        let s = sessions();
        let cookie = s.create(ReportId::random(), SecretBox::new(Box::new([7; 32])));
        let start = Instant::now();
        for minute in (10..=110).step_by(10) {
            assert!(
                s.get_at(
                    cookie.expose_secret(),
                    start + Duration::from_secs(minute * 60)
                )
                .is_some()
            );
        }
        assert!(
            s.get_at(
                cookie.expose_secret(),
                start + Duration::from_secs(125 * 60)
            )
            .is_none()
        );
    }

    #[test]
    fn csrf_tokens_must_match_exactly() {
        let s = sessions();
        let cookie = s.create(ReportId::random(), SecretBox::new(Box::new([7; 32])));
        let active = s.get(cookie.expose_secret()).unwrap();
        let token = active.csrf().to_owned();
        assert!(active.csrf_matches(&token));
        assert!(!active.csrf_matches(&token[1..]));
        assert!(!active.csrf_matches(""));
        s.remove(cookie.expose_secret());
        assert!(s.get(cookie.expose_secret()).is_none());
    }
}
