//! The real `meldpunt` binary as a child process: one-shot commands with their output, and
//! `meldpunt serve` on a free port, optionally under a wrapper such as strace. Both are held by a
//! [`ChildGuard`], so a failing test leaves nothing running.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::child::{ChildGuard, Signal, descendants, signal};

pub const BINARY: &str = env!("CARGO_BIN_EXE_meldpunt");

/// `meldpunt` as a command to add arguments to.
pub fn meldpunt() -> Command {
    Command::new(BINARY)
}

/// Runs `command` to its end with `stdin` fed to it (or closed at once), and returns its output.
pub fn run(command: &mut Command, stdin: Option<&str>) -> Output {
    let mut child = ChildGuard::spawn(
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    let mut input = child.stdin.take().expect("a stdin pipe");
    if let Some(text) = stdin {
        // The command may refuse before reading its input; a closed pipe is fine then.
        let _ = input.write_all(text.as_bytes());
    }
    drop(input);
    child.wait_with_output()
}

/// A `meldpunt serve` child listening on a free loopback port.
pub struct Server {
    process: ChildGuard,
    /// The `meldpunt` process itself: the child, or the child's child under a wrapper.
    meldpunt: u32,
    /// Started under a wrapper (strace): `meldpunt` is found once it listens.
    wrapped: bool,
    pub port: u16,
    /// The desk's listener (the desk area and the API).
    pub desk_port: u16,
    /// Its standard error, line by line (it logs at debug level).
    pub log: mpsc::Receiver<String>,
}

/// Both listeners on ports the system picks.
pub const FREE_PORTS: [&str; 4] = ["--listen", "127.0.0.1:0", "--desk-listen", "127.0.0.1:0"];

/// `meldpunt serve` on two free ports, to add `--data` and the rest to.
pub fn meldpunt_serve() -> Command {
    let mut command = meldpunt();
    command.arg("serve").args(FREE_PORTS);
    command
}

/// Starts `meldpunt serve --data DATA --listen 127.0.0.1:0 --desk-listen 127.0.0.1:0` and waits
/// for its ports.
pub fn start(data: &Path) -> Server {
    start_with(data, &[])
}

/// Like [`start`], run by a wrapper: `program args… meldpunt serve …` (e.g. strace's options).
pub fn start_with(data: &Path, wrapper: &[&str]) -> Server {
    serve(wrapper, data, None)
}

/// Like [`start`], with `--config FILE` (whose `data` and `listen` the flags override).
pub fn start_configured(data: &Path, config: &Path) -> Server {
    serve(&[], data, Some(config))
}

/// The shell line that sets the umask `mask` and then becomes the command after it (`$0 $@`).
fn umask_line(mask: &str) -> String {
    format!("umask {mask} && exec \"$0\" \"$@\"")
}

/// `meldpunt` as a command to add arguments to, started with the umask `mask` (e.g. "022").
pub fn meldpunt_with_umask(mask: &str) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg(umask_line(mask)).arg(BINARY);
    command
}

/// Like [`start`], with the umask `mask`: the shell that sets it becomes `meldpunt` itself.
pub fn start_with_umask(data: &Path, mask: &str) -> Server {
    let line = umask_line(mask);
    let mut server = spawn_serve(&["sh", "-c", &line], data, None, &[]);
    server.wrapped = false;
    ready(server)
}

fn serve(wrapper: &[&str], data: &Path, config: Option<&Path>) -> Server {
    ready(spawn_serve(wrapper, data, config, &[]))
}

/// Waits for a spawned server's port, or fails the test with what it logged.
fn ready(mut server: Server) -> Server {
    if let Err(seen) = server.wait_ready(Duration::from_secs(60)) {
        panic!(
            "the server did not say which port it listens on:\n{}",
            seen.join("\n")
        );
    }
    server
}

/// Spawns `meldpunt serve --data DATA` on two free ports with extra environment and returns
/// at once (for kills during start-up); the port is 0 until [`Server::wait_ready`] has seen it.
pub fn spawn(data: &Path, env: &[(&str, &str)]) -> Server {
    spawn_serve(&[], data, None, env)
}

