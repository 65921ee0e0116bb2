//! A tip is filed once and its receipt shown once, whatever the browser does afterwards: reload,
//! back button, double click.
//!
//! Post/redirect/get: the POST stores the tip, hands its receipt to [`Once`] and redirects to
//! `/receipt?t=TOKEN`; that page takes the receipt out and shows it, and a reload finds nothing
//! but the notice that it was shown. The receipt is held in memory only — never on disk, in the
//! database or in a log — for a few minutes at most, under the SHA-256 of a 256-bit one-time
//! token, and zeroized when it goes (a `ReceiptCode` is a secret string).
//!
//! The token travels in the redirect's address rather than in a cookie, for three reasons: the
//! spec's contract is that the POST's answer *after redirects* holds the receipt, and clients
//! without a cookie jar (reqwest as configured here, `curl -L`, scripts) follow a redirect
//! without the cookie it set; reporters get no cookie before they log in with a receipt; and the
//! token is worth nothing once used, which the browser does at once. It never reaches a log: the
//! request span records the route pattern only, our nginx example logs no requests, and every
//! page sends `Referrer-Policy: no-referrer`.
//!
//! The submit form carries a one-time token of its own (a hidden field). The first POST with a
//! token claims it while its tip is stored; the same form posted again (a double click, back and
//! send) waits for that, files nothing, and is sent to the receipt — still there if the first
//! answer never reached the browser, else the notice. A failed POST releases its claim, so the
//! reporter can send the form again. A POST without a token (a script that did not read the
//! form: it has no page to reload) is filed unguarded and answered with the receipt itself, as
//! before; every browser sends the token, the form has it.
//!
//! Both tables are bounded: receipts by [`RECEIPTS_MAX`] (each costs the sender a stored tip;
//! when full, the receipt is shown in the POST's answer as before, never lost), forms by
//! [`FORMS_MAX`] (the oldest filed form is forgotten first), and entries expire.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::config::DeskSettings;
use crate::receipt::ReceiptCode;
use crate::web::session::random_token;

/// Receipts waiting to be shown; the browser fetches its receipt right after the redirect.
pub const RECEIPTS_MAX: usize = 1_000;
const RECEIPT_TTL: Duration = Duration::from_secs(10 * 60);
/// Forms remembered as filed, so that posting one again files nothing.
pub const FORMS_MAX: usize = 10_000;
const FORM_TTL: Duration = Duration::from_secs(2 * 60 * 60);

type Key = [u8; 32];

