//! What `meldpunt open` did, file by file, and how that is shown to the officer.
//!
//! Names in a refused entry come straight from a hostile archive, so they are shown escaped and
//! cut short: a terminal must not be steered by escape sequences or flooded by a 10,000-byte name.

use std::fmt::Write as _;

/// How many characters of a foreign name or message are shown.
const SHOWN_MAX: usize = 60;

/// The table column for names is never wider than this, however long a path is.
const COLUMN_MAX: usize = 48;

/// The outcome of opening one bundle. It names the attachments written, so its `Debug` shows
/// only how many (the table is what the officer reads).
#[derive(Default, Clone, PartialEq, Eq)]
pub struct OpenReport {
    /// Files written, as paths relative to the output folder (`/`-separated), with their sizes.
    pub written: Vec<(String, u64)>,
    /// What was not opened — an archive entry or an item, shown escaped — and why.
    pub refused: Vec<(String, String)>,
}

impl std::fmt::Debug for OpenReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "OpenReport {{ written: <{} files>, refused: <{} entries> }}",
            self.written.len(),
            self.refused.len()
        )
    }
}

impl OpenReport {
    /// True when everything in the bundle was opened.
    pub fn is_clean(&self) -> bool {
        self.refused.is_empty()
    }

    pub(super) fn wrote(&mut self, path: impl Into<String>, bytes: u64) {
        self.written.push((path.into(), bytes));
    }

    pub(super) fn refuse(&mut self, what: impl Into<String>, why: impl Into<String>) {
        self.refused.push((what.into(), why.into()));
    }

    /// An aligned table: one `WROTE` line per file, then one `REFUSED` line per refusal.
    pub fn table(&self) -> String {
        let rows: Vec<(&str, &str, String)> = self
            .written
            .iter()
            .map(|(path, bytes)| ("WROTE", path.as_str(), format!("{bytes} bytes")))
            .chain(
                self.refused
                    .iter()
                    .map(|(what, why)| ("REFUSED", what.as_str(), why.clone())),
            )
            .collect();
        let width = rows
            .iter()
            .map(|(_, what, _)| what.chars().count())
            .max()
            .unwrap_or(0)
            .min(COLUMN_MAX);
        let mut table = String::new();
        for (tag, what, detail) in rows {
            // Writing into a String cannot fail.
            let _ = writeln!(table, "{tag:<8} {what:<width$}  {detail}");
        }
        table
    }

    /// Prints [`Self::table`] to standard output.
    pub fn print(&self) {
        print!("{}", self.table());
    }
}

/// Bytes from the bundle made safe to print: printable characters kept, anything else escaped,
/// cut to a few dozen characters with the full length noted.
pub fn shown(bytes: &[u8]) -> String {
    shown_prefix(bytes, bytes.len() as u64)
}

/// Like [`shown`] for the first bytes of something `total` bytes long.
pub fn shown_prefix(bytes: &[u8], total: u64) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut chars = text.chars();
    for c in chars.by_ref().take(SHOWN_MAX) {
        escape_into(&mut out, c);
    }
    if chars.next().is_some() || total > bytes.len() as u64 {
        let _ = write!(out, "… ({total} bytes)");
    }
    if out.is_empty() {
        out.push_str("(empty name)");
    }
    out
}

/// A message that may quote the bundle (a parser's error, say), made safe to print.
pub fn shown_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().take(4 * SHOWN_MAX) {
        escape_into(&mut out, c);
    }
    out
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        c if c.is_ascii_graphic() || c == ' ' => out.push(c),
        // Letters and digits of other scripts are fine; anything else (controls, bidi overrides,
        // zero-width and other invisible characters) is spelled out.
        c if !c.is_ascii() && c.is_alphanumeric() => out.push(c),
        c => {
            let _ = write!(out, "{}", c.escape_unicode());
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn foreign_names_are_escaped_and_cut_short() {
        assert_eq!(shown(b"../evil.age"), "../evil.age");
        assert_eq!(
            shown("a\u{202E}b\n\x1b[31m".as_bytes()),
            "a\\u{202e}b\\n\\u{1b}[31m"
        );
        let long = shown(&[b'x'; 10_000]);
        assert!(long.starts_with("xxxx"));
        assert!(long.ends_with("… (10000 bytes)"), "{long}");
        assert!(long.len() < 100);
        assert_eq!(shown(b""), "(empty name)");
    }

    #[test]
    fn the_table_aligns_written_and_refused_rows() {
        let mut report = OpenReport::default();
        report.wrote("message.txt", 12);
        report.refuse("../evil.age", "a path that climbs out of the folder");
        let table = report.table();
        assert_eq!(
            table,
            "WROTE    message.txt  12 bytes\nREFUSED  ../evil.age  a path that climbs out of the folder\n"
        );
        assert!(!report.is_clean());
    }

    // issue 10, point 7: the report of an opened bundle derived `Debug` over attachment names.
    #[test]
    fn a_debug_print_of_an_open_report_names_no_file() {
        let mut report = OpenReport::default();
        report.wrote("bijlagen/salarislijst directie.xlsx", 300_000);
        report.refuse("ontslagbrief.pdf.age", "does not decrypt");
        let printed = format!("{report:?}");
        assert!(!printed.contains("salarislijst"), "{printed}");
        assert!(!printed.contains("ontslagbrief"), "{printed}");
        assert!(printed.contains("1 files"), "{printed}");
    }
}
