//! Tar entries written header byte by header byte, so a test can plant what `tar::Builder`
//! would refuse to write: names that climb out, links, devices, GNU long names.

use tar::EntryType;

/// A tar header written field by field, so names `set_path` would refuse can be used.
pub fn header(name: &[u8], kind: EntryType, size: u64, link: &[u8]) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    let old = header.as_old_mut();
    old.name = [0; 100];
    old.name[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    old.linkname = [0; 100];
    old.linkname[..link.len().min(100)].copy_from_slice(&link[..link.len().min(100)]);
    header.set_entry_type(kind);
    header.set_mode(0o644);
    header.set_size(size);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_cksum();
    header
}

/// One entry: its header and its data padded to whole blocks.
pub fn entry(name: &[u8], kind: EntryType, data: &[u8]) -> Vec<u8> {
    let mut bytes = header(name, kind, data.len() as u64, b"")
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(data);
    bytes.resize(bytes.len().div_ceil(512) * 512, 0);
    bytes
}

/// A link entry (symbolic or hard) pointing at `target`.
pub fn link(name: &[u8], kind: EntryType, target: &[u8]) -> Vec<u8> {
    header(name, kind, 0, target).as_bytes().to_vec()
}

/// A GNU long-name entry followed by the entry it names.
pub fn long_named(name: &[u8], data: &[u8]) -> Vec<u8> {
    let mut long = name.to_vec();
    long.push(0);
    let mut bytes = entry(b"././@LongLink", EntryType::GNULongName, &long);
    bytes.extend(entry(
        &name[..name.len().min(100)],
        EntryType::Regular,
        data,
    ));
    bytes
}

/// The end-of-archive marker.
pub fn finish(mut entries: Vec<u8>) -> Vec<u8> {
    entries.extend([0u8; 1024]);
    entries
}
