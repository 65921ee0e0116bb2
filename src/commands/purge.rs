//! `meldpunt purge`: delete closed reports past their retention, by hand (the service also does
//! it daily). Needs the configuration for each desk's retention days; without one, the demo desks'
//! 365 days apply.

use std::path::Path;

use super::{CommandError, CommandResult};
use crate::audit::AuditLog;
use crate::config::{self, Overrides};
use crate::desk::retention;
use crate::domain::{Clock, SystemClock};
use crate::store::Store;

pub fn run(data: &Path, config_file: Option<&Path>) -> CommandResult {
    if !data.is_dir() {
        return Err(CommandError::Refused(format!(
            "data folder {} does not exist",
            data.display()
        )));
    }
    let mut settings = config::load(&Overrides {
        config: config_file.map(Path::to_owned),
        data: Some(data.to_owned()),
        listen: None,
    })
    .map_err(CommandError::refused)?;
    // The store first: a folder of an older format is refused before anything is written.
    let store = Store::open(data).map_err(CommandError::refused)?;
    if settings.demo {
        crate::demo::prepare(&mut settings).map_err(CommandError::refused)?;
    }
    let audit = AuditLog::open(data).map_err(CommandError::refused)?;
    let clock = SystemClock;
    let deleted = retention::purge(
        &store,
        &audit,
        &settings.desks,
        clock.today(),
        clock.now_unix(),
    )
    .map_err(|e| CommandError::Failed(format!("purge failed: {e}")))?;
    println!("purged {} report(s)", deleted.len());
    for id in deleted {
        println!("  {id}");
    }
    Ok(())
}
