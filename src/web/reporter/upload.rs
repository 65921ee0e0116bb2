//! Receiving a submission: a multipart body streamed part by part into age encryptors.
//!
//! No part is ever held whole in memory or written in plain: each chunk of the message and of every
//! attachment goes straight into a [`SealedFile`]. Limits are checked as bytes arrive; going over
//! one stops the upload, removes what was written, and reads (and discards) a bounded rest of the
//! body so the browser gets to see our answer.
//!
//! The `desk` field must come before the message and files (browsers send fields in form order),
//! because the encryptor needs the desk's recipients before the first byte.

use actix_multipart::{Field, Multipart};
use futures_util::StreamExt;

use crate::config::Limits;
use crate::seal::manifest::{ManifestItem, Role};
use crate::seal::{Recipients, SealError, Sealed, SealedFile};

/// The fields a submission form may have.
const TEXT_FIELD_MAX: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the form could not be read")]
    Malformed,
    #[error("no desk was chosen")]
    NoDesk,
    #[error("the desk does not exist")]
    UnknownDesk,
    #[error("the message is empty")]
    Empty,
    #[error("message too long")]
    MessageTooLong,
    #[error("too many files")]
    TooManyFiles,
    #[error("submission too large")]
    TooLarge,
    #[error("cannot store: {0}")]
    Seal(#[from] SealError),
}

/// What the reporter sent, already encrypted.
pub struct Upload {
    pub desk: Option<String>,
    pub csrf: Option<String>,
    pub message: Option<Sealed>,
    pub attachments: Vec<(Sealed, Option<String>, Option<String>)>,
}

impl Upload {
    /// Manifest entries for everything in this upload.
    pub fn manifest_items(&self) -> Vec<ManifestItem> {
        let message = self.message.iter().map(|m| ManifestItem {
            item: m.id.clone(),
            role: Role::Message,
            name: None,
            content_type: None,
            size: m.plaintext_len,
        });
        let files = self
            .attachments
            .iter()
            .map(|(f, name, ctype)| ManifestItem {
                item: f.id.clone(),
                role: Role::Attachment,
                name: name.clone(),
                content_type: ctype.clone(),
                size: f.plaintext_len,
            });
        message.chain(files).collect()
    }
}

/// Where the recipients come from: chosen by the `desk` field, or fixed (a follow-up).
pub enum Target<'a> {
    ChooseDesk(&'a dyn Fn(&str) -> Option<Recipients>),
    Fixed(Recipients),
}

struct Counter {
    bytes: u64,
    limit: u64,
}

impl Counter {
    fn add(&mut self, n: usize) -> Result<(), UploadError> {
        self.bytes += n as u64;
        if self.bytes > self.limit {
            Err(UploadError::TooLarge)
        } else {
            Ok(())
        }
    }
}

