//! Encryption on arrival: every byte a reporter sends goes through an age encryptor before it
//! touches the disk.
//!
//! [`SealedFile`] wraps a temporary file in the data folder's `tmp/` with an age stream writer;
//! callers feed it plaintext chunk by chunk and never hold more than one chunk. The temporary file
//! is removed when the value is dropped unfinished, so an interrupted upload leaves nothing behind.
//! [`manifest`] holds the encrypted description of a submission (attachment names, types, sizes);
//! [`padding`] pads every item to a size bucket inside the stream, before it is finished.

pub mod manifest;
pub mod padding;
mod recipient;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use age::stream::StreamWriter;

use crate::domain::ItemId;

/// A set of age recipients an item is encrypted to.
pub type Recipients = Vec<Box<dyn age::Recipient + Send + Sync>>;

pub use recipient::{DeskRecipient, RecipientError, check_encrypts};

/// Builds a recipient list from a desk's configured keys.
pub fn recipients_of(keys: &[DeskRecipient]) -> Recipients {
    keys.iter().map(DeskRecipient::to_recipient).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("could not write encrypted file: {0}")]
    Io(#[from] io::Error),
    #[error("could not set up encryption")]
    Encrypt,
}

impl SealError {
    /// True when the disk is full, so the user can be told that rather than "error".
    pub fn is_disk_full(&self) -> bool {
        matches!(self, SealError::Io(e) if e.raw_os_error() == Some(28))
    }
}

/// A temporary file that is deleted on drop unless it has been moved into place.
#[derive(Debug)]
pub struct TempPath(Option<PathBuf>);

impl TempPath {
    /// Guards a file that was just created at `path`.
    pub fn guard(path: PathBuf) -> TempPath {
        TempPath(Some(path))
    }

    pub fn path(&self) -> Option<&Path> {
        self.0.as_deref()
    }

    /// Renames the file to `target` and stops guarding it.
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        if let Some(path) = self.0.take() {
            std::fs::rename(&path, target)?;
            blur_folder_of(&path);
        }
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(&path);
            blur_folder_of(&path);
        }
    }
}

/// A file leaving `tmp/` changes the folder's time: set it back to a midnight.
fn blur_folder_of(path: &Path) {
    if let Some(folder) = path.parent() {
        crate::store::times::blur_today([folder]);
    }
}

/// An age-encrypted file being written.
pub struct SealedFile {
    id: ItemId,
    writer: StreamWriter<padding::HeaderTap<BufWriter<File>>>,
    temp: TempPath,
    plaintext_len: u64,
    /// Zeros beyond the bucket that level out the header's grease.
    slack: u64,
}

/// A finished, fsync'd ciphertext waiting in `tmp/` to be moved into place.
#[derive(Debug)]
pub struct Sealed {
    pub id: ItemId,
    pub temp: TempPath,
    pub plaintext_len: u64,
    pub ciphertext_len: u64,
}

impl SealedFile {
    /// Starts a new encrypted file in `tmp_dir` for `recipients`.
    pub fn create(tmp_dir: &Path, recipients: &Recipients) -> Result<SealedFile, SealError> {
        let id = ItemId::random();
        let path = tmp_dir.join(format!("{id}.part"));
        let file = crate::private::create_new(&path)?;
        let temp = TempPath(Some(path));
        let encryptor = age::Encryptor::with_recipients(
            recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient),
        )
        .map_err(|_| SealError::Encrypt)?;
        let (tap, slack) = padding::HeaderTap::new(BufWriter::with_capacity(64 * 1024, file));
        let writer = encryptor.wrap_output(tap)?;
        Ok(SealedFile {
            id,
            writer,
            temp,
            plaintext_len: 0,
            slack: slack.get(),
        })
    }

    pub fn write(&mut self, chunk: &[u8]) -> Result<(), SealError> {
        self.writer.write_all(chunk)?;
        self.plaintext_len += chunk.len() as u64;
        Ok(())
    }

    pub fn plaintext_len(&self) -> u64 {
        self.plaintext_len
    }

    /// Pads the plaintext to its size bucket, writes the last chunk and makes the file durable
    /// (fsync).
    pub fn finish(mut self) -> Result<Sealed, SealError> {
        padding::write_padding(&mut self.writer, self.plaintext_len, self.slack)?;
        let buffered = self.writer.finish()?.into_inner();
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        let ciphertext_len = file.metadata()?.len();
        Ok(Sealed {
            id: self.id,
            temp: self.temp,
            plaintext_len: self.plaintext_len,
            ciphertext_len,
        })
    }
}

/// Encrypts a small in-memory plaintext (a manifest or a typed reply) into a sealed temp file.
pub fn seal_bytes(
    tmp_dir: &Path,
    recipients: &Recipients,
    plaintext: &[u8],
) -> Result<Sealed, SealError> {
    let mut file = SealedFile::create(tmp_dir, recipients)?;
    file.write(plaintext)?;
    file.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_opens_with_the_identity_and_is_not_plaintext() {
        let dir = tempfile::tempdir().unwrap();
        let identity = age::x25519::Identity::generate();
        let recipients = recipients_of(&[identity.to_public().into()]);
        let mut file = SealedFile::create(dir.path(), &recipients).unwrap();
        file.write(b"the secret tip, ").unwrap();
        file.write(b"in two chunks").unwrap();
        let sealed = file.finish().unwrap();
        let bytes = std::fs::read(sealed.temp.path().unwrap()).unwrap();
        assert!(bytes.starts_with(b"age-encryption.org/v1"));
        assert!(!bytes.windows(6).any(|w| w == b"secret"));
        let mut plain = age::decrypt(&identity, &bytes).unwrap();
        assert!(
            plain.len() > 4096,
            "padded to the 4 KiB floor and a little slack"
        );
        assert!(plain.len() <= 4096 + 1 + padding::GREASE_MAX as usize);
        padding::strip_text(&mut plain);
        assert_eq!(plain, b"the secret tip, in two chunks");
        assert_eq!(sealed.plaintext_len, 29);
    }

    #[test]
    fn an_unfinished_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let recipients = recipients_of(&[age::x25519::Identity::generate().to_public().into()]);
        let mut file = SealedFile::create(dir.path(), &recipients).unwrap();
        file.write(b"half an upload").unwrap();
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
