//! Entry point: parse the command line, set up logging, hand over to the library, and turn what
//! came back into a message and an exit code — here, once, for every command.

use std::process::ExitCode;

use clap::Parser;
use meldpunt::cli::{Cli, Command};
use meldpunt::commands::{self, CommandError, CommandResult};
use meldpunt::config::{self, Overrides};
use meldpunt::telemetry;
use meldpunt::web::startup::Application;

fn main() -> ExitCode {
    // Before anything is created: what any library makes for us is private too.
    meldpunt::private::restrict_umask();
    let cli = Cli::parse();
    let output = match telemetry::Output::from_env() {
        Ok(output) => output,
        Err(why) => return fail(telemetry::Output::default(), CommandError::refused(why)),
    };
    let filter = std::env::var("MELDPUNT_LOG").unwrap_or_else(|_| telemetry::DEFAULT_FILTER.into());
    telemetry::init(&filter, output, std::io::stderr);
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(output, e),
    }
}

/// The message, in the log's format, and the exit code.
fn fail(output: telemetry::Output, e: CommandError) -> ExitCode {
    output.fatal(&e.to_string());
    ExitCode::from(e.exit_code())
}

fn run(command: Command) -> CommandResult {
    match command {
        Command::Serve {
            config,
            data,
            listen,
            desk_listen,
        } => serve(Overrides {
            config,
            data,
            listen,
            desk_listen,
        }),
        Command::Officer(command) => commands::officer::run(command),
        Command::Audit(command) => commands::audit::run(command),
        Command::Digest(command) => commands::digest::run(command),
        Command::Backup {
            data,
            out,
            recipient,
        } => commands::backup::backup(&data.data, &out, &recipient),
        Command::Restore {
            from,
            identity,
            data,
        } => commands::backup::restore(&from, &identity, &data),
        Command::Purge { data, config } => commands::purge::run(&data.data, config.as_deref()),
        Command::Keygen { out, passphrase } => commands::offline::keygen(&out, passphrase),
        Command::Open {
            bundle,
            identity,
            out,
            max_mib,
        } => commands::open::run(&bundle, &identity, &out, max_mib),
        Command::SealReply {
            bundle,
            identity,
            desks,
            message,
            out,
        } => commands::offline::seal_reply(&bundle, &identity, &desks, &message, &out),
        Command::Transfer {
            bundle,
            identity,
            desks,
            to_desk,
            out,
        } => commands::offline::transfer(&bundle, &identity, &desks, Some(&to_desk), &out),
        Command::Rekey {
            bundle,
            identity,
            desks,
            out,
        } => commands::offline::transfer(&bundle, &identity, &desks, None, &out),
    }
}

/// A configuration that does not load is refused (2); a service that cannot start or stops with
/// an error has failed (1).
fn serve(overrides: Overrides) -> CommandResult {
    let settings = config::load(&overrides).map_err(CommandError::refused)?;
    actix_web::rt::System::new()
        .block_on(async move {
            let app = Application::build(settings)?;
            // It says "listening" (with the addresses) and, after a clean stop, "stopped".
            app.run_until_stopped()
                .await
                .map_err(meldpunt::web::startup::StartError::Run)
        })
        .map_err(CommandError::failed)
}
