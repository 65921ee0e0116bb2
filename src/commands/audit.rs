//! `meldpunt audit`: checks the audit log's hash chain from the command line, so an operator (or
//! a cron job) can tell an intact log from a tampered one by the exit code alone: 0 intact,
//! 1 broken, 2 when the log could not be read at all. Works while the service runs.

use std::path::Path;

use super::{CommandError, CommandResult};
use crate::audit::{AuditError, AuditLog};
use crate::cli::AuditCommand;
use crate::store::Store;

pub fn run(command: AuditCommand) -> CommandResult {
    match command {
        AuditCommand::Verify { data } => verify(&data.data),
    }
}

fn verify(data: &Path) -> CommandResult {
    // Opening the store would create a fresh, empty (and so "intact") folder: a mistyped path must
    // not pass as a verified log.
    if !data.is_dir() {
        return Err(CommandError::Refused(format!(
            "no data folder at {}",
            data.display()
        )));
    }
    Store::open(data).map_err(CommandError::refused)?;
    let log = AuditLog::open(data).map_err(CommandError::refused)?;
    match log.verify() {
        Ok(count) => {
            println!("audit log intact: {count} entries");
            // Whoever can write the database can rewrite the whole chain; a copy of the last hash
            // kept elsewhere (a printout, another machine) is what catches that.
            if let Some(last) = log.entries().ok().and_then(|e| e.last().cloned()) {
                println!(
                    "last entry {}: hash {} (keep a copy off this server)",
                    last.seq, last.hash
                );
            }
            Ok(())
        }
        Err(AuditError::Broken { seq, reason }) => Err(CommandError::Failed(format!(
            "audit log BROKEN at entry {seq}: {reason}"
        ))),
        Err(e) => Err(CommandError::refused(e)),
    }
}
