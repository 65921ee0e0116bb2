//! `meldpunt audit`.

use std::process::ExitCode;

use crate::cli::AuditCommand;

pub fn run(command: AuditCommand) -> ExitCode {
    match command {
        AuditCommand::Verify { .. } => {
            eprintln!("meldpunt: audit verify is not built yet");
            ExitCode::FAILURE
        }
    }
}
