//! Passes over every report of the store — start-up's unfinished moves, the daily retention — a
//! batch at a time: a folder of 100,000 reports is never decoded into memory at once (the service
//! stays within its memory bound on a busy desk), and no read transaction stays open while a pass
//! changes or deletes the reports it has seen.

use super::rows::decode;
use super::{ReportRecord, Store, StoreError};

/// Records read per batch.
const BATCH: usize = 256;

impl Store {
    /// Every report record at once, for what must hold them all (a restore's checks, tests);
    /// the service's own passes use [`Store::each_report`].
    pub fn all_reports(&self) -> Result<Vec<ReportRecord>, StoreError> {
        self.db.read(|tx| {
            let mut query = tx.prepare("SELECT record FROM reports ORDER BY id")?;
            let rows = query.query_map([], |row| row.get::<_, String>(0))?;
            rows.map(|json| decode(&json?)).collect()
        })
    }

    /// Calls `visit` with every report, in id order, reading [`BATCH`] records at a time (each
    /// batch in its own read transaction). `visit` may change or delete reports: one created or
    /// deleted meanwhile is seen or not, as it falls in the order. The first error stops the pass.
    pub fn each_report<E: From<StoreError>>(
        &self,
        mut visit: impl FnMut(ReportRecord) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut after = String::new();
        loop {
            let batch: Vec<(String, String)> = self.db.read(|tx| {
                let mut query = tx
                    .prepare("SELECT id, record FROM reports WHERE id > ?1 ORDER BY id LIMIT ?2")?;
                let rows = query.query_map(rusqlite::params![after, BATCH as i64], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?;
                rows.collect::<rusqlite::Result<_>>()
                    .map_err(StoreError::from)
            })?;
            let last_batch = batch.len() < BATCH;
            for (id, json) in batch {
                visit(decode(&json)?)?;
                after = id;
            }
            if last_batch {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::record;
    use super::*;
    use crate::domain::ReportId;
    use crate::receipt::LookupKey;

    #[test]
    fn every_report_is_visited_once_in_id_order_over_several_batches_while_some_go() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let mut ids: Vec<ReportId> = (0..BATCH + 44).map(|_| ReportId::random()).collect();
        for (n, id) in ids.iter().enumerate() {
            let mut key = [0; 32];
            key[..8].copy_from_slice(&(n as u64).to_le_bytes());
            store
                .create_report(&record(id, vec![]), &LookupKey(key), vec![])
                .unwrap();
        }
        ids.sort();
        let mut seen = Vec::new();
        store
            .each_report(|r| {
                // Deleting while the pass goes on (as retention does) skips nothing else.
                if seen.len() % 3 == 0 {
                    store.delete_report(&r.id)?;
                }
                seen.push(r.id);
                Ok::<(), StoreError>(())
            })
            .unwrap();
        assert_eq!(seen, ids);
        let left = store.all_reports().unwrap().len();
        assert_eq!(left, ids.len() - ids.len().div_ceil(3));
        let err = store.each_report(|_| Err(StoreError::Corrupt));
        assert!(matches!(err, Err(StoreError::Corrupt)));
    }
}
