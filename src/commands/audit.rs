//! `meldpunt audit`: checks the audit log's hash chain from the command line, so an operator (or
//! a cron job) can tell an intact log from a tampered one by the exit code alone: 0 intact,
//! 1 broken, 2 when the log could not be read at all; and prints it for people to read. Works
//! while the service runs.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use super::{CommandError, CommandResult};
use crate::audit::{AuditError, AuditLog, officers_never_added};
use crate::cli::AuditCommand;
use crate::desk::officers::Officers;
use crate::store::Store;

pub fn run(command: AuditCommand) -> CommandResult {
    match command {
        AuditCommand::Verify { data, expect } => verify(&data.data, expect.as_deref()),
        AuditCommand::Export { data } => export(&data.data),
    }
}

/// The log of an existing data folder. Opening the store would create a fresh, empty (and so
/// "intact") folder: a mistyped path must not pass as a verified log.
fn open(data: &Path) -> Result<(Arc<Store>, AuditLog), CommandError> {
    if !data.is_dir() {
        return Err(CommandError::Refused(format!(
            "no data folder at {}",
            data.display()
        )));
    }
    let store = Store::open(data).map_err(CommandError::refused)?;
    let log = AuditLog::open(data).map_err(CommandError::refused)?;
    Ok((Arc::new(store), log))
}

fn verify(data: &Path, expect: Option<&str>) -> CommandResult {
    let (store, log) = open(data)?;
    let count = match log.verify() {
        Ok(count) => count,
        Err(AuditError::Broken { seq, reason }) => {
            return Err(CommandError::Failed(format!(
                "audit log BROKEN at entry {seq}: {reason}"
            )));
        }
        Err(e) => return Err(CommandError::refused(e)),
    };
    let entries = log.entries().map_err(CommandError::refused)?;
    let officers: Vec<String> = Officers::open(store)
        .and_then(|o| o.list())
        .map_err(CommandError::refused)?
        .into_iter()
        .map(|o| o.name)
        .collect();
    // The chain cannot see its own start cut away; the officers who exist can: each was added
    // by an entry.
    let missing = officers_never_added(&entries, &officers);
    if !missing.is_empty() {
        let what = if entries.is_empty() {
            "EMPTY"
        } else {
            "SHORTENED"
        };
        return Err(CommandError::Failed(format!(
            "audit log {what}: no entry adds officer {} (the log lost its start)",
            missing.join(", ")
        )));
    }
    println!("audit log intact: {count} entries");
    let last = entries.last();
    match (expect, last) {
        (Some(want), Some(last)) if !last.hash.eq_ignore_ascii_case(want.trim()) => {
            return Err(CommandError::Failed(format!(
                "audit log does NOT end in the expected hash: it ends at entry {} with {}",
                last.seq, last.hash
            )));
        }
        (Some(_), None) => {
            return Err(CommandError::Failed(
                "audit log is empty, but a last hash was expected".into(),
            ));
        }
        _ => {}
    }
    if let Some(last) = last {
        // Whoever can write the database can rewrite the whole chain; a copy of the last hash
        // kept elsewhere (a printout, another machine) is what catches that: --expect.
        println!(
            "last entry {}: hash {} (keep a copy off this server)",
            last.seq, last.hash
        );
    }
    Ok(())
}

/// Every entry as a line of JSON, then the chain's check: a broken log is printed all the same
/// (it is evidence) and the exit code says so.
fn export(data: &Path) -> CommandResult {
    let (_, log) = open(data)?;
    let entries = log.entries().map_err(CommandError::refused)?;
    let mut out = std::io::stdout().lock();
    for entry in &entries {
        let line = serde_json::to_string(&entry.exported()).map_err(CommandError::failed)?;
        writeln!(out, "{line}").map_err(CommandError::failed)?;
    }
    out.flush().map_err(CommandError::failed)?;
    match log.verify() {
        Ok(_) => Ok(()),
        Err(AuditError::Broken { seq, reason }) => Err(CommandError::Failed(format!(
            "audit log BROKEN at entry {seq}: {reason}"
        ))),
        Err(e) => Err(CommandError::refused(e)),
    }
}
