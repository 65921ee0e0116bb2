//! Plugin recipients (issue 9: key rotation and hardware keys): a desk whose recipient is
//! `age1<plugin>1…` gets its tips sealed through the plugin program on the service's `PATH`,
//! and the service checks at start that it can encrypt to every desk's recipients, refusing to
//! start — naming the desk — when a plugin is missing or fails.
//!
//! The plugin is `examples/age-plugin-meldpunttest.rs` (built by `cargo test` with the other
//! examples): it wraps to an X25519 key inside its recipient, so an ordinary identity opens what
//! it sealed.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::binary::{BINARY, spawn};
use crate::common::files::files_under;
use crate::common::page::client;

/// The folder `cargo test` builds the examples into (beside the binary under test).
fn examples_dir() -> PathBuf {
    let dir = Path::new(BINARY).parent().unwrap().join("examples");
    assert!(
        dir.join("age-plugin-meldpunttest").is_file(),
        "the test plugin is not built: run `cargo test` (it builds the examples) or \
         `cargo build --example age-plugin-meldpunttest`"
    );
    dir
}

/// A `PATH` on which the test plugin is found (or not).
fn path_with_plugin(plugin: bool) -> String {
    let system = std::env::var("PATH").unwrap_or_default();
    match plugin {
        true => format!("{}:{system}", examples_dir().display()),
        false => system,
    }
}

/// `age1meldpunttest1…` carrying the X25519 key of `identity`.
fn plugin_recipient(identity: &age::x25519::Identity) -> String {
    let public = identity.to_public().to_string();
    let (_, bytes) = bech32::decode(&public).unwrap();
    let hrp = bech32::Hrp::parse("age1meldpunttest").unwrap();
    bech32::encode::<bech32::Bech32>(hrp, &bytes).unwrap()
}

fn desk_with(recipient: &str) -> String {
    format!(
        "[{{id = \"om\", name_nl = \"OM\", name_en = \"PPS\", recipients = [\"{recipient}\"]}}]"
    )
}

#[actix_web::test]
async fn a_tip_for_a_desk_with_a_plugin_recipient_is_sealed_through_the_plugin() {
    let identity = age::x25519::Identity::generate();
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("data");
    let path = path_with_plugin(true);
    let desk = desk_with(&plugin_recipient(&identity));
    let mut server = spawn(&folder, &[("PATH", &path), ("MELDPUNT_DESK", &desk)]);
    server
        .wait_ready(std::time::Duration::from_secs(60))
        .unwrap_or_else(|seen| panic!("the service did not start:\n{}", seen.join("\n")));
    let form = reqwest::multipart::Form::new()
        .text("desk", "om")
        .text("message", "sealed through a plugin");
    let response = client()
        .post(server.url("/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{}",
        response.status()
    );
    server.terminate();
    let sealed = files_under(&folder.join("reports"));
    assert!(!sealed.is_empty(), "nothing was stored");
    let mut opened = Vec::new();
    for file in sealed {
        let decryptor = age::Decryptor::new(std::fs::File::open(&file).unwrap()).unwrap();
        let mut plain = Vec::new();
        decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .expect("the plugin sealed to the key in its recipient")
            .read_to_end(&mut plain)
            .unwrap();
        meldpunt::seal::padding::strip_text(&mut plain);
        opened.push(String::from_utf8_lossy(&plain).into_owned());
    }
    assert!(
        opened.iter().any(|t| t == "sealed through a plugin"),
        "{opened:?}"
    );
}

/// Starts `serve` with one desk whose recipient is `recipient`; returns what it said before it
/// stopped (the test fails if it starts listening instead).
fn refused_start(recipient: &str, plugin_on_path: bool, fail: bool) -> String {
    let data = tempfile::tempdir().unwrap();
    let path = path_with_plugin(plugin_on_path);
    let desk = desk_with(recipient);
    let mut env = vec![("PATH", path.as_str()), ("MELDPUNT_DESK", desk.as_str())];
    if fail {
        env.push(("AGE_PLUGIN_MELDPUNTTEST_FAIL", "1"));
    }
    let mut server = spawn(&data.path().join("data"), &env);
    match server.wait_ready(std::time::Duration::from_secs(60)) {
        Ok(_) => panic!("the service started: {:?}", server.terminate()),
        Err(said) => said.join("\n"),
    }
}

#[test]
fn a_plugin_recipient_whose_plugin_is_not_installed_stops_the_start() {
    let recipient = plugin_recipient(&age::x25519::Identity::generate());
    let said = refused_start(&recipient, false, false);
    assert!(said.contains("desk om"), "{said}");
    assert!(said.contains("age-plugin-meldpunttest"), "{said}");
}

#[test]
fn a_plugin_that_cannot_encrypt_stops_the_start_naming_the_desk() {
    let recipient = plugin_recipient(&age::x25519::Identity::generate());
    let said = refused_start(&recipient, true, true);
    assert!(said.contains("desk om"), "{said}");
    assert!(said.contains("cannot encrypt"), "{said}");
}
