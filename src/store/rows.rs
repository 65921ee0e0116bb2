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

const INSERT_RECORD: &str =
    "INSERT INTO reports (id, desk, received, status, record) VALUES (?1, ?2, ?3, ?4, ?5)";
const UPDATE_RECORD: &str =
    "UPDATE reports SET desk = ?2, received = ?3, status = ?4, record = ?5 WHERE id = ?1";

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

/// Runs `statement` with the record's id, query columns and JSON as `?1` to `?5`: the columns are
/// always copied from the same value as the document. Returns the rows changed.
fn save_record(
    tx: &Transaction<'_>,
    statement: &str,
    record: &ReportRecord,
) -> Result<usize, StoreError> {
    let json = serde_json::to_string(record).map_err(|_| StoreError::Corrupt)?;
    let values = params![
        record.id.as_str(),
        record.desk.as_str(),
        record.received.0,
        record.status.key(),
        json
    ];
    Ok(tx.execute(statement, values)?)
}
