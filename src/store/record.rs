//! What the server knows about a report: ids, days, sizes and status — never content.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{Day, DeskId, ItemId, ReportId};
use crate::receipt::ReceiptKdf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    Acknowledged,
    InProgress,
    FeedbackGiven,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Received,
        Status::Acknowledged,
        Status::InProgress,
        Status::FeedbackGiven,
        Status::Closed,
    ];

    /// Still waiting for the desk's feedback (the feedback deadline applies).
    pub fn awaits_feedback(self) -> bool {
        matches!(
            self,
            Status::Received | Status::Acknowledged | Status::InProgress
        )
    }

    pub fn parse(key: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn key(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Acknowledged => "acknowledged",
            Status::InProgress => "in_progress",
            Status::FeedbackGiven => "feedback_given",
            Status::Closed => "closed",
        }
    }
}

impl ItemKind {
    /// A reply of the desk to the reporter, in either copy.
    pub fn is_reply(self) -> bool {
        matches!(self, ItemKind::Reply | ItemKind::DeskCopy)
    }

    /// Written by the desk (a reply in either copy, or an internal note), not by the reporter:
    /// numbered with the submission it answers, never a submission of its own.
    pub fn from_desk(self) -> bool {
        matches!(self, ItemKind::Reply | ItemKind::DeskCopy | ItemKind::Note)
    }
}

/// What an item (one ciphertext file) holds, as far as the server may know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A message written by the reporter (the tip or a follow-up).
    Message,
    /// A file the reporter attached.
    Attachment,
    /// The encrypted manifest of one submission.
    Manifest,
    /// A reply from the desk, encrypted to the reporter and the desk: the reporter's copy, which
    /// the reporter may delete once read.
    Reply,
    /// The desk's own copy of a reply, encrypted to the desk alone: it stays for the desk's
    /// records (directive art. 18) when the reporter deletes theirs, and a receipt never opens it.
    DeskCopy,
    /// An officer's internal note on the report, encrypted to the desk's recipients alone: the
    /// reporter never sees it, and the server cannot read it.
    Note,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemRecord {
    pub id: ItemId,
    pub kind: ItemKind,
    /// Submission number: 0 for the tip, 1… for follow-ups. Replies carry the number of the
    /// submission they answer (the latest one when they were written).
    pub batch: u32,
    pub day: Day,
    /// Ciphertext size in bytes.
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportRecord {
    pub id: ReportId,
    pub desk: DeskId,
    pub received: Day,
    pub status: Status,
    /// The reporter's age recipient (`age1…`), derived from the receipt code.
    pub reporter_recipient: String,
    /// How the receipt turns into the lookup key (HKDF; Argon2id for earlier versions' codes).
    pub kdf: ReceiptKdf,
    pub items: Vec<ItemRecord>,
    /// Status changes, oldest first (officer actions, at day precision).
    #[serde(default)]
    pub history: Vec<StatusEvent>,
    /// The feedback term, when an officer extended it with a reason (directive art. 11(2)(d)).
    #[serde(default)]
    pub extension: Option<Extension>,
    /// The desk this report was transferred from, if any (directive art. 11(6)).
    #[serde(default)]
    pub forwarded_from: Option<DeskId>,
    /// Per officer: the items they have downloaded, so the inbox can show what is new.
    #[serde(default)]
    pub downloaded: BTreeMap<String, Vec<ItemId>>,
    /// The day the report first reached any desk, kept when a transfer starts the new desk's
    /// terms (`received` is then the day it reached this desk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_received: Option<Day>,
    /// After a transfer: the sending desk's ciphertexts, kept aside until the receiving desk has
    /// downloaded the report (or some days have passed), so the sending desk can take it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousSeal>,
    /// A committed re-sealing whose files are still being moved into place: the name of the
    /// staging folder under the report's folder. Start-up finishes the move (see `store::reseal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swap: Option<String>,
    /// Items an officer deleted: the day and the kind only, so the reporter's thread can say the
    /// desk removed something (the reason is in the audit log).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Removal>,
    /// Replies the reporter's key could not open when their thread was shown: the desk is told.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<ItemId>,
    /// How the desk handles it: who has it, its labels, whether it is spam.
    #[serde(default, skip_serializing_if = "Handling::is_empty")]
    pub handling: Handling,
}

/// How a desk handles a report among its officers (issue 13): never content, never shown to the
/// reporter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handling {
    /// The officer of the desk who has the report, if anyone does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<String>,
    /// The desk's labels on it, sorted.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub labels: std::collections::BTreeSet<String>,
    /// Marked as spam: closed, and purged after the desk's short spam retention.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub spam: bool,
}

impl Handling {
    pub fn is_empty(&self) -> bool {
        self == &Handling::default()
    }

    /// The labels as the `labels` column holds them: `,a,b,` (so `LIKE '%,a,%'` finds one).
    pub fn labels_column(&self) -> String {
        if self.labels.is_empty() {
            return String::new();
        }
        let mut out = String::from(",");
        for label in &self.labels {
            out.push_str(label);
            out.push(',');
        }
        out
    }
}

/// An item an officer deleted, as the reporter may learn of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Removal {
    pub day: Day,
    pub kind: ItemKind,
}

/// What a transfer set aside: the old desk's ciphertexts (`previous/<item>.age`) and the terms the
/// report had there, so a take-back restores the report exactly as it was.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreviousSeal {
    /// The desk the kept ciphertexts are sealed for (the sending desk).
    pub desk: DeskId,
    /// The items as they were at that desk (their sizes differ from the new ciphertexts').
    pub items: Vec<ItemRecord>,
    /// The last day they are kept; the retention pass deletes them after it.
    pub keep_until: Day,
    pub received: Day,
    pub status: Status,
    #[serde(default)]
    pub extension: Option<Extension>,
    #[serde(default)]
    pub forwarded_from: Option<DeskId>,
    #[serde(default)]
    pub first_received: Option<Day>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusEvent {
    pub day: Day,
    pub status: Status,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Extension {
    /// Days after receipt within which feedback is due (at most 180).
    pub feedback_days: u32,
    pub reason: String,
}

impl ReportRecord {
    pub fn next_batch(&self) -> u32 {
        self.items
            .iter()
            .filter(|i| !i.kind.from_desk())
            .map(|i| i.batch + 1)
            .max()
            .unwrap_or(0)
    }

    /// The day the report was (last) closed, if it is closed.
    pub fn closed_on(&self) -> Option<Day> {
        if self.status != Status::Closed {
            return None;
        }
        self.history
            .iter()
            .rev()
            .find(|e| e.status == Status::Closed)
            .map(|e| e.day)
    }

    /// Items this officer has not downloaded yet.
    pub fn new_for(&self, officer: &str) -> Vec<&ItemRecord> {
        let seen = self.downloaded.get(officer);
        self.items
            .iter()
            .filter(|i| !seen.is_some_and(|s| s.contains(&i.id)))
            .collect()
    }

    pub fn replies(&self) -> impl Iterator<Item = &ItemRecord> {
        self.items.iter().filter(|i| i.kind == ItemKind::Reply)
    }
}
