//! One audit entry: what an officer did, and the hash that ties it to the entry before it.
//!
//! The hash is taken over a canonical encoding that this module alone defines, not over the
//! stored JSON, so that the check depends on what an entry says and not on how a JSON writer
//! happened to space or escape it. Free text (officer names, report ids, details) is cleaned here
//! before it is ever hashed, so the log cannot be flooded or made to show forged lines.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What an officer did. Reporters never appear in the audit log, so there is no reporter action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Login,
    LoginFailed,
    Logout,
    Download,
    Reply,
    StatusChange,
    Extension,
    Transfer,
    Deletion,
    TokenCreated,
    TokenRevoked,
    OfficerAdded,
    OfficerRemoved,
    Purge,
    /// A report re-sealed in place to its desk's current recipients (key rotation).
    Rekey,
    /// A transferred report taken back by the desk that sent it.
    TakeBack,
    /// An admin gave an officer a temporary password.
    PasswordReset,
    /// An admin reset an officer's authenticator.
    TotpReset,
    /// An officer chose a new password.
    PasswordChanged,
    /// An officer enrolled a new authenticator.
    TotpEnrolled,
    /// An admin ended another officer's session.
    SessionEnded,
    /// A report given to an officer of the desk, or to nobody.
    Assignment,
    /// A label put on a report or taken off.
    Label,
    /// A report marked as spam (closed, short retention).
    Spam,
    /// An officer's address for the daily digest mail set (`meldpunt officer email`).
    OfficerMailSet,
    /// An officer's digest address removed.
    OfficerMailCleared,
    /// An internal note added to a report (its text is sealed; the log says only that it was).
    Note,
}

impl Action {
    /// The name that goes into the hash. Spelled out rather than taken from serde, so renaming a
    /// variant in Rust cannot silently change the hash of every entry already written.
    pub(super) fn name(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::Download => "download",
            Action::Reply => "reply",
            Action::StatusChange => "status_change",
            Action::Extension => "extension",
            Action::Transfer => "transfer",
            Action::Deletion => "deletion",
            Action::TokenCreated => "token_created",
            Action::TokenRevoked => "token_revoked",
            Action::OfficerAdded => "officer_added",
            Action::OfficerRemoved => "officer_removed",
            Action::Purge => "purge",
            Action::Rekey => "rekey",
            Action::TakeBack => "take_back",
            Action::PasswordReset => "password_reset",
            Action::TotpReset => "totp_reset",
            Action::PasswordChanged => "password_changed",
            Action::TotpEnrolled => "totp_enrolled",
            Action::SessionEnded => "session_ended",
            Action::Assignment => "assignment",
            Action::Label => "label",
            Action::Spam => "spam",
            Action::OfficerMailSet => "officer_mail_set",
            Action::OfficerMailCleared => "officer_mail_cleared",
            Action::Note => "note",
        }
    }
}

/// One entry as stored (JSON) under its sequence number.
///
/// Unknown fields are refused: a field the hash does not cover must not be slipped in unnoticed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub seq: u64,
    /// Unix seconds.
    pub time: u64,
    pub officer: String,
    pub action: Action,
    pub report: Option<String>,
    pub detail: Option<String>,
    /// Hex SHA-256 of the previous entry; [`GENESIS`] for the first.
    pub prev: String,
    /// Hex SHA-256 over the canonical encoding of every other field, `prev` included.
    pub hash: String,
}

/// An entry as `audit export` prints it and people read it: the time in UTC (RFC 3339), who,
/// what, on which report, and why; with its number and hash to match against the chain.
#[derive(Debug, Serialize)]
pub struct Exported<'a> {
    pub seq: u64,
    pub time: String,
    pub officer: &'a str,
    pub action: &'static str,
    pub report: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub hash: &'a str,
}

impl Entry {
    pub fn exported(&self) -> Exported<'_> {
        let time = i64::try_from(self.time)
            .ok()
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| self.time.to_string());
        Exported {
            seq: self.seq,
            time,
            officer: &self.officer,
            action: self.action.name(),
            report: self.report.as_deref(),
            reason: self.detail.as_deref(),
            hash: &self.hash,
        }
    }
}

/// The officers in `names` whom no entry adds (`officer add` writes "<name> at desk <desk>"):
/// a log that lost its start, or was emptied, while the officers stayed.
pub fn officers_never_added<'a>(entries: &[Entry], names: &'a [String]) -> Vec<&'a str> {
    names
        .iter()
        .filter(|name| {
            let added = format!("{name} at desk ");
            !entries.iter().any(|e| {
                e.action == Action::OfficerAdded
                    && e.detail.as_deref().is_some_and(|d| d.starts_with(&added))
            })
        })
        .map(String::as_str)
        .collect()
}

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Longest free text kept, in characters; enough for any name or note, too short to flood the log.
pub const MAX_TEXT: usize = 200;

/// Separates this encoding from any other use of SHA-256 and lets a later format say so.
const DOMAIN: &[u8] = b"meldpunt audit entry v1\0";

impl Entry {
    /// The hash this entry should carry, computed from its other fields.
    pub(super) fn expected_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(DOMAIN);
        hasher.update(self.seq.to_be_bytes());
        hasher.update(self.time.to_be_bytes());
        field(&mut hasher, self.officer.as_bytes());
        field(&mut hasher, self.action.name().as_bytes());
        optional(&mut hasher, self.report.as_deref());
        optional(&mut hasher, self.detail.as_deref());
        field(&mut hasher, self.prev.as_bytes());
        let digest: [u8; 32] = hasher.finalize().into();
        hex::encode(digest)
    }
}

/// Length-prefixed, so that no two different field lists encode to the same bytes.
fn field(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

/// A marker byte first, so that `None` and `Some("")` differ.
fn optional(hasher: &mut Sha256, text: Option<&str>) {
    match text {
        None => hasher.update([0u8]),
        Some(text) => {
            hasher.update([1u8]);
            field(hasher, text.as_bytes());
        }
    }
}

/// Free text as it may enter the log: at most [`MAX_TEXT`] characters (the cut marked with `…`),
/// with control characters, line separators and bidirectional overrides replaced by `\u{FFFD}`,
/// so an entry always reads as one honest line.
pub(super) fn clean(text: &str) -> String {
    let mut chars = text
        .chars()
        .map(|c| if is_forging(c) { '\u{FFFD}' } else { c });
    let mut out: String = chars.by_ref().take(MAX_TEXT).collect();
    if chars.next().is_some() {
        out.pop();
        out.push('…');
    }
    out
}

/// Characters that could fake a new line or reorder what a reader sees.
pub(super) fn is_forging(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}
