//! File times that date nothing: every access and modification time in the data folder is a
//! midnight (UTC), so a seized disk does not say when, to the second, a reporter acted.
//!
//! Two things set those times behind our back. A change to a folder (a file created, renamed or
//! removed in it) sets the folder's modification time: whoever changes one calls [`blur`] on it
//! afterwards. A read sets a file's access time (on the common `relatime` mounts, the first
//! read after any change; on `strictatime`, every one): files and folders are therefore read
//! through [`open_unnoticed`] and [`list_unnoticed`], which open them with `O_NOATIME`, and,
//! where the kernel refuses that flag (a file that is not ours), put the access time back once
//! the read is done.
//!
//! Times are set by path (`utimensat`), never through a descriptor of our own: closing any
//! descriptor of an SQLite file would drop the POSIX locks this process holds on it. What no
//! program can set are a file's birth and change times; the operator guide says so.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use filetime::FileTime;
use rustix::fs::OFlags;

use crate::domain::Day;

/// The start of today (UTC) by the system clock.
pub fn midnight_today() -> FileTime {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    FileTime::from_unix_time(i64::try_from(now - now % 86_400).unwrap_or(0), 0)
}

/// The start of `day` (UTC).
pub fn midnight_of(day: Day) -> FileTime {
    FileTime::from_system_time(day.as_system_time())
}

/// Sets the access and modification times of `path` (a file or a folder; a link itself, not
/// what it points to) to `at`. Best effort: a time that could not be set loses nothing, and a
/// path that is gone has no time to tell.
pub fn blur(path: &Path, at: FileTime) {
    let _ = filetime::set_symlink_file_times(path, at, at);
}

/// [`blur`] to the start of today, for each of `paths`.
pub fn blur_today<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) {
    let at = midnight_today();
    for path in paths {
        blur(path.as_ref(), at);
    }
}

/// A file opened for reading without setting its access time.
pub struct Unnoticed {
    file: File,
    /// Where the kernel refused `O_NOATIME`: the path and the access time to put back.
    restore: Option<(PathBuf, FileTime)>,
}

impl Read for Unnoticed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Drop for Unnoticed {
    fn drop(&mut self) {
        if let Some((path, atime)) = self.restore.take() {
            let _ = filetime::set_file_atime(&path, atime);
        }
    }
}

/// Opens `path` for reading, leaving its access time as it was.
pub fn open_unnoticed(path: &Path) -> io::Result<Unnoticed> {
    let noatime = File::options()
        .read(true)
        .custom_flags(noatime_flag())
        .open(path);
    match noatime {
        Ok(file) => Ok(Unnoticed {
            file,
            restore: None,
        }),
        // The kernel grants O_NOATIME only to the file's owner.
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            let atime = FileTime::from_last_access_time(&std::fs::metadata(path)?);
            Ok(Unnoticed {
                file: File::open(path)?,
                restore: Some((path.to_owned(), atime)),
            })
        }
        Err(e) => Err(e),
    }
}

/// Reads a whole (small) file without setting its access time.
pub fn read_unnoticed(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_unnoticed(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The names in folder `dir` (without `.` and `..`), listed without setting its access time.
pub fn list_unnoticed(dir: &Path) -> io::Result<Vec<OsString>> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let (fd, restore) = match rustix::fs::open(dir, flags | OFlags::NOATIME, 0.into()) {
        Ok(fd) => (fd, None),
        Err(rustix::io::Errno::PERM) => {
            let atime = FileTime::from_last_access_time(&std::fs::metadata(dir)?);
            (rustix::fs::open(dir, flags, 0.into())?, Some(atime))
        }
        Err(e) => return Err(e.into()),
    };
    let mut names = Vec::new();
    for entry in rustix::fs::Dir::read_from(&fd)? {
        let name = entry?.file_name().to_bytes().to_owned();
        if name != b"." && name != b".." {
            names.push(std::ffi::OsStr::from_bytes(&name).to_owned());
        }
    }
    if let Some(atime) = restore {
        let _ = filetime::set_file_atime(dir, atime);
    }
    Ok(names)
}

/// `O_NOATIME` as the standard library's `custom_flags` takes it (the flag fits in 31 bits).
fn noatime_flag() -> i32 {
    i32::try_from(OFlags::NOATIME.bits()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn atime(path: &Path) -> i64 {
        std::fs::metadata(path).unwrap().atime()
    }

    #[test]
    fn reading_a_file_or_listing_a_folder_leaves_their_access_times_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("item.age");
        std::fs::write(&file, b"sealed").unwrap();
        let long_ago = FileTime::from_unix_time(86_400 * 10, 0);
        for path in [dir.path(), file.as_path()] {
            blur(path, long_ago);
        }
        assert_eq!(read_unnoticed(&file).unwrap(), b"sealed");
        assert_eq!(list_unnoticed(dir.path()).unwrap(), ["item.age"]);
        assert_eq!(atime(&file), 86_400 * 10);
        assert_eq!(atime(dir.path()), 86_400 * 10);
        // A plain read on this (relatime or strictatime) mount does set it: the test can fail.
        std::fs::read(&file).unwrap();
        assert_ne!(atime(&file), 86_400 * 10);
    }

    #[test]
    fn blurred_times_are_midnights() {
        let dir = tempfile::tempdir().unwrap();
        blur_today([dir.path()]);
        let meta = std::fs::metadata(dir.path()).unwrap();
        assert_eq!(meta.mtime() % 86_400, 0);
        assert_eq!(meta.atime() % 86_400, 0);
        assert_eq!(meta.mtime_nsec(), 0);
    }
}
