//! The encrypted manifest of one submission (a tip or a follow-up).
//!
//! The server must not know what a reporter attached, so file names, content types and plaintext
//! sizes live here, inside a ciphertext for the desk, and never in a stored file name. The tip's
//! manifest also carries the reporter's public recipient, so the offline tool can seal replies.

use serde::{Deserialize, Serialize};

use crate::domain::{DeskId, ItemId};

pub const FORMAT: &str = "meldpunt-manifest/1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SubmissionKind {
    Tip,
    Followup,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Message,
    Attachment,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestItem {
    pub item: ItemId,
    pub role: Role,
    /// The attachment's file name as the browser sent it (unsanitised; the offline tool cleans it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub kind: SubmissionKind,
    pub desk: DeskId,
    /// The reporter's age recipient (`age1…`), on the tip only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter_recipient: Option<String>,
    pub items: Vec<ManifestItem>,
}
