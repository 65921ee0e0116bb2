//! `meldpunt serve` refuses a configuration it does not understand, before it touches anything.

use crate::common::binary::{meldpunt, meldpunt_serve, run};

/// Starts `meldpunt serve` with one variable set, which must stop the start (exit 2) before a
/// data folder is made; returns what it said.
fn refused_with(variable: &str, value: &str) -> String {
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("data");
    let output = run(
        meldpunt_serve()
            .arg("--data")
            .arg(&folder)
            .env(variable, value),
        None,
    );
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(!folder.exists(), "no data folder was made");
    said
}

#[test]
fn an_unknown_meldpunt_variable_stops_the_start_naming_it_and_changes_nothing() {
    let said = refused_with("MELDPUNT_LIMITS__FILEZ", "3");
    assert!(said.to_lowercase().contains("filez"), "{said}");
    assert!(said.contains("MELDPUNT_"), "{said}");
}

/// Issue 12, part 5: `MELDPUNT_LOG_FORMAT` is read by the logging, not refused as an unknown
/// setting — but a format it does not know stops the start.
#[test]
fn an_unknown_log_format_stops_the_start_naming_the_variable() {
    let said = refused_with("MELDPUNT_LOG_FORMAT", "xml");
    assert!(said.contains("MELDPUNT_LOG_FORMAT"), "{said}");
    assert!(said.contains("json"), "what it takes: {said}");
}

#[test]
fn a_setting_from_the_environment_reaches_the_service() {
    let data = tempfile::tempdir().unwrap();
    let output = run(
        meldpunt()
            .args(["serve", "--data"])
            .arg(data.path().join("data"))
            .env("MELDPUNT_LISTEN", "not-an-address"),
        None,
    );
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(said.to_lowercase().contains("listen"), "{said}");
}

/// Issue 9, defect 9: the shipped example (the key from age's manual, whose secret no desk holds)
/// used to start silently and seal every tip for nobody. It now stops the start, naming the desk.
#[test]
fn the_shipped_example_configuration_does_not_start_until_its_keys_are_replaced() {
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("data");
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/meldpunt.example.toml");
    let output = run(
        meldpunt_serve()
            .arg("--config")
            .arg(&example)
            .arg("--data")
            .arg(&folder),
        None,
    );
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(said.contains("desk ap"), "{said}");
    assert!(said.contains("example key"), "{said}");
    assert!(!folder.exists(), "no data folder was made");
}

/// Issue 9, defect 9: a secret key pasted as a recipient was printed back into the log.
#[test]
fn a_secret_key_pasted_as_a_recipient_stops_the_start_and_is_never_printed() {
    let data = tempfile::tempdir().unwrap();
    let secret = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    let output = run(
        meldpunt_serve()
            .arg("--data")
            .arg(data.path().join("data"))
            .env(
                "MELDPUNT_DESK",
                format!("[{{id = \"om\", name_nl = \"OM\", name_en = \"PPS\", recipients = [\"{secret}\"]}}]"),
            ),
        None,
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(said.contains("desk om"), "{said}");
    assert!(said.contains("SECRET key"), "{said}");
    assert!(!said.contains("GFPYYSJZ"), "the secret is echoed: {said}");
}
