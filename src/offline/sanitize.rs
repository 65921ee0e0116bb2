//! Safe file names for what a reporter attached.
//!
//! The name of an attachment is whatever the reporter's browser sent — or whatever an attacker who
//! controls the server wrote into the manifest. Before it becomes part of a path on the officer's
//! machine it is cut down to one plain path component: no folders, no `..`, no hidden files, no
//! invisible characters that make `exe.pdf` look like `fdp.exe`, no Windows device names, and a
//! length every file system accepts. [`NameBook`] then keeps the names written into one folder
//! apart, numbering duplicates the way file managers do.

use std::collections::HashSet;

/// The longest name written, in bytes: well under the usual 255-byte limit, so a numbered copy
/// and a folder prefix still fit, and long enough to keep a name recognisable.
pub const MAX_NAME: usize = 100;

/// A suffix after the last dot longer than this is not an extension worth keeping when a name is
/// cut (it is more likely part of an attacker's padding).
const MAX_EXT: usize = 16;

/// What a name becomes when nothing usable is left of it.
pub const FALLBACK: &str = "attachment";

/// Characters Windows refuses in file names; replaced so a case folder can be copied to a share.
const WINDOWS_FORBIDDEN: [char; 7] = ['<', '>', ':', '"', '|', '?', '*'];

/// Turns an attacker-supplied file name into a safe single path component (see the module docs).
///
/// The result is never empty, never `.` or `..`, never starts with a dot, holds no `/`, `\`,
/// control, bidirectional or other invisible formatting character, is at most [`MAX_NAME`] bytes,
/// and is not a Windows device name.
pub fn safe_name(raw: &str) -> String {
    // Only the last component counts: `../../etc/passwd` is `passwd`, `C:\x\y.doc` is `y.doc`.
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| {
            if WINDOWS_FORBIDDEN.contains(&c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = trim(&cleaned);
    if trimmed.is_empty() {
        return FALLBACK.to_owned();
    }
    let name = if is_reserved(trimmed) {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    };
    cap(&name)
}

/// Control characters (C0, DEL, C1) and the format characters that reorder or hide text:
/// bidirectional embeddings, overrides and isolates, zero-width characters, the byte order mark,
/// line and paragraph separators, the soft hyphen and language tags.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Leading dots would hide the file; trailing dots and spaces are dropped by Windows, so two
/// different names could land on the same file there.
fn trim(name: &str) -> &str {
    name.trim_matches(|c: char| c == '.' || c.is_whitespace())
}

/// Windows opens a device instead of a file for these stems, whatever the extension.
fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    let upper = stem.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut rest = match upper.get(..3) {
        Some("COM" | "LPT") => upper.get(3..).unwrap_or_default().chars(),
        _ => return false,
    };
    matches!(
        (rest.next(), rest.next()),
        (Some('1'..='9' | '¹' | '²' | '³'), None)
    )
}

/// `report.pdf` → (`report`, `.pdf`); a leading dot or a long suffix is not an extension.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= MAX_EXT => (
            name.get(..i).unwrap_or_default(),
            name.get(i..).unwrap_or_default(),
        ),
        _ => (name, ""),
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    s.get(..end).unwrap_or_default()
}

/// Cuts a name to [`MAX_NAME`] bytes, keeping the extension where there is one.
fn cap(name: &str) -> String {
    if name.len() <= MAX_NAME {
        return name.to_owned();
    }
    let (stem, ext) = split_ext(name);
    let stem = trim(cut(stem, MAX_NAME - ext.len()));
    if stem.is_empty() {
        return FALLBACK.to_owned();
    }
    format!("{stem}{ext}")
}

/// `name (n).ext`, still within [`MAX_NAME`] bytes.
fn numbered(name: &str, n: u64) -> String {
    let (stem, ext) = split_ext(name);
    let suffix = format!(" ({n})");
    let room = MAX_NAME.saturating_sub(ext.len() + suffix.len());
    let stem = trim(cut(stem, room));
    let stem = if stem.is_empty() { FALLBACK } else { stem };
    format!("{stem}{suffix}{ext}")
}

/// The names already used in one output folder during this run.
///
/// The output folder is new, so the run itself knows every name in it; comparing without case
/// keeps `Report.pdf` and `report.pdf` apart on file systems that would merge them.
#[derive(Default)]
pub struct NameBook {
    used: HashSet<String>,
}

impl NameBook {
    /// Marks a name the tool writes itself (`message.txt`, `replies`) as taken.
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_lowercase());
    }

    /// `name` if it is still free, else the first free `name (2)`, `name (3)`, …; the result is
    /// marked as taken. `name` must already be safe (from [`safe_name`] or a fixed name).
    pub fn claim(&mut self, name: &str) -> String {
        if self.used.insert(name.to_lowercase()) {
            return name.to_owned();
        }
        let mut n: u64 = 2;
        loop {
            let candidate = numbered(name, n);
            if self.used.insert(candidate.to_lowercase()) {
                return candidate;
            }
            n = n.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests;
