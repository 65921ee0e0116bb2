//! Coming back with a receipt: the code turns into the report and the reporter's identity, and the
//! identity opens the desk's replies.
//!
//! Opening a receipt does the same work (one HKDF derivation and one look-up) and takes at least
//! the same floor time for a known code, an unknown code and input that is no code at all, and
//! the two failures look alike, so the answer says nothing about which codes exist. A 20-symbol
//! code of an earlier version is stretched with Argon2id, once per cost such reports were made
//! with, in the bounded pool; an install that never had such reports does no Argon2 work at all. The thread
//! shows the replies decrypted with the reporter's identity, and the reporter's own messages only
//! as day and size: they are sealed to the desk alone, so a coerced receipt does not reveal the tip.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use secrecy::{ExposeSecret, SecretBox};
use zeroize::Zeroizing;

use super::error::ReporterError;
use super::reception::{Reception, blocking};
use crate::config::DeskSettings;
use crate::desk::deadlines::{self, Deadlines};
use crate::domain::{Day, ItemId, ReportId};
use crate::receipt::{
    self, Argon2Cost, ReceiptCode, ReceiptKdf, ReporterKeys, derive_legacy_with_memory,
    identity_from_bytes,
};
use crate::seal::{self, Recipients};
use crate::store::{ItemKind, ReportRecord};

/// What the desk's history says when the reporter deleted replies (no content, day only).
const REPORTER_DELETED: &str =
    "the reporter deleted replies they had read (the desk keeps its copies)";

/// Replies larger than this are not shown in the browser (the desk keeps them short).
const REPLY_DISPLAY_MAX: u64 = 1024 * 1024;

/// A reporter who showed a valid receipt: their report, and the age identity derived from the
/// receipt (it decrypts the replies), kept in a zeroizing secret.
pub struct Reporter {
    pub report: ReportId,
    identity: SecretBox<[u8; 32]>,
}

impl Clone for Reporter {
    fn clone(&self) -> Self {
        Reporter {
            report: self.report.clone(),
            identity: SecretBox::new(Box::new(*self.identity.expose_secret())),
        }
    }
}

/// A reporter's report and the desk that holds it.
pub struct Report {
    pub record: ReportRecord,
    pub desk: DeskSettings,
}

impl Report {
    /// What the reporter's follow-ups are sealed to: the desk alone.
    pub fn recipients(&self) -> Recipients {
        seal::recipients_of(&self.desk.recipients)
    }
}

/// What the reporter sees of their report.
pub struct Thread {
    pub report: Report,
    pub deadlines: Deadlines,
    pub replies: Vec<Reply>,
    /// The reporter's own submissions (the tip, then each follow-up), oldest first.
    pub messages: Vec<OwnMessage>,
}

/// A reply of the desk; `text` is `None` when it does not open with the reporter's identity.
/// The text is wiped from memory when the reply is dropped.
pub struct Reply {
    pub id: ItemId,
    pub day: Day,
    pub text: Option<Zeroizing<String>>,
}

/// One of the reporter's own submissions: the day it came in and its size, never its content.
pub struct OwnMessage {
    pub day: Day,
    /// Ciphertext bytes, message and attachments together.
    pub size: u64,
}

impl Reception {
    /// The reporter a receipt belongs to; `None` for an unknown code and for input that was no
    /// code at all (given as `None`), after the same work and at least the look-up floor.
    pub async fn open(
        &self,
        typed: Option<ReceiptCode>,
    ) -> Result<Option<Reporter>, ReporterError> {
        let started = Instant::now();
        let found = self.find(typed).await?;
        if let Some(rest) = self.lookup_floor.checked_sub(started.elapsed()) {
            tokio::time::sleep(rest).await;
        }
        Ok(found.map(|(record, keys)| Reporter {
            report: record.id,
            identity: keys.identity_secret(),
        }))
    }

    /// Derives the code's keys and looks them up. Input that is no code is replaced by a random
    /// one, so it costs the same and finds nothing.
    async fn find(
        &self,
        typed: Option<ReceiptCode>,
    ) -> Result<Option<(ReportRecord, ReporterKeys)>, ReporterError> {
        let valid = typed.is_some();
        let code = typed.unwrap_or_else(ReceiptCode::generate);
        let found = if code.is_legacy() {
            self.find_legacy(code).await?
        } else {
            let keys = receipt::derive(&code, self.salt.expose_secret())?;
            self.store
                .find_by_lookup(&keys.lookup)?
                .filter(|record| record.kdf == ReceiptKdf::CURRENT)
                .map(|record| (record, keys))
        };
        Ok(found.filter(|_| valid))
    }

    /// A code of an earlier version: stretched with every Argon2 cost a stored report was made
    /// with (normally one, none on an install that started with 24-symbol codes).
    async fn find_legacy(
        &self,
        mut code: ReceiptCode,
    ) -> Result<Option<(ReportRecord, ReporterKeys)>, ReporterError> {
        let costs: Vec<Argon2Cost> = self
            .store
            .kdf_sets()?
            .into_iter()
            .filter_map(|kdf| match kdf {
                ReceiptKdf::Argon2(cost) => Some(cost),
                ReceiptKdf::Hkdf(_) => None,
            })
            .collect();
        let mut found = None;
        for cost in costs {
            let salt = self.salt.clone();
            let (returned, keys) = self
                .argon
                .run(move |memory| {
                    let keys = derive_legacy_with_memory(&code, salt.expose_secret(), cost, memory);
                    (code, keys)
                })
                .await?;
            code = returned;
            let keys = keys?;
            if found.is_none()
                && let Some(record) = self.store.find_by_lookup(&keys.lookup)?
                && record.kdf == ReceiptKdf::Argon2(cost)
            {
                found = Some((record, keys));
            }
        }
        Ok(found)
    }

