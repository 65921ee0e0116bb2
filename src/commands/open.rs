//! `meldpunt open` (being written).

use std::path::Path;
use std::process::ExitCode;

pub fn run(_bundle: &Path, _identity: &Path, _out: &Path, _max_mib: u64) -> ExitCode {
    eprintln!("meldpunt: open is not built yet");
    ExitCode::FAILURE
}
