//! Loading a desk identity on the offline machine: a plain age identity file
//! (`AGE-SECRET-KEY-1…`), one protected with a passphrase (age's encrypted identity format —
//! the passphrase is asked for on the terminal, or read from standard input when that is not a
//! terminal, never from the command line), or plugin identities such as `AGE-PLUGIN-YUBIKEY-1…`
//! (the key stays on the hardware token; the plugin binary must be on the PATH).

use std::io::{BufRead, Read};
use std::path::Path;

use age::IdentityFile;
use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::OfflineError;

/// An identity file larger than this is not an identity file.
const IDENTITY_MAX: u64 = 1024 * 1024;

/// The identities of one file, and the recipients they answer to.
pub struct DeskIdentity {
    pub identities: Vec<Box<dyn age::Identity + Send + Sync>>,
    pub recipients: Vec<Box<dyn age::Recipient + Send>>,
}

impl DeskIdentity {
    pub fn as_identities(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.identities
            .iter()
            .map(|i| i.as_ref() as &dyn age::Identity)
    }
}

/// Talks to the officer on the terminal (plugins ask to touch a token, passphrases).
#[derive(Clone, Copy)]
pub struct Terminal;

impl age::Callbacks for Terminal {
    fn display_message(&self, message: &str) {
        eprintln!("{message}");
    }

    fn confirm(&self, message: &str, yes: &str, no: Option<&str>) -> Option<bool> {
        eprint!("{message} [{yes}/{}] ", no.unwrap_or("no"));
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).ok()?;
        Some(line.trim().eq_ignore_ascii_case(yes) || line.trim().eq_ignore_ascii_case("y"))
    }

    fn request_public_string(&self, description: &str) -> Option<String> {
        eprint!("{description} ");
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).ok()?;
        Some(line.trim().to_owned())
    }

    fn request_passphrase(&self, description: &str) -> Option<SecretString> {
        read_passphrase(description).ok()
    }
}

/// The passphrase from the terminal, or the first line of standard input when it is piped.
pub fn read_passphrase(prompt: &str) -> Result<SecretString, OfflineError> {
    crate::passwords::prompt_or_stdin(&format!("{prompt}: ")).map_err(|_| OfflineError::Passphrase)
}

pub fn load(path: &Path) -> Result<DeskIdentity, OfflineError> {
    let shown = path.display().to_string();
    let read = |source| OfflineError::Read {
        path: shown.clone(),
        source,
    };
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .map_err(read)?
        .take(IDENTITY_MAX)
        .read_to_end(&mut bytes)
        .map_err(read)?;
    let plain = if bytes.starts_with(b"age-encryption.org/v1") {
        unlock(&bytes)?
    } else {
        bytes
    };
    let file = IdentityFile::from_buffer(plain.as_slice())
        .map_err(|_| OfflineError::NoIdentity(shown.clone()))?
        .with_callbacks(Terminal);
    let recipients = file
        .to_recipients()
        .map_err(|e| OfflineError::Crypto(format!("cannot derive the desk's recipients: {e}")))?;
    let identities = file
        .into_identities()
        .map_err(|e| OfflineError::Crypto(format!("cannot use the identity: {e}")))?;
    if identities.is_empty() {
        return Err(OfflineError::NoIdentity(shown));
    }
    Ok(DeskIdentity {
        identities,
        recipients,
    })
}

/// Decrypts a passphrase-protected identity file (`age -p`).
fn unlock(ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, OfflineError> {
    let passphrase = read_passphrase("Passphrase for the identity file")?;
    let identity = age::scrypt::Identity::new(passphrase);
    let decryptor = age::Decryptor::new(ciphertext).map_err(|_| OfflineError::Passphrase)?;
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|_| OfflineError::Passphrase)?;
    let mut plain = Zeroizing::new(Vec::new());
    reader
        .take(IDENTITY_MAX)
        .read_to_end(&mut plain)
        .map_err(|_| OfflineError::Passphrase)?;
    Ok(plain)
}
