//! Receiving a file an officer uploads (a reply sealed offline, a transfer package): the bytes are
//! ciphertext already, so they are streamed as they are into a temp file, within a size limit.

use actix_multipart::Multipart;
use actix_web::web;
use futures_util::StreamExt;
use std::io::Write;

use crate::domain::ItemId;
use crate::seal::TempPath;

#[derive(Debug, thiserror::Error)]
pub enum FileUploadError {
    #[error("the upload could not be read")]
    Malformed,
    #[error("the upload is too large")]
    TooLarge,
    #[error("storage failed: {0}")]
    Io(#[from] std::io::Error),
}

fn new_temp(tmp_dir: &std::path::Path) -> Result<(std::fs::File, TempPath), FileUploadError> {
    let path = tmp_dir.join(format!("{}.part", ItemId::random()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((file, TempPath::guard(path)))
}

/// A multipart form with a `csrf` field and one `file` part.
pub async fn multipart_file(
    mut payload: Multipart,
    tmp_dir: &std::path::Path,
    max: u64,
) -> Result<(Option<String>, TempPath), FileUploadError> {
    let mut csrf = None;
    let mut stored = None;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| FileUploadError::Malformed)?;
        match field.name().unwrap_or_default() {
            "csrf" => {
                let mut value = Vec::new();
                while let Some(chunk) = field.next().await {
                    value.extend_from_slice(&chunk.map_err(|_| FileUploadError::Malformed)?);
                    if value.len() > 256 {
                        return Err(FileUploadError::Malformed);
                    }
                }
                csrf = Some(String::from_utf8(value).map_err(|_| FileUploadError::Malformed)?);
            }
            "file" if stored.is_none() => {
                let (mut file, temp) = new_temp(tmp_dir)?;
                let mut size = 0u64;
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| FileUploadError::Malformed)?;
                    size += chunk.len() as u64;
                    if size > max {
                        return Err(FileUploadError::TooLarge);
                    }
                    file.write_all(&chunk)?;
                }
                stored = Some(temp);
            }
            _ => return Err(FileUploadError::Malformed),
        }
    }
    Ok((csrf, stored.ok_or(FileUploadError::Malformed)?))
}

/// A request body held in memory only (a typed reply: plaintext must never reach a file), up to
/// `max` bytes, wiped when dropped.
pub async fn body_in_memory(
    mut payload: web::Payload,
    max: usize,
) -> Result<zeroize::Zeroizing<Vec<u8>>, FileUploadError> {
    let mut body = zeroize::Zeroizing::new(Vec::with_capacity(max.min(64 * 1024)));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| FileUploadError::Malformed)?;
        if body.len() + chunk.len() > max {
            return Err(FileUploadError::TooLarge);
        }
        // Never grows past `max`: reserved up front so no reallocation leaves a copy behind.
        if body.capacity() < body.len() + chunk.len() {
            let mut bigger = zeroize::Zeroizing::new(Vec::with_capacity(max));
            bigger.extend_from_slice(&body);
            body = bigger;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A raw request body (the API's octet-stream and tar uploads).
pub async fn raw_body(
    mut payload: web::Payload,
    tmp_dir: &std::path::Path,
    max: u64,
) -> Result<TempPath, FileUploadError> {
    let (mut file, temp) = new_temp(tmp_dir)?;
    let mut size = 0u64;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| FileUploadError::Malformed)?;
        size += chunk.len() as u64;
        if size > max {
            return Err(FileUploadError::TooLarge);
        }
        file.write_all(&chunk)?;
    }
    Ok(temp)
}
