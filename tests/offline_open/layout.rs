//! Good bundles: what lands where, byte for byte.

use crate::helpers::{Desk, MIB, Report};
use crate::work::Work;

pub const TIP: &str = "Bij de huisartsenpraktijk lekken patiëntgegevens.\nZie de bijlagen.\n";
pub const PASSWD: &[u8] = b"root:x:0:0:root:/root:/bin/bash\n";

pub fn pdf() -> Vec<u8> {
    (0..=255u8).cycle().take(70_000).collect()
}

/// A tip with two attachments, one of them named to climb out of the folder.
pub fn good_tip(desk: &Desk) -> Report {
    let mut report = Report::default();
    report.submission(
        desk,
        0,
        TIP,
        &[("../../etc/passwd", PASSWD), ("report.pdf", &pdf())],
    );
    report
}

#[test]
fn a_good_tip_is_written_as_message_txt_and_safely_named_attachments_with_exit_0() {
    let desk = Desk::new();
    let work = Work::new(&good_tip(&desk).bundle());
    let output = work.run(&desk);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        work.files(),
        ["manifest.json", "message.txt", "passwd", "report.pdf"]
    );
    assert_eq!(work.read("message.txt"), TIP.as_bytes());
    assert_eq!(work.read("passwd"), PASSWD);
    assert_eq!(work.read("report.pdf"), pdf());
    assert!(stdout.contains("WROTE    message.txt"), "{stdout}");
    assert!(!stdout.contains("REFUSED"), "{stdout}");
    let manifest: meldpunt::bundle::BundleManifest =
        serde_json::from_slice(&work.read("manifest.json")).unwrap();
    assert_eq!(manifest.items.len(), 4);
}

#[test]
fn a_report_with_a_followup_and_a_reply_gets_a_folder_per_submission_and_a_replies_folder() {
    let desk = Desk::new();
    let mut report = Report::default();
    report
        .submission(&desk, 0, "the tip", &[("a.txt", b"first a")])
        .reply(&desk, 0, "2024-05-03", "Can you send the log?")
        .submission(
            &desk,
            1,
            "the follow-up",
            &[("a.txt", b"second a"), ("A.TXT", b"third")],
        )
        .reply(&desk, 1, "2024-05-03", "Thank you.");
    let work = Work::new(&report.bundle());
    let opened = work.open(&desk, MIB).unwrap();
    assert!(opened.is_clean(), "{:#?}", opened.refused);
    assert_eq!(
        work.files(),
        [
            "01-tip",
            "01-tip/a.txt",
            "01-tip/message.txt",
            "02-followup",
            "02-followup/A (2).TXT",
            "02-followup/a.txt",
            "02-followup/message.txt",
            "manifest.json",
            "replies",
            "replies/2024-05-03-1.txt",
            "replies/2024-05-03-2.txt",
        ]
    );
    assert_eq!(work.read("01-tip/message.txt"), b"the tip");
    assert_eq!(work.read("02-followup/message.txt"), b"the follow-up");
    assert_eq!(work.read("02-followup/a.txt"), b"second a");
    assert_eq!(
        work.read("replies/2024-05-03-1.txt"),
        b"Can you send the log?"
    );
    assert_eq!(work.read("replies/2024-05-03-2.txt"), b"Thank you.");
    assert!(
        opened
            .written
            .iter()
            .any(|(path, n)| path == "01-tip/a.txt" && *n == 7)
    );
}

#[test]
fn an_attachment_cannot_take_the_name_of_the_message_or_the_manifest() {
    let desk = Desk::new();
    let mut report = Report::default();
    report.submission(
        &desk,
        0,
        "the real message",
        &[
            ("message.txt", b"fake message"),
            ("Manifest.json", b"{}"),
            ("replies", b"r"),
        ],
    );
    let work = Work::new(&report.bundle());
    let opened = work.open(&desk, MIB).unwrap();
    assert!(opened.is_clean(), "{:#?}", opened.refused);
    assert_eq!(work.read("message.txt"), b"the real message");
    assert_eq!(work.read("message (2).txt"), b"fake message");
    assert_eq!(work.read("Manifest (2).json"), b"{}");
    assert_eq!(work.read("replies (2)"), b"r");
}
