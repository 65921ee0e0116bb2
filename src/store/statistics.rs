//! The records a desk's statistics are counted from (issue 13), handed one at a time to a
//! callback inside one read transaction, so a year of 13,000 reports costs the memory of one
//! record rather than of all of them, and every figure comes from the same snapshot.

use super::rows::decode;
use super::{ReportRecord, Store, StoreError};
use crate::domain::{Day, DeskId};

impl Store {
    /// Calls `each` for every report `desk` holds that it received in `from..until` (from the
    /// `reports_by_day` index), then for every report it transferred to another desk (from the
    /// `reports_forwarded_from` index; those are not filtered by day here, since the day that
    /// counts for them, `first_received`, lives in the record only).
    pub fn each_for_statistics(
        &self,
        desk: &DeskId,
        from: Day,
        until: Day,
        mut each: impl FnMut(&ReportRecord),
    ) -> Result<(), StoreError> {
        self.db.read(|tx| {
            let mut own = tx.prepare(
                "SELECT record FROM reports INDEXED BY reports_by_day
                 WHERE desk = ?1 AND received >= ?2 AND received < ?3",
            )?;
            let rows = own.query_map(rusqlite::params![desk.as_str(), from.0, until.0], |row| {
                row.get::<_, String>(0)
            })?;
            for json in rows {
                each(&decode(&json?)?);
            }
            let mut sent = tx.prepare(
                "SELECT record FROM reports INDEXED BY reports_forwarded_from
                 WHERE forwarded_from = ?1 AND desk != ?1",
            )?;
            let rows = sent.query_map([desk.as_str()], |row| row.get::<_, String>(0))?;
            for json in rows {
                each(&decode(&json?)?);
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{item, record};

    #[test]
    fn a_desk_gets_its_reports_of_the_period_and_those_it_sent_on_and_nothing_else() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let ap: DeskId = "ap".parse().unwrap();
        let om: DeskId = "om".parse().unwrap();
        let mut made = Vec::new();
        for (n, (desk, received, from)) in [
            (&ap, 100, None),
            (&ap, 199, None),
            (&ap, 200, None),
            (&ap, 99, None),
            (&om, 150, None),
            (&om, 300, Some(&ap)),
        ]
        .into_iter()
        .enumerate()
        {
            let mut r = record(&crate::domain::ReportId::random(), vec![item()]);
            r.desk = desk.clone();
            r.received = Day(received);
            r.forwarded_from = from.cloned();
            let key = crate::receipt::LookupKey([u8::try_from(n).unwrap(); 32]);
            store.create_report(&r, &key, vec![]).unwrap();
            made.push(r.id);
        }
        let mut seen = Vec::new();
        store
            .each_for_statistics(&ap, Day(100), Day(200), |r| seen.push(r.id.clone()))
            .unwrap();
        seen.sort();
        let mut wanted = vec![made[0].clone(), made[1].clone(), made[5].clone()];
        wanted.sort();
        assert_eq!(seen.clone(), wanted);

        // Migration 8 fills the column of records written before it from their JSON.
        let backfill = super::super::schema::MIGRATIONS[7]
            .split(';')
            .find(|s| s.contains("UPDATE"))
            .unwrap();
        store
            .database()
            .write(|tx| {
                tx.execute_batch("UPDATE reports SET forwarded_from = NULL")?;
                tx.execute_batch(backfill)?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let mut again = Vec::new();
        store
            .each_for_statistics(&ap, Day(100), Day(200), |r| again.push(r.id.clone()))
            .unwrap();
        again.sort();
        assert_eq!(again, wanted);
    }
}
