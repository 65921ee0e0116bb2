//! `meldpunt keygen`, `seal-reply` and `transfer` (being written).

use std::path::Path;
use std::process::ExitCode;

pub fn keygen(out: &Path, protect: bool) -> ExitCode {
    match crate::offline::keygen::keygen(out, protect) {
        Ok(recipient) => {
            eprintln!(
                "meldpunt: identity written to {} (keep it on this offline machine)",
                out.display()
            );
            eprintln!("meldpunt: put this public key in the desk's recipients on the server:");
            println!("{recipient}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("meldpunt: {e}");
            ExitCode::from(2)
        }
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("meldpunt: {e}");
    ExitCode::from(2)
}

pub fn seal_reply(bundle: &Path, identity: &Path, message: &Path, out: &Path) -> ExitCode {
    let identity = match crate::offline::identity::load(identity) {
        Ok(identity) => identity,
        Err(e) => return fail(e),
    };
    match crate::offline::reseal::seal_reply(bundle, &identity, message, out) {
        Ok(()) => {
            eprintln!(
                "meldpunt: reply sealed for the reporter and the desk: {} — upload it on the report's page or with the API",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

pub fn transfer(
    bundle: &Path,
    identity: &Path,
    to_desk: &str,
    to: &[String],
    out: &Path,
) -> ExitCode {
    let recipients = match crate::offline::reseal::parse_recipients(to) {
        Ok(recipients) => recipients,
        Err(e) => return fail(e),
    };
    let identity = match crate::offline::identity::load(identity) {
        Ok(identity) => identity,
        Err(e) => return fail(e),
    };
    match crate::offline::reseal::transfer(bundle, &identity, to_desk, &recipients, out) {
        Ok(manifest) => {
            eprintln!(
                "meldpunt: {} item(s) of report {} re-sealed for desk {to_desk}: {} — upload it on the report's page (Transfer) or with the API",
                manifest.items.len(),
                manifest.report,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}
