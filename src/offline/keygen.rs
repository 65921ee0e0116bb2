//! `meldpunt keygen`: a new desk identity, written with `create_new` and mode 0600 so an existing
//! key is never overwritten; its `age1…` recipient is printed for the server's configuration.
//! With `--passphrase` the file is protected the way `age -p` does it.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use age::secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::OfflineError;
use super::identity::read_passphrase;

/// Writes a new identity to `out`; returns its recipient.
pub fn keygen(out: &Path, protect: bool) -> Result<String, OfflineError> {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let text = Zeroizing::new(format!(
        "# created by meldpunt keygen\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    ));
    let contents = if protect {
        let passphrase = read_passphrase("Passphrase to protect the identity")?;
        if passphrase.expose_secret().chars().count() < 12 {
            return Err(OfflineError::Usage(
                "the passphrase must be at least 12 characters".into(),
            ));
        }
        Zeroizing::new(
            age::encrypt(&age::scrypt::Recipient::new(passphrase), text.as_bytes())
                .map_err(|e| OfflineError::Crypto(e.to_string()))?,
        )
    } else {
        Zeroizing::new(text.as_bytes().to_vec())
    };
    let write = |source| OfflineError::Write {
        path: out.display().to_string(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(out)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => OfflineError::Usage(format!(
                "{} already exists; meldpunt keygen never overwrites a key (choose another --out)",
                out.display()
            )),
            _ => write(e),
        })?;
    file.write_all(&contents).map_err(write)?;
    file.sync_all().map_err(write)?;
    Ok(recipient)
}