    /// The reporter's report, as stored now.
    pub fn record(&self, reporter: &Reporter) -> Result<ReportRecord, ReporterError> {
        self.store
            .get(&reporter.report)?
            .ok_or(ReporterError::NotFound)
    }

    /// The reporter's report and its desk.
    pub fn report(&self, reporter: &Reporter) -> Result<Report, ReporterError> {
        let record = self.record(reporter)?;
        let desk = self
            .desk(&record.desk)
            .ok_or(ReporterError::NotFound)?
            .clone();
        Ok(Report { record, desk })
    }

    /// The thread: the report's terms, the replies decrypted, the reporter's own messages.
    pub async fn thread(&self, reporter: &Reporter) -> Result<Thread, ReporterError> {
        let report = self.report(reporter)?;
        let replies = self.replies(reporter, &report.record).await?;
        let deadlines = deadlines::deadlines(&report.record, &report.desk, self.clock.today());
        let messages = own_messages(&report.record);
        Ok(Thread {
            report,
            deadlines,
            replies,
            messages,
        })
    }

    async fn replies(
        &self,
        reporter: &Reporter,
        record: &ReportRecord,
    ) -> Result<Vec<Reply>, ReporterError> {
        let store = self.store.clone();
        let record = record.clone();
        let secret = reporter.clone().identity;
        let failed = || ReporterError::Internal("reply decryption failed".into());
        blocking(move || {
            let identity = identity_from_bytes(secret.expose_secret()).map_err(|_| failed())?;
            let replies = record.replies().map(|item| Reply {
                id: item.id.clone(),
                day: item.day,
                text: decrypt_reply(&store.item_path(&record.id, &item.id), &identity),
            });
            let replies: Vec<Reply> = replies.collect();
            // A reply the reporter cannot open is flagged once, so the desk's page shows it.
            let unopened: Vec<ItemId> = replies
                .iter()
                .filter(|r| r.text.is_none() && !record.unreadable.contains(&r.id))
                .map(|r| r.id.clone())
                .collect();
            if !unopened.is_empty() {
                store
                    .update_record(&record.id, |r| r.unreadable.extend(unopened))
                    .map_err(|_| failed())?;
            }
            Ok::<_, ReporterError>(replies)
        })
        .await
        .map_err(|_| failed())
    }

    /// Deletes the replies the reporter was shown (and nothing else: the ids come from a form).
    pub async fn delete_replies(
        &self,
        reporter: &Reporter,
        shown: &[ItemId],
    ) -> Result<(), ReporterError> {
        let record = self.record(reporter)?;
        let doomed: Vec<ItemId> = record
            .replies()
            .map(|i| i.id.clone())
            .filter(|id| shown.contains(id))
            .collect();
        if doomed.is_empty() {
            return Ok(());
        }
        let store = self.store.clone();
        let note = crate::store::StatusEvent {
            day: self.clock.today(),
            status: record.status,
            reason: Some(REPORTER_DELETED.into()),
        };
        // Only the reporter's copies: the desk keeps its own (`DeskCopy`) until retention.
        blocking(move || store.remove_items_with(&record.id, &doomed, |r| r.history.push(note)))
            .await
    }
}

/// The reporter's own submissions, one per batch: its day and its total size.
fn own_messages(record: &ReportRecord) -> Vec<OwnMessage> {
    let mut batches: BTreeMap<u32, OwnMessage> = BTreeMap::new();
    for item in record
        .items
        .iter()
        .filter(|i| !i.kind.from_desk() && i.kind != ItemKind::Manifest)
    {
        let entry = batches.entry(item.batch).or_insert(OwnMessage {
            day: item.day,
            size: 0,
        });
        entry.size += item.size;
    }
    batches.into_values().collect()
}

/// Decrypts one reply with the reporter's identity, without its padding; `None` if it does not
/// open. Neither the bytes nor the text outlive their use unwiped.
fn decrypt_reply(path: &Path, identity: &age::x25519::Identity) -> Option<Zeroizing<String>> {
    // Stored replies passed the bounded scan on the way in; one made before that existed is
    // scanned here, so no header can cost the reporter's page more than a linear pass.
    crate::bundle::header::scan_file(path).ok()?.ok()?;
    let file = crate::store::times::open_unnoticed(path).ok()?;
    let decryptor = age::Decryptor::new(std::io::BufReader::new(file)).ok()?;
    let reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .ok()?;
    let mut bytes = Zeroizing::new(Vec::new());
    reader
        .take(REPLY_DISPLAY_MAX)
        .read_to_end(&mut bytes)
        .ok()?;
    crate::seal::padding::strip_text(&mut bytes);
    Some(Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()))
}
