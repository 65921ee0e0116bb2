//! What the service last started with on this data folder — its desks with their retention, and
//! whether it ran as a demo — so that the admin commands, which run beside it without its
//! configuration, never guess: `officer add` refuses a desk no tip reaches, and `purge` keeps each
//! desk's retention instead of making demo desks (and their keys) in a real data folder.

use rusqlite::OptionalExtension;

use super::{Store, StoreError};
use crate::domain::DeskId;

/// A desk as the service started with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownDesk {
    pub id: DeskId,
    pub retention_days: u32,
    /// The terms the inbox's deadlines are computed with in SQL (see `rows::DUE`).
    pub acknowledge_days: u32,
    pub feedback_days: u32,
}

/// The service's last start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartedWith {
    pub demo: bool,
    /// In the configuration's order.
    pub desks: Vec<KnownDesk>,
}

impl StartedWith {
    /// What a service started with `settings` records.
    pub fn of(settings: &crate::config::Settings) -> StartedWith {
        StartedWith {
            demo: settings.demo,
            desks: settings
                .desks
                .iter()
                .map(|d| KnownDesk {
                    id: d.id.clone(),
                    retention_days: d.retention_days,
                    acknowledge_days: d.acknowledge_days,
                    feedback_days: d.feedback_days,
                })
                .collect(),
        }
    }
}

impl Store {
    /// Records a start (written only when it differs from the last, so a start on a full disk
    /// writes nothing).
    pub fn record_start(&self, started: &StartedWith) -> Result<(), StoreError> {
        if self.last_start()?.as_ref() == Some(started) {
            return self.refresh_due();
        }
        self.db.write(|tx| {
            tx.execute("DELETE FROM desks", [])?;
            for desk in &started.desks {
                tx.execute(
                    "INSERT INTO desks (id, retention_days, acknowledge_days, feedback_days)
                     VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![
                        desk.id.as_str(),
                        desk.retention_days,
                        desk.acknowledge_days,
                        desk.feedback_days
                    ],
                )?;
            }
            tx.execute(
                "INSERT INTO started (only, demo) VALUES (1, ?1)
                 ON CONFLICT (only) DO UPDATE SET demo = excluded.demo",
                [started.demo],
            )?;
            Ok::<_, StoreError>(())
        })?;
        self.refresh_due()
    }

    /// Recomputes every report's `due` from the desks' terms: after a start with other terms,
    /// and for rows written before the column existed. Rows already right are not written.
    fn refresh_due(&self) -> Result<(), StoreError> {
        let due = super::rows::DUE;
        self.db.write(|tx| {
            tx.execute(
                &format!("UPDATE reports SET due = {due} WHERE due IS NOT ({due})"),
                [],
            )?;
            Ok(())
        })
    }

    /// The last start, or `None` when the service has not started on this folder since it
    /// began recording (a folder of an older version records at its next start).
    pub fn last_start(&self) -> Result<Option<StartedWith>, StoreError> {
        self.db.read(|tx| {
            let Some(demo) = tx
                .query_row("SELECT demo FROM started", [], |row| row.get::<_, bool>(0))
                .optional()?
            else {
                return Ok(None);
            };
            let mut query = tx.prepare(
                "SELECT id, retention_days, acknowledge_days, feedback_days
                 FROM desks ORDER BY rowid",
            )?;
            let rows = query.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, u32>(1)?,
                    row.get::<_, u32>(2)?,
                    row.get::<_, u32>(3)?,
                ))
            })?;
            let desks = rows
                .map(|row| {
                    let (id, retention_days, acknowledge_days, feedback_days) = row?;
                    let id = id.parse().map_err(|_| StoreError::Corrupt)?;
                    Ok(KnownDesk {
                        id,
                        retention_days,
                        acknowledge_days,
                        feedback_days,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            Ok(Some(StartedWith { demo, desks }))
        })
    }

    /// The desks of the last start (none when there was none), in the configuration's order.
    pub fn known_desks(&self) -> Result<Vec<DeskId>, StoreError> {
        Ok(self
            .last_start()?
            .map(|s| s.desks.into_iter().map(|d| d.id).collect())
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_is_recorded_whole_and_replaced_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.last_start().unwrap(), None);
        assert!(store.known_desks().unwrap().is_empty());
        let desk = |id: &str, days| KnownDesk {
            id: id.parse().unwrap(),
            retention_days: days,
            acknowledge_days: 7,
            feedback_days: 90,
        };
        let first = StartedWith {
            demo: true,
            desks: vec![desk("om", 365), desk("ap", 365)],
        };
        store.record_start(&first).unwrap();
        assert_eq!(store.last_start().unwrap(), Some(first));
        let second = StartedWith {
            demo: false,
            desks: vec![desk("ap", 30)],
        };
        store.record_start(&second).unwrap();
        assert_eq!(store.last_start().unwrap(), Some(second));
        assert_eq!(store.known_desks().unwrap(), vec![desk("ap", 0).id]);
    }
}
