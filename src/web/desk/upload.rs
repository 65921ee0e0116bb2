//! Receiving a file an officer uploads (a reply sealed offline, a transfer package): the bytes are
//! ciphertext already, so they are streamed as they are into a temp file, within a size limit.
//!
//! "Ciphertext already" is checked before the first byte reaches the disk: every package is a
//! tar archive, so the first 512 bytes, held in memory, must be a tar header with a valid
//! checksum. Plain text sent here by mistake (a typed reply with the wrong content type, a
//! document picked instead of the package) never matches one and is refused from memory.

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
    #[error("the upload is not a package (a tar archive)")]
    NotPackage,
    #[error("storage failed: {0}")]
    Io(#[from] std::io::Error),
}

fn new_temp(tmp_dir: &std::path::Path) -> Result<(std::fs::File, TempPath), FileUploadError> {
    let path = tmp_dir.join(format!("{}.part", ItemId::random()));
    let file = crate::private::create_new(&path)?;
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
                let chunks = field.map(|c| c.map_err(|_| FileUploadError::Malformed));
                stored = Some(spool_package(chunks, tmp_dir, max).await?);
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

/// A raw request body (the API's octet-stream and tar uploads): a package, see [`spool_package`].
pub async fn raw_body(
    payload: web::Payload,
    tmp_dir: &std::path::Path,
    max: u64,
) -> Result<TempPath, FileUploadError> {
    let chunks = payload.map(|c| c.map_err(|_| FileUploadError::Malformed));
    spool_package(chunks, tmp_dir, max).await
}

/// Streams a package into a temp file, within `max` bytes, once its first 512 bytes (held in
/// memory until then) have shown it to be a tar archive.
async fn spool_package(
    chunks: impl futures_util::Stream<Item = Result<web::Bytes, FileUploadError>>,
    tmp_dir: &std::path::Path,
    max: u64,
) -> Result<TempPath, FileUploadError> {
    let mut chunks = std::pin::pin!(chunks);
    let mut head = zeroize::Zeroizing::new(Vec::with_capacity(TAR_BLOCK));
    let mut file: Option<(std::fs::File, TempPath)> = None;
    let mut size = 0u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        size += chunk.len() as u64;
        if size > max {
            return Err(FileUploadError::TooLarge);
        }
        match &mut file {
            Some((out, _)) => out.write_all(&chunk)?,
            None => {
                head.extend_from_slice(&chunk);
                if head.len() >= TAR_BLOCK {
                    file = Some(start_package(&head, tmp_dir)?);
                }
            }
        }
    }
    match file {
        Some((_, temp)) => Ok(temp),
        None => Err(FileUploadError::NotPackage),
    }
}

/// The size of a tar header block.
const TAR_BLOCK: usize = 512;

/// Checks that `head` starts with a tar header and writes it to a new temp file.
fn start_package(
    head: &[u8],
    tmp_dir: &std::path::Path,
) -> Result<(std::fs::File, TempPath), FileUploadError> {
    if !is_tar_header(&head[..TAR_BLOCK]) {
        return Err(FileUploadError::NotPackage);
    }
    let (mut out, temp) = new_temp(tmp_dir)?;
    out.write_all(head)?;
    Ok((out, temp))
}

/// A tar header's checksum (bytes 148..156, octal) is the sum of the header's bytes with the
/// checksum field counted as spaces; text never has one that adds up.
fn is_tar_header(block: &[u8]) -> bool {
    let Some(field) = block.get(148..156) else {
        return false;
    };
    let digits: String = field
        .iter()
        .take_while(|b| **b != 0 && **b != b' ')
        .map(|b| char::from(*b))
        .collect();
    let Ok(stored) = u32::from_str_radix(digits.trim_start_matches(' '), 8) else {
        return false;
    };
    let sum: u32 = block
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(*b)
            }
        })
        .sum();
    !digits.is_empty() && stored == sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tar_header_is_recognised_and_text_is_not() {
        let mut header = tar::Header::new_ustar();
        header.set_path("manifest.json").unwrap();
        header.set_size(3);
        header.set_cksum();
        assert!(is_tar_header(header.as_bytes()));
        let text = format!("{{\"text\": \"{}\"}}", "x".repeat(600));
        assert!(!is_tar_header(&text.as_bytes()[..TAR_BLOCK]));
        assert!(!is_tar_header(&[0u8; TAR_BLOCK]));
    }
}
