//! `DeskId`: the short name of a desk (`ap`, `om`, `hvk`), safe to use in paths and URLs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A desk identifier: 1–16 lower-case ASCII letters, digits or dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeskId(String);

impl DeskId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for DeskId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = !s.is_empty()
            && s.len() <= 16
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(DeskId(s.to_owned()))
        } else {
            Err(format!(
                "desk id {s:?} must be 1 to 16 lower-case letters, digits or dashes"
            ))
        }
    }
}

impl TryFrom<String> for DeskId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<DeskId> for String {
    fn from(id: DeskId) -> String {
        id.0
    }
}

impl fmt::Display for DeskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desk_ids_refuse_anything_that_could_escape_a_path() {
        assert!("ap".parse::<DeskId>().is_ok());
        for bad in ["", "../x", "AP", "a/b", "a b", "seventeen-chars-x"] {
            assert!(bad.parse::<DeskId>().is_err(), "{bad}");
        }
    }
}
