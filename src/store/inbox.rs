//! The inbox of one desk as SQL over the columns beside each record (see `rows`): filters by
//! status, overdue, assignee, label and report id, sorted by the next deadline or by the day
//! received, a page at a time with the count of all that match. Each query is answered from one
//! covering index (`reports_by_due` or `reports_by_day`), so a desk with 100,000 reports pays for
//! the page it shows, and the records themselves are read only for that page; a search by id
//! from the primary key's index, which narrows it to the few reports whose id starts so.

use rusqlite::types::Value;

use super::rows::read_record;
use super::{ReportRecord, Status, Store, StoreError};
use crate::domain::{Day, DeskId};

/// Which statuses a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    /// Everything not closed.
    Open,
    Only(Status),
}

/// Whose reports a page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AssignedFilter {
    #[default]
    Anyone,
    Nobody,
    Officer(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboxSort {
    /// The nearest deadline first (overdue ones are the nearest), then the oldest.
    #[default]
    Deadline,
    /// The day received, newest first.
    Newest,
    /// By id: a stable order to page through with `after` (the API's list).
    Id,
}

/// One page of a desk's inbox.
#[derive(Debug, Clone)]
pub struct InboxQuery {
    pub desk: DeskId,
    pub status: StatusFilter,
    /// Only reports overdue on this day.
    pub overdue_on: Option<Day>,
    pub assigned: AssignedFilter,
    pub label: Option<String>,
    /// A report id, or the start of one.
    pub id: Option<String>,
    pub sort: InboxSort,
    /// Only reports whose id sorts after this one (paging by id).
    pub after: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

pub struct InboxPage {
    pub records: Vec<ReportRecord>,
    /// How many reports match, on every page.
    pub total: usize,
}

impl InboxQuery {
    /// The WHERE clause and its values.
    fn filter(&self) -> (String, Vec<Value>) {
        let mut clause = String::from("desk = ?");
        let mut values = vec![Value::Text(self.desk.as_str().to_owned())];
        match self.status {
            StatusFilter::All => {}
            StatusFilter::Open => clause.push_str(" AND status != 'closed'"),
            StatusFilter::Only(status) => {
                clause.push_str(" AND status = ?");
                values.push(Value::Text(status.key().to_owned()));
            }
        }
        if let Some(day) = self.overdue_on {
            clause.push_str(" AND due < ?");
            values.push(Value::Integer(day.0));
        }
        match &self.assigned {
            AssignedFilter::Anyone => {}
            AssignedFilter::Nobody => clause.push_str(" AND assigned IS NULL"),
            AssignedFilter::Officer(name) => {
                clause.push_str(" AND assigned = ?");
                values.push(Value::Text(name.clone()));
            }
        }
        if let Some(label) = &self.label {
            // A plain substring search for ",label," (labels never hold a comma): what was typed
            // into the filter is never a pattern.
            clause.push_str(" AND instr(labels, ?) > 0");
            values.push(Value::Text(format!(",{label},")));
        }
        if let Some(id) = &self.id {
            // Ids are hex; anything else matches nothing rather than acting as a pattern.
            let id: String = id
                .chars()
                .filter(char::is_ascii_hexdigit)
                .collect::<String>()
                .to_ascii_lowercase();
            clause.push_str(" AND id >= ? AND id < ?");
            values.push(Value::Text(id.clone()));
            values.push(Value::Text(format!("{id}\u{7f}")));
        }
        if let Some(after) = &self.after {
            clause.push_str(" AND id > ?");
            values.push(Value::Text(after.clone()));
        }
        (clause, values)
    }
}

impl Store {
    /// The page of the desk's inbox the query asks for.
    pub fn inbox_page(&self, query: &InboxQuery) -> Result<InboxPage, StoreError> {
        let (clause, mut values) = query.filter();
        let order = match query.sort {
            InboxSort::Deadline => "due, received, id",
            InboxSort::Newest => "received DESC, id DESC",
            InboxSort::Id => "id",
        };
        // By id, SQLite walks the primary key from `after`; the others have their index. A search
        // by id reads the primary key's range instead (SQLite's index of `id TEXT PRIMARY KEY`,
        // named so by SQLite) and sorts the few rows in it: through the other indexes it would
        // read every entry of the desk (a search page took 23 ms on 80,000 reports, now 9 ms;
        // bench/inbox.py).
        let searched = query
            .id
            .as_deref()
            .is_some_and(|id| id.chars().any(|c| c.is_ascii_hexdigit()));
        let index = match query.sort {
            _ if searched => "INDEXED BY sqlite_autoindex_reports_1",
            InboxSort::Deadline => "INDEXED BY reports_by_due",
            InboxSort::Newest => "INDEXED BY reports_by_day",
            InboxSort::Id => "",
        };
        self.db.read(|tx| {
            let total: i64 = tx.query_row(
                &format!("SELECT count(*) FROM reports {index} WHERE {clause}"),
                rusqlite::params_from_iter(values.iter()),
                |row| row.get(0),
            )?;
            values.push(Value::Integer(
                i64::try_from(query.limit).unwrap_or(i64::MAX),
            ));
            values.push(Value::Integer(
                i64::try_from(query.offset).unwrap_or(i64::MAX),
            ));
            let ids: Vec<String> = {
                let mut statement = tx.prepare(&format!(
                    "SELECT id FROM reports {index} WHERE {clause}
                     ORDER BY {order} LIMIT ? OFFSET ?"
                ))?;
                let rows =
                    statement.query_map(rusqlite::params_from_iter(values.iter()), |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut records = Vec::with_capacity(ids.len());
            for id in ids {
                records.push(read_record(tx, &id)?.ok_or(StoreError::Corrupt)?);
            }
            Ok(InboxPage {
                records,
                total: usize::try_from(total).unwrap_or(0),
            })
        })
    }

    /// The reports a desk transferred that it may still take back.
    pub fn sent_by(&self, desk: &DeskId) -> Result<Vec<ReportRecord>, StoreError> {
        self.db.read(|tx| {
            let mut statement =
                tx.prepare("SELECT record FROM reports WHERE sent_from = ?1 ORDER BY id")?;
            let rows = statement.query_map([desk.as_str()], |r| r.get::<_, String>(0))?;
            rows.map(|json| super::rows::decode(&json?)).collect()
        })
    }

    /// The labels in use at a desk, sorted.
    pub fn desk_labels(&self, desk: &DeskId) -> Result<Vec<String>, StoreError> {
        self.db.read(|tx| {
            let mut statement = tx.prepare(
                "SELECT DISTINCT labels FROM reports INDEXED BY reports_by_day
                 WHERE desk = ?1 AND labels != ''",
            )?;
            let rows = statement.query_map([desk.as_str()], |r| r.get::<_, String>(0))?;
            let mut labels = std::collections::BTreeSet::new();
            for row in rows {
                for label in row?.split(',').filter(|l| !l.is_empty()) {
                    labels.insert(label.to_owned());
                }
            }
            Ok(labels.into_iter().collect())
        })
    }
}
