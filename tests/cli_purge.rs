#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `meldpunt purge` against the real binary: it runs beside whatever holds the folder open and
//! refuses a folder that does not exist.

use std::process::Command;

fn purge(data: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["purge", "--data"])
        .arg(data)
        .output()
        .unwrap()
}

#[test]
fn purge_runs_beside_an_open_store_and_refuses_a_missing_folder() {
    let data = tempfile::tempdir().unwrap();
    let _held = meldpunt::store::Store::open(data.path()).unwrap();
    let done = purge(data.path());
    let stderr = String::from_utf8_lossy(&done.stderr).into_owned();
    assert!(done.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&done.stdout).contains("purged 0 report(s)"));

    let missing = purge(&data.path().join("nope"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(!data.path().join("nope").exists());
}
