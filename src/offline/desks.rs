//! The offline machine's trusted directory of desks: which `age1…` recipients each desk has.
//!
//! A transfer or a key rotation seals a whole report to a desk's recipients, and a wrong key
//! there makes the report unreadable for everyone, so the keys are never typed: they come from
//! a file brought to the offline machine over the same path as the desk key — a copy of the
//! server's configuration file (`meldpunt.toml`), or a small file holding only its `[[desk]]`
//! tables with `id` and `recipients`. Other keys and tables in the file are ignored. The server
//! checks the package against its own configuration again, so a stale directory is refused
//! there rather than believed.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use serde::Deserialize;

use super::OfflineError;
use crate::domain::DeskId;

/// Larger than this is not a configuration file.
const DIRECTORY_MAX: u64 = 1024 * 1024;

#[derive(Deserialize)]
struct DirectoryFile {
    #[serde(default)]
    desk: Vec<DeskEntry>,
}

#[derive(Deserialize)]
struct DeskEntry {
    id: String,
    #[serde(default)]
    recipients: Vec<String>,
}

/// Every desk of the directory, with its recipients checked to be age X25519 keys.
pub struct Directory {
    desks: Vec<(DeskId, Vec<age::x25519::Recipient>)>,
}

impl Directory {
    /// Reads the directory file at `path` (see the module documentation).
    pub fn load(path: &Path) -> Result<Directory, OfflineError> {
        let shown = path.display().to_string();
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(DIRECTORY_MAX).read_to_string(&mut text))
            .map_err(|source| OfflineError::Read {
                path: shown.clone(),
                source,
            })?;
        let file: DirectoryFile = toml::from_str(&text).map_err(|e| {
            OfflineError::Usage(format!(
                "{shown} is not a desk directory (the server's meldpunt.toml, or [[desk]] tables with id and recipients): {e}"
            ))
        })?;
        let mut desks = Vec::new();
        for entry in file.desk {
            let id: DeskId = entry.id.parse().map_err(|e: String| {
                OfflineError::Usage(format!("{shown}: desk {:?}: {e}", entry.id))
            })?;
            let recipients = entry
                .recipients
                .iter()
                .map(|r| {
                    age::x25519::Recipient::from_str(r.trim()).map_err(|_| {
                        OfflineError::Usage(format!(
                            "{shown}: desk {id}: {r:?} is not an age X25519 recipient (age1…)"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            desks.push((id, recipients));
        }
        Ok(Directory { desks })
    }

    /// The recipients of `desk`: present, at least one, none repeated.
    pub fn recipients(&self, desk: &DeskId) -> Result<&[age::x25519::Recipient], OfflineError> {
        let Some((_, keys)) = self.desks.iter().find(|(id, _)| id == desk) else {
            return Err(OfflineError::Usage(format!(
                "the desk directory has no desk {desk}; bring the server's current configuration to this machine"
            )));
        };
        let distinct: BTreeSet<String> = keys.iter().map(ToString::to_string).collect();
        if keys.is_empty() || distinct.len() != keys.len() {
            return Err(OfflineError::Usage(format!(
                "desk {desk} in the desk directory has no recipients, or one twice"
            )));
        }
        Ok(keys)
    }
}
