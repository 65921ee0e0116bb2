//! What the server knows about a report: ids, days, sizes and status — never content.

use serde::{Deserialize, Serialize};

use crate::config::Argon2Settings;
use crate::domain::{Day, DeskId, ItemId, ReportId};

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

/// What an item (one ciphertext file) holds, as far as the server may know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A message written by the reporter (the tip or a follow-up).
    Message,
    /// A file the reporter attached.
    Attachment,
    /// The encrypted manifest of one submission.
    Manifest,
    /// A reply from the desk, encrypted to the reporter and the desk.
    Reply,
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
    /// The Argon2 cost the receipt was stretched with.
    pub kdf: Argon2Settings,
    pub items: Vec<ItemRecord>,
}

impl ReportRecord {
    pub fn next_batch(&self) -> u32 {
        self.items
            .iter()
            .filter(|i| i.kind != ItemKind::Reply)
            .map(|i| i.batch + 1)
            .max()
            .unwrap_or(0)
    }

    pub fn replies(&self) -> impl Iterator<Item = &ItemRecord> {
        self.items.iter().filter(|i| i.kind == ItemKind::Reply)
    }
}
