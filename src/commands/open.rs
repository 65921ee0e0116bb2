//! `meldpunt open`: decrypts a bundle into a new folder and prints what was written and what was
//! refused. Exit codes: 0 when everything was opened, 1 when something was refused (the rest is
//! written), 2 when nothing could be done (output folder, bundle or identity unusable).

use std::path::Path;
use std::process::ExitCode;

use crate::offline::OfflineError;
use crate::offline::identity;
use crate::offline::open::open_bundle;

pub fn run(bundle: &Path, identity_file: &Path, out: &Path, max_mib: u64) -> ExitCode {
    let identity = match identity::load(identity_file) {
        Ok(identity) => identity,
        Err(e) => {
            eprintln!("meldpunt: {e}; check --identity");
            return ExitCode::from(2);
        }
    };
    let budget = max_mib.saturating_mul(1024 * 1024);
    match open_bundle(bundle, &identity, out, budget) {
        Ok(report) => {
            report.print();
            if report.is_clean() {
                eprintln!("meldpunt: opened into {}", out.display());
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "meldpunt: {} thing(s) refused (see REFUSED above); the rest is in {}",
                    report.refused.len(),
                    out.display()
                );
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("meldpunt: {e}{}", hint(&e));
            ExitCode::from(2)
        }
    }
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
