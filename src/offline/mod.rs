//! The offline desk tool: everything an officer does on the machine that never touches the
//! network — make a key, open a bundle, seal a reply, re-seal a report for another desk or for
//! its desk's new keys (with recipients from the trusted directory in [`desks`]). What
//! leaves this machine is ciphertext only. Bundles come from a server that may be compromised,
//! so every byte of them is treated as hostile (see [`open`]).

pub mod desks;
pub mod identity;
pub mod keygen;
pub mod open;
mod package;
pub mod reseal;
pub mod sanitize;
pub mod transfer;

/// Why an offline command stopped. Every message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the identity file {0} holds no usable identity (expected AGE-SECRET-KEY-1…, AGE-PLUGIN-…, or a passphrase-protected age file)"
    )]
    NoIdentity(String),
    #[error("wrong passphrase, or the identity file is damaged")]
    Passphrase,
    #[error("the bundle is not acceptable: {0}")]
    Hostile(String),
    /// The `--out` folder of `open` exists and is not an empty folder, or cannot be made.
    #[error("{0}; choose a new --out folder")]
    OutFolder(String),
    #[error("{0}")]
    Crypto(String),
}
