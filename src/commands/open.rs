//! `meldpunt open`: decrypts a bundle into a new folder and prints what was written and what was
//! refused. Exit codes: 0 when everything was opened, 1 when something was refused (the rest is
//! written), 2 when nothing could be done (output folder, bundle or identity unusable).

use std::path::Path;

use super::{CommandError, CommandResult};
use crate::offline::OfflineError;
use crate::offline::identity;
use crate::offline::open::open_bundle;

pub fn run(bundle: &Path, identity_file: &Path, out: &Path, max_mib: u64) -> CommandResult {
    let identity = identity::load(identity_file)
        .map_err(|e| CommandError::Refused(format!("{e}; check --identity")))?;
    let budget = max_mib.saturating_mul(1024 * 1024);
    let report = open_bundle(bundle, &identity, out, budget)
        .map_err(|e| CommandError::Refused(format!("{e}{}", hint(&e))))?;
    report.print();
    if !report.is_clean() {
        return Err(CommandError::Failed(format!(
            "{} thing(s) refused (see REFUSED above); the rest is in {}",
            report.refused.len(),
            out.display()
        )));
    }
    eprintln!("meldpunt: opened into {}", out.display());
    Ok(())
}

/// What to do next, for the errors whose message does not already say it.
fn hint(e: &OfflineError) -> &'static str {
    match e {
        OfflineError::Read { .. } => "; check the bundle's path",
        OfflineError::Hostile(_) => {
            "; download the bundle again from the desk area, and report it if this repeats"
        }
        OfflineError::Write { .. } => "; check the free space and permissions of --out",
        _ => "",
    }
}
