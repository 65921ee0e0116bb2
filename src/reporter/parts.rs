//! The parts of one submission — a message and attachments — sealed as they arrive, and the
//! limits they must keep.
//!
//! Each part is poured chunk by chunk into an age encryptor ([`SealedFile`]): no part is ever held
//! whole in memory or written in plain. The limits are checked as the bytes arrive (the size of
//! the whole submission, the characters of the message, the number of files), so going over one
//! stops at once; dropping an [`Intake`] or an [`OpenPart`] removes every ciphertext it wrote. How
//! the bytes arrive (a multipart body, field by field) is the caller's business.
//!
//! Every part counts, empty ones too: a part's file is made only when its first byte arrives, so
//! thousands of empty parts cost no file and no fsync, and each of them counts toward the number
//! of parts and (with its headers, see [`Intake::count_part_header`]) toward the size.

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

/// One part being sealed; its file is made at its first byte.
pub struct OpenPart<'a> {
    file: Option<SealedFile>,
    to: &'a Recipients,
    kind: Kind,
}

/// Parts a form has besides attachments (desk, csrf, form token, language, message), with room
/// to spare.
const OTHER_PARTS: usize = 8;

/// The parts of one submission being received.
pub struct Intake {
    limits: Limits,
    tmp_dir: PathBuf,
    bytes: u64,
    /// Parts of any kind seen so far, and attachment parts (empty ones included).
    parts_seen: usize,
    attachment_parts: usize,
    parts: Parts,
}

impl Intake {
    pub fn new(limits: Limits, tmp_dir: PathBuf) -> Intake {
        Intake {
            limits,
            tmp_dir,
            bytes: 0,
            parts_seen: 0,
            attachment_parts: 0,
            parts: Parts::default(),
        }
    }

    /// The most bytes a whole submission may have.
    pub fn max_bytes(&self) -> u64 {
        self.limits.submission_bytes
    }

    /// The most characters a message may have.
    pub fn max_message_chars(&self) -> usize {
        self.limits.message_chars
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

    /// Counts a part's headers toward the size, and the part toward the number of parts a form
    /// may have: its attachments (`files`, or one empty part for a file input left empty) and a
    /// few other fields. `header_bytes` is what its header lines took.
    pub fn count_part_header(&mut self, header_bytes: usize) -> Result<(), ReporterError> {
        self.count(header_bytes)?;
        self.parts_seen += 1;
        if self.parts_seen > self.attachment_cap() + OTHER_PARTS {
            return Err(ReporterError::TooManyFiles {
                max_files: self.limits.files,
            });
        }
        Ok(())
    }

    /// A browser sends one empty, nameless part for a file input left empty.
    fn attachment_cap(&self) -> usize {
        self.limits.files.max(1)
    }

    pub fn has_message(&self) -> bool {
        self.parts.message.is_some()
    }

    pub fn open_message<'a>(&self, to: &'a Recipients) -> OpenPart<'a> {
        let kind = Kind::Message {
            chars: 0,
            blank: true,
        };
        OpenPart {
            file: None,
            to,
            kind,
        }
    }

    /// An attachment part; every one counts toward the files allowed, empty or not.
    pub fn open_attachment<'a>(
        &mut self,
        to: &'a Recipients,
        name: Option<String>,
        content_type: Option<String>,
    ) -> Result<OpenPart<'a>, ReporterError> {
        self.attachment_parts += 1;
        if self.attachment_parts > self.attachment_cap() {
            return Err(ReporterError::TooManyFiles {
                max_files: self.limits.files,
            });
        }
        Ok(OpenPart {
            file: None,
            to,
            kind: Kind::Attachment { name, content_type },
        })
    }

    /// The part's file, made now if this is its first byte.
    fn file_of<'p>(&self, part: &'p mut OpenPart<'_>) -> Result<&'p mut SealedFile, SealError> {
        match &mut part.file {
            Some(file) => Ok(file),
            empty => Ok(empty.insert(SealedFile::create(&self.tmp_dir, part.to)?)),
        }
    }

    /// Counts, checks and encrypts the next chunk of a part.
    pub fn write(&mut self, part: &mut OpenPart<'_>, chunk: &[u8]) -> Result<(), ReporterError> {
        if chunk.is_empty() {
            return Ok(());
        }
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
        self.file_of(part)?.write(chunk)?;
        Ok(())
    }

    /// Makes a finished part durable and keeps it. A blank message counts as none, and so does
    /// the empty, nameless part a browser sends for a file input left empty.
    pub async fn close(&mut self, mut part: OpenPart<'_>) -> Result<(), ReporterError> {
        let nothing_kept = match &part.kind {
            Kind::Message { blank, .. } => *blank,
            Kind::Attachment { name, .. } => name.is_none() && part.file.is_none(),
        };
        if nothing_kept {
            // Its file, if a blank message made one, goes with it.
            return Ok(());
        }
        // A named but empty file is still a file the reporter chose: it gets its (padded) item.
        self.file_of(&mut part)?;
        let OpenPart { file, kind, .. } = part;
        let Some(file) = file else {
            return Err(SealError::Encrypt.into());
        };
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
