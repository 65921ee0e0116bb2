//! The `[[desk]]` tables: each desk as the operator writes it, checked and turned into
//! [`DeskSettings`], with a message naming the desk and the key when it is not right. Refused,
//! because each would lose tips: no recipient, a recipient that is not one (a pasted secret key
//! is called that and never echoed), the example key from age's manual, two desks with one id or
//! sharing a key (desks are walls: one desk's officers would read another's tips), terms the
//! directive does not allow (acknowledgement within 7 days, feedback within 180), and a
//! retention under one day.

use serde::{Deserialize, Serialize};

use super::{ConfigError, DeskSettings, DigestMode};
use crate::domain::DeskId;
use crate::seal::DeskRecipient;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDesk {
    pub(super) id: String,
    name_nl: String,
    name_en: String,
    #[serde(default)]
    description_nl: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    recipients: Vec<String>,
    #[serde(default = "default_acknowledge_days")]
    acknowledge_days: u32,
    #[serde(default = "default_feedback_days")]
    feedback_days: u32,
    #[serde(default = "default_retention_days")]
    retention_days: u32,
    #[serde(default)]
    digest: DigestMode,
    #[serde(default)]
    canned_replies: super::CannedReplies,
}

fn default_acknowledge_days() -> u32 {
    7
}
fn default_feedback_days() -> u32 {
    90
}
fn default_retention_days() -> u32 {
    365
}

/// Every desk checked on its own, then against the others: ids and keys must be unique.
pub(super) fn parse_desks(desks: Vec<FileDesk>) -> Result<Vec<DeskSettings>, ConfigError> {
    let mut parsed: Vec<DeskSettings> = Vec::new();
    for desk in desks {
        let desk = parse_desk(desk)?;
        let fail = |message: String| ConfigError::Desk {
            desk: desk.id.to_string(),
            message,
        };
        if parsed.iter().any(|d| d.id == desk.id) {
            return Err(fail(
                "is configured twice; every [[desk]] needs its own id".into(),
            ));
        }
        for (n, key) in desk.recipients.iter().enumerate() {
            if let Some(other) = parsed.iter().find(|d| d.recipients.contains(key)) {
                return Err(fail(format!(
                    "recipient {} is also a recipient of desk {}; desks are walls, so each \
                     needs keys of its own",
                    n + 1,
                    other.id
                )));
            }
        }
        parsed.push(desk);
    }
    Ok(parsed)
}

fn parse_desk(desk: FileDesk) -> Result<DeskSettings, ConfigError> {
    let fail = |message: String| ConfigError::Desk {
        desk: desk.id.clone(),
        message,
    };
    let id: DeskId = desk.id.parse().map_err(|e: String| fail(e))?;
    if desk.recipients.is_empty() {
        return Err(fail(
            "names no recipient; add the desk's age1… public key(s) under recipients".into(),
        ));
    }
    let recipients = desk
        .recipients
        .iter()
        .enumerate()
        .map(|(n, r)| {
            r.parse::<DeskRecipient>()
                .map_err(|e| fail(format!("recipient {} {e}", n + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !(1..=7).contains(&desk.acknowledge_days) {
        return Err(fail(
            "acknowledge_days must be between 1 and 7 (EU Directive 2019/1937 art. 9(1)(b))".into(),
        ));
    }
    if !(1..=180).contains(&desk.feedback_days) {
        return Err(fail(
            "feedback_days must be between 1 and 180 (art. 9(1)(f): 3 months, 6 when justified)"
                .into(),
        ));
    }
    if desk.retention_days < 1 {
        return Err(fail(
            "retention_days must be at least 1: a closed report must stay until the desk has \
             kept its record"
                .into(),
        ));
    }
    Ok(DeskSettings {
        id,
        name_nl: desk.name_nl,
        name_en: desk.name_en,
        description_nl: desk.description_nl,
        description_en: desk.description_en,
        recipients,
        acknowledge_days: desk.acknowledge_days,
        feedback_days: desk.feedback_days,
        retention_days: desk.retention_days,
        digest: desk.digest,
        canned_replies: desk.canned_replies,
    })
}
