//! The schema of `DATA/meldpunt.sqlite`, as numbered migrations (see [`super::database`]).
//! Append new steps; never edit one that has shipped.
//!
//! A report's record is one JSON document (`reports.record`) read and written whole inside one
//! transaction; the columns beside it (desk, day, status) are copies for the inbox's queries,
//! written from the same value. The lookup key (derived from the receipt) finds a report; no
//! content and no exact time is stored anywhere.

use super::database::Migration;

pub const MIGRATIONS: &[Migration] = &[
    // 1: reports, their lookup keys and the receipt-stretching costs in use; officers, their API
    // tokens (stored as SHA-256 only) and login failures per typed name.
    "CREATE TABLE reports (
         id       TEXT PRIMARY KEY,
         desk     TEXT NOT NULL,
         received INTEGER NOT NULL,
         status   TEXT NOT NULL,
         record   TEXT NOT NULL
     ) STRICT;
     CREATE INDEX reports_by_desk ON reports (desk, status);
     CREATE TABLE lookup (
         key    BLOB PRIMARY KEY,
         report TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE
     ) WITHOUT ROWID, STRICT;
     CREATE INDEX lookup_by_report ON lookup (report);
     CREATE TABLE kdf_sets (
         settings TEXT PRIMARY KEY
     ) STRICT;
     CREATE TABLE officers (
         name          TEXT PRIMARY KEY,
         desk          TEXT NOT NULL,
         password_hash TEXT NOT NULL,
         totp_secret   BLOB NOT NULL,
         last_step     INTEGER NOT NULL
     ) STRICT;
     CREATE TABLE officer_tokens (
         key     BLOB PRIMARY KEY,
         id      TEXT NOT NULL UNIQUE,
         officer TEXT NOT NULL,
         created INTEGER NOT NULL,
         revoked INTEGER NOT NULL
     ) STRICT;
     CREATE TABLE login_failures (
         name         TEXT PRIMARY KEY,
         count        INTEGER NOT NULL,
         locked_until INTEGER NOT NULL
     ) STRICT;",
    // 2: the desks the service was last started with, so `officer add` can refuse a desk no tip
    // reaches even when it runs without the configuration.
    "CREATE TABLE desks (
         id TEXT PRIMARY KEY
     ) STRICT;",
    // 3: with the desks, their retention days, and whether the start was a demo, so that `purge`
    // needs no configuration and makes no keys. Desks recorded before are dropped: the service
    // records them again when it starts, and until then the commands ask for --config.
    "DROP TABLE desks;
     CREATE TABLE desks (
         id             TEXT PRIMARY KEY,
         retention_days INTEGER NOT NULL
     ) STRICT;
     CREATE TABLE started (
         only INTEGER PRIMARY KEY CHECK (only = 1),
         demo INTEGER NOT NULL
     ) STRICT;",
    // 4: login failures are counted in memory, in a fixed table of hashed names (see
    // `desk::officers::throttle`): a row per typed name let a stranger grow the database, with an
    // fsync per failure. The table, and the names typed into it, go.
    "DROP TABLE login_failures;",
    // 5: officer roles and first logins, and token expiry. `admin` may manage every desk's
    // officers in the browser; the two `must_…` flags make the next login set a new password or
    // enrol a new authenticator before anything else (after an admin's reset, or for an officer
    // an admin added). Tokens expire: those made before get the default 90 days from creation.
    "ALTER TABLE officers ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE officers ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE officers ADD COLUMN must_enrol_totp INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE officer_tokens ADD COLUMN expires INTEGER NOT NULL DEFAULT 0;
     UPDATE officer_tokens SET expires = created + 90 * 86400;",
    // 6: officers' addresses for the daily digest mail, in a table of their own (not columns of
    // `officers`), and per officer the last (local) day a scheduled digest went out, so a restart
    // or a retry after a failed delivery never sends one officer two on one day.
    "CREATE TABLE officer_mail (
         officer TEXT PRIMARY KEY,
         address TEXT NOT NULL
     ) STRICT;
     CREATE TABLE digest_sent (
         officer TEXT PRIMARY KEY,
         day     INTEGER NOT NULL
     ) STRICT;",
    // 7: the inbox of a busy desk, queried in SQL rather than by reading every record: the
    // record's assignee, labels and extended feedback term copied beside it, and `due`, the next
    // deadline that still matters (NULL when none does), computed from those columns and the
    // desk's terms as the service last started with them. A covering index per sort order lets a
    // page of 100,000 reports be read from the index alone. `sent_from`: the desk that may still
    // take a transferred report back (its `previous` seal's desk).
    "ALTER TABLE reports ADD COLUMN assigned TEXT;
     ALTER TABLE reports ADD COLUMN labels TEXT NOT NULL DEFAULT '';
     ALTER TABLE reports ADD COLUMN feedback_days INTEGER;
     ALTER TABLE reports ADD COLUMN due INTEGER;
     ALTER TABLE reports ADD COLUMN sent_from TEXT;
     CREATE INDEX reports_sent_from ON reports (sent_from) WHERE sent_from IS NOT NULL;
     ALTER TABLE desks ADD COLUMN acknowledge_days INTEGER NOT NULL DEFAULT 7;
     ALTER TABLE desks ADD COLUMN feedback_days INTEGER NOT NULL DEFAULT 90;
     UPDATE reports SET
         sent_from = json_extract(record, '$.previous.desk'),
         feedback_days = json_extract(record, '$.extension.feedback_days');
     CREATE INDEX reports_by_due ON reports (desk, due, received, id, status, assigned, labels);
     CREATE INDEX reports_by_day ON reports (desk, received, id, status, due, assigned, labels);",
    // 8: the desk a report was transferred from, beside the record, so the sending desk's
    // statistics (issue 13) find the reports it handed on without reading every record.
    "ALTER TABLE reports ADD COLUMN forwarded_from TEXT;
     UPDATE reports SET forwarded_from = json_extract(record, '$.forwarded_from');
     CREATE INDEX reports_forwarded_from ON reports (forwarded_from)
         WHERE forwarded_from IS NOT NULL;",
];
