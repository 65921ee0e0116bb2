//! `meldpunt keygen`, `seal-reply`, `transfer` and `rekey`: the offline desk tool's commands that write
//! one file. Anything that goes wrong refuses the whole command (exit 2).

use std::path::Path;

use super::{CommandError, CommandResult};
use crate::offline::desks::Directory;
use crate::offline::{identity, keygen as make, reseal, transfer as moving};

pub fn keygen(out: &Path, protect: bool) -> CommandResult {
    let recipient = make::keygen(out, protect).map_err(CommandError::refused)?;
    eprintln!(
        "meldpunt: identity written to {} (keep it on this offline machine)",
        out.display()
    );
    eprintln!("meldpunt: put this public key in the desk's recipients on the server:");
    println!("{recipient}");
    Ok(())
}

pub fn seal_reply(
    bundle: &Path,
    identity: &Path,
    desks: &Path,
    message: &Path,
    out: &Path,
) -> CommandResult {
    let directory = Directory::load(desks).map_err(CommandError::refused)?;
    let identity = identity::load(identity).map_err(CommandError::refused)?;
    reseal::seal_reply(bundle, &identity, &directory, message, out)
        .map_err(CommandError::refused)?;
    eprintln!(
        "meldpunt: reply sealed for the reporter and the desk, for this report only: {} — upload it on the report's page or with the API",
        out.display()
    );
    Ok(())
}

/// `transfer` (to another desk) and `rekey` (`to_desk` None: the report's own desk).
pub fn transfer(
    bundle: &Path,
    identity: &Path,
    desks: &Path,
    to_desk: Option<&str>,
    out: &Path,
) -> CommandResult {
    let directory = Directory::load(desks).map_err(CommandError::refused)?;
    let identity = identity::load(identity).map_err(CommandError::refused)?;
    let manifest = moving::transfer(bundle, &identity, to_desk, &directory, out)
        .map_err(CommandError::refused)?;
    let to = manifest
        .to
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    eprintln!(
        "meldpunt: {} item(s) of report {} re-sealed for desk {to} ({} recipient(s) from {}): {} — upload it on the report's page (Transfer) or with the API",
        manifest.items.len(),
        manifest.report,
        manifest.recipients.len(),
        desks.display(),
        out.display()
    );
    Ok(())
}
