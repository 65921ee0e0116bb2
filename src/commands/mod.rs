//! The administrative subcommands. Each opens the data folder itself; the database serves many
//! processes, so they work while the service runs, and what they change counts for the service's
//! very next request.

pub mod audit;
pub mod backup;
pub mod digest;
mod error;
pub mod officer;
pub mod offline;
pub mod open;
pub mod purge;

pub use error::{CommandError, CommandResult};
