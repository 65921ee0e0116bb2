//! Receiving a submission: a multipart body read field by field, each part of it streamed into an
//! [`Intake`] that seals it as it arrives and keeps the submission's limits.
//!
//! What is HTTP stays here: the fields a form may have, in what order, and how long a text field
//! may be. Going over a limit stops the upload (the intake removes what was written) and reads,
//! and discards, a bounded rest of the body, so the browser gets to see our answer.
//!
//! A refused upload hands back what the reporter typed (the desk, the message) in a [`Rejected`],
//! held in memory only and wiped when dropped, so the form can be shown again with it; it is never
//! written anywhere.
//!
//! The `desk` field must come before the message and files (browsers send fields in form order),
//! because the encryptor needs the desk's recipients before the first byte.

use actix_multipart::{Field, Multipart};
use futures_util::StreamExt;
use zeroize::Zeroizing;

use super::reception::fail;
use crate::reporter::parts::OpenPart;
use crate::reporter::{Intake, Parts, ReporterError};
use crate::seal::Recipients;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang};

/// The fields a submission form may have.
const TEXT_FIELD_MAX: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the form could not be read")]
    Malformed,
    /// A second `desk` field: the parts already sealed went to the first one, and the report
    /// would be filed at the second.
    #[error("the form names more than one desk")]
    SecondDesk,
    #[error(transparent)]
    Refused(#[from] ReporterError),
}

impl UploadError {
    /// What the reporter is told.
    pub fn page(self, state: &AppState, lang: PageLang) -> PageError {
        match self {
            UploadError::Malformed => state.fail(lang, Failure::Malformed),
            UploadError::SecondDesk => state.fail(lang, Failure::Invalid("err_second_desk")),
            UploadError::Refused(e) => fail(state, lang, e),
        }
    }
}

/// What the reporter sent: the form's small fields, and the parts, already encrypted.
pub struct Upload {
    pub desk: Option<String>,
    pub csrf: Option<String>,
    /// The submit form's one-time token, if the form had one (see `reporter::once`).
    pub form_token: Option<String>,
    pub parts: Parts,
}

/// What the reporter typed into a refused form, for showing it again: in memory only.
#[derive(Default)]
pub struct Typed {
    pub desk: Option<String>,
    pub csrf: Option<String>,
    message: Zeroizing<Vec<u8>>,
}

impl Typed {
    /// The message as typed (as far as it was read), wiped when dropped.
    pub fn message(&self) -> Zeroizing<String> {
        Zeroizing::new(String::from_utf8_lossy(&self.message).into_owned())
    }

    /// Keeps a chunk of the message, up to `cap` bytes. The buffer grows by copying into a new
    /// one, so the old one is wiped as it is dropped (a `Vec` that grows in place would leave
    /// its old allocation unwiped).
    fn keep(&mut self, chunk: &[u8], cap: usize) {
        let room = cap.saturating_sub(self.message.len());
        let chunk = chunk.get(..room.min(chunk.len())).unwrap_or_default();
        let needed = self.message.len() + chunk.len();
        if needed > self.message.capacity() {
            let mut grown = Zeroizing::new(Vec::with_capacity(needed.max(2 * self.message.len())));
            grown.extend_from_slice(&self.message);
            self.message = grown;
        }
        self.message.extend_from_slice(chunk);
    }
}

/// A refused upload: why, and what the reporter typed.
pub struct Rejected {
    pub error: UploadError,
    pub typed: Typed,
}

/// Where the recipients come from: chosen by the `desk` field, or fixed (a follow-up).
pub enum Target<'a> {
    ChooseDesk(&'a dyn Fn(&str) -> Option<Recipients>),
    Fixed(Recipients),
}

