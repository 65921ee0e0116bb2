//! `meldpunt audit`: checks the audit log's hash chain from the command line, so an operator (or
//! a cron job) can tell an intact log from a tampered one by the exit code alone: 0 intact,
//! 1 broken, 2 when the log could not be read at all.

use std::path::Path;
use std::process::ExitCode;

use crate::audit::{AuditError, AuditLog};
use crate::cli::AuditCommand;
use crate::store::Store;

pub fn run(command: AuditCommand) -> ExitCode {
    match command {
        AuditCommand::Verify { data } => verify(&data.data),
    }
}

fn verify(data: &Path) -> ExitCode {
    // Opening the store would create a fresh, empty (and so "intact") folder: a mistyped path must
    // not pass as a verified log.
    if !data.is_dir() {
        eprintln!("meldpunt: no data folder at {}", data.display());
        return ExitCode::from(2);
    }
    let log = match open_log(data) {
        Ok(log) => log,
        Err(message) => {
            eprintln!("meldpunt: {message}");
            return ExitCode::from(2);
        }
    };
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
            ExitCode::SUCCESS
        }
        Err(AuditError::Broken { seq, reason }) => {
            eprintln!("audit log BROKEN at entry {seq}: {reason}");
            ExitCode::FAILURE
        }
        Err(e @ (AuditError::Store(_) | AuditError::DiskFull)) => {
            eprintln!("meldpunt: {e}");
            ExitCode::from(2)
        }
    }
}

/// Opens the log of an existing data folder, also while the service runs (the caller has checked
/// that the folder exists).
fn open_log(data: &Path) -> Result<AuditLog, String> {
    Store::open(data).map_err(|e| e.to_string())?;
    AuditLog::open(data).map_err(|e| e.to_string())
}
