#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `meldpunt purge` against the real binary: it runs on a stopped installation and refuses a
//! folder that does not exist or that a service holds.

use std::process::Command;

fn purge(data: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_meldpunt"))
        .args(["purge", "--data"])
        .arg(data)
        .output()
        .unwrap()
}

#[test]
fn purge_runs_on_a_stopped_installation_and_refuses_a_held_or_missing_folder() {
    let data = tempfile::tempdir().unwrap();
    let held = meldpunt::store::Store::open(data.path()).unwrap();
    let refused = purge(data.path());
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use"));
    let written = data.path().join("demo-keys");
    assert!(!written.exists(), "nothing was written");
    drop(held);

    let done = purge(data.path());
    let stderr = String::from_utf8_lossy(&done.stderr).into_owned();
    assert!(done.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&done.stdout).contains("purged 0 report(s)"));

    let missing = purge(&data.path().join("nope"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(!data.path().join("nope").exists());
}
