//! Issue 10, point 6: the data folder holds officers' password hashes and TOTP secrets beside
//! the ciphertexts, so nothing in it is for other accounts. The service and every command, started
//! with the everyday umask 022, make every folder 0700 and every file 0600 — in the data folder
//! after a whole flow, and in what the offline commands write. A data folder an older version
//! left open (0755) is closed at the next start.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::binary::{meldpunt_with_umask, run, start_with_umask};
use crate::common::files::desk_identity;
use crate::common::page::client;
use crate::no_plaintext::{api_token, desk_replies, first_report, reporter_sends};

/// Every path under `dir` (itself included) whose mode is not 0700 (folders) or 0600 (files).
fn not_private(dir: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(path) = todo.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o7777;
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        if mode != want {
            wrong.push(format!("{} is {mode:o}", path.display()));
        }
        if meta.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
    }
    wrong.sort();
    wrong
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Runs `meldpunt ARGS…` with umask 022 and asserts it succeeded.
fn command(args: &[&str], stdin: Option<&str>) -> String {
    let output = run(meldpunt_with_umask("022").args(args), stdin);
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[actix_web::test]
async fn under_umask_022_the_service_and_the_commands_make_only_private_folders_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = start_with_umask(&data, "022");
    let http = client();
    reporter_sends(&server, &http).await;
    desk_replies(&server, &http, &data).await;

    // The desk's work: the admin commands beside the service, then a bundle opened offline and
    // a reply sealed from it.
    let d = data.to_str().unwrap();
    command(
        &[
            "officer",
            "add",
            "--desk",
            "om",
            "--name",
            "o.mode",
            "--password-stdin",
            "--data",
            d,
        ],
        Some("a long password for the modes test\n"),
    );
    command(&["audit", "verify", "--data", d], None);
    command(&["purge", "--data", d], None);
    let token = api_token(&data, "s.trace");
    let report = first_report(&server, &http, &token).await;
    let bundle = http
        .get(server.url(&format!("/desk/api/v1/reports/{report}/bundle")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    server.terminate();

    let offline = dir.path().join("offline");
    std::fs::create_dir(&offline).unwrap();
    std::fs::set_permissions(&offline, std::fs::Permissions::from_mode(0o700)).unwrap();
    let bundle_file = offline.join("bundle.tar");
    std::fs::write(&bundle_file, &bundle).unwrap();
    std::fs::set_permissions(&bundle_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let key = data.join("demo-keys/ap.key");
    let opened = offline.join("opened");
    let o = |name: &str| offline.join(name).to_str().unwrap().to_owned();
    command(
        &[
            "open",
            "--identity",
            key.to_str().unwrap(),
            "--out",
            &o("opened"),
            &o("bundle.tar"),
        ],
        None,
    );
    assert!(
        opened.read_dir().unwrap().count() > 0,
        "open wrote the items"
    );
    command(&["keygen", "--out", &o("new.key")], None);
    let public = desk_identity(&data, "ap").to_public();
    let desks = offline.join("desks.toml");
    std::fs::write(
        &desks,
        format!(
            "[[desk]]\nid = \"ap\"\nname_nl = \"AP\"\nname_en = \"AP\"\n\
             description_nl = \"d\"\ndescription_en = \"d\"\nrecipients = [\"{public}\"]\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&desks, std::fs::Permissions::from_mode(0o600)).unwrap();
    let message = offline.join("reply.txt");
    std::fs::write(&message, "een antwoord van de balie").unwrap();
    std::fs::set_permissions(&message, std::fs::Permissions::from_mode(0o600)).unwrap();
    command(
        &[
            "seal-reply",
            "--bundle",
            &o("bundle.tar"),
            "--identity",
            key.to_str().unwrap(),
            "--desks",
            &o("desks.toml"),
            "--message",
            &o("reply.txt"),
            "--out",
            &o("reply.tar"),
        ],
        None,
    );

    let wrong: Vec<String> = not_private(&data)
        .into_iter()
        .chain(not_private(&offline))
        .collect();
    assert!(wrong.is_empty(), "not private:\n{}", wrong.join("\n"));

    // A data folder left open by an older version is closed when the service starts again.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let again = start_with_umask(&data, "022");
    assert_eq!(
        mode_of(&data),
        0o700,
        "the data folder was closed at the start"
    );
    again.terminate();
}
