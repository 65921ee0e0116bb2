//! What the desk writes on a report, encrypted at once and never stored in plaintext. A reply to
//! the reporter is sealed twice — the reporter's copy to the reporter's recipient (derived from
//! their receipt) and the desk's recipients, and the desk's own copy to the desk alone, which
//! stays when the reporter deletes theirs. An internal note is sealed to the desk alone.

use std::str::FromStr;

use crate::config::DeskSettings;
use crate::domain::{Day, ItemId, ReportId};
use crate::seal::{self, Recipients};
use crate::store::{ItemKind, ItemRecord, ReportRecord, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("no such report")]
    NoReport,
    #[error("the report's reporter key is damaged")]
    BadRecipient,
    #[error("could not encrypt the reply: {0}")]
    Seal(#[from] seal::SealError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Encrypts `text` to the reporter and the desk and adds it to the report. Blocking.
pub fn write_reply(
    store: &Store,
    desk: &DeskSettings,
    report: &ReportId,
    text: &str,
    today: Day,
) -> Result<ItemId, ReplyError> {
    let record = own_record(store, desk, report)?;
    let reporter = age::x25519::Recipient::from_str(&record.reporter_recipient)
        .map_err(|_| ReplyError::BadRecipient)?;
    let desk_only: Recipients = seal::recipients_of(&desk.recipients);
    let mut recipients: Recipients = seal::recipients_of(&desk.recipients);
    recipients.push(Box::new(reporter));
    let sealed = seal::seal_bytes(&store.tmp_dir(), &recipients, text.as_bytes())?;
    let copy = seal::seal_bytes(&store.tmp_dir(), &desk_only, text.as_bytes())?;
    let id = sealed.id.clone();
    let items = vec![
        desk_item(&sealed, ItemKind::Reply, today),
        desk_item(&copy, ItemKind::DeskCopy, today),
    ];
    store.add_items(report, items, vec![sealed, copy], today)?;
    Ok(id)
}

/// Encrypts an officer's internal note to the desk's recipients alone and adds it to the
/// report: the reporter's key cannot open it. Blocking.
pub fn write_note(
    store: &Store,
    desk: &DeskSettings,
    report: &ReportId,
    text: &str,
    today: Day,
) -> Result<ItemId, ReplyError> {
    own_record(store, desk, report)?;
    let sealed = seal::seal_bytes(
        &store.tmp_dir(),
        &seal::recipients_of(&desk.recipients),
        text.as_bytes(),
    )?;
    let id = sealed.id.clone();
    let items = vec![desk_item(&sealed, ItemKind::Note, today)];
    store.add_items(report, items, vec![sealed], today)?;
    Ok(id)
}

/// The report, if it is this desk's.
fn own_record(
    store: &Store,
    desk: &DeskSettings,
    report: &ReportId,
) -> Result<ReportRecord, ReplyError> {
    let record = store.get(report)?.ok_or(ReplyError::NoReport)?;
    if record.desk != desk.id {
        return Err(ReplyError::NoReport);
    }
    Ok(record)
}

/// The record of an item the desk wrote; the store numbers it with the submission it answers.
fn desk_item(sealed: &seal::Sealed, kind: ItemKind, today: Day) -> ItemRecord {
    ItemRecord {
        id: sealed.id.clone(),
        kind,
        batch: 0,
        day: today,
        size: sealed.ciphertext_len,
    }
}
