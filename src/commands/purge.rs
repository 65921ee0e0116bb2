//! `meldpunt purge`.

use std::path::Path;
use std::process::ExitCode;

pub fn run(_data: &Path, _config: Option<&Path>) -> ExitCode {
    eprintln!("meldpunt: purge is not built yet");
    ExitCode::FAILURE
}
