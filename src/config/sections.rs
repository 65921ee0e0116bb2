//! The nested sections of the configuration (`[limits]`, `[connections]`, `[session]`, `[kdf]`): each
//! with its defaults, and unknown keys refused.

use serde::{Deserialize, Serialize};

/// Upload limits; going over answers 413 and stores nothing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Characters allowed in one message.
    pub message_chars: usize,
    /// Bytes allowed in one submission (the whole multipart body).
    pub submission_bytes: u64,
    /// Attachments allowed in one submission.
    pub files: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            message_chars: 100_000,
            submission_bytes: 500 * 1024 * 1024,
            files: 20,
        }
    }
}

/// What connections may hold: how many at once, how many may be uploading, and how long an
/// upload may send nothing. Together they keep open files and memory below what the unit allows
/// (`LimitNOFILE`, `MemoryMax` in deploy/meldpunt.service), whatever strangers open.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectionSettings {
    /// Open connections on the reporters' door, all workers together; more wait to be accepted.
    pub reporters: usize,
    /// Open connections on the desk's door.
    pub desk: usize,
    /// Submissions and follow-ups receiving at once; one more hears "busy" before it is read.
    pub uploads: usize,
    /// Seconds an upload may send nothing before it is dropped (and what it sent removed).
    pub body_idle_secs: u64,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            reporters: 2048,
            desk: 64,
            uploads: 128,
            body_idle_secs: 60,
        }
    }
}

/// Reporter session lifetimes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    pub idle_minutes: u64,
    pub absolute_minutes: u64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_minutes: 15,
            absolute_minutes: 120,
        }
    }
}

/// Officer accounts: how long an API token works.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OfficerSettings {
    /// Days from its creation after which an API token no longer opens the API.
    pub token_days: u32,
}

impl Default for OfficerSettings {
    fn default() -> Self {
        OfficerSettings { token_days: 90 }
    }
}

/// How much Argon2 work (officer passwords, receipts of earlier versions) may run and wait at
/// once: each running check holds 19 MiB, so `workers` bounds the memory it takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KdfSettings {
    /// Checks allowed at once, each on its own thread (default: the number of cores).
    pub workers: usize,
    /// Checks allowed to wait for a worker before "busy, try again" is shown.
    pub queue: usize,
}

impl Default for KdfSettings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        KdfSettings {
            workers: cores,
            queue: cores * 4,
        }
    }
}
