//! One SQLite database file, opened the way every part of meldpunt needs it: WAL, so readers in
//! this and other processes (the admin commands) never wait for the writer; `synchronous=FULL`,
//! so a committed transaction has been fsync'd before `commit` returns; `secure_delete`, so a
//! deleted row is overwritten rather than left in a free page; foreign keys on; and a busy
//! timeout, so that when two processes write at once one waits for the other instead of failing.
//!
//! Connections come from a small bounded pool: SQLite connections are not `Sync`, and opening one
//! per request would re-read the schema every time. The pool is written here rather than taken
//! from `r2d2_sqlite` because that crate pins an older `rusqlite` whose bundled SQLite cannot be
//! linked next to ours; what we need is a stack of connections and a condition variable.
//!
//! Schemas are numbered SQL migrations run in one immediate transaction against
//! `PRAGMA user_version`, so two processes starting at once apply each step exactly once.

use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, PoisonError};

mod pool;
pub use pool::Pooled;
use pool::lock;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use zeroize::Zeroizing;

/// How long a writer waits for another process's write transaction before giving up. Admin
/// commands and retention hold the lock for milliseconds; this is for the unexpected.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections per database and process. Writes are serialised by SQLite anyway; a few readers
/// may run beside one writer.
const POOL_SIZE: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the disk is full")]
    DiskFull,
    #[error("database failed: {0}")]
    Sqlite(rusqlite::Error),
    #[error("cannot create the database file: {0}")]
    Io(#[from] io::Error),
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> DbError {
        if is_disk_full(&e) {
            DbError::DiskFull
        } else {
            DbError::Sqlite(e)
        }
    }
}

/// SQLite says "full" for ENOSPC on the database or its WAL; an I/O error whose errno is ENOSPC
/// (when creating the WAL index, say) means the same thing to the user.
fn is_disk_full(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(failure, _) => {
            failure.code == ErrorCode::DiskFull
                || (failure.code == ErrorCode::SystemIoFailure && last_errno_is_enospc())
        }
        _ => false,
    }
}

fn last_errno_is_enospc() -> bool {
    io::Error::last_os_error().raw_os_error() == Some(28)
}

/// A migration: the SQL that takes the schema from version `index` to `index + 1`.
pub type Migration = &'static str;

pub struct Database {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Connections open, idle or lent out; never more than [`POOL_SIZE`].
    opened: Mutex<usize>,
    returned: Condvar,
}

impl Database {
    /// Opens (creating it with mode 0600 if need be) the database at `path` and brings its schema
    /// up to date. SQLite gives its `-wal` and `-shm` files the same mode as the database.
    pub fn open(path: &Path, migrations: &[Migration]) -> Result<Database, DbError> {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
        let database = Database {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            opened: Mutex::new(0),
            returned: Condvar::new(),
        };
        database.migrate(migrations)?;
        Ok(database)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A connection for this thread, waiting for one to come back when all are lent out.
    pub fn connection(&self) -> Result<Pooled<'_>, DbError> {
        let mut opened = lock(&self.opened);
        loop {
            if let Some(connection) = lock(&self.idle).pop() {
                return Ok(Pooled::new(self, connection));
            }
            if *opened < POOL_SIZE {
                let connection = self.connect()?;
                *opened += 1;
                return Ok(Pooled::new(self, connection));
            }
            opened = self
                .returned
                .wait(opened)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Runs `work` in one immediate (write-locking) transaction and commits it; with
    /// `synchronous=FULL` the change is durable when this returns. An error rolls everything back.
    pub fn write<T, E>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let mut connection = self.connection()?;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(DbError::from)?;
        let value = work(&transaction)?;
        transaction.commit().map_err(DbError::from)?;
        Ok(value)
    }

    /// Sets the database's file and folder times to the start of today (UTC): writes change
    /// them, and reads set the files' access times; they must not say when, to the second, the
    /// last tip came. Done each time a connection comes back to the pool, so after every read
    /// and write. (The inode change time cannot be set.)
    ///
    /// By path, never through a file of our own: closing any descriptor of the database file
    /// would drop every POSIX lock this process holds on it, SQLite's included, and another
    /// process would then take this one's snapshot for unused and truncate the WAL under it.
    fn blur_times(&self) {
        let beside = |suffix: &str| {
            let mut name = self.path.clone().into_os_string();
            name.push(suffix);
            Some(PathBuf::from(name))
        };
        let folder = self.path.parent().map(Path::to_owned);
        let all = [
            Some(self.path.clone()),
            beside("-wal"),
            beside("-shm"),
            folder,
        ];
        crate::store::times::blur_today(all.into_iter().flatten());
    }

    /// Runs `work` in one read transaction: everything it reads comes from one snapshot.
    pub fn read<T, E>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let mut connection = self.connection()?;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(DbError::from)?;
        work(&transaction)
    }

