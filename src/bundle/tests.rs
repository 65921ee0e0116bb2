//! Reading packages as a hostile uploader would write them.

use std::io::{Seek, SeekFrom, Write};

use super::*;

const MIB: u64 = 1024 * 1024;

/// The peak resident size of this process so far (Linux `VmHWM`), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

fn tar_header(name: &str, kind: tar::EntryType, size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_path(name).unwrap();
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_cksum();
    header
}

/// A package whose first entry is an extension of `kind` declaring `size` bytes (zeros, left
/// sparse on disk), followed by a regular manifest.
fn package_opening_with(kind: tar::EntryType, size: u64) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let f = file.as_file_mut();
    f.write_all(tar_header("././@LongLink", kind, size).as_bytes())
        .unwrap();
    let padded = size.div_ceil(512) * 512;
    f.seek(SeekFrom::Current(padded as i64)).unwrap();
    f.write_all(tar_header(MANIFEST, tar::EntryType::Regular, 2).as_bytes())
        .unwrap();
    let mut data = [0u8; 512];
    data[..2].copy_from_slice(b"{}");
    f.write_all(&data).unwrap();
    f.write_all(&[0u8; 1024]).unwrap();
    file
}

#[test]
fn a_300_mib_gnu_long_name_is_refused_before_its_body_is_read() {
    let package = package_opening_with(tar::EntryType::GNULongName, 300 * MIB);
    let tmp = tempfile::tempdir().unwrap();
    let before = peak_rss();
    let refused = read_package(package.path(), tmp.path(), 1024 * MIB).unwrap_err();
    let grown = peak_rss().saturating_sub(before);
    assert!(
        matches!(&refused, BundleError::Hostile(why) if why.contains("not a regular file")),
        "{refused}"
    );
    // Read whole, the long name took the server from 69 MiB to 1.1 GiB.
    assert!(grown < 64 * MIB, "the peak grew by {} MiB", grown / MIB);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn pax_headers_and_long_links_are_refused_as_entries_of_their_own() {
    for kind in [
        tar::EntryType::XHeader,
        tar::EntryType::XGlobalHeader,
        tar::EntryType::GNULongLink,
        tar::EntryType::GNUSparse,
    ] {
        let package = package_opening_with(kind, 100);
        let tmp = tempfile::tempdir().unwrap();
        let refused = read_package(package.path(), tmp.path(), MIB).unwrap_err();
        assert!(
            matches!(&refused, BundleError::Hostile(why) if why.contains("not a regular file")),
            "{kind:?}: {refused}"
        );
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
