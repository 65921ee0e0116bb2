//! Loading settings: the layers in their order, refusals that name what to fix.
#![allow(clippy::result_large_err)] // figment::Jail closures return figment::Error, as its API wants.

use super::*;
use std::path::Path;

mod desks;
mod notify;

fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("meldpunt.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Loads with `overrides` in a figment Jail: an environment of its own, so the tests that set
/// `MELDPUNT_…` variables cannot leak them into this one.
fn isolated(overrides: &Overrides) -> Result<Settings, ConfigError> {
    let mut result = None;
    figment::Jail::expect_with(|_| {
        result = Some(load(overrides));
        Ok(())
    });
    result.unwrap()
}

fn load_text(text: &str) -> Result<Settings, ConfigError> {
    let (_dir, path) = write(text);
    isolated(&Overrides {
        config: Some(path),
        ..Overrides::default()
    })
}

fn good_desk() -> String {
    let recipient = age::x25519::Identity::generate().to_public();
    format!(
        "[[desk]]\nid = \"ap\"\nname_nl = \"Autoriteit Persoonsgegevens\"\n\
         name_en = \"Dutch Data Protection Authority\"\nrecipients = [\"{recipient}\"]\n"
    )
}

#[test]
fn a_valid_file_loads_its_desks() {
    let settings = load_text(&good_desk()).unwrap();
    assert!(!settings.demo);
    assert_eq!(settings.desks.len(), 1);
    assert_eq!(settings.desks[0].acknowledge_days, 7);
    assert_eq!(settings.desks[0].feedback_days, 90);
}

/// The example with its placeholder keys replaced by real ones, as an operator fills it in.
#[test]
fn the_commented_example_in_deploy_loads_once_its_keys_are_filled_in() {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/meldpunt.example.toml"),
    )
    .unwrap();
    let filled = example
        .lines()
        .map(|line| match line.starts_with("recipients = ") {
            true => format!(
                "recipients = [\"{}\"]",
                age::x25519::Identity::generate().to_public()
            ),
            false => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let settings = load_text(&filled).unwrap();
    let ids: Vec<&str> = settings.desks.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["ap", "om", "hvk"]);
    assert_eq!(
        settings.limits.submission_bytes,
        Limits::default().submission_bytes
    );
}

#[test]
fn an_unknown_key_is_rejected_by_name() {
    let err = load_text(&format!("lisen = \"127.0.0.1:1\"\n{}", good_desk())).unwrap_err();
    assert!(err.to_string().contains("lisen"), "{err}");
}

#[test]
fn a_desk_without_recipients_names_the_desk() {
    let err =
        load_text("[[desk]]\nid = \"om\"\nname_nl = \"OM\"\nname_en = \"PPS\"\n").unwrap_err();
    assert!(err.to_string().contains("desk om"), "{err}");
    assert!(err.to_string().contains("recipient"), "{err}");
}

#[test]
fn a_malformed_recipient_names_the_desk() {
    let text = good_desk().replace("age1", "age1xxxx");
    let err = load_text(&text).unwrap_err();
    assert!(err.to_string().starts_with("desk ap"), "{err}");
}

#[test]
fn flags_beat_environment_which_beats_the_file_which_beats_the_default() {
    figment::Jail::expect_with(|jail| {
        let with_file = |jail: &mut figment::Jail, listen: Option<&str>| {
            jail.create_file(
                "meldpunt.toml",
                &format!("listen = \"127.0.0.1:1111\"\n{}", good_desk()),
            )
            .unwrap();
            load(&Overrides {
                config: Some("meldpunt.toml".into()),
                listen: listen.map(|l| l.parse().unwrap()),
                ..Overrides::default()
            })
            .unwrap()
            .listen
            .port()
        };
        assert_eq!(load(&Overrides::default()).unwrap().listen.port(), 8080);
        assert_eq!(with_file(jail, None), 1111);
        jail.set_env("MELDPUNT_LISTEN", "127.0.0.1:2222");
        assert_eq!(with_file(jail, None), 2222);
        assert_eq!(with_file(jail, Some("127.0.0.1:3333")), 3333);
        Ok(())
    });
}

#[test]
fn an_unknown_meldpunt_variable_is_refused_by_name() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("MELDPUNT_LISEN", "127.0.0.1:1");
        let err = load(&Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("lisen"), "{err}");
        assert!(err.contains("MELDPUNT_"), "says where it came from: {err}");
        Ok(())
    });
}

