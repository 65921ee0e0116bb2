//! Why a command did not succeed. Commands return a [`CommandError`]; `main` turns it into a
//! message on standard error and an exit code, in one place, so every command means the same by
//! the same code: 0 done, 1 the work ran and found something wrong or nothing to act on, 2 refused
//! before anything was done (bad input, a missing folder or file, storage failure).

use std::fmt::Display;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The work ran and found something wrong or missing: no such officer or token, a broken
    /// audit chain, items refused while opening a bundle, a purge that failed part-way.
    #[error("{0}")]
    Failed(String),
    /// Refused, with nothing changed: bad input, a missing folder or file, storage failure.
    #[error("{0}")]
    Refused(String),
}

pub type CommandResult = Result<(), CommandError>;

impl CommandError {
    pub fn refused(e: impl Display) -> CommandError {
        CommandError::Refused(e.to_string())
    }

    pub fn failed(e: impl Display) -> CommandError {
        CommandError::Failed(e.to_string())
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Failed(_) => 1,
            CommandError::Refused(_) => 2,
        }
    }
}
