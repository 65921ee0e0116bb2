//! `meldpunt officer`.

use std::process::ExitCode;

use crate::cli::OfficerCommand;

pub fn run(_command: OfficerCommand) -> ExitCode {
    eprintln!("meldpunt: officer commands are not built yet");
    ExitCode::FAILURE
}
