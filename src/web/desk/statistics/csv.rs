//! The statistics as CSV (RFC 4180: comma-separated, CRLF line ends, a header row): one row per
//! month, figures and the desk id only — no report ids and no free text. Every cell still goes
//! through [`cell`], which defuses a spreadsheet formula, so that a later column holding text
//! cannot become an injection (OWASP, "CSV Injection").

use crate::desk::statistics::YearFigures;
use crate::domain::DeskId;

pub const HEADER: [&str; 9] = [
    "desk",
    "month",
    "received",
    "acknowledged_in_time",
    "feedback_within_3_months",
    "feedback_within_6_months",
    "transferred",
    "closed",
    "median_days_to_acknowledge",
];

/// The file: the header, then a row per month (`2026-03`); the median with a decimal point, or
/// empty when the month has none.
pub fn write(desk: &DeskId, figures: &YearFigures) -> String {
    let mut out = String::new();
    line(&mut out, HEADER.iter().map(|h| (*h).to_owned()));
    for row in &figures.months {
        line(
            &mut out,
            [
                desk.to_string(),
                format!("{:04}-{:02}", row.year, row.month),
                row.received.to_string(),
                row.acknowledged_in_time.to_string(),
                row.feedback_within_3_months.to_string(),
                row.feedback_within_6_months.to_string(),
                row.transferred.to_string(),
                row.closed.to_string(),
                row.median_days_to_acknowledge
                    .map(|m| m.write('.'))
                    .unwrap_or_default(),
            ],
        );
    }
    out
}

fn line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    let cells: Vec<String> = cells.into_iter().map(|c| cell(&c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// One cell: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` before it (a
/// spreadsheet then shows it as text), and a cell with a comma, quote or line break is quoted.
pub fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_a_spreadsheet_would_run_is_defused_and_one_with_a_comma_is_quoted() {
        assert_eq!(cell("12"), "12");
        assert_eq!(cell("ap"), "ap");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("a,b"), "\"a,b\"");
    }
}
