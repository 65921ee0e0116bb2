//! `meldpunt serve` refuses a configuration it does not understand, before it touches anything.

use crate::common::binary::{meldpunt, run};

#[test]
fn an_unknown_meldpunt_variable_stops_the_start_naming_it_and_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("data");
    let output = run(
        meldpunt()
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(&folder)
            .env("MELDPUNT_LIMITS__FILEZ", "3"),
        None,
    );
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(said.to_lowercase().contains("filez"), "{said}");
    assert!(said.contains("MELDPUNT_"), "{said}");
    assert!(!folder.exists(), "no data folder was made");
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
