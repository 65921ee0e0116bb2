//! deploy/meldpunt.service: the hardening it promises is there, and `systemd-analyze verify`
//! accepts it (and would name a misspelt directive); its exposure score where systemd can
//! compute it offline.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::binary::BINARY;
use crate::support::{directives, repo_file, run, text, tool_or_skip};

/// The unit's `Key=value` settings, in order, without section headers.
pub fn unit_settings() -> Vec<(String, String)> {
    directives(&repo_file("deploy/meldpunt.service"))
        .into_iter()
        .filter(|l| !l.starts_with('['))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("{l}"));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// The unit with ExecStart pointing at this build's binary (verify wants it to exist).
fn test_unit(dir: &Path) -> PathBuf {
    let unit = repo_file("deploy/meldpunt.service").replace(
        "ExecStart=/usr/local/bin/meldpunt ",
        &format!("ExecStart={BINARY} "),
    );
    assert!(unit.contains(BINARY));
    let path = dir.join("meldpunt.service");
    std::fs::write(&path, unit).unwrap();
    path
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    let settings = unit_settings();
    let value = |key: &str| -> Vec<&str> {
        settings
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    for (key, expected) in [
        ("User", "meldpunt"),
        (
            "ExecStart",
            "/usr/local/bin/meldpunt serve --config /etc/meldpunt/meldpunt.toml",
        ),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ReadWritePaths", "/var/lib/meldpunt"),
        ("StateDirectory", "meldpunt"),
        ("StateDirectoryMode", "0700"),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("SystemCallFilter", "@system-service"),
        ("SystemCallArchitectures", "native"),
        ("MemoryDenyWriteExecute", "yes"),
        ("CapabilityBoundingSet", ""),
        ("AmbientCapabilities", ""),
        ("LockPersonality", "yes"),
        ("RestrictRealtime", "yes"),
        ("RestrictSUIDSGID", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectKernelLogs", "yes"),
        ("ProtectControlGroups", "yes"),
        ("ProtectClock", "yes"),
        ("ProtectHostname", "yes"),
        ("RestrictNamespaces", "yes"),
        ("UMask", "0077"),
        ("Restart", "on-failure"),
        ("LimitCORE", "0"),
    ] {
        assert!(
            value(key).contains(&expected),
            "{key}={expected} missing from deploy/meldpunt.service (has {:?})",
            value(key)
        );
    }
    // The data folder is the only writable place.
    assert_eq!(value("ReadWritePaths"), ["/var/lib/meldpunt"]);

    if !tool_or_skip("systemd-analyze", "--version", "deploy/meldpunt.service") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = test_unit(dir.path());
    // verify exits 0 even for unknown keys and bad values; it warns naming the file.
    let verify = run(Command::new("systemd-analyze").arg("verify").arg(&path));
    let said = text(&verify);
    assert!(verify.status.success(), "{said}");
    assert!(!said.contains("meldpunt.service"), "{said}");

    // The check is real: a misspelt directive is reported.
    let broken = dir.path().join("broken").join("meldpunt.service");
    std::fs::create_dir(broken.parent().unwrap()).unwrap();
    let content = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&broken, content.replace("ProtectClock=", "ProtectClocks=")).unwrap();
    let warned = text(&run(Command::new("systemd-analyze")
        .arg("verify")
        .arg(&broken)));
    assert!(warned.contains("ProtectClocks"), "{warned}");

    // The exposure score, where this systemd can compute it offline (systemd 250 and later).
    let security = run(Command::new("systemd-analyze")
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(&path));
    let said = text(&security);
    match said.lines().find(|l| l.contains("Overall exposure level")) {
        Some(line) => {
            eprintln!("{line}");
            let score: f64 = line
                .split(':')
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{line}"));
            assert!(score <= 1.5, "exposure {score} (was 0.9):\n{said}");
        }
        None => eprintln!("systemd-analyze security --offline=yes gave no score:\n{said}"),
    }
}

/// Issue 11, defect 3: the unit set no file limit (1,024 by default) and no memory limit, and
/// ~640 slow uploads took every open file. Now the unit's limits are above what the service's
/// own bounds let strangers open: every connection on both doors, a temp file per upload, and
/// room for the database, the log and the listeners.
#[test]
fn the_unit_bounds_open_files_and_memory_above_the_services_own_bounds() {
    let settings = unit_settings();
    let value = |key: &str| {
        settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{key} missing from deploy/meldpunt.service"))
    };
    let files: usize = value("LimitNOFILE").parse().unwrap();
    let bounds = meldpunt::config::ConnectionSettings::default();
    let needed = bounds.reporters + bounds.desk + bounds.uploads + 256;
    assert!(
        needed < files,
        "{needed} open files possible, LimitNOFILE={files}"
    );
    let memory = value("MemoryMax");
    assert!(
        memory.ends_with('M') || memory.ends_with('G'),
        "MemoryMax={memory}"
    );
}
