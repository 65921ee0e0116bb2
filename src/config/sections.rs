//! The nested sections of the configuration (`[limits]`, `[argon2]`, `[session]`, `[kdf]`): each
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

/// Argon2id cost for stretching receipt codes. Stored with each report so it can be raised later.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct Argon2Settings {
    /// Memory in KiB (OWASP minimum: 19 MiB).
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for Argon2Settings {
    fn default() -> Self {
        Argon2Settings {
            m_kib: 19 * 1024,
            t: 2,
            p: 1,
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

/// How much Argon2 work may run and wait at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KdfSettings {
    /// Derivations allowed at once (default: the number of cores).
    pub workers: usize,
    /// Requests allowed to wait for a worker before "busy, try again" is shown.
    pub queue: usize,
}

impl Default for KdfSettings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        KdfSettings {
            workers: cores,
            queue: cores * 16,
        }
    }
}
