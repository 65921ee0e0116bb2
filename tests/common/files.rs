//! Files a test reads back: everything under a folder, and the demo desks' identities that a
//! demo-mode data folder holds.

use std::path::{Path, PathBuf};

/// Every file under `dir`, at any depth; none when `dir` does not exist.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The identity of demo desk `desk`, from `DATA/demo-keys/DESK.key`.
pub fn desk_identity(data: &Path, desk: &str) -> age::x25519::Identity {
    let text = std::fs::read_to_string(data.join("demo-keys").join(format!("{desk}.key"))).unwrap();
    text.lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .parse()
        .unwrap()
}
