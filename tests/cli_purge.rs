#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `meldpunt purge` against the real binary: it runs beside whatever holds the folder open,
//! refuses a folder that does not exist, and never makes keys (issue 10, point 6). It takes the
//! desks' retention from `--config`, or from what the service recorded when it last started on
//! the folder; with neither it refuses, and a demo folder stays a demo folder.

use std::path::Path;
use std::process::{Command, Output};

use meldpunt::store::{KnownDesk, StartedWith, Store};

fn purge(data: &Path, config: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_meldpunt"));
    command.args(["purge", "--data"]).arg(data);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    command.env("MELDPUNT_LOG", "off").output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file name under `dir`, relative to it.
fn names_under(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(next) = todo.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            names.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() {
                todo.push(path);
            }
        }
    }
    names.sort();
    names
}

fn no_key_in(dir: &Path) {
    let keys: Vec<String> = names_under(dir)
        .into_iter()
        .filter(|n| n.contains("demo-keys") || n.ends_with(".key"))
        .collect();
    assert!(keys.is_empty(), "purge made keys: {keys:?}");
}

fn started(demo: bool) -> StartedWith {
    StartedWith {
        demo,
        desks: vec![KnownDesk {
            id: "ap".parse().unwrap(),
            retention_days: 30,
            acknowledge_days: 7,
            feedback_days: 90,
        }],
    }
}

#[test]
fn purge_runs_beside_an_open_store_and_refuses_a_missing_folder() {
    let data = tempfile::tempdir().unwrap();
    let held = Store::open(data.path()).unwrap();
    held.record_start(&started(false)).unwrap();
    let done = purge(data.path(), None);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(String::from_utf8_lossy(&done.stdout).contains("purged 0 report(s)"));
    no_key_in(data.path());

    let missing = purge(&data.path().join("nope"), None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(!data.path().join("nope").exists());
}

#[test]
fn without_a_configuration_or_a_recorded_start_purge_refuses_and_makes_no_keys() {
    let data = tempfile::tempdir().unwrap();
    drop(Store::open(data.path()).unwrap());
    let before = names_under(data.path());
    let refused = purge(data.path(), None);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--config"),
        "it says what would help: {}",
        stderr(&refused)
    );
    assert_eq!(names_under(data.path()), before, "nothing was written");
}

#[test]
fn a_configuration_gives_the_desks_and_no_key_is_made() {
    let data = tempfile::tempdir().unwrap();
    drop(Store::open(data.path()).unwrap());
    let identity = age::x25519::Identity::generate();
    let config = data.path().join("meldpunt.toml");
    std::fs::write(
        &config,
        format!(
            "[[desk]]\nid = \"ap\"\nname_nl = \"AP\"\nname_en = \"AP\"\n\
             description_nl = \"d\"\ndescription_en = \"d\"\nrecipients = [\"{}\"]\n",
            identity.to_public()
        ),
    )
    .unwrap();
    let done = purge(data.path(), Some(&config));
    assert!(done.status.success(), "{}", stderr(&done));
    no_key_in(data.path());
}

#[test]
fn a_demo_folder_stays_a_demo_folder_and_its_keys_are_left_as_they_are() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).unwrap();
    store.record_start(&started(true)).unwrap();
    let done = purge(data.path(), None);
    assert!(done.status.success(), "{}", stderr(&done));
    no_key_in(data.path());
    let after = store.last_start().unwrap().expect("still recorded");
    assert!(after.demo, "still a demo folder");
    assert_eq!(after.desks, started(true).desks);
}
