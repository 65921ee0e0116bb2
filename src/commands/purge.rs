//! `meldpunt purge`: delete closed reports past their retention, by hand (the service also does
//! it daily). Needs the configuration for each desk's retention days; without one, the demo desks'
//! 365 days apply.

use std::path::Path;
use std::process::ExitCode;

use crate::audit::AuditLog;
use crate::config::{self, Overrides};
use crate::desk::retention;
use crate::domain::{Clock, SystemClock};
use crate::store::Store;

pub fn run(data: &Path, config_file: Option<&Path>) -> ExitCode {
    if !data.is_dir() {
        eprintln!("meldpunt: data folder {} does not exist", data.display());
        return ExitCode::from(2);
    }
    let mut settings = match config::load(&Overrides {
        config: config_file.map(Path::to_owned),
        data: Some(data.to_owned()),
        listen: None,
    }) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("meldpunt: {e}");
            return ExitCode::from(2);
        }
    };
    // The store first: a folder of an older format is refused before anything is written.
    let store = match Store::open(data) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("meldpunt: {e}");
            return ExitCode::from(2);
        }
    };
    if settings.demo
        && let Err(e) = crate::demo::prepare(&mut settings)
    {
        eprintln!("meldpunt: {e}");
        return ExitCode::from(2);
    }
    let audit = match AuditLog::open(data) {
        Ok(audit) => audit,
        Err(e) => {
            eprintln!("meldpunt: {e}");
            return ExitCode::FAILURE;
        }
    };
    let clock = SystemClock;
    match retention::purge(
        &store,
        &audit,
        &settings.desks,
        clock.today(),
        clock.now_unix(),
    ) {
        Ok(deleted) => {
            println!("purged {} report(s)", deleted.len());
            for id in deleted {
                println!("  {id}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("meldpunt: purge failed: {e}");
            ExitCode::FAILURE
        }
    }
}
