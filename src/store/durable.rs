//! Making writes durable.
//!
//! `File::sync_all` (fsync) makes a file's data and size durable; a rename or a new file is only
//! durable once its directory is fsync'd too. sled 0.34's `flush()` writes its buffers and then
//! calls `sync_file_range`, which neither guarantees the file's metadata nor is a barrier that the
//! file system honours across a power cut. So after `flush()` we fsync every file of the database
//! and its directory ourselves: fsync acts on the inode, whichever descriptor asks for it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// fsyncs a directory, making the names created, renamed or removed in it durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Flushes sled and then fsyncs its files and directories. Returns the files it synced, so a test
/// can see that the database file itself was among them.
pub fn sync_sled(db: &sled::Db, dir: &Path) -> io::Result<Vec<PathBuf>> {
    db.flush().map_err(io::Error::other)?;
    let mut synced = Vec::new();
    sync_tree(dir, &mut synced)?;
    Ok(synced)
}

fn sync_tree(dir: &Path, synced: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        // sled may remove an old snapshot while we walk; a file that is gone needs no fsync.
        let result = if kind.is_dir() {
            sync_tree(&entry.path(), synced)
        } else if kind.is_file() {
            File::open(entry.path()).and_then(|f| {
                blur_times(&f)?;
                f.sync_all()
            })
        } else {
            Ok(())
        };
        match result {
            Ok(()) if kind.is_file() => synced.push(entry.path()),
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    let folder = File::open(dir)?;
    blur_times(&folder)?;
    folder.sync_all()?;
    synced.push(dir.to_owned());
    Ok(())
}

/// Sets a file's access and modification times to the start of today (UTC): the database is
/// written on every tip, and its times must not say when, to the second, the last one came.
/// (The inode change time cannot be set; see the operator guide.)
fn blur_times(file: &File) -> io::Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let midnight = std::time::UNIX_EPOCH + std::time::Duration::from_secs(now - now % 86_400);
    file.set_times(
        std::fs::FileTimes::new()
            .set_modified(midnight)
            .set_accessed(midnight),
    )
}
