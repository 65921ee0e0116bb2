//! Random identifiers for reports and the items (ciphertext files) inside them.
//!
//! They are random rather than sequential so an id says nothing about how many reports exist or
//! in which order they came; they are hex so they are safe as file names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! random_hex_id {
    ($name:ident, $bytes:expr, $what:expr) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A fresh id from the operating system's random generator.
            pub fn random() -> Self {
                let mut bytes = [0u8; $bytes];
                crate::random::fill(&mut bytes);
                $name(hex::encode(bytes))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                if s.len() == 2 * $bytes && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    Ok($name(s.to_owned()))
                } else {
                    Err(format!("not a valid {}", $what))
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

random_hex_id!(ReportId, 8, "report id");
random_hex_id!(ItemId, 8, "item id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_hex_and_parse_back() {
        let a = ReportId::random();
        assert_ne!(a, ReportId::random());
        assert_eq!(a.as_str().parse::<ReportId>().unwrap(), a);
        assert!("../etc".parse::<ItemId>().is_err());
    }
}
