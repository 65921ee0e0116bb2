//! Private files and folders: whatever meldpunt creates is its owner's alone — folders 0700,
//! files 0600 — whatever umask it was started with. The data folder holds officers' password
//! hashes and TOTP secrets beside the ciphertexts, and an age file's size and count tell a
//! reader things too; no other account on the machine has reason to list or read any of it.
//!
//! `main` also sets the umask to 077, so that what a library creates for us (SQLite's `-wal` and
//! `-shm` files, say) is private too; these helpers hold without it, for the tests and for any
//! program that embeds the library.

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// Creates `path` and any missing parents, each 0700.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(path)
}

/// Creates the folder `path` (0700); its parent must exist and `path` must not.
pub fn create_dir(path: &Path) -> io::Result<()> {
    DirBuilder::new().mode(DIR_MODE).create(path)
}

/// Options that create a file 0600; the caller says how it is opened.
pub fn file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.mode(FILE_MODE);
    options
}

/// A new file at `path` (it must not exist), 0600, open for writing.
pub fn create_new(path: &Path) -> io::Result<std::fs::File> {
    file_options().write(true).create_new(true).open(path)
}

/// Writes `bytes` to a new file at `path` (0600); never replaces one.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    create_new(path)?.write_all(bytes)
}

/// Takes group and other permissions off a folder made before this rule (or by hand): a data
/// folder of an older version was 0755, its database 0644. Closing the folder closes all in it.
pub fn tighten_dir(path: &Path) -> io::Result<()> {
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, Permissions::from_mode(mode & 0o700))?;
    }
    Ok(())
}

/// Sets the process umask to 077 (see the module's paragraph).
pub fn restrict_umask() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode_of(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_private_and_an_open_folder_is_closed() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        create_dir_all(&nested).unwrap();
        assert_eq!(mode_of(&dir.path().join("a")), 0o700);
        assert_eq!(mode_of(&nested), 0o700);
        let file = nested.join("f");
        create_new(&file).unwrap();
        assert_eq!(mode_of(&file), 0o600);
        std::fs::set_permissions(&nested, Permissions::from_mode(0o755)).unwrap();
        tighten_dir(&nested).unwrap();
        assert_eq!(mode_of(&nested), 0o700);
    }
}
