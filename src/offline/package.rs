//! Writing what the offline machine hands back to the server: a package (a tar of
//! `manifest.json` and the `<item>.age` files, as [`crate::bundle`] reads it), and the files it
//! writes, which never overwrite anything. Used by `transfer`, `rekey` and `seal-reply`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::OfflineError;
use crate::bundle::{BundleItem, BundleManifest};

pub(super) fn create_new(path: &Path) -> Result<std::fs::File, OfflineError> {
    crate::private::create_new(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => OfflineError::Usage(format!(
            "{} already exists; choose another --out (nothing is ever overwritten)",
            path.display()
        )),
        _ => OfflineError::Write {
            path: path.display().to_string(),
            source,
        },
    })
}

pub(super) fn write_package(
    manifest: &BundleManifest,
    items: &[(BundleItem, PathBuf)],
    out: &Path,
) -> Result<(), OfflineError> {
    let write = |source| OfflineError::Write {
        path: out.display().to_string(),
        source,
    };
    let mut builder = tar::Builder::new(std::io::BufWriter::new(create_new(out)?));
    let json =
        serde_json::to_vec_pretty(manifest).map_err(|e| OfflineError::Crypto(e.to_string()))?;
    let mut append = |name: &str, data: &mut dyn Read, size: u64| {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_size(size);
        header.set_mtime(0);
        header.set_path(name)?;
        header.set_cksum();
        builder.append(&header, data)
    };
    append("manifest.json", &mut json.as_slice(), json.len() as u64).map_err(write)?;
    for (item, path) in items {
        let mut file = std::fs::File::open(path).map_err(write)?;
        append(&item.file_name(), &mut file, item.size).map_err(write)?;
    }
    builder
        .into_inner()
        .and_then(|mut w| w.flush().map(|_| w))
        .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
        .and_then(|f| f.sync_all())
        .map_err(write)
}
