//! Tools from outside the project (strace, tor, nginx, openssl, systemd-analyze…): a test whose
//! tool is missing says `*** SKIPPED ***` loudly and passes, except under `CI=true`, where
//! `.ci/run` installs every tool and a missing one fails the test.

use std::process::{Command, Stdio};

/// True when `tool VERSION_ARG` runs. When it does not: fails under CI=true, else prints SKIPPED.
pub fn tool_or_skip(tool: &str, version_arg: &str, what: &str) -> bool {
    let runs = Command::new(tool)
        .arg(version_arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !runs {
        skip(&format!("{tool} is not installed; {what} not checked"));
    }
    runs
}

/// Announces a skipped check; under CI=true, fails instead.
pub fn skip(why: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "under CI=true nothing may be skipped (.ci/run installs every tool): {why}"
    );
    eprintln!("\n*** SKIPPED: {why} ***\n");
}

/// The first Python that can import `module`: Debian's packages install for /usr/bin/python3,
/// pip for the `python3` first on PATH, and the two need not be the same.
pub fn python_with(module: &str) -> Option<&'static str> {
    ["python3", "/usr/bin/python3"].into_iter().find(|python| {
        Command::new(python)
            .args(["-c", &format!("import {module}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}
