//! The JSON the API speaks: what it answers (reports, items, ids) and the requests it takes.
//! Each type is a schema of the OpenAPI document; requests refuse unknown fields.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::desk::work::InboxRow;

/// One item of a report, without content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemJson {
    pub id: String,
    /// `message`, `attachment`, `manifest`, `reply`, `desk_copy` or `note`.
    pub kind: String,
    /// Ciphertext bytes.
    pub size: u64,
    pub day: String,
    pub batch: u32,
    /// Not yet downloaded by this officer.
    pub new: bool,
}

/// A report in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportJson {
    pub id: String,
    pub desk: String,
    /// `received`, `acknowledged`, `in_progress`, `feedback_given` or `closed`.
    pub status: String,
    /// Day received (YYYY-MM-DD).
    pub received: String,
    pub acknowledge_by: String,
    pub feedback_by: String,
    pub overdue: bool,
    pub new_items: usize,
    pub forwarded_from: Option<String>,
}

impl From<InboxRow> for ReportJson {
    fn from(r: InboxRow) -> Self {
        ReportJson {
            id: r.id,
            desk: r.desk,
            status: r.status.into(),
            received: r.received,
            acknowledge_by: r.acknowledge_by,
            feedback_by: r.feedback_by,
            overdue: r.overdue,
            new_items: r.new_items,
            forwarded_from: r.forwarded_from,
        }
    }
}

/// One report with its items.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetailJson {
    #[serde(flatten)]
    pub report: ReportJson,
    pub items: Vec<ItemJson>,
}

/// A reply typed by the officer; encrypted at once to the reporter and the desk. Its `Debug`
/// never shows the text (issue 10: plaintext in types that can be printed).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    pub text: String,
}

/// The reply text is wiped when the request is dropped (the body it came from already is).
impl Drop for ReplyRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.text);
    }
}

impl std::fmt::Debug for ReplyRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ReplyRequest {{ text: <{} characters> }}",
            self.text.chars().count()
        )
    }
}

/// A package made offline (`meldpunt seal-reply`, `meldpunt transfer`): a tar archive of age
/// files, sent as the raw body. Only named in the OpenAPI document.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Package(pub Vec<u8>);

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// The new status.
    #[schema(pattern = "^(received|acknowledged|in_progress|feedback_given|closed)$")]
    pub status: String,
    /// Required when reopening a closed report.
    #[serde(default)]
    pub reason: String,
}

/// A longer term for feedback (art. 9(1)(f): up to six months, with a reason).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRequest {
    /// The new feedback term in days from the day received: longer than the present one, at
    /// most 180.
    #[schema(minimum = 1, maximum = 180)]
    pub feedback_days: u32,
    /// Why the desk needs longer; kept in the record and shown to the reporter.
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Transferred {
    pub desk: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BundleParams {
    /// Only items this officer has not downloaded yet.
    pub new: Option<bool>,
}

/// The list's paging and filters; an unknown parameter is refused, not ignored.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Reports per page, 1 to 500 (50 when not given).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// Only reports whose id sorts after this one: the last id of the previous page.
    #[param(pattern = "^[0-9a-fA-F]{0,64}$")]
    pub after: Option<String>,
    /// Only reports with this status.
    #[param(pattern = "^(received|acknowledged|in_progress|feedback_given|closed)$")]
    pub status: Option<String>,
    /// Only reports past a deadline (`true`), or only those that are not (`false`).
    pub overdue: Option<bool>,
}

#[cfg(test)]
mod tests {
    // issue 10, point 7: `ReplyRequest` derived `Debug` over the reply text.
    #[test]
    fn a_debug_print_of_a_typed_reply_shows_no_text() {
        let request: super::ReplyRequest =
            serde_json::from_str(r#"{"text": "Wij doen aangifte tegen de directeur"}"#).unwrap();
        let printed = format!("{request:?}");
        assert!(!printed.contains("directeur"), "{printed}");
        assert!(printed.contains("36 characters"), "{printed}");
    }
}