/// Reads the whole multipart body. On error every temporary file is already gone.
pub async fn receive(
    mut payload: Multipart,
    limits: &Limits,
    tmp_dir: &std::path::Path,
    target: Target<'_>,
) -> Result<Upload, UploadError> {
    let mut counter = Counter {
        bytes: 0,
        limit: limits.submission_bytes,
    };
    let mut upload = Upload {
        desk: None,
        csrf: None,
        message: None,
        attachments: Vec::new(),
    };
    let (mut recipients, resolve) = match target {
        Target::Fixed(r) => (Some(r), None),
        Target::ChooseDesk(resolve) => (None, Some(resolve)),
    };
    let result = async {
        while let Some(field) = payload.next().await {
            let mut field = field.map_err(|_| UploadError::Malformed)?;
            let name = field.name().unwrap_or_default().to_owned();
            match name.as_str() {
                "desk" => {
                    let value = read_text(&mut field, &mut counter).await?;
                    if let Some(resolve) = resolve {
                        recipients = Some(resolve(&value).ok_or(UploadError::UnknownDesk)?);
                    }
                    upload.desk = Some(value);
                }
                "csrf" => upload.csrf = Some(read_text(&mut field, &mut counter).await?),
                "lang" => {
                    read_text(&mut field, &mut counter).await?;
                }
                "message" => {
                    if upload.message.is_some() {
                        return Err(UploadError::Malformed);
                    }
                    let to = recipients.as_ref().ok_or(UploadError::NoDesk)?;
                    let sealed =
                        seal_message(&mut field, &mut counter, limits, tmp_dir, to).await?;
                    upload.message = sealed;
                }
                "attachment" => {
                    let to = recipients.as_ref().ok_or(UploadError::NoDesk)?;
                    let file_name = field
                        .content_disposition()
                        .and_then(|cd| cd.get_filename())
                        .map(str::to_owned)
                        .filter(|n| !n.is_empty());
                    let content_type = field.content_type().map(|m| m.essence_str().to_owned());
                    let sealed =
                        seal_stream(&mut field, &mut counter, tmp_dir, to, |_| Ok(())).await?;
                    // A browser sends an empty, nameless part for a file input left empty.
                    if file_name.is_none() && sealed.plaintext_len == 0 {
                        continue;
                    }
                    if upload.attachments.len() >= limits.files {
                        return Err(UploadError::TooManyFiles);
                    }
                    upload.attachments.push((sealed, file_name, content_type));
                }
                _ => return Err(UploadError::Malformed),
            }
        }
        if recipients.is_none() {
            return Err(UploadError::NoDesk);
        }
        if upload.message.is_none() && upload.attachments.is_empty() {
            return Err(UploadError::Empty);
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(upload),
        Err(e) => {
            drop(upload);
            if matches!(
                e,
                UploadError::TooLarge | UploadError::MessageTooLong | UploadError::TooManyFiles
            ) {
                drain(&mut payload, limits.submission_bytes).await;
            }
            Err(e)
        }
    }
}

async fn read_text(field: &mut Field, counter: &mut Counter) -> Result<String, UploadError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| UploadError::Malformed)?;
        counter.add(chunk.len())?;
        bytes.extend_from_slice(&chunk);
        if bytes.len() > TEXT_FIELD_MAX {
            return Err(UploadError::Malformed);
        }
    }
    String::from_utf8(bytes).map_err(|_| UploadError::Malformed)
}

/// Streams the message into an encryptor, counting characters; `None` if it was blank.
async fn seal_message(
    field: &mut Field,
    counter: &mut Counter,
    limits: &Limits,
    tmp_dir: &std::path::Path,
    to: &Recipients,
) -> Result<Option<Sealed>, UploadError> {
    let mut chars = 0usize;
    let mut blank = true;
    let sealed = seal_stream(field, counter, tmp_dir, to, |chunk| {
        // Count UTF-8 scalar values: every byte that is not a continuation byte starts one.
        chars += chunk.iter().filter(|b| (**b & 0xC0) != 0x80).count();
        blank = blank && chunk.iter().all(u8::is_ascii_whitespace);
        if chars > limits.message_chars {
            Err(UploadError::MessageTooLong)
        } else {
            Ok(())
        }
    })
    .await?;
    Ok((!blank).then_some(sealed))
}

async fn seal_stream(
    field: &mut Field,
    counter: &mut Counter,
    tmp_dir: &std::path::Path,
    to: &Recipients,
    mut check: impl FnMut(&[u8]) -> Result<(), UploadError>,
) -> Result<Sealed, UploadError> {
    let mut file = SealedFile::create(tmp_dir, to)?;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| UploadError::Malformed)?;
        counter.add(chunk.len())?;
        check(&chunk)?;
        file.write(&chunk)?;
    }
    // The final fsync blocks; keep it off the async worker.
    actix_web::web::block(move || file.finish())
        .await
        .map_err(|_| UploadError::Seal(SealError::Encrypt))?
        .map_err(UploadError::Seal)
}

/// Reads and discards up to `budget` more bytes, so the client finishes sending and reads our
/// answer; past the budget the connection is simply closed.
async fn drain(payload: &mut Multipart, budget: u64) {
    let mut seen = 0u64;
    while let Some(Ok(mut field)) = payload.next().await {
        while let Some(Ok(chunk)) = field.next().await {
            seen += chunk.len() as u64;
            if seen > budget {
                return;
            }
        }
    }
}
