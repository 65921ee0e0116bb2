//! The connections a [`Database`] lends out: at most a few per database and process, each given
//! back when its [`Pooled`] handle is dropped, and dropped instead when it comes back inside a
//! transaction (a panic mid-way), so no later user inherits someone else's half-done work.

use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

use super::Database;

/// A connection lent from the pool; it goes back when dropped.
pub struct Pooled<'a> {
    database: &'a Database,
    connection: Option<Connection>,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Some from construction until drop.
        self.connection.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.connection.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl<'a> Pooled<'a> {
    pub(super) fn new(database: &'a Database, connection: Connection) -> Pooled<'a> {
        Pooled {
            database,
            connection: Some(connection),
        }
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            // A connection left inside a transaction (a panic mid-way) is not lent out again.
            if connection.is_autocommit() {
                lock(&self.database.idle).push(connection);
            } else {
                *lock(&self.database.opened) -= 1;
            }
        }
        // Whatever the connection read or wrote set the files' times.
        self.database.blur_times();
        self.database.returned.notify_one();
    }
}

/// The pool's locks guard plain counters and a stack; a panic elsewhere leaves them usable.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
