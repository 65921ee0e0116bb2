//! The `[notify]` section and the desks' `digest` key: defaults, refusals that name the key, and
//! a relay password that no `Debug` output shows.

use super::*;

fn with_notify(section: &str, digest: &str) -> Result<Settings, ConfigError> {
    let recipient = age::x25519::Identity::generate().to_public();
    load_text(&format!(
        "[notify]\n{section}\n\n[[desk]]\nid = \"ap\"\nname_nl = \"AP\"\nname_en = \"DPA\"\n\
         recipients = [\"{recipient}\"]\n{digest}\n"
    ))
}

const MINIMAL: &str = "smtp_host = \"relay.example\"\nfrom = \"meldpunt <m@example.org>\"";

#[test]
fn without_the_section_nothing_is_sent_and_desks_say_the_same_every_day() {
    let settings = load_text(&good_desk()).unwrap();
    assert!(settings.notify.is_none());
    assert_eq!(settings.desks[0].digest, DigestMode::Plain);
}

#[test]
fn the_defaults_are_implicit_tls_on_465_at_seven() {
    let settings = with_notify(MINIMAL, "digest = \"counts\"").unwrap();
    let notify = settings.notify.unwrap();
    assert_eq!(
        (notify.smtp_tls, notify.port(), notify.hour),
        (SmtpTls::Tls, 465, 7)
    );
    assert_eq!(settings.desks[0].digest, DigestMode::Counts);
    let starttls = with_notify(&format!("{MINIMAL}\nsmtp_tls = \"starttls\""), "").unwrap();
    assert_eq!(starttls.notify.unwrap().port(), 587);
}

#[test]
fn an_unknown_key_a_plain_connection_or_a_bad_mode_is_refused_by_name() {
    for (section, digest, named) in [
        (format!("{MINIMAL}\nsmtp_hots = \"x\""), "", "smtp_hots"),
        (format!("{MINIMAL}\nsmtp_tls = \"none\""), "", "none"),
        (MINIMAL.to_owned(), "digest = \"full\"", "full"),
        (format!("{MINIMAL}\nhour = 24"), "", "hour"),
        (format!("{MINIMAL}\nsmtp_user = \"u\""), "", "smtp_password"),
        (
            "smtp_host = \"relay.example\"\nfrom = \"nobody\"".to_owned(),
            "",
            "from",
        ),
    ] {
        let error = with_notify(&section, digest).unwrap_err().to_string();
        assert!(error.contains(named), "{section} {digest}: {error}");
    }
}

#[test]
fn the_relay_password_is_never_debug_printed() {
    let section = format!("{MINIMAL}\nsmtp_user = \"u\"\nsmtp_password = \"hunter2 hunter2\"");
    let settings = with_notify(&section, "").unwrap();
    let printed = format!("{settings:?}");
    assert!(printed.contains("relay.example"), "{printed}");
    assert!(!printed.contains("hunter2"), "{printed}");
}

#[test]
fn the_relay_password_can_come_from_the_environment() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("MELDPUNT_NOTIFY__SMTP_PASSWORD", "from the environment");
        jail.set_env("MELDPUNT_NOTIFY__SMTP_USER", "u");
        jail.create_file("m.toml", &format!("[notify]\n{MINIMAL}\n\n{}", good_desk()))?;
        let settings = load(&Overrides {
            config: Some("m.toml".into()),
            ..Overrides::default()
        })
        .unwrap();
        let password = settings.notify.unwrap().smtp_password.unwrap();
        assert_eq!(
            secrecy::ExposeSecret::expose_secret(&password),
            "from the environment"
        );
        Ok(())
    });
}
