//! deploy/meldpunt.example.toml: with its keys filled in, the real service starts with it and
//! offers its three desks (unfilled, it refuses to start: tests/process/config.rs), and
//! it agrees with the files around it — the address tor and nginx forward to, the one folder the
//! unit lets the service write, the upload size nginx lets through, and the path the unit reads.

use crate::common::binary::start_configured;
use crate::common::page::client;
use crate::support::{directives, repo_file};
use crate::systemd::unit_settings;

const EXAMPLE: &str = "deploy/meldpunt.example.toml";

fn example() -> toml::Table {
    repo_file(EXAMPLE).parse().unwrap()
}

#[test]
fn the_example_configuration_agrees_with_tor_nginx_and_the_unit() {
    let example = example();
    let listen = example["listen"].as_str().unwrap();
    assert_eq!(listen, "127.0.0.1:8080", "loopback only");
    let torrc = directives(&repo_file("deploy/torrc"));
    assert!(
        torrc.contains(&format!("HiddenServicePort 80 {listen}")),
        "tor forwards to {listen}"
    );
    let nginx = directives(&repo_file("deploy/nginx.conf"));
    assert!(
        nginx.contains(&format!("proxy_pass http://{listen};")),
        "nginx forwards to {listen}"
    );
    let desk_listen = example["desk_listen"].as_str().unwrap();
    assert_eq!(
        desk_listen, "127.0.0.1:8081",
        "the desk's door, loopback only"
    );
    assert!(
        torrc.contains(&format!("HiddenServicePort 80 {desk_listen}")),
        "the desk's onion service forwards to {desk_listen}"
    );
    assert!(
        !nginx.iter().any(|l| l.contains(desk_listen)),
        "the public proxy never reaches the desk's door"
    );

    let unit = unit_settings();
    let setting = |key: &str| -> Vec<&str> {
        unit.iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    assert_eq!(
        setting("ReadWritePaths"),
        [example["data"].as_str().unwrap()]
    );
    let config = setting("ExecStart")[0].split_once("--config ").unwrap().1;
    assert!(
        repo_file(EXAMPLE).starts_with(&format!(
            "# meldpunt configuration — an example. Copy to {config} "
        )),
        "the example names the file the unit reads"
    );

    // nginx's limit (510m) is 10 MiB above the service's 500 MiB per submission, so the
    // service, not nginx, answers one just over it (tests/deploy/nginx_upload.rs).
    let bytes = example["limits"]["submission_bytes"].as_integer().unwrap();
    assert_eq!(bytes, 500 << 20);
    assert!(nginx.contains(&format!("client_max_body_size {}m;", (bytes >> 20) + 10)));
}

/// The example's desks, as the service shows them: the unit test of `config` parses the file;
/// this starts the real binary with it (data folder and address moved by the flags).
#[actix_web::test]
async fn the_example_configuration_starts_the_service_with_its_three_desks() {
    let dir = tempfile::tempdir().unwrap();
    let example = dir.path().join("meldpunt.toml");
    std::fs::write(&example, with_desk_keys(&repo_file(EXAMPLE))).unwrap();
    let server = start_configured(&dir.path().join("data"), &example);
    let home = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let page = home.text().await.unwrap();
    for desk in example_desks("name_nl") {
        assert!(page.contains(&desk), "{desk} is not offered:\n{page}");
    }
    let english = client().get(server.url("/en/")).send().await.unwrap();
    let page = english.text().await.unwrap();
    for desk in example_desks("name_en") {
        assert!(
            page.contains(&desk),
            "{desk} is not offered in English:\n{page}"
        );
    }
    server.terminate();
}

/// The example as an operator fills it in: each desk's placeholder key replaced by its own.
fn with_desk_keys(example: &str) -> String {
    example
        .lines()
        .map(|line| match line.starts_with("recipients = ") {
            true => format!(
                "recipients = [\"{}\"]",
                age::x25519::Identity::generate().to_public()
            ),
            false => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn example_desks(field: &str) -> Vec<String> {
    let desks = example()["desk"].as_array().unwrap().clone();
    assert_eq!(desks.len(), 3);
    desks
        .iter()
        .map(|d| d[field].as_str().unwrap().to_owned())
        .collect()
}
