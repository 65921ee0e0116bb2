//! Storing what a reporter sent, once its parts are sealed: a new tip, or a follow-up to their
//! report.
//!
//! Both seal an encrypted manifest beside the parts (attachment names, types and sizes are for the
//! desk's eyes only), list an item record for every ciphertext, and hand all of it to the store,
//! which makes it durable before it returns: the receipt is shown only for a tip that is stored.
//! A tip's manifest also carries the reporter's public recipient, derived from the receipt, so
//! replies can be sealed to the reporter offline.

use super::error::ReporterError;
use super::lookup::Report;
use super::parts::Parts;
use super::reception::{Reception, blocking};
use crate::config::DeskSettings;
use crate::domain::{Day, ReportId};
use crate::receipt::{self, ReceiptCode, ReceiptKdf, ReporterKeys};
use crate::seal::manifest::{FORMAT, Manifest, SubmissionKind};
use crate::seal::{self, Sealed};
use crate::store::{ItemKind, ItemRecord, ReportRecord, Status};

/// A fresh receipt and its keys, made before a byte of the tip is read.
pub struct FreshReceipt {
    code: ReceiptCode,
    keys: ReporterKeys,
}

/// A stored tip: the receipt, to be shown once, and the desk it went to.
pub struct StoredTip {
    pub code: ReceiptCode,
    pub desk: DeskSettings,
}

/// One submission, ready for the store: the records of its items and their ciphertexts.
struct Sealing {
    items: Vec<ItemRecord>,
    files: Vec<Sealed>,
}

impl Reception {
    /// A fresh receipt and its keys (HKDF: microseconds, no pool to wait for).
    pub fn fresh_receipt(&self) -> Result<FreshReceipt, ReporterError> {
        let code = ReceiptCode::generate();
        let keys = receipt::derive(&code, secrecy::ExposeSecret::expose_secret(&*self.salt))?;
        Ok(FreshReceipt { code, keys })
    }

    /// Stores a new tip for the desk the reporter named; durable when this returns.
    pub async fn store_tip(
        &self,
        receipt: FreshReceipt,
        desk: Option<&str>,
        parts: Parts,
    ) -> Result<StoredTip, ReporterError> {
        let desk = desk
            .and_then(|name| self.desk_named(name))
            .ok_or(ReporterError::NoDesk)?
            .clone();
        let FreshReceipt { code, keys } = receipt;
        let reporter_recipient = keys.recipient()?.to_string();
        let today = self.clock.today();
        let manifest = Manifest {
            format: FORMAT.into(),
            kind: SubmissionKind::Tip,
            desk: desk.id.clone(),
            reporter_recipient: Some(reporter_recipient.clone()),
            items: parts.manifest_items(),
        };
        let sealing = self.seal(manifest, parts, &desk, today).await?;
        let record = ReportRecord {
            id: ReportId::random(),
            desk: desk.id.clone(),
            received: today,
            status: Status::Received,
            reporter_recipient,
            kdf: ReceiptKdf::CURRENT,
            items: sealing.items,
            history: Vec::new(),
            extension: None,
            forwarded_from: None,
            downloaded: Default::default(),
            first_received: None,
            previous: None,
            swap: None,
            removed: Vec::new(),
            unreadable: Vec::new(),
            handling: Default::default(),
        };
        let store = self.store.clone();
        let lookup = keys.lookup.clone();
        blocking(move || store.create_report(&record, &lookup, sealing.files)).await?;
        Ok(StoredTip { code, desk })
    }

    /// Adds a follow-up (parts sealed to the report's desk) to the reporter's report. Its
    /// submission number is given by the store as it is stored, so follow-ups sent at once never
    /// share one; a report moved to another desk while this uploaded refuses it
    /// ([`ReporterError::Moved`]), and nothing is stored.
    pub async fn add_followup(&self, report: &Report, parts: Parts) -> Result<(), ReporterError> {
        let today = self.clock.today();
        let manifest = Manifest {
            format: FORMAT.into(),
            kind: SubmissionKind::Followup,
            desk: report.desk.id.clone(),
            reporter_recipient: None,
            items: parts.manifest_items(),
        };
        let sealing = self.seal(manifest, parts, &report.desk, today).await?;
        let store = self.store.clone();
        let id = report.record.id.clone();
        let desk = report.desk.id.clone();
        blocking(move || store.add_followup(&id, &desk, sealing.items, sealing.files, today))
            .await?;
        Ok(())
    }

    /// Seals the manifest for the desk and lists the records of the parts and the manifest, as
    /// submission 0: a follow-up gets its number from the store.
    async fn seal(
        &self,
        manifest: Manifest,
        parts: Parts,
        desk: &DeskSettings,
        today: Day,
    ) -> Result<Sealing, ReporterError> {
        let json = zeroize::Zeroizing::new(
            serde_json::to_vec(&manifest).map_err(|e| ReporterError::Internal(e.to_string()))?,
        );
        let tmp = self.store.tmp_dir();
        let recipients = seal::recipients_of(&desk.recipients);
        let sealed_manifest = blocking(move || seal::seal_bytes(&tmp, &recipients, &json)).await?;
        let record = |sealed: &Sealed, kind: ItemKind| ItemRecord {
            id: sealed.id.clone(),
            kind,
            batch: 0,
            day: today,
            size: sealed.ciphertext_len,
        };
        let mut items = vec![record(&sealed_manifest, ItemKind::Manifest)];
        let mut files = Vec::new();
        if let Some(message) = parts.message {
            items.push(record(&message, ItemKind::Message));
            files.push(message);
        }
        for attachment in parts.attachments {
            items.push(record(&attachment.sealed, ItemKind::Attachment));
            files.push(attachment.sealed);
        }
        files.push(sealed_manifest);
        Ok(Sealing { items, files })
    }
}
