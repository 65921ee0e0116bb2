//! How a desk shares out its work: a page of the inbox with its filters, who has a report
//! (assignment to an officer of the desk), the desk's labels on it, marking spam, and the same
//! done to many reports at once. Each change is one record update and one audit entry per report,
//! made only after every report named was found at this desk: a bulk action with one wrong id
//! changes nothing.

use crate::audit::Action;
use crate::store::inbox::{InboxPage, InboxQuery};
use crate::store::{ReportRecord, Status};

use super::{DeskError, DeskWork, InboxRow};

/// The longest label, in characters.
pub const LABEL_MAX: usize = 32;
/// The most labels one report carries.
pub const LABELS_MAX: usize = 10;
/// The most reports one bulk action changes.
pub const BULK_MAX: usize = 100;

/// What a bulk action does to each report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// To an officer of the desk, or to nobody.
    Assign(Option<String>),
    Label(String),
    Close,
    Spam,
}

/// A page of the inbox as rows, with the count of every report that matches.
pub struct InboxRows {
    pub rows: Vec<InboxRow>,
    pub total: usize,
}

/// A label as typed, if it is one: 1–32 letters, digits, spaces, dots or dashes, trimmed and
/// lower-cased (so "Zorg" and "zorg" are one label). No comma (the column joins labels with
/// commas) and no `%` or `_`, which would read as patterns in a hand-written query.
pub fn clean_label(typed: &str) -> Option<String> {
    let label = typed.trim().to_lowercase();
    let ok = !label.is_empty()
        && label.chars().count() <= LABEL_MAX
        && label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '-'));
    ok.then_some(label)
}

impl DeskWork {
    /// One page of this desk's inbox; the query's desk is always the officer's own.
    pub fn inbox_page(&self, mut query: InboxQuery) -> Result<InboxRows, DeskError> {
        query.desk = self.officer.desk.clone();
        let InboxPage { records, total } = self
            .installation
            .store
            .inbox_page(&query)
            .map_err(DeskError::from)?;
        let rows = records
            .iter()
            .map(|r| self.row(r))
            .collect::<Result<_, _>>()?;
        Ok(InboxRows { rows, total })
    }

    /// The labels in use at this desk.
    pub fn labels(&self) -> Result<Vec<String>, DeskError> {
        self.installation
            .store
            .desk_labels(&self.officer.desk)
            .map_err(DeskError::from)
    }

    /// Gives the report to `to`, an officer of this desk (`desk_officers`), or to nobody.
    pub fn assign(
        &self,
        record: &ReportRecord,
        to: Option<&str>,
        desk_officers: &[String],
    ) -> Result<(), DeskError> {
        if to.is_some_and(|name| !desk_officers.iter().any(|o| o == name)) {
            return Err(DeskError::Invalid("desk_err_assignee"));
        }
        let to = to.map(str::to_owned);
        let detail = to
            .as_deref()
            .map_or_else(|| String::from("unassigned"), |name| format!("to {name}"));
        self.installation
            .store
            .update_record(&record.id, |r| r.handling.assigned = to)
            .map_err(DeskError::from)?;
        self.audit(Action::Assignment, Some(&record.id), Some(&detail))
    }

    /// Puts a label on the report (`add`) or takes it off.
    pub fn label(&self, record: &ReportRecord, typed: &str, add: bool) -> Result<(), DeskError> {
        let label = clean_label(typed).ok_or(DeskError::Invalid("desk_err_label"))?;
        let has = record.handling.labels.contains(&label);
        if add && !has && record.handling.labels.len() >= LABELS_MAX {
            return Err(DeskError::Invalid("desk_err_labels_full"));
        }
        if add == has {
            return Ok(());
        }
        let kept = label.clone();
        self.installation
            .store
            .update_record(&record.id, |r| {
                if add {
                    r.handling.labels.insert(kept);
                } else {
                    r.handling.labels.remove(&kept);
                }
            })
            .map_err(DeskError::from)?;
        let sign = if add { '+' } else { '-' };
        self.audit(
            Action::Label,
            Some(&record.id),
            Some(&format!("{sign}{label}")),
        )
    }

    /// Marks the report as spam: closed, and purged after the short spam retention. Its files
    /// stay until then, so a mistake can be undone by reopening it (with a reason).
    pub fn mark_spam(&self, record: &ReportRecord) -> Result<(), DeskError> {
        if record.status != Status::Closed {
            self.set_status(record, Status::Closed, "spam")?;
        }
        self.installation
            .store
            .update_record(&record.id, |r| r.handling.spam = true)
            .map_err(DeskError::from)?;
        self.audit(Action::Spam, Some(&record.id), None)
    }

    /// Does `action` to every report in `ids`, all of this desk, or to none. Returns how many
    /// changed.
    pub fn bulk(
        &self,
        ids: &[String],
        action: &BulkAction,
        desk_officers: &[String],
    ) -> Result<usize, DeskError> {
        if ids.is_empty() {
            return Err(DeskError::Invalid("desk_err_bulk_none"));
        }
        if ids.len() > BULK_MAX {
            return Err(DeskError::Invalid("desk_err_bulk_many"));
        }
        if let BulkAction::Label(typed) = action
            && clean_label(typed).is_none()
        {
            return Err(DeskError::Invalid("desk_err_label"));
        }
        if let BulkAction::Assign(Some(name)) = action
            && !desk_officers.iter().any(|o| o == name)
        {
            return Err(DeskError::Invalid("desk_err_assignee"));
        }
        // Every report first: one that is not this desk's stops it all, as "not found".
        let records = ids
            .iter()
            .map(|id| self.report(id))
            .collect::<Result<Vec<_>, _>>()?;
        // And a label every report has room for, before any gets it.
        if let BulkAction::Label(typed) = action
            && let Some(label) = clean_label(typed)
            && records.iter().any(|r| {
                !r.handling.labels.contains(&label) && r.handling.labels.len() >= LABELS_MAX
            })
        {
            return Err(DeskError::Invalid("desk_err_labels_full"));
        }
        let mut changed = 0;
        for record in &records {
            match action {
                BulkAction::Assign(to) => self.assign(record, to.as_deref(), desk_officers)?,
                BulkAction::Label(label) => self.label(record, label, true)?,
                BulkAction::Close if record.status == Status::Closed => continue,
                BulkAction::Close => self.set_status(record, Status::Closed, "")?,
                BulkAction::Spam => self.mark_spam(record)?,
            }
            changed += 1;
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_lower_cased_and_never_carry_pattern_characters() {
        assert_eq!(clean_label("  Zorg "), Some("zorg".into()));
        assert_eq!(
            clean_label("ziekenhuis-noord"),
            Some("ziekenhuis-noord".into())
        );
        for bad in ["", "   ", "a,b", "50%", "a_b", &"x".repeat(33)] {
            assert_eq!(clean_label(bad), None, "{bad}");
        }
    }
}
