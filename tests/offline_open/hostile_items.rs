//! Hostile content inside well-formed entries: lying hashes, non-age items, attachment names
//! that try to escape or deceive, a bundle larger than the budget, duplicates.

use meldpunt::domain::ItemId;
use meldpunt::offline::OfflineError;
use meldpunt::store::ItemKind;
use tar::EntryType;

use crate::helpers::{Desk, MIB, Report, manifest_json, sha256};
use crate::layout::{PASSWD, TIP, good_tip};
use crate::tar_bytes::{entry, finish};
use crate::work::{Work, refused_with};

#[test]
fn a_manifest_that_lies_about_a_sha256_gets_that_item_refused_and_not_decrypted() {
    let desk = Desk::new();
    let report = good_tip(&desk);
    let mut manifest = report.manifest();
    let passwd = &report.items[2];
    manifest.items[2].sha256 = sha256(b"something else");
    let mut tar = entry(
        b"manifest.json",
        EntryType::Regular,
        &manifest_json(&manifest),
    );
    for item in &report.items {
        tar.extend(entry(
            item.file_name().as_bytes(),
            EntryType::Regular,
            &item.ciphertext,
        ));
    }
    let work = Work::new(&finish(tar));
    let opened = work.open(&desk, MIB).unwrap();
    let (what, _) = refused_with(&opened, "SHA-256 does not match");
    assert!(what.starts_with(&passwd.file_name()), "{what}");
    assert_eq!(work.files(), ["manifest.json", "message.txt", "report.pdf"]);
}

#[test]
fn an_item_that_is_not_age_is_refused_even_with_a_matching_sha256() {
    let desk = Desk::new();
    let mut report = good_tip(&desk);
    let noise: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    report.push(
        ItemId::random(),
        ItemKind::Attachment,
        0,
        "2024-05-01",
        noise,
    );
    let work = Work::new(&report.bundle());
    let opened = work.open(&desk, MIB).unwrap();
    refused_with(&opened, "not an age file");
    assert_eq!(opened.refused.len(), 1, "{:#?}", opened.refused);
    assert_eq!(
        work.files(),
        ["manifest.json", "message.txt", "passwd", "report.pdf"]
    );
}

#[test]
fn hostile_attachment_names_are_written_under_safe_names_directly_in_out() {
    let desk = Desk::new();
    let long = format!("{}.pdf", "x".repeat(10_000));
    let mut report = Report::default();
    report.submission(
        &desk,
        0,
        TIP,
        &[
            ("..", b"dots"),
            ("CON", b"device"),
            (&long, b"long"),
            ("invoice\u{202E}fdp.exe\nline two\r\n", b"bidi"),
            ("/", b"slash"),
            ("..\\..\\boot.ini", b"windows"),
        ],
    );
    let work = Work::new(&report.bundle());
    let opened = work.open(&desk, MIB).unwrap();
    assert!(opened.is_clean(), "{:#?}", opened.refused);
    let cut = format!("{}.pdf", "x".repeat(96));
    let mut expected = vec![
        "_CON",
        "attachment",
        "attachment (2)",
        "boot.ini",
        &cut,
        "invoicefdp.exeline two",
        "manifest.json",
        "message.txt",
    ];
    expected.sort();
    assert_eq!(work.files(), expected);
    assert_eq!(work.read("attachment"), b"dots");
    assert_eq!(work.read("attachment (2)"), b"slash");
    assert_eq!(work.read("_CON"), b"device");
    assert_eq!(work.read(&cut), b"long");
    assert_eq!(work.read("invoicefdp.exeline two"), b"bidi");
}

#[test]
fn a_bundle_over_the_budget_is_cut_at_the_budget_and_leaves_no_partial_file() {
    let desk = Desk::new();
    let big: Vec<u8> = (0..3 * MIB as u32).map(|i| i as u8).collect();
    let mut report = Report::default();
    report.submission(&desk, 0, TIP, &[("small.txt", PASSWD), ("big.bin", &big)]);
    let work = Work::new(&report.bundle());
    let opened = work.open(&desk, MIB).unwrap();
    refused_with(&opened, "would go over the --max-mib budget");
    let big_id = report.items[3].file_name();
    let (_, why) = refused_with(&opened, &big_id);
    assert!(why.contains("budget"), "{why}");
    assert_eq!(work.files(), ["manifest.json", "message.txt", "small.txt"]);
    assert_eq!(work.read("small.txt"), PASSWD);
}

