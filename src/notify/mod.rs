//! The officers' daily digest by mail: per officer with an address (`meldpunt officer email`),
//! once a day from the configured local hour (see [`schedule`]), or at once with
//! `meldpunt digest send`. What a digest says is [`compose`]'s business and leaks nothing: a
//! desk's officers get the same text every day, or, when the desk chose `digest = "counts"`,
//! fixed-width counts from [`crate::desk::digest`]; never an id, a day, a size or anything a
//! reporter wrote, and every digest has the same length. [`smtp`] hands it to the relay.

pub mod compose;
pub mod schedule;
pub mod smtp;

use crate::config::{DeskSettings, DigestMode};
use crate::desk::digest;
use crate::desk::officers::{MailTo, OfficerError, Officers};
use crate::domain::Day;
use crate::store::{ReportRecord, Store};
pub use smtp::Mailer;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the [notify] settings cannot be used: {0}")]
    Settings(String),
    #[error("the digest could not be written: {0}")]
    Compose(String),
    #[error("the relay did not take the digest: {0}")]
    Send(String),
    #[error("storage failed: {0}")]
    Store(String),
}

impl From<OfficerError> for NotifyError {
    fn from(e: OfficerError) -> NotifyError {
        NotifyError::Store(e.to_string())
    }
}

/// Which officers a sending is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipients {
    /// Every officer with an address (`digest send`); nothing is recorded.
    All,
    /// Those whose digest of this local day has not gone out yet; each success is recorded.
    DueOn(i64),
}

/// What a sending came to.
#[derive(Debug, Default)]
pub struct Delivery {
    /// Officers whose digest the relay accepted.
    pub sent: usize,
    /// Officers whose digest it did not, with why.
    pub failed: Vec<(String, NotifyError)>,
}

/// Composes each recipient's digest for `today` and hands it to the relay, one officer after
/// another; one failing does not stop the others.
pub fn send_digests(
    mailer: &Mailer,
    store: &Store,
    officers: &Officers,
    desks: &[DeskSettings],
    today: Day,
    recipients: Recipients,
) -> Result<Delivery, NotifyError> {
    let due: Vec<MailTo> = officers
        .addresses()?
        .into_iter()
        .filter(|to| match recipients {
            Recipients::All => true,
            Recipients::DueOn(day) => schedule::due(to, day),
        })
        .collect();
    let mut delivery = Delivery::default();
    if due.is_empty() {
        return Ok(delivery);
    }
    let records = store
        .all_reports()
        .map_err(|e| NotifyError::Store(e.to_string()))?;
    for to in due {
        let sent = body(&records, desks, &to, today)
            .and_then(|body| compose::message(&mailer.from, to.address.clone(), body))
            .and_then(|message| mailer.send(&message));
        match sent {
            Ok(()) => {
                if let Recipients::DueOn(day) = recipients {
                    officers.mark_digest_sent(&to.officer, day)?;
                }
                delivery.sent += 1;
            }
            Err(e) => delivery.failed.push((to.officer, e)),
        }
    }
    Ok(delivery)
}

/// The officer's body: counts when their desk chose them, else the plain text (also for an
/// officer of a desk that is no longer configured).
fn body(
    records: &[ReportRecord],
    desks: &[DeskSettings],
    to: &MailTo,
    today: Day,
) -> Result<String, NotifyError> {
    match desks.iter().find(|d| d.id == to.desk) {
        Some(desk) if desk.digest == DigestMode::Counts => {
            compose::counts_body(&digest::counts(records, desk, &to.officer, today))
        }
        _ => compose::plain_body(),
    }
}
