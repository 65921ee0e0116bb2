//! `meldpunt officer email`: the address an officer's daily digest goes to, set or removed, and
//! audited either way (with the address, so the log shows where digests were sent).

use std::path::Path;

use super::{Admin, Failure};
use crate::audit::Action;

/// Sets `address` for `name`, or removes theirs when `address` is `None` (`--clear`).
pub(super) fn run(data: &Path, name: &str, address: Option<&str>) -> Result<(), Failure> {
    // The address first: bad input is refused before the data folder is opened.
    let address = address
        .map(|a| {
            a.parse::<lettre::Address>().map_err(|e| {
                Failure::Refused(format!(
                    "{a:?} is not a mail address: {e} (nothing was changed)"
                ))
            })
        })
        .transpose()?;
    let admin = Admin::open(data)?;
    let officers = &admin.officers;
    let Some(address) = address else {
        if !officers.clear_address(name)? {
            println!("officer {name} had no digest address");
            return Ok(());
        }
        admin.record(Action::OfficerMailCleared, name)?;
        println!("officer {name} gets no digest mail any more");
        return Ok(());
    };
    officers.set_address(name, &address)?;
    admin.record(Action::OfficerMailSet, &format!("{name}: {address}"))?;
    println!("officer {name} gets the daily digest at {address}");
    Ok(())
}
