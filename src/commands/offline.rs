//! `meldpunt keygen`, `seal-reply` and `transfer`: the offline desk tool's commands that write
//! one file. Anything that goes wrong refuses the whole command (exit 2).

use std::path::Path;

use super::{CommandError, CommandResult};
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

pub fn seal_reply(bundle: &Path, identity: &Path, message: &Path, out: &Path) -> CommandResult {
    let identity = identity::load(identity).map_err(CommandError::refused)?;
    reseal::seal_reply(bundle, &identity, message, out).map_err(CommandError::refused)?;
    eprintln!(
        "meldpunt: reply sealed for the reporter and the desk: {} — upload it on the report's page or with the API",
        out.display()
    );
    Ok(())
}

pub fn transfer(
    bundle: &Path,
    identity: &Path,
    to_desk: &str,
    to: &[String],
    out: &Path,
) -> CommandResult {
    let recipients = moving::parse_recipients(to).map_err(CommandError::refused)?;
    let identity = identity::load(identity).map_err(CommandError::refused)?;
    let manifest = moving::transfer(bundle, &identity, to_desk, &recipients, out)
        .map_err(CommandError::refused)?;
    eprintln!(
        "meldpunt: {} item(s) of report {} re-sealed for desk {to_desk}: {} — upload it on the report's page (Transfer) or with the API",
        manifest.items.len(),
        manifest.report,
        out.display()
    );
    Ok(())
}
