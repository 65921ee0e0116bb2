//! How every page (reporter and desk) writes numbers, counts, dates and sizes in the reader's
//! language, in one place so no page writes "1 minuten", an ISO date, "100000" or "MB" where the
//! hints say MiB: counts take the singular or plural word ("1 minuut", "2 minuten"), numbers the
//! language's thousands separator (nl "100.000", en "100,000"), dates are in words ("7 december
//! 2026", "7 December 2026") and sizes are always binary units with the language's decimal mark
//! (nl "190,7 MiB", en "190.7 MiB").

use crate::domain::{Day, Lang};

/// A whole number with the language's thousands separator.
pub fn number(lang: Lang, n: u64) -> String {
    let separator = match lang {
        Lang::Nl => '.',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// The singular and plural word of a unit, per language; an unknown unit is written as given.
fn unit_words(lang: Lang, unit: &str) -> Option<(&'static str, &'static str)> {
    Some(match (lang, unit) {
        (Lang::Nl, "minutes") => ("minuut", "minuten"),
        (Lang::En, "minutes") => ("minute", "minutes"),
        (Lang::Nl, "days") => ("dag", "dagen"),
        (Lang::En, "days") => ("day", "days"),
        (Lang::Nl, "files") => ("bestand", "bestanden"),
        (Lang::En, "files") => ("file", "files"),
        (Lang::Nl, "chars") => ("teken", "tekens"),
        (Lang::En, "chars") => ("character", "characters"),
        (Lang::Nl, "reports") => ("melding", "meldingen"),
        (Lang::En, "reports") => ("report", "reports"),
        _ => return None,
    })
}

/// A count with its unit in the singular or plural: "1 minuut", "2 minuten", "100.000 tekens".
pub fn count(lang: Lang, n: u64, unit: &str) -> String {
    let word = match unit_words(lang, unit) {
        Some((one, _)) if n == 1 => one,
        Some((_, many)) => many,
        None => unit,
    };
    format!("{} {word}", number(lang, n))
}

/// The name of a month (1–12), as the language writes it in a date: "maart", "March".
pub fn month_name(lang: Lang, month: u8) -> &'static str {
    const NL: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let names = match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    };
    names
        .get(usize::from(month).saturating_sub(1))
        .copied()
        .unwrap_or("")
}

/// A month's usual abbreviation, for narrow places such as a chart's axis: "mrt", "Mar".
pub fn month_abbreviation(lang: Lang, month: u8) -> &'static str {
    const NL: [&str; 12] = [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let names = match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    };
    names
        .get(usize::from(month).saturating_sub(1))
        .copied()
        .unwrap_or("")
}

/// The language's decimal mark: nl "3,5", en "3.5".
pub fn decimal_mark(lang: Lang) -> char {
    match lang {
        Lang::Nl => ',',
        Lang::En => '.',
    }
}

/// A date in words: "7 december 2026", "7 December 2026".
pub fn date(lang: Lang, day: Day) -> String {
    let (year, month, dom) = day.ymd();
    format!("{dom} {} {year}", month_name(lang, month))
}

/// A date given as an ISO string (as the desk's rows carry it for the API), in words; anything
/// that is no such date is written as it is.
pub fn iso_date(lang: Lang, iso: &str) -> String {
    let mut parts = iso.splitn(3, '-').map(str::parse::<u16>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(dom))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return iso.to_owned();
    };
    let Ok(month) = time::Month::try_from(u8::try_from(month).unwrap_or(0)) else {
        return iso.to_owned();
    };
    match time::Date::from_calendar_date(i32::from(year), month, u8::try_from(dom).unwrap_or(0)) {
        Ok(d) => date(
            lang,
            Day(i64::from(d.to_julian_day()) - i64::from(UNIX_EPOCH_JULIAN)),
        ),
        Err(_) => iso.to_owned(),
    }
}

/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN: i32 = 2_440_588;

/// A size in binary units: bytes below 1 KiB, then KiB (whole) and MiB/GiB (one decimal), with
/// the language's decimal mark: "512 bytes", "12 KiB", "190,7 MiB".
pub fn size(lang: Lang, bytes: u64) -> String {
    const KIB: u64 = 1024;
    if bytes < KIB {
        return format!("{} bytes", number(lang, bytes));
    }
    if bytes < KIB * KIB {
        return format!("{} KiB", number(lang, bytes.div_ceil(KIB)));
    }
    let (value, unit) = if bytes < KIB * KIB * KIB {
        (bytes as f64 / (KIB * KIB) as f64, "MiB")
    } else {
        (bytes as f64 / (KIB * KIB * KIB) as f64, "GiB")
    };
    // Tenths, rounded: a whole number of MiB is written without decimals ("256 MiB").
    let tenths = (value * 10.0).round() as u64;
    let whole = number(lang, tenths / 10);
    match (tenths % 10, lang) {
        (0, _) => format!("{whole} {unit}"),
        (tenth, Lang::Nl) => format!("{whole},{tenth} {unit}"),
        (tenth, Lang::En) => format!("{whole}.{tenth} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_singular_for_one_and_the_plural_otherwise() {
        assert_eq!(count(Lang::Nl, 1, "minutes"), "1 minuut");
        assert_eq!(count(Lang::Nl, 2, "minutes"), "2 minuten");
        assert_eq!(count(Lang::En, 1, "minutes"), "1 minute");
        assert_eq!(count(Lang::En, 0, "files"), "0 files");
        assert_eq!(count(Lang::Nl, 100_000, "chars"), "100.000 tekens");
    }

    #[test]
    fn numbers_have_the_languages_thousands_separator() {
        assert_eq!(number(Lang::Nl, 100_000), "100.000");
        assert_eq!(number(Lang::En, 100_000), "100,000");
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::Nl, 999), "999");
        assert_eq!(number(Lang::Nl, 0), "0");
    }

    #[test]
    fn dates_are_written_in_words() {
        // 2026-12-07 is day 20794 since 1970-01-01.
        let day = Day(20_794);
        assert_eq!(day.iso(), "2026-12-07");
        assert_eq!(date(Lang::Nl, day), "7 december 2026");
        assert_eq!(date(Lang::En, day), "7 December 2026");
        assert_eq!(iso_date(Lang::Nl, "2026-12-07"), "7 december 2026");
        assert_eq!(iso_date(Lang::En, "not a date"), "not a date");
    }

    #[test]
    fn months_have_their_names_and_abbreviations_in_both_languages() {
        assert_eq!(month_name(Lang::Nl, 3), "maart");
        assert_eq!(month_name(Lang::En, 12), "December");
        assert_eq!(month_abbreviation(Lang::Nl, 3), "mrt");
        assert_eq!(month_abbreviation(Lang::En, 5), "May");
        assert_eq!(month_name(Lang::En, 13), "");
    }

    #[test]
    fn sizes_are_binary_units_with_the_languages_decimal_mark() {
        let mib = 1024 * 1024;
        assert_eq!(size(Lang::Nl, 190 * mib + 7 * mib / 10 + 1), "190,7 MiB");
        assert_eq!(size(Lang::En, 190 * mib + 7 * mib / 10 + 1), "190.7 MiB");
        assert_eq!(size(Lang::Nl, 256 * mib), "256 MiB");
        assert_eq!(size(Lang::En, 12 * 1024), "12 KiB");
        assert_eq!(size(Lang::Nl, 500), "500 bytes");
        assert_eq!(size(Lang::En, 3 * 1024 * mib / 2), "1.5 GiB");
    }
}
