//! Starting and killing the real binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct Server {
    pub child: Child,
    pub port: u16,
    pub log: mpsc::Receiver<String>,
}

/// Spawns `program args… meldpunt serve --data DATA --listen 127.0.0.1:0` with extra environment
/// and returns at once; the port is 0 until [`Server::wait_ready`] has seen it.
pub fn spawn(data: &Path, prefix: &[&str], env: &[(&str, &str)]) -> Server {
    let binary = env!("CARGO_BIN_EXE_meldpunt");
    let mut command = match prefix.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(binary);
            c
        }
        None => Command::new(binary),
    };
    let mut child = command
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", "127.0.0.1:0"])
        .env("MELDPUNT_LOG", "debug")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    Server {
        child,
        port: 0,
        log: rx,
    }
}

/// Starts `program args… meldpunt serve --data DATA --listen 127.0.0.1:0` and waits for the port.
pub fn start_with(data: &Path, prefix: &[&str]) -> Server {
    let mut server = spawn(data, prefix, &[]);
    if let Err(log) = server.wait_ready(Duration::from_secs(60)) {
        panic!(
            "the server did not say which port it listens on:\n{}",
            log.join("\n")
        );
    }
    server
}

pub fn start(data: &Path) -> Server {
    start_with(data, &[])
}

impl Server {
    /// Waits for the "listening on port N" line; on failure returns the log lines seen.
    pub fn wait_ready(&mut self, timeout: Duration) -> Result<u16, Vec<String>> {
        let deadline = std::time::Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let Ok(line) = self.log.recv_timeout(left) else {
                return Err(seen);
            };
            if let Some(port) = line.strip_prefix("meldpunt: listening on port ") {
                self.port = port.trim().parse().unwrap();
                return Ok(self.port);
            }
            seen.push(line);
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    /// SIGKILL: no destructor, no flush, no goodbye.
    pub fn kill(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.log.try_iter().collect()
    }
}

/// The child never outlives its test, however the test ends (a failed assert included).
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

pub fn receipt_in(html: &str) -> String {
    find_receipt(html).expect("a receipt")
}

/// The receipt on an answer page, if it has one.
pub fn find_receipt(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("#receipt").unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_owned())
}

pub fn desk_identity(data: &Path, desk: &str) -> age::x25519::Identity {
    let text = std::fs::read_to_string(data.join("demo-keys").join(format!("{desk}.key"))).unwrap();
    text.lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .parse()
        .unwrap()
}
