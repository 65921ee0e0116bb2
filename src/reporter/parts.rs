//! The parts of one submission — a message and attachments — sealed as they arrive, and the
//! limits they must keep.
//!
//! Each part is poured chunk by chunk into an age encryptor ([`SealedFile`]): no part is ever held
//! whole in memory or written in plain. The limits are checked as the bytes arrive (the size of
//! the whole submission, the characters of the message, the number of files), so going over one
//! stops at once; dropping an [`Intake`] or an [`OpenPart`] removes every ciphertext it wrote. How
//! the bytes arrive (a multipart body, field by field) is the caller's business.

use std::path::PathBuf;

use crate::config::Limits;
use crate::seal::manifest::{ManifestItem, Role};
use crate::seal::{Recipients, SealError, Sealed, SealedFile};

use super::error::ReporterError;

/// A sealed attachment, with the name and type the reporter's browser gave it (they go into the
/// encrypted manifest only).
pub struct Attachment {
    pub sealed: Sealed,
    pub name: Option<String>,
    pub content_type: Option<String>,
}

/// What the reporter sent, every part already encrypted.
#[derive(Default)]
pub struct Parts {
    pub message: Option<Sealed>,
    pub attachments: Vec<Attachment>,
}

impl Parts {
    /// Manifest entries for every part.
    pub fn manifest_items(&self) -> Vec<ManifestItem> {
        let message = self.message.iter().map(|m| ManifestItem {
            item: m.id.clone(),
            role: Role::Message,
            name: None,
            content_type: None,
            size: m.plaintext_len,
        });
        let files = self.attachments.iter().map(|a| ManifestItem {
            item: a.sealed.id.clone(),
            role: Role::Attachment,
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            size: a.sealed.plaintext_len,
        });
        message.chain(files).collect()
    }
}

enum Kind {
    /// Characters so far, and whether all of them were white space.
    Message { chars: usize, blank: bool },
    Attachment {
        name: Option<String>,
        content_type: Option<String>,
    },
}

/// One part being sealed.
pub struct OpenPart {
    file: SealedFile,
    kind: Kind,
}

/// The parts of one submission being received.
pub struct Intake {
    limits: Limits,
    tmp_dir: PathBuf,
    bytes: u64,
    parts: Parts,
}

impl Intake {
    pub fn new(limits: Limits, tmp_dir: PathBuf) -> Intake {
        Intake {
            limits,
            tmp_dir,
            bytes: 0,
            parts: Parts::default(),
        }
    }

    /// The most bytes a whole submission may have.
    pub fn max_bytes(&self) -> u64 {
        self.limits.submission_bytes
    }

    /// Counts bytes towards the size of the whole submission (form fields count too).
    pub fn count(&mut self, n: usize) -> Result<(), ReporterError> {
        self.bytes += n as u64;
        if self.bytes > self.limits.submission_bytes {
            return Err(ReporterError::TooLarge {
                max_bytes: self.limits.submission_bytes,
            });
        }
        Ok(())
    }

    pub fn has_message(&self) -> bool {
        self.parts.message.is_some()
    }

    pub fn open_message(&self, to: &Recipients) -> Result<OpenPart, ReporterError> {
        let kind = Kind::Message {
            chars: 0,
            blank: true,
        };
        self.open(to, kind)
    }

    pub fn open_attachment(
        &self,
        to: &Recipients,
        name: Option<String>,
        content_type: Option<String>,
    ) -> Result<OpenPart, ReporterError> {
        self.open(to, Kind::Attachment { name, content_type })
    }

    fn open(&self, to: &Recipients, kind: Kind) -> Result<OpenPart, ReporterError> {
        let file = SealedFile::create(&self.tmp_dir, to)?;
        Ok(OpenPart { file, kind })
    }

    /// Counts, checks and encrypts the next chunk of a part.
    pub fn write(&mut self, part: &mut OpenPart, chunk: &[u8]) -> Result<(), ReporterError> {
        self.count(chunk.len())?;
        if let Kind::Message { chars, blank } = &mut part.kind {
            // Count UTF-8 scalar values: every byte that is not a continuation byte starts one.
            *chars += chunk.iter().filter(|b| (**b & 0xC0) != 0x80).count();
            *blank = *blank && chunk.iter().all(u8::is_ascii_whitespace);
            if *chars > self.limits.message_chars {
                return Err(ReporterError::MessageTooLong {
                    max_chars: self.limits.message_chars,
                });
            }
        }
        part.file.write(chunk)?;
        Ok(())
    }

    /// Makes a finished part durable and keeps it. A blank message counts as none, and so does
    /// the empty, nameless part a browser sends for a file input left empty.
    pub async fn close(&mut self, part: OpenPart) -> Result<(), ReporterError> {
        let OpenPart { file, kind } = part;
        // The final fsync blocks; keep it off the async workers.
        let sealed = tokio::task::spawn_blocking(move || file.finish())
            .await
            .map_err(|_| SealError::Encrypt)??;
        match kind {
            Kind::Message { blank: true, .. } => {}
            Kind::Message { blank: false, .. } => self.parts.message = Some(sealed),
            Kind::Attachment { name: None, .. } if sealed.plaintext_len == 0 => {}
            Kind::Attachment { name, content_type } => {
                if self.parts.attachments.len() >= self.limits.files {
                    return Err(ReporterError::TooManyFiles {
                        max_files: self.limits.files,
                    });
                }
                self.parts.attachments.push(Attachment {
                    sealed,
                    name,
                    content_type,
                });
            }
        }
        Ok(())
    }

    /// Everything received; a submission with neither a message nor a file is refused.
    pub fn finish(self) -> Result<Parts, ReporterError> {
        if self.parts.message.is_none() && self.parts.attachments.is_empty() {
            return Err(ReporterError::Empty);
        }
        Ok(self.parts)
    }
}
