//! deploy/meldpunt-backup.{service,timer}: systemd accepts both, and the command the service runs
//! — taken from the unit itself, with this build's binary and temporary folders put in — writes a
//! backup of a real data folder that opens with the backup key.

use std::process::Command;

use crate::common::binary::{BINARY, start};
use crate::support::{directives, repo_file, run, text, tool_or_skip};

fn setting(unit: &str, key: &str) -> Vec<String> {
    directives(&repo_file(unit))
        .into_iter()
        .filter_map(|l| l.strip_prefix(&format!("{key}=")).map(str::to_owned))
        .collect()
}

#[test]
fn the_backup_timer_and_service_pass_systemd_analyze_verify() {
    assert_eq!(
        setting("deploy/meldpunt-backup.timer", "OnCalendar"),
        ["*-*-* 03:00:00"]
    );
    assert_eq!(
        setting("deploy/meldpunt-backup.service", "User"),
        ["meldpunt"]
    );
    assert_eq!(
        setting("deploy/meldpunt-backup.service", "PrivateNetwork"),
        ["yes"]
    );
    if !tool_or_skip(
        "systemd-analyze",
        "--version",
        "deploy/meldpunt-backup.service",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for name in ["meldpunt-backup.service", "meldpunt-backup.timer"] {
        std::fs::write(dir.path().join(name), repo_file(&format!("deploy/{name}"))).unwrap();
    }
    let verify = run(Command::new("systemd-analyze")
        .arg("verify")
        .arg(dir.path().join("meldpunt-backup.service"))
        .arg(dir.path().join("meldpunt-backup.timer")));
    let said = text(&verify);
    assert!(verify.status.success(), "{said}");
    assert!(!said.contains("meldpunt-backup"), "{said}");
}

#[test]
fn the_backup_services_command_writes_a_backup_the_key_opens() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    // A data folder as a first start leaves it.
    start(&data).terminate();
    let key = age::x25519::Identity::generate();

    let exec = setting("deploy/meldpunt-backup.service", "ExecStart").remove(0);
    let script = exec
        .strip_prefix("/bin/sh -c '")
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{exec}"))
        .replace("%%", "%")
        .replace("/usr/local/bin/meldpunt", BINARY)
        .replace("/var/lib/meldpunt", data.to_str().unwrap())
        .replace("/var/backups/meldpunt", backups.to_str().unwrap());
    let done = run(Command::new("/bin/sh")
        .arg("-c")
        .arg(&script)
        .env("BACKUP_RECIPIENT", key.to_public().to_string()));
    assert!(done.status.success(), "{script}\n{}", text(&done));
    let written: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(written[0].starts_with("meldpunt-20") && written[0].ends_with(".age"));
    let bytes = std::fs::read(backups.join(&written[0])).unwrap();
    let plain = age::decrypt(&key, &bytes).unwrap();
    let mut archive = tar::Archive::new(plain.as_slice());
    let names: Vec<String> = archive
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect();
    assert!(
        names.contains(&"db/meldpunt.sqlite".to_owned()),
        "{names:?}"
    );
    assert_eq!(names.last().map(String::as_str), Some("backup.json"));
}