#[test]
fn a_duplicate_entry_is_refused_and_no_copy_of_it_is_opened() {
    let desk = Desk::new();
    let report = good_tip(&desk);
    let passwd = &report.items[2];
    let copy = entry(
        passwd.file_name().as_bytes(),
        EntryType::Regular,
        &passwd.ciphertext,
    );
    let work = Work::new(&finish([report.entries(), copy].concat()));
    let opened = work.open(&desk, MIB).unwrap();
    refused_with(&opened, "appears twice in the archive");
    refused_with(&opened, "more than one copy");
    assert_eq!(work.files(), ["manifest.json", "message.txt", "report.pdf"]);
}

#[test]
fn an_item_listed_but_missing_from_the_archive_is_refused() {
    let desk = Desk::new();
    let report = good_tip(&desk);
    let mut tar = entry(
        b"manifest.json",
        EntryType::Regular,
        &manifest_json(&report.manifest()),
    );
    for item in report
        .items
        .iter()
        .filter(|i| i.kind != ItemKind::Attachment)
    {
        tar.extend(entry(
            item.file_name().as_bytes(),
            EntryType::Regular,
            &item.ciphertext,
        ));
    }
    let work = Work::new(&finish(tar));
    let opened = work.open(&desk, MIB).unwrap();
    assert_eq!(opened.refused.len(), 2, "{:#?}", opened.refused);
    refused_with(&opened, "not in the archive");
    assert_eq!(work.files(), ["manifest.json", "message.txt"]);
}

#[test]
fn a_bundle_without_a_usable_manifest_json_is_refused_whole_and_leaves_no_folder() {
    let desk = Desk::new();
    let report = good_tip(&desk);
    let twice = [
        entry(
            b"manifest.json",
            EntryType::Regular,
            &manifest_json(&report.manifest()),
        ),
        report.entries(),
    ]
    .concat();
    let unknown_field = br#"{"format":"meldpunt-bundle/1","\u001b[2Jevil":1}"#.to_vec();
    let no_manifest: Vec<u8> = report
        .items
        .iter()
        .flat_map(|item| {
            entry(
                item.file_name().as_bytes(),
                EntryType::Regular,
                &item.ciphertext,
            )
        })
        .collect();
    for bundle in [
        finish(no_manifest),
        finish(twice),
        finish(entry(b"manifest.json", EntryType::Regular, &unknown_field)),
        b"not a tar archive at all".to_vec(),
        Vec::new(),
    ] {
        let work = Work::new(&bundle);
        match work.open(&desk, MIB) {
            Err(OfflineError::Hostile(why)) => assert!(!why.contains('\x1b'), "{why}"),
            other => panic!("expected a refusal of the whole bundle, got {other:?}"),
        }
        assert!(!work.out().exists());
    }
}

/// An age header of `stanzas` X25519-shaped stanzas and a few payload bytes: no crypto behind
/// it, only the shape a parser has to walk.
fn header_with_stanzas(stanzas: usize) -> Vec<u8> {
    let b64 = "A".repeat(43);
    let mut text = String::from("age-encryption.org/v1\n");
    for _ in 0..stanzas {
        text += &format!("-> X25519 {b64}\n{b64}\n");
    }
    text += &format!("--- {b64}\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(&[0u8; 64]);
    bytes
}

#[test]
fn an_item_with_a_header_of_two_thousand_stanzas_is_refused_quickly_and_the_rest_opens() {
    let desk = Desk::new();
    let mut report = good_tip(&desk);
    report.push(
        ItemId::random(),
        ItemKind::Attachment,
        0,
        "2024-05-01",
        header_with_stanzas(2_000),
    );
    let work = Work::new(&report.bundle());
    let started = std::time::Instant::now();
    let opened = work.open(&desk, MIB).unwrap();
    // The age crate's own parse of this header takes minutes.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    refused_with(&opened, "more than 64 stanzas");
    assert_eq!(opened.refused.len(), 1, "{:#?}", opened.refused);
    assert_eq!(
        work.files(),
        ["manifest.json", "message.txt", "passwd", "report.pdf"]
    );
}
