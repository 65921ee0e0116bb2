//! `meldpunt backup` and `meldpunt restore`: the command-line side of [`crate::backup`]. What
//! they print is what an operator's log of the nightly job should show: counts, the audit head
//! (to compare with the copy kept off the server), and for a restore every problem found.

use std::path::Path;

use super::{CommandError, CommandResult};
use crate::audit::AuditHead;
use crate::backup::{self, BackupError};
use crate::seal::{DeskRecipient, Recipients, recipients_of};

pub fn backup(data: &Path, out: &Path, recipients: &[String]) -> CommandResult {
    let keys: Vec<DeskRecipient> = recipients
        .iter()
        .map(|r| {
            r.trim().parse::<DeskRecipient>().map_err(|e| {
                CommandError::Refused(format!("--recipient {r:?} is not an age recipient: {e}"))
            })
        })
        .collect::<Result<_, _>>()?;
    let to: Recipients = recipients_of(&keys);
    let summary = backup::make(data, out, to).map_err(command_error)?;
    println!(
        "backup written to {}: {} reports, {} files, {} MiB before encryption",
        out.display(),
        summary.reports,
        summary.files,
        summary.bytes.div_ceil(1024 * 1024)
    );
    print_head(summary.audit_head.as_ref());
    Ok(())
}

pub fn restore(from: &Path, identity: &Path, data: &Path) -> CommandResult {
    let identity = crate::offline::identity::load(identity).map_err(CommandError::refused)?;
    let summary = backup::restore(from, &identity, data).map_err(|e| match e {
        BackupError::Failed(why) => CommandError::Failed(format!(
            "{why}; what was restored so far is in {}: remove it before trying again",
            data.display()
        )),
        other => command_error(other),
    })?;
    println!(
        "restored the backup of {} into {}: {} reports, {} files, {} audit entries",
        summary.day,
        data.display(),
        summary.reports,
        summary.files,
        summary.audit_entries
    );
    print_head(summary.audit_head.as_ref());
    if summary.problems.is_empty() {
        println!("every item and the audit chain are whole");
        return Ok(());
    }
    for problem in &summary.problems {
        println!("PROBLEM: {problem}");
    }
    Err(CommandError::Failed(format!(
        "the restore is NOT whole ({} problems, listed above); do not serve from {}",
        summary.problems.len(),
        data.display()
    )))
}

fn print_head(head: Option<&AuditHead>) {
    match head {
        Some((seq, hash)) => println!("audit log ends at entry {seq}: hash {hash}"),
        None => println!("audit log: empty"),
    }
}

fn command_error(e: BackupError) -> CommandError {
    match e {
        BackupError::Refused(why) => CommandError::Refused(why),
        BackupError::Failed(why) => CommandError::Failed(why),
    }
}