fn key(token: &str) -> Key {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether a submitted token looks like one we hand out (64 hex digits).
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A fresh token for a form or a receipt address.
pub fn new_token() -> SecretString {
    random_token()
}

/// A stored tip's receipt, waiting to be shown once.
pub struct Held {
    pub code: ReceiptCode,
    pub desk: DeskSettings,
    since: Instant,
}

enum Form {
    /// Its tip is being stored; waiters wake when this sender is dropped.
    Filing(watch::Sender<()>),
    /// Stored; `receipt` is the key of its receipt while that is held.
    Filed {
        receipt: Option<Key>,
        since: Instant,
    },
}

#[derive(Default)]
struct Tables {
    receipts: HashMap<Key, Held>,
    forms: HashMap<Key, Form>,
}

/// The receipts waiting to be shown and the forms already filed. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Once(Arc<Mutex<Tables>>);

/// What a POST with a form token may do.
pub enum Claim {
    /// File the tip; then hand the receipt to [`Filing::filed`].
    File(Filing),
    /// This form was filed already: show the receipt at this token if it is still held.
    Filed(Option<SecretString>),
}

/// The claim of one form while its tip is stored; dropped without [`Filing::filed`], it lets
/// the form be sent again.
pub struct Filing {
    once: Once,
    form: Key,
    filed: bool,
}

impl Once {
    /// The tables, also after a panic elsewhere: every change is one insert or removal.
    fn tables(&self) -> MutexGuard<'_, Tables> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Claims a form's token; waits while another request files the same form.
    pub async fn claim(&self, token: &str) -> Claim {
        let form = key(token);
        loop {
            let mut waiting = {
                let mut tables = self.tables();
                tables.expire(Instant::now());
                match tables.forms.get(&form) {
                    Some(Form::Filing(sender)) => sender.subscribe(),
                    Some(Form::Filed { .. }) => return Claim::Filed(tables.move_receipt(&form)),
                    None => {
                        tables.make_room_for_a_form();
                        let (sender, _) = watch::channel(());
                        tables.forms.insert(form, Form::Filing(sender));
                        return Claim::File(Filing {
                            once: self.clone(),
                            form,
                            filed: false,
                        });
                    }
                }
            };
            // Err: the other request finished (or failed); look again.
            let _ = waiting.changed().await;
        }
    }

    /// Holds a receipt to be shown once; returns the token of its address and its key, or the
    /// receipt back when too many are waiting (the caller shows it at once).
    fn hold(
        &self,
        code: ReceiptCode,
        desk: DeskSettings,
    ) -> Result<(SecretString, Key), ReceiptCode> {
        let now = Instant::now();
        let mut tables = self.tables();
        tables.expire(now);
        if tables.receipts.len() >= RECEIPTS_MAX {
            return Err(code);
        }
        let token = new_token();
        let at = key(token.expose_secret());
        let held = Held {
            code,
            desk,
            since: now,
        };
        tables.receipts.insert(at, held);
        Ok((token, at))
    }

    /// Takes the receipt held at `token` out, to be shown; `None` when it was shown, expired or
    /// never was.
    pub fn take(&self, token: &str) -> Option<Held> {
        let mut tables = self.tables();
        let held = tables.receipts.remove(&key(token))?;
        (held.since.elapsed() <= RECEIPT_TTL).then_some(held)
    }

    #[cfg(test)]
    fn counts(&self) -> (usize, usize) {
        let tables = self.tables();
        (tables.receipts.len(), tables.forms.len())
    }
}

impl Filing {
    /// The form's tip is stored: holds its receipt, to be shown once, and remembers the form as
    /// filed. Returns the token of the receipt's address, or the receipt back when too many are
    /// waiting (the caller then shows it at once: never lost).
    pub fn filed(
        mut self,
        code: ReceiptCode,
        desk: DeskSettings,
    ) -> Result<SecretString, ReceiptCode> {
        self.filed = true;
        let held = self.once.hold(code, desk);
        let receipt = held.as_ref().ok().map(|(_, at)| *at);
        let filed = Form::Filed {
            receipt,
            since: Instant::now(),
        };
        // Replacing the `Filing` entry drops its sender, which wakes the waiters.
        self.once.tables().forms.insert(self.form, filed);
        held.map(|(token, _)| token)
    }
}

impl Drop for Filing {
    fn drop(&mut self) {
        if !self.filed {
            self.once.tables().forms.remove(&self.form);
        }
    }
}

impl Tables {
    fn expire(&mut self, now: Instant) {
        let live = |since: &Instant, ttl| now.duration_since(*since) <= ttl;
        self.receipts.retain(|_, h| live(&h.since, RECEIPT_TTL));
        self.forms.retain(|_, f| match f {
            Form::Filing(_) => true,
            Form::Filed { since, .. } => live(since, FORM_TTL),
        });
    }

    /// A filed form's receipt, if still held, under a fresh token: the request that asks now is
    /// the one whose answer the browser shows.
    fn move_receipt(&mut self, form: &Key) -> Option<SecretString> {
        let Some(Form::Filed { receipt, .. }) = self.forms.get_mut(form) else {
            return None;
        };
        let held = self.receipts.remove(&receipt.take()?)?;
        let token = new_token();
        let at = key(token.expose_secret());
        self.receipts.insert(at, held);
        *receipt = Some(at);
        Some(token)
    }

    /// At the bound, forgets the form filed longest ago (forms being filed are never dropped:
    /// they end with their requests).
    fn make_room_for_a_form(&mut self) {
        if self.forms.len() < FORMS_MAX {
            return;
        }
        let oldest = self
            .forms
            .iter()
            .filter_map(|(k, f)| match f {
                Form::Filed { since, .. } => Some((*since, *k)),
                Form::Filing(_) => None,
            })
            .min();
        if let Some((_, k)) = oldest {
            self.forms.remove(&k);
        }
    }
}

#[cfg(test)]
mod tests;
