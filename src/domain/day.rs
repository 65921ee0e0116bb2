//! Calendar days and the clock that hands them out.
//!
//! Everything the server records about a reporter's actions is kept at day precision, so a seized
//! disk cannot be lined up against a network log to the second. Time is a parameter (`Clock`) so
//! deadline and retention logic can be tested without sleeping.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Days since 1970-01-01 (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Day(pub i64);

impl Day {
    /// The day a Unix time falls on (UTC).
    pub fn of_unix(unix: u64) -> Day {
        Day(i64::try_from(unix / 86_400).unwrap_or(i64::MAX))
    }

    pub fn plus(self, days: u32) -> Day {
        Day(self.0 + i64::from(days))
    }

    /// The start of this day as a `SystemTime`, used to blur file times.
    pub fn as_system_time(self) -> SystemTime {
        let secs = u64::try_from(self.0.max(0)).unwrap_or(0) * 86_400;
        UNIX_EPOCH + std::time::Duration::from_secs(secs)
    }

    /// ISO date, e.g. `2026-11-23`.
    pub fn iso(self) -> String {
        self.to_string()
    }
}

impl Day {
    /// Year, month (1–12) and day of the month, for pages that write the date in words.
    pub fn ymd(self) -> (i32, u8, u8) {
        let date = time::Date::from_julian_day(UNIX_EPOCH_JULIAN + self.0 as i32)
            .unwrap_or(time::macros::date!(1970 - 01 - 01));
        (date.year(), u8::from(date.month()), date.day())
    }
}

impl Day {
    /// The first day of a month (1–12) of a year; `None` for a month or year that is no date.
    pub fn first_of_month(year: i32, month: u8) -> Option<Day> {
        let month = time::Month::try_from(month).ok()?;
        let date = time::Date::from_calendar_date(year, month, 1).ok()?;
        Some(Day(i64::from(date.to_julian_day() - UNIX_EPOCH_JULIAN)))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.ymd();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN: i32 = 2_440_588;

/// Where "now" comes from. Reporter-visible records use only [`Clock::today`]; seconds are for
/// officer matters (TOTP codes, lock-outs, the audit log).
pub trait Clock: Send + Sync + 'static {
    /// Seconds since the Unix epoch.
    fn now_unix(&self) -> u64;

    fn today(&self) -> Day {
        Day::of_unix(self.now_unix())
    }
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// A clock tests set by hand, so deadlines and retention are tested without sleeping.
#[derive(Debug, Default)]
pub struct TestClock(std::sync::atomic::AtomicU64);

impl TestClock {
    pub fn at(unix: u64) -> TestClock {
        TestClock(std::sync::atomic::AtomicU64::new(unix))
    }

    pub fn set(&self, unix: u64) {
        self.0.store(unix, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn advance_days(&self, days: u64) {
        self.0
            .fetch_add(days * 86_400, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_unix(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_print_as_iso_dates() {
        assert_eq!(Day(0).to_string(), "1970-01-01");
        assert_eq!(Day(20_415).to_string(), "2025-11-23");
    }

    #[test]
    fn the_first_of_a_month_is_found_and_a_month_that_is_none_is_not() {
        assert_eq!(Day::first_of_month(1970, 1), Some(Day(0)));
        assert_eq!(
            Day::first_of_month(2026, 12).map(Day::iso).as_deref(),
            Some("2026-12-01")
        );
        assert_eq!(Day::first_of_month(2026, 13), None);
    }
}
