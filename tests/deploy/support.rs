//! What the deploy checks share: reading a file of the repository, running a tool for its output,
//! reading configuration lines, rewriting paths into a scratch folder, and waiting for a daemon.

use std::net::TcpListener;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub use crate::common::tools::tool_or_skip;

/// A file of this repository, as text.
pub fn repo_file(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `command` to its end (it needs no input) and returns its output.
pub fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"))
}

/// Standard output and standard error together, for assertion messages.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The lines of a configuration file without comments and blank lines, trimmed.
pub fn directives(file: &str) -> Vec<String> {
    file.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// `file` with each line starting with `key` replaced by `key value`; each key must occur once.
pub fn rewrite(file: &str, replacements: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut seen = vec![0; replacements.len()];
    for line in file.lines() {
        match replacements.iter().position(|(k, _)| line.starts_with(k)) {
            Some(i) => {
                seen[i] += 1;
                out.push_str(&format!("{} {}\n", replacements[i].0, replacements[i].1));
            }
            None => out.push_str(&format!("{line}\n")),
        }
    }
    assert!(seen.iter().all(|&n| n == 1), "{replacements:?}: {seen:?}");
    out
}

/// Creates `path` with mode 0700, as tor wants its folders.
pub fn private_dir(path: &Path) -> PathBuf {
    std::fs::DirBuilder::new().mode(0o700).create(path).unwrap();
    path.to_owned()
}

/// A loopback port free at the moment of asking.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `ready` every 100 ms; fails after a minute.
pub fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