    /// A consistent copy of the whole database, as the bytes of a database file, taken while
    /// other connections and processes go on writing: `read` runs first, in the same read
    /// transaction, so what it reads and the copy come from one snapshot. The copy is in memory
    /// (a file on disk would be a second, unencrypted copy of officer credentials), so this
    /// takes as much memory as the database is large.
    pub fn snapshot<T, E>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<(Zeroizing<Vec<u8>>, T), E>
    where
        E: From<DbError>,
    {
        let mut connection = self.connection()?;
        connection
            .execute_batch("BEGIN DEFERRED")
            .map_err(DbError::from)?;
        let taken = (|| {
            // The first read starts the snapshot; `serialize` then reads the same one.
            let value = read(&connection)?;
            let bytes = connection.serialize("main").map_err(DbError::from)?;
            Ok((Zeroizing::new(bytes.to_vec()), value))
        })();
        // A read transaction holds nothing to keep: ending it cannot lose anything.
        let _ = connection.execute_batch("COMMIT");
        taken
    }

    /// Moves everything from the WAL into the database file and truncates the WAL to nothing, so
    /// that the older page images of a deleted row do not linger there. Waits (busy timeout) for
    /// readers that still look at an older snapshot.
    pub fn checkpoint(&self) -> Result<(), DbError> {
        let connection = self.connection()?;
        let busy: i64 =
            connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
        if busy != 0 {
            return Err(DbError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                Some("the WAL could not be emptied: a reader held it".into()),
            )));
        }
        Ok(())
    }

    fn connect(&self) -> Result<Connection, DbError> {
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        // journal_mode is stored in the file; the others hold per connection.
        let mode: String = connection.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(DbError::Sqlite(rusqlite::Error::InvalidQuery));
        }
        connection.execute_batch(
            "PRAGMA synchronous=FULL;
             PRAGMA foreign_keys=ON;
             PRAGMA secure_delete=ON;
             PRAGMA trusted_schema=OFF;",
        )?;
        Ok(connection)
    }

    fn migrate(&self, migrations: &[Migration]) -> Result<(), DbError> {
        // Reading first keeps an up-to-date database from being written at every open, which
        // would need room on a disk that may be full.
        let current: i64 = self
            .connection()?
            .query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if usize::try_from(current).is_ok_and(|v| v == migrations.len()) {
            return Ok(());
        }
        self.write(|tx| {
            let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            let version = usize::try_from(version).unwrap_or(usize::MAX);
            if version > migrations.len() {
                // A newer meldpunt wrote this; refuse rather than guess.
                return Err(DbError::Sqlite(rusqlite::Error::InvalidQuery));
            }
            for sql in migrations.iter().skip(version) {
                tx.execute_batch(sql)?;
            }
            tx.pragma_update(
                None,
                "user_version",
                i64::try_from(migrations.len()).unwrap_or(i64::MAX),
            )?;
            Ok(())
        })
    }
}

impl Drop for Database {
    /// The last connection to close removes the `-wal` and `-shm` files, which changes the
    /// folder's time once more.
    fn drop(&mut self) {
        lock(&self.idle).clear();
        self.blur_times();
    }
}

#[cfg(test)]
mod tests;
