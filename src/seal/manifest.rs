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

/// One part of a submission. Its `Debug` leaves out the name and type the reporter's browser
/// sent: they are for the desk's eyes only, and a debug print may reach a log.
#[derive(Clone, Serialize, Deserialize)]
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

/// The names are wiped when the item is dropped: a decrypted manifest is the reporter's words.
impl Drop for ManifestItem {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.name);
        zeroize::Zeroize::zeroize(&mut self.content_type);
    }
}

impl std::fmt::Debug for ManifestItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManifestItem")
            .field("item", &self.item)
            .field("role", &self.role)
            .field("name", &self.name.as_ref().map(|_| "<hidden>"))
            .field(
                "content_type",
                &self.content_type.as_ref().map(|_| "<hidden>"),
            )
            .field("size", &self.size)
            .finish()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    // issue 10, point 7: attachment names were printable through `Debug`.
    #[test]
    fn a_debug_print_of_a_manifest_shows_no_attachment_name_or_type() {
        let item = ManifestItem {
            item: ItemId::random(),
            role: Role::Attachment,
            name: Some("verslag Q3 (intern).pdf".into()),
            content_type: Some("application/x-secret-type".into()),
            size: 7,
        };
        let printed = format!("{item:?}");
        assert!(!printed.contains("verslag"), "{printed}");
        assert!(!printed.contains("x-secret-type"), "{printed}");
        assert!(printed.contains("size: 7"), "{printed}");
    }
}
