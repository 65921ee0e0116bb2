//! A real SMTP server for the digest tests: aiosmtpd (`smtp_sink.py` beside this file) on a
//! free loopback port, over implicit TLS or STARTTLS with a certificate from a test CA, requiring
//! AUTH, and writing every message it accepts into a folder, byte for byte as it came.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::binary::run;
use super::child::ChildGuard;

pub const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/smtp_sink.py");
pub const USER: &str = "digest";
pub const PASSWORD: &str = "sink password 1";

/// The first Python that has aiosmtpd: Debian's package installs it for /usr/bin/python3, which
/// need not be the `python3` first on PATH.
pub fn python_with_aiosmtpd() -> Option<&'static str> {
    super::tools::python_with("aiosmtpd")
}

/// A test CA and a server certificate it signed, for 127.0.0.1 and localhost (rustls refuses a
/// CA certificate as the server's own, so a self-signed one is not enough).
pub fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out = run(Command::new("openssl").current_dir(dir).args(args), None);
        assert!(out.status.success(), "openssl {args:?}: {out:?}");
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    openssl(
        &[&["req", "-x509"], &ec[..]]
            .concat()
            .into_iter()
            .chain([
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=test-ca",
            ])
            .collect::<Vec<_>>(),
    );
    openssl(
        &[&["req"], &ec[..]]
            .concat()
            .into_iter()
            .chain([
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=localhost",
            ])
            .collect::<Vec<_>>(),
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n\
         extendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("leaf.pem"),
        dir.join("leaf.key"),
    )
}

/// aiosmtpd on a free port, writing every message it accepts into `out`.
pub struct Sink {
    _process: ChildGuard,
    pub port: u16,
    out: PathBuf,
}

impl Sink {
    pub fn start(
        python: &str,
        mode: &str,
        certs: &(PathBuf, PathBuf, PathBuf),
        out: PathBuf,
    ) -> Sink {
        std::fs::create_dir_all(&out).unwrap();
        let mut process = ChildGuard::spawn(
            Command::new(python)
                .arg(SINK)
                .args(["--mode", mode, "--user", USER, "--password", PASSWORD])
                .arg("--cert")
                .arg(&certs.1)
                .arg("--key")
                .arg(&certs.2)
                .arg("--out")
                .arg(&out)
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let mut line = String::new();
        BufReader::new(process.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no port: {line:?}"));
        Sink {
            _process: process,
            port,
            out,
        }
    }

    /// The messages received so far, oldest first.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names.iter().map(|p| std::fs::read(p).unwrap()).collect()
    }

    /// Waits until `count` messages are in (the server writes them as they come), letting the
    /// test's runtime run meanwhile: the service under test may be the one sending.
    pub async fn wait_for(&self, count: usize) -> Vec<Vec<u8>> {
        let start = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= count || start.elapsed() > Duration::from_secs(10) {
                return messages;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