#[test]
fn a_bad_value_in_a_variable_names_the_key_and_the_variable() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("MELDPUNT_LIMITS__FILES", "many");
        let err = load(&Overrides::default()).unwrap_err().to_string();
        assert!(err.to_lowercase().contains("limits.files"), "{err}");
        assert!(err.contains("MELDPUNT_"), "{err}");
        Ok(())
    });
}

#[test]
fn variables_that_are_not_settings_are_let_through() {
    figment::Jail::expect_with(|jail| {
        for name in NOT_SETTINGS {
            jail.set_env(format!("MELDPUNT_{}", name.to_uppercase()), "1");
        }
        assert!(load(&Overrides::default()).is_ok());
        Ok(())
    });
}

/// Every key of the defaults, as a dotted path (`limits.files`), with its default value.
fn every_setting() -> Vec<(String, serde_json::Value)> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&path, value, out);
                }
            }
            other => out.push((prefix.to_owned(), other.clone())),
        }
    }
    let mut out = Vec::new();
    walk(
        "",
        &serde_json::to_value(super::layers::RawConfig::default()).unwrap(),
        &mut out,
    );
    out
}

#[test]
fn every_setting_can_be_set_from_the_environment() {
    let settings = every_setting();
    assert!(settings.len() >= 14, "{settings:?}");
    for (path, _) in &settings {
        figment::Jail::expect_with(|jail| {
            let name = format!("MELDPUNT_{}", path.replace('.', "__").to_uppercase());
            let value = match path.as_str() {
                "listen" | "desk_listen" => "127.0.0.1:4444".to_owned(),
                "data" => "/srv/elsewhere".to_owned(),
                "default_lang" => "en".to_owned(),
                "onion_address" => desks::ONION.to_owned(),
                "https" => "true".to_owned(),
                "notify" => "{smtp_host = \"relay.example\", from = \"m@example.org\"}".to_owned(),
                "desk" => format!(
                    "[{{id = \"ap\", name_nl = \"AP\", name_en = \"DPA\", recipients = [\"{}\"]}}]",
                    age::x25519::Identity::generate().to_public()
                ),
                _ => "7".to_owned(),
            };
            jail.set_env(&name, &value);
            let raw = super::layers::figment(&Overrides::default())
                .extract::<super::layers::RawConfig>()
                .map_err(|e| e.to_string())?;
            let got = serde_json::to_value(&raw).unwrap();
            let mut at = &got;
            for part in path.split('.') {
                at = &at[part];
            }
            assert_ne!(
                at,
                &serde_json::to_value(super::layers::RawConfig::default()).unwrap()
                    [path.split('.').next().unwrap()]
                .pointer(&format!(
                    "/{}",
                    path.split('.').skip(1).collect::<Vec<_>>().join("/")
                ))
                .cloned()
                .unwrap_or(serde_json::Value::Null),
                "{name} changed nothing"
            );
            Ok(())
        });
    }
}

#[test]
fn desks_can_come_from_the_environment_alone() {
    figment::Jail::expect_with(|jail| {
        let recipient = age::x25519::Identity::generate().to_public();
        jail.set_env(
            "MELDPUNT_DESK",
            format!("[{{id = \"om\", name_nl = \"OM\", name_en = \"PPS\", recipients = [\"{recipient}\"]}}]"),
        );
        let settings = load(&Overrides::default()).unwrap();
        assert!(!settings.demo);
        assert_eq!(settings.desks[0].id.as_str(), "om");
        Ok(())
    });
}