/// Reads the whole multipart body. On error every temporary file is already gone.
pub async fn receive(
    mut payload: Multipart,
    mut intake: Intake,
    target: Target<'_>,
) -> Result<Upload, Rejected> {
    let mut typed = Typed::default();
    let mut form_token = None;
    let budget = intake.max_bytes();
    // The message as typed is kept up to what an allowed message can take, and a little more.
    let cap = intake
        .max_message_chars()
        .saturating_mul(4)
        .saturating_add(4);
    let (mut recipients, resolve) = match target {
        Target::Fixed(r) => (Some(r), None),
        Target::ChooseDesk(resolve) => (None, Some(resolve)),
    };
    let result = async {
        while let Some(field) = payload.next().await {
            let mut field = field.map_err(|_| UploadError::Malformed)?;
            intake.count_part_header(header_bytes(&field))?;
            let name = field.name().unwrap_or_default().to_owned();
            match name.as_str() {
                "desk" => {
                    if typed.desk.is_some() {
                        return Err(UploadError::SecondDesk);
                    }
                    let value = read_text(&mut field, &mut intake).await?;
                    // An unknown desk is told once the message is kept, to show it again.
                    recipients = resolve.and_then(|resolve| resolve(&value));
                    typed.desk = Some(value);
                }
                "csrf" => typed.csrf = Some(read_text(&mut field, &mut intake).await?),
                "form_token" => form_token = Some(read_text(&mut field, &mut intake).await?),
                "lang" => {
                    read_text(&mut field, &mut intake).await?;
                }
                "message" => {
                    if intake.has_message() || !typed.message.is_empty() {
                        return Err(UploadError::Malformed);
                    }
                    let Some(to) = recipients.as_ref() else {
                        keep_rest(&mut field, &mut intake, &mut typed, cap).await?;
                        return Err(ReporterError::NoDesk.into());
                    };
                    let part = intake.open_message(to);
                    let poured = pour(&mut field, &mut intake, part, Some((&mut typed, cap))).await;
                    if let Err(UploadError::Refused(ReporterError::MessageTooLong { .. })) = poured
                    {
                        // The rest of the message, for the form shown again (bounded by `cap`).
                        let _ = keep_rest(&mut field, &mut intake, &mut typed, cap).await;
                    }
                    poured?;
                }
                "attachment" => {
                    let to = recipients.as_ref().ok_or(ReporterError::NoDesk)?;
                    let file_name = field
                        .content_disposition()
                        .and_then(|cd| cd.get_filename())
                        .map(str::to_owned)
                        .filter(|n| !n.is_empty());
                    let content_type = field.content_type().map(|m| m.essence_str().to_owned());
                    let part = intake.open_attachment(to, file_name, content_type)?;
                    pour(&mut field, &mut intake, part, None).await?;
                }
                _ => return Err(UploadError::Malformed),
            }
        }
        if recipients.is_none() {
            return Err(ReporterError::NoDesk.into());
        }
        Ok(())
    }
    .await;
    // On error the intake is dropped first, removing every ciphertext, and only then is the
    // rest of an over-limit body read.
    match result.and_then(|()| Ok(intake.finish()?)) {
        Ok(parts) => Ok(Upload {
            desk: typed.desk.take(),
            csrf: typed.csrf.take(),
            form_token,
            parts,
        }),
        Err(error) => {
            if matches!(&error, UploadError::Refused(r) if r.is_over_limit()) {
                drain(&mut payload, budget).await;
            }
            Err(Rejected { error, typed })
        }
    }
}

/// Reads the rest of a message field into memory only (nothing is sealed), counting it
/// toward the submission's size.
async fn keep_rest(
    field: &mut Field,
    intake: &mut Intake,
    typed: &mut Typed,
    cap: usize,
) -> Result<(), UploadError> {
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| UploadError::Malformed)?;
        intake.count(chunk.len())?;
        typed.keep(&chunk, cap);
    }
    Ok(())
}

async fn read_text(field: &mut Field, intake: &mut Intake) -> Result<String, UploadError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| UploadError::Malformed)?;
        intake.count(chunk.len())?;
        bytes.extend_from_slice(&chunk);
        if bytes.len() > TEXT_FIELD_MAX {
            return Err(UploadError::Malformed);
        }
    }
    String::from_utf8(bytes).map_err(|_| UploadError::Malformed)
}

/// What a part's header took on the wire, at least: each line (`Name: value` and CRLF), the blank
/// line after them and the boundary line's `--` and CRLF (the boundary itself is not known here).
fn header_bytes(field: &Field) -> usize {
    let lines: usize = field
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + 2 + value.len() + 2)
        .sum();
    lines + 2 + 4
}

/// Streams one field into its part, then closes the part; a message is also kept in `typed`
/// (in memory, up to `cap` bytes), for the form shown again should the upload be refused.
async fn pour(
    field: &mut Field,
    intake: &mut Intake,
    mut part: OpenPart<'_>,
    mut typed: Option<(&mut Typed, usize)>,
) -> Result<(), UploadError> {
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| UploadError::Malformed)?;
        if let Some((typed, cap)) = typed.as_mut() {
            typed.keep(&chunk, *cap);
        }
        intake.write(&mut part, &chunk)?;
    }
    Ok(intake.close(part).await?)
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
