//! Where the ciphertexts kept from an archive wait until they are decrypted: in memory when
//! small, otherwise in numbered files in a private scratch folder inside `--out` that is removed
//! when the run ends. File names here come from a counter, never from the archive.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::{create_private, create_private_dir};
use crate::offline::OfflineError;

/// Ciphertexts up to this size are kept in memory.
const IN_MEMORY_MAX: u64 = 256 * 1024;

/// A kept ciphertext and the SHA-256 of its bytes.
pub(super) struct Blob {
    stored: Stored,
    pub sha256: String,
}

enum Stored {
    Memory(Vec<u8>),
    File(PathBuf),
}

impl Blob {
    pub fn reader(&self) -> io::Result<Box<dyn BufRead + '_>> {
        Ok(match &self.stored {
            Stored::Memory(bytes) => Box::new(bytes.as_slice()),
            Stored::File(path) => Box::new(BufReader::new(File::open(path)?)),
        })
    }
}

/// The private folder for ciphertexts too large for memory; removed when dropped.
pub(super) struct Scratch {
    dir: PathBuf,
    created: bool,
    next: u64,
}

impl Scratch {
    pub fn new(dir: PathBuf) -> Self {
        Scratch {
            dir,
            created: false,
            next: 0,
        }
    }

    /// A new file named by a counter, never by anything from the archive.
    fn new_file(&mut self) -> io::Result<(PathBuf, File)> {
        if !self.created {
            create_private_dir(&self.dir)?;
            self.created = true;
        }
        self.next += 1;
        let path = self.dir.join(format!("{}.part", self.next));
        let file = create_private(&path)?;
        Ok((path, file))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.created {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// How copying one entry went.
pub(super) enum Kept {
    Whole(Blob),
    /// The archive ended before the entry's declared size.
    Short,
    /// Reading the archive failed.
    Unreadable(io::Error),
}

/// Copies `size` bytes of `entry` into memory or a scratch file, hashing them. An `Err` is a
/// failure to write the scratch file on this machine.
pub(super) fn keep(
    entry: &mut impl Read,
    size: u64,
    scratch: &mut Scratch,
) -> Result<Kept, OfflineError> {
    let scratch_error = |dir: &PathBuf, source| OfflineError::Write {
        path: dir.display().to_string(),
        source,
    };
    let mut hasher = Sha256::new();
    let (stored, copied) = if size <= IN_MEMORY_MAX {
        let mut bytes = Vec::new();
        let copied = copy(entry, size, &mut bytes, &mut hasher);
        (Stored::Memory(bytes), copied)
    } else {
        let (path, mut file) = scratch
            .new_file()
            .map_err(|e| scratch_error(&scratch.dir, e))?;
        let copied = copy(entry, size, &mut file, &mut hasher);
        (Stored::File(path), copied)
    };
    Ok(match copied {
        Ok(n) if n == size => Kept::Whole(Blob {
            stored,
            sha256: hex::encode(hasher.finalize()),
        }),
        Ok(_) => Kept::Short,
        Err(Copy::Read(e)) => Kept::Unreadable(e),
        Err(Copy::Write(e)) => return Err(scratch_error(&scratch.dir, e)),
    })
}

enum Copy {
    Read(io::Error),
    Write(io::Error),
}

/// Copies at most `size` bytes, hashing them; a failure says on which side it happened.
fn copy(
    from: &mut impl Read,
    size: u64,
    to: &mut impl Write,
    hasher: &mut Sha256,
) -> Result<u64, Copy> {
    let mut from = from.take(size);
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Copy::Read(e)),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        to.write_all(chunk).map_err(Copy::Write)?;
        total += n as u64;
    }
    to.flush().map_err(Copy::Write)?;
    Ok(total)
}
