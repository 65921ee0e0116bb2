//! deploy/torrc: tor accepts it (alone, and on top of Debian's defaults as the tor@default unit
//! reads it), and writes the onion address where the operator guide says to read it.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::child::ChildGuard;
use crate::support::{directives, private_dir, repo_file, rewrite, run, text, tool_or_skip};

/// deploy/torrc with its two folders moved into `dir` (tor insists they are private).
fn test_torrc(dir: &Path) -> PathBuf {
    let hs = private_dir(&dir.join("hs"));
    let desk = private_dir(&dir.join("hs-desk"));
    let data = private_dir(&dir.join("tor-data"));
    let torrc = repo_file("deploy/torrc")
        .replace(
            "HiddenServiceDir /var/lib/tor/meldpunt/",
            &format!("HiddenServiceDir {}/", hs.display()),
        )
        .replace(
            "HiddenServiceDir /var/lib/tor/meldpunt-desk/",
            &format!("HiddenServiceDir {}/", desk.display()),
        );
    let torrc = rewrite(&torrc, &[("DataDirectory", data.display().to_string())]);
    let path = dir.join("torrc");
    std::fs::write(&path, torrc).unwrap();
    path
}

#[test]
fn torrc_passes_tor_verify_config() {
    let torrc = directives(&repo_file("deploy/torrc"));
    for line in [
        "HiddenServiceDir /var/lib/tor/meldpunt/",
        "HiddenServiceVersion 3",
        "HiddenServicePort 80 127.0.0.1:8080",
        "HiddenServicePoWDefensesEnabled 1",
        "HiddenServiceMaxStreams 64",
        "HiddenServiceMaxStreamsCloseCircuit 1",
        // The desk's own door (issue 11): a second onion service for the desk listener.
        "HiddenServiceDir /var/lib/tor/meldpunt-desk/",
        "HiddenServicePort 80 127.0.0.1:8081",
        "SocksPort 0",
        "ExitRelay 0",
    ] {
        assert!(torrc.iter().any(|l| l == line), "deploy/torrc lacks {line}");
    }
    for never in [
        "HiddenServiceNonAnonymousMode",
        "HiddenServiceSingleHopMode",
    ] {
        assert!(!torrc.iter().any(|l| l.starts_with(never)), "{never} set");
    }
    if !tool_or_skip("tor", "--version", "deploy/torrc") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = test_torrc(dir.path());

    let alone = run(Command::new("tor")
        .arg("--verify-config")
        .arg("-f")
        .arg(&path));
    assert!(alone.status.success(), "{}", text(&alone));
    assert!(text(&alone).contains("Configuration was valid"));

    // As Debian's tor@default unit checks it: on top of Debian's defaults file. That file names
    // the debian-tor user, who would not own our temporary folders; name ourselves instead.
    let debian_defaults = Path::new("/usr/share/tor/tor-service-defaults-torrc");
    if debian_defaults.exists() {
        let me = String::from_utf8(run(Command::new("id").arg("-un")).stdout).unwrap();
        let debian = run(Command::new("tor")
            .arg("--verify-config")
            .arg("--defaults-torrc")
            .arg(debian_defaults)
            .arg("-f")
            .arg(&path)
            .args(["--User", me.trim()]));
        assert!(debian.status.success(), "{}", text(&debian));
    }

    // The check is real: tor refuses an option it does not know.
    let broken = dir.path().join("broken-torrc");
    let mut content = std::fs::read_to_string(&path).unwrap();
    content.push_str("HiddenServiceNoSuchOption 1\n");
    std::fs::write(&broken, content).unwrap();
    let refused = run(Command::new("tor")
        .arg("--verify-config")
        .arg("-f")
        .arg(&broken));
    assert!(!refused.status.success(), "{}", text(&refused));
}

/// The guide tells the operator to read the address from `HiddenServiceDir/hostname`. tor writes
/// it while loading the keys, before it touches the network, so `DisableNetwork 1` suffices.
#[test]
fn tor_writes_the_onion_hostname_where_the_guide_reads_it() {
    assert!(repo_file("deploy/README.md").contains("cat /var/lib/tor/meldpunt/hostname"));
    if !tool_or_skip("tor", "--version", "the onion hostname") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = test_torrc(dir.path());
    let hostname = dir.path().join("hs/hostname");
    let desk_hostname = dir.path().join("hs-desk/hostname");
    let tor = ChildGuard::spawn(
        Command::new("tor")
            .arg("-f")
            .arg(&path)
            .args(["--DisableNetwork", "1", "--RunAsDaemon", "0", "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let start = Instant::now();
    while !(hostname.exists() && desk_hostname.exists())
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    tor.stop();
    let desk_name = std::fs::read_to_string(&desk_hostname).expect("tor wrote hs-desk/hostname");
    assert!(desk_name.trim().ends_with(".onion"), "{desk_name}");
    assert!(
        dir.path().join("hs-desk/authorized_clients").is_dir(),
        "tor made the folder the guide puts officers' keys in"
    );
    let name = std::fs::read_to_string(&hostname).expect("tor wrote hs/hostname");
    let name = name.trim();
    let label = name.strip_suffix(".onion").unwrap();
    assert_eq!(label.len(), 56, "{name}");
    assert!(
        label
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'))
    );
    let mode = std::fs::metadata(dir.path().join("hs"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}
