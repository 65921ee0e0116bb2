//! `meldpunt digest send`: the day's digest at once, to every officer with an address, for the
//! operator to test the mail settings. It records nothing, so the service's scheduled digest
//! still goes out. Exit codes: 0 every digest was accepted by the relay; 1 some were not (each
//! named on stderr); 2 refused before sending (no `[notify]`, a bad configuration or folder).

use std::path::Path;
use std::sync::Arc;

use super::{CommandError, CommandResult};
use crate::cli::DigestCommand;
use crate::config::{self, Overrides};
use crate::desk::officers::Officers;
use crate::domain::{Clock, SystemClock};
use crate::notify::{self, Mailer, Recipients};
use crate::store::Store;

pub fn run(command: DigestCommand) -> CommandResult {
    match command {
        DigestCommand::Send { data, config } => send(&data.data, &config),
    }
}

fn send(data: &Path, config_file: &Path) -> CommandResult {
    let settings = config::load(&Overrides {
        config: Some(config_file.to_owned()),
        data: Some(data.to_owned()),
        ..Default::default()
    })
    .map_err(CommandError::refused)?;
    let Some(notify) = &settings.notify else {
        return Err(CommandError::Refused(format!(
            "{} has no [notify] section: no digest is sent (nothing was changed)",
            config_file.display()
        )));
    };
    if !data.is_dir() {
        return Err(CommandError::Refused(format!(
            "the data folder {} does not exist",
            data.display()
        )));
    }
    let mailer = Mailer::new(notify).map_err(CommandError::refused)?;
    let store = Arc::new(Store::open(data).map_err(CommandError::refused)?);
    let officers = Officers::open(store.clone()).map_err(CommandError::refused)?;
    let delivery = notify::send_digests(
        &mailer,
        &store,
        &officers,
        &settings.desks,
        SystemClock.today(),
        Recipients::All,
    )
    .map_err(CommandError::refused)?;
    println!("digest sent to {} officer(s)", delivery.sent);
    if delivery.failed.is_empty() {
        return Ok(());
    }
    for (officer, error) in &delivery.failed {
        eprintln!("meldpunt: not sent to {officer}: {error}");
    }
    Err(CommandError::Failed(format!(
        "the digest did not reach {} officer(s)",
        delivery.failed.len()
    )))
}
