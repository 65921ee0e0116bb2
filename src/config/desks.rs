//! The `[[desk]]` tables: each desk as the operator writes it, checked and turned into
//! [`DeskSettings`] (a known id, at least one valid age recipient, a feedback term the directive
//! allows), with a message naming the desk when it is not right.

use serde::{Deserialize, Serialize};

use super::{ConfigError, DeskSettings};
use crate::domain::DeskId;

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

pub(super) fn parse_desk(desk: FileDesk) -> Result<DeskSettings, ConfigError> {
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
        .map(|r| {
            r.trim().parse::<age::x25519::Recipient>().map_err(|_| {
                fail(format!(
                    "recipient {r:?} is not an age X25519 public key (age1…)"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !(1..=180).contains(&desk.feedback_days) {
        return Err(fail("feedback_days must be between 1 and 180".into()));
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
    })
}
