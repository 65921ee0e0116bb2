//! Archive entries a hostile server could plant: each is refused by name, nothing lands outside
//! `--out`, no link is made, and the genuine items of the same bundle are still opened.

use tar::EntryType;

use crate::helpers::{Desk, MIB};
use crate::layout::{TIP, good_tip};
use crate::tar_bytes::{entry, finish, header, link, long_named};
use crate::work::{Work, refused_with};

/// (what the case is, the planted entries, text the refusal must contain)
fn cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let long_name = "a".repeat(10_000);
    let climbing_long_name = format!("{}x.age", "../".repeat(40));
    vec![
        (
            "parent folder",
            entry(b"../evil.age", EntryType::Regular, b"evil"),
            "climbs out",
        ),
        (
            "absolute path",
            entry(b"/etc/evil.age", EntryType::Regular, b"evil"),
            "absolute path",
        ),
        (
            "sub-folder",
            entry(b"a/b.age", EntryType::Regular, b"evil"),
            "a path with folders",
        ),
        (
            "backslashes",
            entry(b"..\\evil.age", EntryType::Regular, b"evil"),
            "climbs out",
        ),
        (
            "dot-dot",
            entry(b"..", EntryType::Regular, b"evil"),
            "climbs out",
        ),
        (
            "symlink",
            link(b"0123456789abcdef.age", EntryType::Symlink, b"/etc/passwd"),
            "symbolic link",
        ),
        (
            "hard link",
            link(b"evil.age", EntryType::Link, b"/etc/passwd"),
            "hard link",
        ),
        (
            "character device",
            header(b"tty.age", EntryType::Char, 0, b"")
                .as_bytes()
                .to_vec(),
            "character device",
        ),
        (
            "block device",
            header(b"sda.age", EntryType::Block, 0, b"")
                .as_bytes()
                .to_vec(),
            "block device",
        ),
        (
            "fifo",
            header(b"pipe.age", EntryType::Fifo, 0, b"")
                .as_bytes()
                .to_vec(),
            "FIFO",
        ),
        (
            "folder",
            entry(b"dir/", EntryType::Directory, b""),
            "a folder",
        ),
        (
            "10,000-byte name",
            long_named(long_name.as_bytes(), b"evil"),
            "GNU long name of 10000 bytes",
        ),
        (
            "climbing long name",
            long_named(climbing_long_name.as_bytes(), b"evil"),
            "GNU long name",
        ),
        (
            "PAX header",
            [
                entry(
                    b"PaxHeaders/x",
                    EntryType::XHeader,
                    b"30 path=../../tmp/evil.age\n",
                ),
                entry(b"fedcba9876543210.age", EntryType::Regular, b"evil"),
            ]
            .concat(),
            "PAX header",
        ),
        (
            "unknown name",
            entry(b"evil.sh", EntryType::Regular, b"#!/bin/sh"),
            "not a name meldpunt writes",
        ),
        (
            "item not in the manifest",
            entry(b"0123456789abcdef.age", EntryType::Regular, b"age?"),
            "not listed in manifest.json",
        ),
    ]
}

#[test]
fn every_planted_entry_is_refused_and_the_genuine_items_are_still_opened() {
    let desk = Desk::new();
    let report = good_tip(&desk);
    for (case, planted, reason) in cases() {
        // Planted both before and after the genuine entries.
        for bundle in [
            finish([report.entries(), planted.clone()].concat()),
            finish([planted.clone(), report.entries()].concat()),
        ] {
            let work = Work::new(&bundle);
            let opened = work.open(&desk, MIB).unwrap();
            let (what, why) = refused_with(&opened, reason);
            assert!(
                what.len() < 120,
                "{case}: the refused name is cut short: {what}"
            );
            assert!(!why.is_empty(), "{case}");
            assert_eq!(work.read("message.txt"), TIP.as_bytes(), "{case}");
            assert_eq!(
                work.files(),
                ["manifest.json", "message.txt", "passwd", "report.pdf"],
                "{case}"
            );
        }
    }
}

#[test]
fn a_refused_long_name_is_shown_escaped_and_truncated() {
    let desk = Desk::new();
    let name = format!("\u{202E}\x1b[31m{}", "n".repeat(10_000));
    let work = Work::new(&finish(
        [good_tip(&desk).entries(), long_named(name.as_bytes(), b"x")].concat(),
    ));
    let opened = work.open(&desk, MIB).unwrap();
    let (what, _) = refused_with(&opened, "GNU long name");
    assert!(what.starts_with("\\u{202e}\\u{1b}[31mnnn"), "{what}");
    assert!(what.ends_with("bytes)"), "{what}");
    assert!(!what.contains('\u{202E}') && !what.contains('\x1b'));
}

#[test]
fn a_planted_symlink_makes_the_binary_exit_1_and_creates_no_link() {
    let desk = Desk::new();
    let planted = link(b"0123456789abcdef.age", EntryType::Symlink, b"/etc/passwd");
    let work = Work::new(&finish([good_tip(&desk).entries(), planted].concat()));
    let output = work.run(&desk);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("REFUSED  0123456789abcdef.age"), "{stdout}");
    assert!(stdout.contains("symbolic link"), "{stdout}");
}
