//! `meldpunt officer …`: adding, listing and removing desk officers, and creating and revoking
//! their API tokens, also while the service runs: it reads officers and tokens from the
//! database at every request, so a change here counts from its next request.
//!
//! Exit codes: 0 done; 1 nothing to act on (no such officer or token); 2 refused or failed
//! (missing data folder, bad input, storage errors). Nothing is
//! changed on 1 or 2. Secrets printed here (the TOTP enrolment, a new token) go to stdout only,
//! once; messages go to stderr.

mod email;
mod qr;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::ExposeSecret;

use super::{CommandError as Failure, CommandResult};
use crate::audit::{Action, AuditLog};
use crate::cli::OfficerCommand;
use crate::desk::officers::{self, OfficerError, Officers};
use crate::domain::{Clock, DeskId, SystemClock};
use crate::passwords;
use crate::store::Store;

impl From<OfficerError> for Failure {
    fn from(e: OfficerError) -> Failure {
        match e {
            OfficerError::Unknown(_) => Failure::failed(e),
            other => Failure::refused(other),
        }
    }
}

pub fn run(command: OfficerCommand) -> CommandResult {
    match command {
        OfficerCommand::Add {
            data,
            desk,
            name,
            password_stdin,
            config,
            admin,
        } => add(&data.data, &desk, &name, password_stdin, config, admin),
        OfficerCommand::List { data } => list(&data.data),
        OfficerCommand::Remove { data, name } => remove(&data.data, &name),
        OfficerCommand::Token { data, name, days } => token(&data.data, &name, days),
        OfficerCommand::Revoke { data, token_id } => revoke(&data.data, &token_id),
        OfficerCommand::Email {
            data,
            name,
            address,
            clear: _,
        } => email::run(&data.data, &name, address.as_deref()),
    }
}

/// Opens the officers of an existing data folder. Refuses a folder that does not exist rather
/// than creating one: a typo in `--data` should not start a second, empty installation.
fn open(data: &Path) -> Result<Officers, Failure> {
    Ok(Admin::open(data)?.officers)
}

/// The name under which administrative commands appear in the audit log.
const ADMIN: &str = "admin (command line)";

/// The officers of a data folder, with the audit log their changes are recorded in.
struct Admin {
    store: Arc<Store>,
    officers: Officers,
    audit: AuditLog,
}

impl Admin {
    fn open(data: &Path) -> Result<Admin, Failure> {
        if !data.is_dir() {
            return Err(Failure::Refused(format!(
                "the data folder {} does not exist (nothing was changed)",
                data.display()
            )));
        }
        let store = Arc::new(Store::open(data).map_err(|e| Failure::Refused(e.to_string()))?);
        let audit = AuditLog::open(data).map_err(|e| Failure::Refused(e.to_string()))?;
        let officers = Officers::open(store.clone())?;
        Ok(Admin {
            store,
            officers,
            audit,
        })
    }

    /// Refuses a desk no tip reaches: one not in the configuration given, or (without one) not
    /// among the desks the service last started with on this data folder.
    fn check_desk(&self, desk: &DeskId, config: Option<PathBuf>) -> Result<(), Failure> {
        let known: Vec<DeskId> = match config {
            Some(file) => crate::config::load(&crate::config::Overrides {
                config: Some(file),
                ..Default::default()
            })
            .map_err(Failure::refused)?
            .desks
            .into_iter()
            .map(|d| d.id)
            .collect(),
            None => self.store.known_desks().map_err(Failure::refused)?,
        };
        if known.is_empty() {
            return Err(Failure::Refused(
                "this data folder does not know its desks yet: start the service on it once, or \
                 name the service's configuration with --config FILE (nothing was changed)"
                    .into(),
            ));
        }
        if !known.contains(desk) {
            let names: Vec<&str> = known.iter().map(DeskId::as_str).collect();
            return Err(Failure::Refused(format!(
                "there is no desk {desk} here; the desks are: {} (nothing was changed)",
                names.join(", ")
            )));
        }
        Ok(())
    }

