//! Replies to a reporter: encrypted at once, twice — the reporter's copy to the reporter's
//! recipient (derived from their receipt) and the desk's recipients, and the desk's own copy to
//! the desk alone, which stays when the reporter deletes theirs. The plaintext is never stored.

use std::str::FromStr;

use crate::config::DeskSettings;
use crate::domain::{Day, ItemId, ReportId};
use crate::seal::{self, Recipients};
use crate::store::{ItemKind, ItemRecord, Store, StoreError};

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
    let record = store.get(report)?.ok_or(ReplyError::NoReport)?;
    if record.desk != desk.id {
        return Err(ReplyError::NoReport);
    }
    let reporter = age::x25519::Recipient::from_str(&record.reporter_recipient)
        .map_err(|_| ReplyError::BadRecipient)?;
    let desk_only: Recipients = seal::recipients_of(&desk.recipients);
    let mut recipients: Recipients = seal::recipients_of(&desk.recipients);
    recipients.push(Box::new(reporter));
    let sealed = seal::seal_bytes(&store.tmp_dir(), &recipients, text.as_bytes())?;
    let copy = seal::seal_bytes(&store.tmp_dir(), &desk_only, text.as_bytes())?;
    let id = sealed.id.clone();
    // The store numbers replies with the submission they answer.
    let item = |sealed: &seal::Sealed, kind| ItemRecord {
        id: sealed.id.clone(),
        kind,
        batch: 0,
        day: today,
        size: sealed.ciphertext_len,
    };
    let items = vec![
        item(&sealed, ItemKind::Reply),
        item(&copy, ItemKind::DeskCopy),
    ];
    store.add_items(report, items, vec![sealed, copy], today)?;
    Ok(id)
}
