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

pub fn seal_reply(_bundle: &Path, _identity: &Path, _message: &Path, _out: &Path) -> ExitCode {
    eprintln!("meldpunt: seal-reply is not built yet");
    ExitCode::FAILURE
}

pub fn transfer(
    _bundle: &Path,
    _identity: &Path,
    _to_desk: &str,
    _to: &[String],
    _out: &Path,
) -> ExitCode {
    eprintln!("meldpunt: transfer is not built yet");
    ExitCode::FAILURE
}
