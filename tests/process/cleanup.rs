//! A test that fails while a child process runs must not leave it running: the server, the
//! program strace traces, and whatever a child started itself are gone once the panic of a
//! failed assertion has unwound. Nor may a passing one: `kill()` on a server under strace kills
//! the traced server too (a killed strace leaves its program running).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::Command;

use crate::common::binary::{Server, start, start_with};
use crate::common::child::{ChildGuard, Signal, alive, descendants, signal};
use crate::common::tools::tool_or_skip;

/// Runs `test`, which must panic, and returns the process ids it reported.
fn ids_after_a_panic(test: impl FnOnce(&mut Vec<u32>)) -> Vec<u32> {
    let mut ids = Vec::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        test(&mut ids);
        panic!("an assertion fails while the children run");
    }));
    assert!(outcome.is_err());
    assert!(!ids.is_empty(), "the test saw its children");
    ids
}

/// Asserts every process in `ids` is gone. A survivor is killed first (by its id), so that even
/// this test failing leaves no orphan behind.
fn assert_gone(ids: &[u32], what: &str) {
    let survivors: Vec<u32> = ids.iter().copied().filter(|p| alive(*p)).collect();
    for pid in &survivors {
        signal(*pid, Signal::KILL);
    }
    assert!(
        survivors.is_empty(),
        "{what}: {survivors:?} of {ids:?} outlived their test"
    );
}

/// A server under `strace -f`, with its data folder and trace in `dir`.
fn traced_server(dir: &Path) -> Server {
    let trace = dir.join("trace");
    let server = start_with(
        &dir.join("data"),
        &["strace", "-f", "-o", trace.to_str().unwrap()],
    );
    assert_ne!(
        server.meldpunt_pid(),
        server.pid(),
        "strace's child is the server"
    );
    server
}

#[test]
fn a_server_started_by_a_panicking_test_is_killed_as_the_panic_unwinds() {
    let data = tempfile::tempdir().unwrap();
    let ids = ids_after_a_panic(|ids| {
        let server = start(data.path());
        ids.push(server.pid());
        assert!(alive(server.pid()), "the server runs");
    });
    assert_gone(&ids, "the server");
}

#[test]
fn a_server_run_under_strace_is_killed_with_strace() {
    if !tool_or_skip("strace", "-V", "the traced server's cleanup") {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let ids = ids_after_a_panic(|ids| {
        let server = traced_server(data.path());
        ids.extend([server.pid(), server.meldpunt_pid()]);
    });
    assert_gone(&ids, "strace and the traced server");
}

#[test]
fn what_a_child_started_itself_is_killed_with_it() {
    let ids = ids_after_a_panic(|ids| {
        // A shell that starts a shell that starts a sleep: a child and a grandchild to find.
        let script = "sh -c 'sleep 600 & wait' & wait";
        let shell = ChildGuard::spawn(Command::new("sh").args(["-c", script]));
        let is_sleep = |pid: &u32| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "sleep")
        };
        let mut family = Vec::new();
        for _ in 0..250 {
            family = descendants(shell.id());
            if family.len() == 2 && is_sleep(&family[1]) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(family.len() == 2 && is_sleep(&family[1]), "{family:?}");
        ids.push(shell.id());
        ids.extend(family);
    });
    assert_gone(&ids, "the shell, its shell and the sleep");
}

/// `kill()` is how a crash is simulated, and how the strace tests end their server: under a
/// wrapper it must kill the traced `meldpunt` too, or the server outlives a passing test.
#[test]
fn killing_a_server_run_under_strace_kills_the_traced_server_too() {
    if !tool_or_skip("strace", "-V", "killing a traced server") {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let server = traced_server(data.path());
    let ids = [server.pid(), server.meldpunt_pid()];
    server.kill();
    assert_gone(&ids, "strace and the traced server after kill()");
}
