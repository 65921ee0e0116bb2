//! The administrative subcommands. Each opens the data folder itself, which fails with a clear
//! message while the service holds it (sled allows one process), so nothing changes under a
//! running service.

pub mod audit;
pub mod officer;
pub mod offline;
pub mod open;
pub mod purge;
