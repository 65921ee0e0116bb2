//! The real binary's exit codes, and what `open` refuses before reading anything.

use std::fs;

use meldpunt::offline::OfflineError;
use meldpunt::offline::open::open_bundle;

use crate::common::binary::{meldpunt, run};
use crate::helpers::{Desk, MIB};
use crate::layout::{TIP, good_tip};
use crate::work::{Work, walk};

fn snapshot(work: &Work) -> Vec<(String, Vec<u8>)> {
    walk(&work.out())
        .into_iter()
        .map(|rel| {
            let path = work.out().join(&rel);
            let bytes = if path.is_file() {
                fs::read(path).unwrap()
            } else {
                Vec::new()
            };
            (rel, bytes)
        })
        .collect()
}

#[test]
fn opening_twice_into_the_same_folder_refuses_with_exit_2_and_changes_nothing() {
    let desk = Desk::new();
    let work = Work::new(&good_tip(&desk).bundle());
    assert_eq!(work.run(&desk).status.code(), Some(0));
    let before = snapshot(&work);

    let again = work.run(&desk);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not empty"), "{stderr}");
    assert!(stderr.contains("choose a new --out folder"), "{stderr}");
    assert_eq!(snapshot(&work), before);
}

#[test]
fn another_desks_identity_gets_every_item_refused_as_not_for_this_identity_with_exit_1() {
    let desk = Desk::new();
    let other = Desk::new();
    let work = Work::new(&good_tip(&desk).bundle());
    let output = work.run(&other);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout.matches("not for this identity").count(),
        4,
        "{stdout}"
    );
    assert_eq!(
        work.files(),
        ["manifest.json"],
        "nothing decrypted, no empty files"
    );
}

#[test]
fn a_missing_bundle_or_a_bad_identity_stops_with_exit_2_and_creates_nothing() {
    let desk = Desk::new();
    let work = Work::new(&good_tip(&desk).bundle());
    fs::remove_file(work.bundle()).unwrap();
    let missing = work.run_unchecked(&desk);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("check the bundle's path"));
    assert!(!work.out().exists());

    let work = Work::new(&good_tip(&desk).bundle());
    let not_a_key = work.dir.path().join("not-a-key");
    fs::write(&not_a_key, "hello\n").unwrap();
    let output = run(
        meldpunt()
            .arg("open")
            .arg(work.bundle())
            .arg("--identity")
            .arg(&not_a_key)
            .arg("--out")
            .arg(work.out()),
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("check --identity"));
    assert!(!work.out().exists());
    fs::remove_file(not_a_key).unwrap();
    work.assert_contained();
}

#[test]
fn an_out_that_is_a_file_or_a_symlink_is_refused_before_reading_the_bundle() {
    let desk = Desk::new();
    let work = Work::new(&good_tip(&desk).bundle());
    let target = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(target.path(), work.out()).unwrap();
    let linked = work.run_unchecked(&desk);
    assert_eq!(linked.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&linked.stderr).contains("symbolic link"));
    let with_slash = work.out().join("");
    assert!(with_slash.to_string_lossy().ends_with('/'));
    let result = open_bundle(&work.bundle(), &desk.loaded(), &with_slash, MIB);
    assert!(
        matches!(result, Err(OfflineError::OutFolder(_))),
        "{result:?}"
    );
    assert_eq!(
        fs::read_dir(target.path()).unwrap().count(),
        0,
        "nothing written through the link"
    );
    fs::remove_file(work.out()).unwrap();

    fs::write(work.out(), "a file").unwrap();
    let file = work.run_unchecked(&desk);
    assert_eq!(file.status.code(), Some(2));
    assert_eq!(fs::read(work.out()).unwrap(), b"a file");
}

#[test]
fn an_existing_empty_folder_is_accepted() {
    let desk = Desk::new();
    let work = Work::new(&good_tip(&desk).bundle());
    fs::create_dir(work.out()).unwrap();
    assert_eq!(work.run(&desk).status.code(), Some(0));
    assert_eq!(work.read("message.txt"), TIP.as_bytes());
}