    /// Appends one audited action and makes it durable.
    fn record(&self, action: Action, detail: &str) -> Result<(), Failure> {
        self.audit
            .append(SystemClock.now_unix(), ADMIN, action, None, Some(detail))
            .map_err(|e| Failure::Refused(format!("audit log: {e}")))?;
        Ok(())
    }
}

fn add(
    data: &Path,
    desk: &str,
    name: &str,
    password_stdin: bool,
    config: Option<PathBuf>,
    as_admin: bool,
) -> Result<(), Failure> {
    let desk: DeskId = desk.parse().map_err(Failure::Refused)?;
    officers::validate_name(name)?;
    // The store first: asking for a password only to say the folder is in use would be rude.
    let admin = Admin::open(data)?;
    admin.check_desk(&desk, config)?;
    let officers = &admin.officers;
    // Likewise before asking: `add` checks again, under its lock.
    if officers.get(name)?.is_some() {
        return Err(OfficerError::Exists(name.to_owned()).into());
    }
    let password = if password_stdin {
        passwords::from_stdin()
    } else {
        passwords::new_on_terminal("New officer's password (at least 14 characters): ")
    }
    .map_err(|e| Failure::Refused(e.to_string()))?;
    let (officer, uri) = officers.add_officer(&officers::NewOfficer {
        name,
        desk: &desk,
        password: &password,
        admin: as_admin,
        temporary: false,
    })?;
    let role = if as_admin { ", admin" } else { "" };
    admin.record(
        Action::OfficerAdded,
        &format!("{} at desk {}{role}", officer.name, officer.desk),
    )?;
    println!(
        "officer {} added to desk {}{role}",
        officer.name, officer.desk
    );
    println!("Enrol the officer's authenticator app with this URI or the QR code below:");
    println!("{}", uri.expose_secret());
    match qr::render(uri.expose_secret()) {
        Some(code) => println!("{}", code.as_str()),
        None => eprintln!("meldpunt: the QR code could not be drawn; use the URI above"),
    }
    Ok(())
}

fn list(data: &Path) -> Result<(), Failure> {
    let officers = open(data)?;
    let all = officers.list()?;
    if all.is_empty() {
        eprintln!("meldpunt: no officers yet");
    }
    for officer in all {
        let tokens: Vec<String> = officer
            .tokens
            .iter()
            .map(|t| {
                if t.revoked {
                    format!("{} (revoked)", t.id)
                } else {
                    let until = crate::domain::Day::of_unix(t.expires);
                    format!("{} (until {until})", t.id)
                }
            })
            .collect();
        let tokens = if tokens.is_empty() {
            String::from("none")
        } else {
            tokens.join(", ")
        };
        let role = if officer.admin { "\tadmin" } else { "" };
        println!(
            "{}\tdesk {}{role}\ttokens: {tokens}",
            officer.name, officer.desk
        );
    }
    Ok(())
}

fn remove(data: &Path, name: &str) -> Result<(), Failure> {
    let admin = Admin::open(data)?;
    let officers = &admin.officers;
    if !officers.remove(name)? {
        return Err(Failure::Failed(format!("no officer named {name}")));
    }
    admin.record(Action::OfficerRemoved, name)?;
    println!("officer {name} removed and their tokens revoked");
    Ok(())
}

fn token(data: &Path, name: &str, days: u32) -> Result<(), Failure> {
    let admin = Admin::open(data)?;
    let officers = &admin.officers;
    let (id, token) = officers.create_token(name, SystemClock.now_unix(), days)?;
    // The id, never the token.
    admin.record(Action::TokenCreated, &format!("token {id} for {name}"))?;
    println!("token {id} created for {name}, valid for {days} days; it is shown only this once:");
    // Scripts take the last line: keep the token there.
    println!("{}", token.expose_secret());
    Ok(())
}

fn revoke(data: &Path, id: &str) -> Result<(), Failure> {
    let admin = Admin::open(data)?;
    let officers = &admin.officers;
    if !officers.revoke_token(id)? {
        return Err(Failure::Failed(format!("no token with id {id}")));
    }
    admin.record(Action::TokenRevoked, &format!("token {id}"))?;
    println!("token {id} revoked");
    Ok(())
}
