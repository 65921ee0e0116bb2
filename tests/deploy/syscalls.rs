//! The unit's `SystemCallFilter=`, tried against the real service: it runs under strace through
//! a whole reporter's visit, and every system call it made must pass the filter.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::binary::start_with;
use crate::common::page::{client, open_thread, receipt_in};
use crate::support::{run, tool_or_skip};
use crate::systemd::unit_settings;

/// Every group and call named in `systemd-analyze syscall-filter`, expanded to call names.
fn syscall_set(groups: &str, names: &str) -> BTreeSet<String> {
    let mut table: Vec<(String, Vec<String>)> = Vec::new();
    for line in groups.lines() {
        if line.starts_with('@') {
            table.push((line.trim().to_owned(), Vec::new()));
        } else if let (Some(last), Some(member)) = (table.last_mut(), line.strip_prefix("    "))
            && !member.starts_with('#')
            && !member.trim().is_empty()
        {
            last.1.push(member.trim().to_owned());
        }
    }
    fn expand(table: &[(String, Vec<String>)], name: &str, out: &mut BTreeSet<String>) {
        match table.iter().find(|(g, _)| g == name) {
            Some((_, members)) => members.iter().for_each(|m| expand(table, m, out)),
            None if name.starts_with('@') => panic!("unknown group {name}"),
            None => {
                out.insert(name.to_owned());
            }
        }
    }
    let mut out = BTreeSet::new();
    for name in names.split_whitespace() {
        expand(&table, name, &mut out);
    }
    out
}

/// SystemCallFilter= cannot be tried here without systemd as PID 1, so the service runs under
/// strace through startup, a submission with a file, a follow-up login, the thread page and a
/// clean stop, and every call it made must pass the unit's filter.
#[actix_web::test]
async fn the_service_makes_only_system_calls_the_unit_filter_allows() {
    if !tool_or_skip("strace", "-V", "the unit's system call filter")
        || !tool_or_skip(
            "systemd-analyze",
            "--version",
            "the unit's system call filter",
        )
    {
        return;
    }
    let groups =
        String::from_utf8(run(Command::new("systemd-analyze").arg("syscall-filter")).stdout)
            .unwrap();
    let settings = unit_settings();
    let filters: Vec<&str> = settings
        .iter()
        .filter(|(k, _)| k == "SystemCallFilter")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut allowed = syscall_set(&groups, filters[0]);
    for deny in &filters[1..] {
        let deny = deny.strip_prefix('~').expect("later filters deny");
        allowed.retain(|c| !syscall_set(&groups, deny).contains(c));
    }

    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    let service = start_with(
        &dir.path().join("data"),
        &["strace", "-f", "-qq", "-o", trace.to_str().unwrap()],
    );
    let client = client();
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "a tip")
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(vec![7u8; 1 << 20]).file_name("a.pdf"),
        );
    let page = client
        .post(service.url("/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let receipt = receipt_in(&page.text().await.unwrap());
    open_thread(&client, &service.url(""), &receipt).await;

    // SIGTERM to the service (strace's child), not to strace: the clean stop is traced too.
    service.terminate();

    let trace = std::fs::read_to_string(&trace).unwrap();
    let made: BTreeSet<&str> = trace
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(_, rest)| rest.trim_start()))
        .filter_map(|rest| rest.split_once('(').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .collect();
    assert!(
        made.contains("fsync") && made.contains("accept4"),
        "{made:?}"
    );
    // SQLite gives a new -wal or -shm file the database's owner with fchown, but only when it
    // runs as root, as this test may; the unit runs the service as the user meldpunt.
    let as_root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    let root_only = |c: &str| as_root && c == "fchown";
    let refused: Vec<&&str> = made
        .iter()
        .filter(|c| !allowed.contains(**c) && !root_only(c))
        .collect();
    assert!(
        refused.is_empty(),
        "the unit's filter would kill the service on {refused:?}"
    );
}
