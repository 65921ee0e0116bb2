//! How a report's record lies in its row of `reports`: the whole record as one JSON document,
//! with the columns the inbox queries (desk, day received, status) copied from the same value at
//! every write, so the two can never disagree.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{ReportRecord, StoreError};

pub(super) fn decode(json: &str) -> Result<ReportRecord, StoreError> {
    serde_json::from_str(json).map_err(|_| StoreError::Corrupt)
}

pub(super) fn read_record(
    tx: &Transaction<'_>,
    id: &str,
) -> Result<Option<ReportRecord>, StoreError> {
    let json: Option<String> = tx
        .query_row("SELECT record FROM reports WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    json.as_deref().map(decode).transpose()
}

const INSERT_RECORD: &str = "INSERT INTO reports
     (id, desk, received, status, record, assigned, labels, feedback_days, sent_from,
      forwarded_from)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
const UPDATE_RECORD: &str = "UPDATE reports SET desk = ?2, received = ?3, status = ?4,
     record = ?5, assigned = ?6, labels = ?7, feedback_days = ?8, sent_from = ?9,
     forwarded_from = ?10 WHERE id = ?1";

/// The next deadline that still matters, from a row's columns and its desk's terms as the
/// service last started with them (`desks`): for a report not yet acknowledged the earlier of
/// its acknowledgement and feedback days, for one awaiting feedback its feedback day. The same
/// rule as the desk's deadlines module, which the inbox tests hold it to. A report with no
/// deadline left, or of a desk the service has not started with, gets a day far beyond any
/// other (day 9,999,999, the year 29349) rather than NULL, so that ordering by `due` alone, as the index
/// holds it, puts them last.
pub(super) const DUE: &str = "coalesce(CASE status
     WHEN 'received' THEN received + min(
         (SELECT acknowledge_days FROM desks WHERE desks.id = reports.desk),
         coalesce(feedback_days, (SELECT feedback_days FROM desks WHERE desks.id = reports.desk)))
     WHEN 'acknowledged' THEN received + coalesce(feedback_days,
         (SELECT feedback_days FROM desks WHERE desks.id = reports.desk))
     WHEN 'in_progress' THEN received + coalesce(feedback_days,
         (SELECT feedback_days FROM desks WHERE desks.id = reports.desk))
     END, 9999999)";

pub(super) fn insert_record(tx: &Transaction<'_>, record: &ReportRecord) -> Result<(), StoreError> {
    save_record(tx, INSERT_RECORD, record).map(|_| ())
}

/// Writes the whole record back over the stored one.
pub(super) fn write_record(tx: &Transaction<'_>, record: &ReportRecord) -> Result<(), StoreError> {
    match save_record(tx, UPDATE_RECORD, record)? {
        1 => Ok(()),
        _ => Err(StoreError::Corrupt),
    }
}

/// Runs `statement` with the record's id, query columns and JSON as `?1` to `?10`: the columns are
/// always copied from the same value as the document. Returns the rows changed.
fn save_record(
    tx: &Transaction<'_>,
    statement: &str,
    record: &ReportRecord,
) -> Result<usize, StoreError> {
    let json = serde_json::to_string(record).map_err(|_| StoreError::Corrupt)?;
    // The extension use case never records more than the most a term may be (180 days).
    let feedback_days = record.extension.as_ref().map(|e| e.feedback_days);
    let values = params![
        record.id.as_str(),
        record.desk.as_str(),
        record.received.0,
        record.status.key(),
        json,
        record.handling.assigned,
        record.handling.labels_column(),
        feedback_days,
        record.previous.as_ref().map(|p| p.desk.as_str()),
        record.forwarded_from.as_ref().map(|d| d.as_str()),
    ];
    let changed = tx.execute(statement, values)?;
    tx.execute(
        &format!("UPDATE reports SET due = {DUE} WHERE id = ?1"),
        [record.id.as_str()],
    )?;
    Ok(changed)
}
