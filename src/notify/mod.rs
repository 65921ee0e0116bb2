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
use crate::desk::digest::DigestCounts;
use crate::desk::officers::{MailTo, OfficerError, Officers};
use crate::domain::Day;
use crate::store::Store;
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
    let counted = count_all(store, desks, &due, today)?;
    for (to, counts) in due.into_iter().zip(counted) {
        let sent = body(counts)
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

/// Each recipient's counts, when their desk chose them (`None`: the plain text, also for an
/// officer of a desk that is no longer configured), from one pass over the store that holds
/// one record at a time: at 100,000 reports the daily digest costs no memory peak.
fn count_all(
    store: &Store,
    desks: &[DeskSettings],
    due: &[MailTo],
    today: Day,
) -> Result<Vec<Option<DigestCounts>>, NotifyError> {
    let desk_of = |to: &MailTo| {
        desks
            .iter()
            .find(|d| d.id == to.desk && d.digest == DigestMode::Counts)
    };
    let mut counted: Vec<Option<DigestCounts>> = due
        .iter()
        .map(|to| desk_of(to).map(|_| DigestCounts::default()))
        .collect();
    if counted.iter().all(Option::is_none) {
        return Ok(counted);
    }
    store
        .each_report(|record| {
            for (to, counts) in due.iter().zip(counted.iter_mut()) {
                if let (Some(desk), Some(counts)) = (desk_of(to), counts.as_mut()) {
                    counts.add(&record, desk, &to.officer, today);
                }
            }
            Ok::<(), crate::store::StoreError>(())
        })
        .map_err(|e| NotifyError::Store(e.to_string()))?;
    Ok(counted)
}

/// The officer's body: their counts, or the plain text.
fn body(counts: Option<DigestCounts>) -> Result<String, NotifyError> {
    match counts {
        Some(counts) => compose::counts_body(&counts),
        None => compose::plain_body(),
    }
}
