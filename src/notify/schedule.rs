//! When the day's digest is due: from the configured hour of the server's local day (its time
//! zone from `TZ` or `/etc/localtime`, read by chrono without the thread-safety trouble of the
//! C library's `localtime`), once per officer per local day. The day each officer's digest went
//! out is in the database, so a restart at 07:30 sends nobody a second one.

use chrono::{Local, TimeZone};

use crate::desk::officers::MailTo;

/// The local day (days since 1970-01-01 in the local zone) and hour at `unix`.
pub fn local_day_hour(unix: u64) -> (i64, u8) {
    let seconds = i64::try_from(unix).unwrap_or(i64::MAX);
    let offset = Local
        .timestamp_opt(seconds, 0)
        .single()
        .map_or(0, |t| t.offset().local_minus_utc());
    split(seconds, offset)
}

fn split(unix: i64, offset_seconds: i32) -> (i64, u8) {
    let local = unix.saturating_add(i64::from(offset_seconds));
    let hour = local.rem_euclid(86_400) / 3_600;
    (local.div_euclid(86_400), u8::try_from(hour).unwrap_or(0))
}

/// The local day whose digest is due at `unix`, if the configured `hour` has come.
pub fn due_day(unix: u64, hour: u8) -> Option<i64> {
    let (day, now) = local_day_hour(unix);
    (now >= hour).then_some(day)
}

/// True when `to` has not had the digest of local day `day` (or a later one).
pub fn due(to: &MailTo, day: i64) -> bool {
    to.last_digest.is_none_or(|last| last < day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_hour_follows_the_offset_across_midnight() {
        let midnight_utc = 20_000 * 86_400;
        assert_eq!(split(midnight_utc, 0), (20_000, 0));
        // 23:30 UTC is 00:30 the next day at UTC+1, and 18:30 the same day at UTC-5.
        let late = midnight_utc - 1_800;
        assert_eq!(split(late, 3_600), (20_000, 0));
        assert_eq!(split(late, -5 * 3_600), (19_999, 18));
        assert_eq!(split(midnight_utc + 7 * 3_600 + 59, 7_200), (20_000, 9));
    }

    #[test]
    fn an_officer_gets_one_digest_a_day() {
        let mut to = MailTo {
            officer: "a".into(),
            desk: "ap".parse().unwrap(),
            address: "a@b.example".parse().unwrap(),
            last_digest: None,
        };
        assert!(due(&to, 20_000));
        to.last_digest = Some(20_000);
        assert!(!due(&to, 20_000));
        assert!(due(&to, 20_001));
    }
}
