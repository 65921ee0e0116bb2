//! `meldpunt purge`: delete closed reports past their retention, by hand (the service also does
//! it daily). Each desk's retention comes from `--config`, or from what the service recorded when
//! it last started on the folder; with neither, it refuses. It makes no keys and no desks: a real
//! data folder never gets demo keys, and a demo folder stays a demo folder.

use std::path::Path;

use super::{CommandError, CommandResult};
use crate::audit::AuditLog;
use crate::config::{self, Overrides};
use crate::desk::retention;
use crate::domain::{Clock, SystemClock};
use crate::store::{KnownDesk, StartedWith, Store};

pub fn run(data: &Path, config_file: Option<&Path>) -> CommandResult {
    if !data.is_dir() {
        return Err(CommandError::Refused(format!(
            "data folder {} does not exist",
            data.display()
        )));
    }
    // The store first: a folder of an older format is refused before anything is written.
    let store = Store::open(data).map_err(CommandError::refused)?;
    let desks = desks(&store, data, config_file)?;
    let audit = AuditLog::open(data).map_err(CommandError::refused)?;
    let clock = SystemClock;
    let deleted = retention::purge(&store, &audit, &desks, clock.today(), clock.now_unix())
        .map_err(|e| CommandError::Failed(format!("purge failed: {e}")))?;
    println!("purged {} report(s)", deleted.len());
    for id in deleted {
        println!("  {id}");
    }
    Ok(())
}

/// The desks whose retention applies: the configuration's, else the last start's.
fn desks(
    store: &Store,
    data: &Path,
    config_file: Option<&Path>,
) -> Result<Vec<KnownDesk>, CommandError> {
    if let Some(file) = config_file {
        let settings = config::load(&Overrides {
            config: Some(file.to_owned()),
            data: Some(data.to_owned()),
            ..Default::default()
        })
        .map_err(CommandError::refused)?;
        return Ok(StartedWith::of(&settings).desks);
    }
    match store.last_start().map_err(CommandError::refused)? {
        Some(started) => Ok(started.desks),
        None => Err(CommandError::Refused(
            "this data folder does not say which desks it serves (the service records them when \
             it starts): start the service on it once, or name its configuration with \
             --config FILE (nothing was changed)"
                .into(),
        )),
    }
}
