//! The officer's own desk's figures for a year (issue 13): the records are streamed from the
//! store and counted as they pass (see [`crate::desk::statistics`] for the rules), so a busy
//! desk's year never sits in memory whole. Desks are walls here too: the desk is the officer's,
//! never one asked for. Reading figures is not audited: they name no report and hold no content.

use super::DeskWork;
use super::error::DeskError;
use crate::desk::statistics::{Tally, YearFigures};
use crate::domain::Day;

/// The first year figures are asked for: no report can be older than the service.
pub const FIRST_YEAR: i32 = 2020;

impl DeskWork {
    /// The year's figures of this officer's desk, month by month up to today.
    pub fn statistics(&self, year: i32) -> Result<YearFigures, DeskError> {
        let desk = self.desk()?;
        let today = self.installation.clock.today();
        let (this_year, _, _) = today.ymd();
        let refused = DeskError::Invalid("desk_err_year");
        if !(FIRST_YEAR..=this_year).contains(&year) {
            return Err(refused);
        }
        let (Some(from), Some(until)) = (
            Day::first_of_month(year, 1),
            Day::first_of_month(year + 1, 1),
        ) else {
            return Err(refused);
        };
        let mut tally = Tally::new(desk, year, today);
        self.installation
            .store
            .each_for_statistics(&desk.id, from, until, |record| tally.add(record))
            .map_err(DeskError::from)?;
        Ok(tally.finish())
    }
}
