#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `meldpunt officer …` through the real binary on a fresh data folder per test. Help, usage and
//! the refusals that touch no store (a missing folder, a bad desk id) are trycmd cases in
//! `tests/cmd/officer.md`.

mod common;

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use meldpunt::desk::officers::Officers;
use meldpunt::store::Store;

use common::binary::{meldpunt, run};

const PASSWORD: &str = "twenty characters ok";

/// Runs `meldpunt officer ARGS…` with `--data DIR` appended, feeding `stdin` if given.
fn officer(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    run(
        meldpunt().arg("officer").args(args).arg("--data").arg(data),
        stdin,
    )
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn add_j_devries(data: &Path) -> Output {
    add_at(data, "ap", Some(&desks_config(data)))
}

/// `officer add --desk DESK --name j.devries`, with `--config CONFIG` when given.
fn add_at(data: &Path, desk: &str, config: Option<&Path>) -> Output {
    let mut args = vec![
        "add",
        "--desk",
        desk,
        "--name",
        "j.devries",
        "--password-stdin",
    ];
    if let Some(config) = config {
        args.extend(["--config", config.to_str().unwrap()]);
    }
    officer(data, &args, Some(&format!("{PASSWORD}\n")))
}

/// A configuration naming the desks ap, om and hvk, beside (not in) the data folder.
fn desks_config(data: &Path) -> std::path::PathBuf {
    let path = data.with_extension("toml");
    let desk = |id: &str| {
        let key = age::x25519::Identity::generate().to_public();
        format!(
            "[[desk]]\nid = \"{id}\"\nname_nl = \"{id}\"\nname_en = \"{id}\"\nrecipients = [\"{key}\"]\n"
        )
    };
    std::fs::write(&path, ["ap", "om", "hvk"].map(desk).concat()).unwrap();
    path
}

/// Issue 9, defect 9: `officer add --desk nosuchdesk` succeeded, making an officer of a desk
/// no tip ever reaches. The desk is now checked against the desks the data folder knows: the
/// configuration given, or what the service recorded when it last started.
#[test]
fn an_officer_is_added_only_to_a_desk_the_data_folder_knows() {
    let data = tempfile::tempdir().unwrap();
    let never_served = add_at(data.path(), "ap", None);
    assert_eq!(
        never_served.status.code(),
        Some(2),
        "{}",
        stderr(&never_served)
    );
    assert!(
        stderr(&never_served).contains("--config"),
        "{}",
        stderr(&never_served)
    );

    let config = desks_config(data.path());
    let unknown = add_at(data.path(), "nosuchdesk", Some(&config));
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains("nosuchdesk"),
        "{}",
        stderr(&unknown)
    );
    assert!(
        stderr(&unknown).contains("ap, om, hvk"),
        "{}",
        stderr(&unknown)
    );
    assert!(officers(data.path()).list().unwrap().is_empty());

    // A demo service records its desks ap, om and hvk at start.
    let served = common::binary::start(data.path());
    served.terminate();
    let unknown = add_at(data.path(), "nosuchdesk", None);
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(officers(data.path()).list().unwrap().is_empty());
    let known = add_at(data.path(), "om", None);
    assert!(known.status.success(), "{}", stderr(&known));
}

fn officers(data: &Path) -> Officers {
    Officers::open(Arc::new(Store::open(data).unwrap())).unwrap()
}

