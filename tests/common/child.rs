//! Child processes a test starts — the `meldpunt` binary, a tool that wraps it (strace), a daemon
//! (tor, nginx, chromedriver) — held by a guard that kills them on every way out of the test: its
//! end, an early return, and a failing assertion while the panic unwinds.
//!
//! std's `Child` does not kill on drop. Before this guard, a test that failed between starting
//! `meldpunt serve` and stopping it left the server running after its temporary data folder was
//! gone. The guard also kills what the child started (strace's traced program, nginx's workers,
//! Chromium under chromedriver), found by process id in `/proc`: never by name.

use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

pub use rustix::process::Signal;
use rustix::process::{Pid, kill_process};

/// A running child process; dropping the guard kills it and its descendants and reaps it.
pub struct ChildGuard {
    /// `None` only once `wait_with_output` has taken the child out.
    child: Option<Child>,
}

impl ChildGuard {
    /// Spawns `command` under a guard.
    pub fn spawn(command: &mut Command) -> ChildGuard {
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{command:?} does not start: {e}"));
        ChildGuard { child: Some(child) }
    }

    /// Waits for the child to end by itself and collects its piped output.
    pub fn wait_with_output(mut self) -> Output {
        let child = self.child.take().expect("the child is still held");
        child.wait_with_output().expect("the child's output")
    }

    /// Polls for the child's exit, for at most `limit`.
    pub fn wait_timeout(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.try_wait().expect("the child's status") {
                return Some(status);
            }
            if start.elapsed() > limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL to the child and to every process below it (a wrapper's program, a daemon's
    /// workers); returns once they are dead and the child is reaped. Nothing here may panic: the
    /// drop calls it while a failed assertion unwinds.
    pub fn kill_all(&mut self) {
        let Some(child) = self.child.as_mut() else {
            return;
        };
        // Only a child that has not been reaped still owns its id; the id of a reaped one may
        // already belong to an unrelated process, whose children must not be touched.
        if let Ok(None) = child.try_wait() {
            // Listed before anything dies: afterwards they are re-parented and out of sight.
            let family = descendants(child.id());
            let _ = child.kill();
            for pid in &family {
                signal(*pid, Signal::KILL);
            }
            // A signal is delivered asynchronously; the test goes on only once they are dead.
            let start = Instant::now();
            while family.iter().any(|p| alive(*p)) && start.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = child.wait();
    }

    /// A polite stop: SIGTERM, up to 20 seconds to finish, then the drop's SIGKILL.
    pub fn stop(mut self) {
        signal(self.id(), Signal::TERM);
        self.wait_timeout(Duration::from_secs(20));
    }
}

impl Deref for ChildGuard {
    type Target = Child;
    fn deref(&self) -> &Child {
        self.child.as_ref().expect("the child is still held")
    }
}

impl DerefMut for ChildGuard {
    fn deref_mut(&mut self) -> &mut Child {
        self.child.as_mut().expect("the child is still held")
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill_all();
    }
}

/// Sends `signal` to the process `pid`; false when it is gone.
pub fn signal(pid: u32, signal: Signal) -> bool {
    let pid = i32::try_from(pid).ok().and_then(Pid::from_raw);
    pid.is_some_and(|pid| kill_process(pid, signal).is_ok())
}

/// The ids of every process below `pid`, children before grandchildren, from each of its
/// threads' `/proc/PID/task/TID/children` list.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return found;
    };
    for task in tasks.flatten() {
        let list = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        found.extend(
            list.split_whitespace()
                .filter_map(|p| p.parse::<u32>().ok()),
        );
    }
    let grandchildren: Vec<u32> = found.iter().flat_map(|p| descendants(*p)).collect();
    found.extend(grandchildren);
    found
}

/// True while `pid` is a live process (not a zombie waiting to be reaped).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state letter follows the command name in parentheses: `123 (meldpunt) S …`.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}
