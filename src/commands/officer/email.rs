//! `meldpunt officer email`: the address an officer's daily digest goes to, set or removed, and
//! audited either way (with the address, so the log shows where digests were sent).

use super::{Admin, Failure};
use crate::audit::Action;

/// Sets `address` for `name`, or removes theirs when `address` is `None` (`--clear`).
pub(super) fn run(admin: &Admin, name: &str, address: Option<&str>) -> Result<(), Failure> {
    let officers = &admin.officers;
    let Some(address) = address else {
        let had = officers.clear_address(name)?;
        admin.record(Action::OfficerMailCleared, name)?;
        match had {
            true => println!("officer {name} gets no digest mail any more"),
            false => println!("officer {name} had no digest address"),
        }
        return Ok(());
    };
    let address: lettre::Address = address.parse().map_err(|e| {
        Failure::Refused(format!(
            "{address:?} is not a mail address: {e} (nothing was changed)"
        ))
    })?;
    officers.set_address(name, &address)?;
    admin.record(Action::OfficerMailSet, &format!("{name}: {address}"))?;
    println!("officer {name} gets the daily digest at {address}");
    Ok(())
}