#[test]
fn adding_an_officer_prints_an_otpauth_uri_and_a_qr_code() {
    let data = tempfile::tempdir().unwrap();
    let output = add_j_devries(data.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let uri = out
        .lines()
        .find(|l| l.starts_with("otpauth://totp/"))
        .unwrap_or_else(|| panic!("no URI in {out}"));
    assert!(
        uri.contains("secret=") && uri.contains("issuer=meldpunt"),
        "{uri}"
    );
    assert!(
        out.contains('█') && out.contains('▄'),
        "no QR code in {out}"
    );
    let added = officers(data.path()).get("j.devries").unwrap().unwrap();
    assert_eq!(added.desk.as_str(), "ap");
}

#[test]
fn a_ten_character_password_is_refused_and_nobody_is_added() {
    let data = tempfile::tempdir().unwrap();
    let config = desks_config(data.path());
    let output = run(
        meldpunt()
            .args([
                "officer",
                "add",
                "--desk",
                "ap",
                "--name",
                "short",
                "--password-stdin",
            ])
            .arg("--config")
            .arg(&config)
            .arg("--data")
            .arg(data.path()),
        Some("0123456789\n"),
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("at least 14"),
        "{}",
        stderr(&output)
    );
    assert!(officers(data.path()).get("short").unwrap().is_none());
}

#[test]
fn a_token_is_the_last_line_and_works_until_it_is_revoked() {
    let data = tempfile::tempdir().unwrap();
    assert!(add_j_devries(data.path()).status.success());
    let output = officer(data.path(), &["token", "--name", "j.devries"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let token = out.lines().last().unwrap().to_owned();
    let found = officers(data.path())
        .officer_for_token(&token, now())
        .unwrap();
    assert_eq!(found.unwrap().name, "j.devries");

    let listed = officer(data.path(), &["list"], None);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let listed = stdout(&listed);
    let id = officers(data.path()).list().unwrap()[0].tokens[0]
        .id
        .clone();
    assert!(out.contains(&id), "the token line names its id: {out}");
    assert!(
        listed.contains("j.devries") && listed.contains("ap"),
        "{listed}"
    );
    assert!(listed.contains(&id), "{listed}");

    let revoked = officer(data.path(), &["revoke", "--token-id", &id], None);
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    assert!(
        officers(data.path())
            .officer_for_token(&token, now())
            .unwrap()
            .is_none()
    );
    let listed = stdout(&officer(data.path(), &["list"], None));
    assert!(listed.contains(&format!("{id} (revoked)")), "{listed}");

    let unknown = officer(data.path(), &["revoke", "--token-id", "zzzzzzzz"], None);
    assert_eq!(unknown.status.code(), Some(1));

    // Every change is in the audit log, with the token's id and never the token itself.
    let audit = meldpunt::audit::AuditLog::open(data.path()).unwrap();
    let actions: Vec<_> = audit.entries().unwrap().iter().map(|e| e.action).collect();
    use meldpunt::audit::Action;
    assert_eq!(
        actions,
        [
            Action::OfficerAdded,
            Action::TokenCreated,
            Action::TokenRevoked
        ]
    );
    let entries = format!("{:?}", audit.entries().unwrap());
    assert!(entries.contains(&id) && !entries.contains(&token));
    audit.verify().unwrap();
}

#[test]
fn removing_an_officer_removes_them_and_their_tokens() {
    let data = tempfile::tempdir().unwrap();
    assert!(add_j_devries(data.path()).status.success());
    let output = officer(data.path(), &["token", "--name", "j.devries"], None);
    let token = stdout(&output).lines().last().unwrap().to_owned();
    let removed = officer(data.path(), &["remove", "--name", "j.devries"], None);
    assert!(removed.status.success(), "{}", stderr(&removed));
    let officers = officers(data.path());
    assert!(officers.get("j.devries").unwrap().is_none());
    assert!(officers.officer_for_token(&token, now()).unwrap().is_none());
    drop(officers);
    let again = officer(data.path(), &["remove", "--name", "j.devries"], None);
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn a_data_folder_held_open_by_another_process_takes_the_change_at_once() {
    let data = tempfile::tempdir().unwrap();
    let held = officers(data.path());
    let output = add_j_devries(data.path());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(held.get("j.devries").unwrap().is_some());
}

/// Issue 12: tokens never expired. `officer token` makes one for 90 days unless `--days` says
/// otherwise, and the token stops working when its days are over.
#[test]
fn a_token_works_for_its_days_and_no_longer() {
    let data = tempfile::tempdir().unwrap();
    assert!(add_j_devries(data.path()).status.success());
    let output = officer(data.path(), &["token", "--name", "j.devries"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let default = stdout(&output).lines().last().unwrap().to_owned();
    let output = officer(
        data.path(),
        &["token", "--name", "j.devries", "--days", "2"],
        None,
    );
    assert!(
        stdout(&output).contains("valid for 2 days"),
        "{}",
        stdout(&output)
    );
    let short = stdout(&output).lines().last().unwrap().to_owned();
    let officers = officers(data.path());
    let day = 86_400;
    let works = |token: &str, at: u64| officers.officer_for_token(token, at).unwrap().is_some();
    assert!(works(&short, now() + day));
    assert!(!works(&short, now() + 2 * day + 60));
    assert!(works(&default, now() + 89 * day));
    assert!(!works(&default, now() + 90 * day + 60));
    let listed = stdout(&officer(data.path(), &["list"], None));
    assert!(listed.contains("until "), "{listed}");
    let refused = officer(
        data.path(),
        &["token", "--name", "j.devries", "--days", "0"],
        None,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
}

/// Issue 12: the first admin is made on the command line; the audit entry says so, in the form
/// `audit verify` looks for, and `officer list` shows the role.
#[test]
fn officer_add_admin_makes_an_admin_and_audits_it() {
    let data = tempfile::tempdir().unwrap();
    let config = desks_config(data.path());
    let added = officer(
        data.path(),
        &[
            "add",
            "--desk",
            "ap",
            "--name",
            "a.bakker",
            "--password-stdin",
            "--admin",
            "--config",
            config.to_str().unwrap(),
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(stdout(&added).contains("a.bakker added to desk ap, admin"));
    assert!(
        officers(data.path())
            .get("a.bakker")
            .unwrap()
            .unwrap()
            .admin
    );
    assert!(add_j_devries(data.path()).status.success());
    assert!(
        !officers(data.path())
            .get("j.devries")
            .unwrap()
            .unwrap()
            .admin
    );
    let log = meldpunt::audit::AuditLog::open(data.path()).unwrap();
    let details: Vec<String> = log
        .entries()
        .unwrap()
        .into_iter()
        .filter_map(|e| e.detail)
        .collect();
    assert_eq!(
        details,
        ["a.bakker at desk ap, admin", "j.devries at desk ap"]
    );
    let listed = stdout(&officer(data.path(), &["list"], None));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("a.bakker") && l.contains("admin")),
        "{listed}"
    );
    assert!(
        !listed
            .lines()
            .any(|l| l.starts_with("j.devries") && l.contains("admin")),
        "{listed}"
    );
}