/// Like [`spawn`], as systemd starts it with its standard error on the journal: `JOURNAL_STREAM`
/// names the pipe the test reads (its device and inode), as it names journald's socket there.
pub fn spawn_under_journal(data: &Path, env: &[(&str, &str)]) -> Server {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    let writer = std::fs::File::from(std::os::fd::OwnedFd::from(writer));
    let meta = writer.metadata().expect("the pipe's inode");
    let stream = {
        use std::os::unix::fs::MetadataExt;
        format!("{}:{}", meta.dev(), meta.ino())
    };
    let mut command = meldpunt();
    command
        .arg("serve")
        .arg("--data")
        .arg(data)
        .args(FREE_PORTS)
        .env("MELDPUNT_LOG", "debug")
        .env("JOURNAL_STREAM", stream)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(writer);
    let process = ChildGuard::spawn(&mut command);
    // The child has its copy; ours goes with `command`, so the reader sees the end with the child.
    drop(command);
    server(process, reader, false)
}

fn spawn_serve(
    wrapper: &[&str],
    data: &Path,
    config: Option<&Path>,
    env: &[(&str, &str)],
) -> Server {
    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(BINARY);
            c
        }
        None => meldpunt(),
    };
    command.arg("serve");
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let mut process = ChildGuard::spawn(
        command
            .arg("--data")
            .arg(data)
            .args(FREE_PORTS)
            .env("MELDPUNT_LOG", "debug")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    );
    let stderr = process.stderr.take().expect("a stderr pipe");
    server(process, stderr, !wrapper.is_empty())
}

/// A started server whose standard error is read, line by line, from `stderr`.
fn server(
    process: ChildGuard,
    stderr: impl std::io::Read + Send + 'static,
    wrapped: bool,
) -> Server {
    let (tx, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let meldpunt = process.id();
    Server {
        process,
        meldpunt,
        wrapped,
        port: 0,
        desk_port: 0,
        log,
    }
}

impl Server {
    /// Waits for the start line ("listening", with both addresses); on failure returns the log
    /// lines seen.
    pub fn wait_ready(&mut self, timeout: Duration) -> Result<u16, Vec<String>> {
        let deadline = std::time::Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let Ok(line) = self.log.recv_timeout(left) else {
                return Err(seen);
            };
            if let Some((port, desk_port)) = listening(&line) {
                (self.port, self.desk_port) = (port, desk_port);
                if self.wrapped {
                    self.meldpunt = *descendants(self.process.id())
                        .first()
                        .expect("the wrapper's child");
                }
                return Ok(self.port);
            }
            seen.push(line);
        }
    }

    /// `path` on the listener that serves it: the desk's for the desk area and the API.
    pub fn url(&self, path: &str) -> String {
        let port = if meldpunt::web::trace::is_desk(path) {
            self.desk_port
        } else {
            self.port
        };
        format!("http://127.0.0.1:{port}{path}")
    }

    /// The process id of the started child (the wrapper, if any).
    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// The process id of `meldpunt` itself (the wrapper's child, if there is a wrapper).
    pub fn meldpunt_pid(&self) -> u32 {
        self.meldpunt
    }

    /// SIGKILL: no destructor, no flush, no goodbye; to a wrapper and its `meldpunt` alike (a
    /// program strace traces outlives a killed strace). Returns what it logged.
    pub fn kill(mut self) -> Vec<String> {
        self.process.kill_all();
        self.log.try_iter().collect()
    }

    /// SIGTERM to `meldpunt` itself (not to a wrapper, which then ends with it): a clean stop.
    /// Returns what it logged.
    pub fn terminate(mut self) -> Vec<String> {
        signal(self.meldpunt, Signal::TERM);
        let status = self.process.wait_timeout(Duration::from_secs(20));
        assert!(status.is_some(), "the server did not stop on SIGTERM");
        self.log.try_iter().collect()
    }
}

/// The ports of the start line, in any log format: `… listening … listen=ADDR desk_listen=ADDR`,
/// or a JSON object whose `fields` say so, either perhaps after a journal priority (`<6>`).
pub fn listening(line: &str) -> Option<(u16, u16)> {
    let line = line.trim_start_matches(|c: char| c == '<' || c == '>' || c.is_ascii_digit());
    let port = |addr: &str| addr.parse::<std::net::SocketAddr>().ok().map(|a| a.port());
    if line.starts_with('{') {
        let object: serde_json::Value = serde_json::from_str(line).ok()?;
        let fields = &object["fields"];
        if fields["message"] != "listening" {
            return None;
        }
        return Some((
            port(fields["listen"].as_str()?)?,
            port(fields["desk_listen"].as_str()?)?,
        ));
    }
    let mut words = line.split_whitespace();
    words.find(|w| *w == "listening")?;
    let (mut listen, mut desk) = (None, None);
    for word in words {
        if let Some(addr) = word.strip_prefix("listen=") {
            listen = port(addr);
        } else if let Some(addr) = word.strip_prefix("desk_listen=") {
            desk = port(addr);
        }
    }
    Some((listen?, desk?))
}
