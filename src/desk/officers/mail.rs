//! Officers' addresses for the daily digest mail (table `officer_mail`) and the last local day
//! a scheduled digest reached each of them (table `digest_sent`). Both are kept apart from the
//! `officers` table and go with the officer when they are removed. An address is an officer's
//! work address, not reporter data; it is checked as a mail address before it is stored, so a
//! stored one can never carry a line break into a mail header.

use rusqlite::{OptionalExtension, params};

use super::{OfficerError, Officers};
use crate::domain::DeskId;

/// Where one officer's digest goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTo {
    pub officer: String,
    pub desk: DeskId,
    pub address: lettre::Address,
    /// The last local day (days since 1970 in the server's time zone) a scheduled digest was
    /// accepted for this officer by the relay.
    pub last_digest: Option<i64>,
}

impl Officers {
    /// Sets the officer's digest address, replacing any earlier one.
    pub fn set_address(&self, name: &str, address: &lettre::Address) -> Result<(), OfficerError> {
        self.db().write(|tx| {
            if super::record::read_officer(tx, name)?.is_none() {
                return Err(OfficerError::Unknown(name.to_owned()));
            }
            tx.execute(
                "INSERT INTO officer_mail (officer, address) VALUES (?1, ?2)
                 ON CONFLICT (officer) DO UPDATE SET address = excluded.address",
                params![name, address.to_string()],
            )?;
            Ok(())
        })
    }

    /// Removes the officer's digest address; Ok(false) when they had none.
    pub fn clear_address(&self, name: &str) -> Result<bool, OfficerError> {
        self.db().write(|tx| {
            if super::record::read_officer(tx, name)?.is_none() {
                return Err(OfficerError::Unknown(name.to_owned()));
            }
            tx.execute("DELETE FROM digest_sent WHERE officer = ?1", [name])?;
            Ok(tx.execute("DELETE FROM officer_mail WHERE officer = ?1", [name])? > 0)
        })
    }

    /// The officer's digest address, if any.
    pub fn address(&self, name: &str) -> Result<Option<String>, OfficerError> {
        let db = self.db().connection()?;
        Ok(db
            .query_row(
                "SELECT address FROM officer_mail WHERE officer = ?1",
                [name],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Every officer who has a digest address, by name.
    pub fn addresses(&self) -> Result<Vec<MailTo>, OfficerError> {
        let db = self.db().connection()?;
        let mut query = db.prepare(
            "SELECT o.name, o.desk, m.address, s.day FROM officers o
             JOIN officer_mail m ON m.officer = o.name
             LEFT JOIN digest_sent s ON s.officer = o.name
             ORDER BY o.name",
        )?;
        let rows = query.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<i64>>(3)?,
            ))
        })?;
        let damaged = || OfficerError::Store("a stored digest address is damaged".into());
        rows.map(|row| {
            let (officer, desk, address, last_digest) = row?;
            Ok(MailTo {
                officer,
                desk: desk.parse().map_err(|_| damaged())?,
                address: address.parse().map_err(|_| damaged())?,
                last_digest,
            })
        })
        .collect()
    }

    /// Records that the scheduled digest of local day `day` reached the officer's relay.
    pub fn mark_digest_sent(&self, name: &str, day: i64) -> Result<(), OfficerError> {
        self.db().write(|tx| {
            tx.execute(
                "INSERT INTO digest_sent (officer, day) VALUES (?1, ?2)
                 ON CONFLICT (officer) DO UPDATE SET day = excluded.day",
                params![name, day],
            )?;
            Ok(())
        })
    }
}

/// Drops what the mail tables hold for an officer, inside the transaction that removes them.
pub(super) fn forget(tx: &rusqlite::Connection, name: &str) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM officer_mail WHERE officer = ?1", [name])?;
    tx.execute("DELETE FROM digest_sent WHERE officer = ?1", [name])?;
    Ok(())
}
