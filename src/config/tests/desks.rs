//! Desk settings that would lose tips are refused at start, naming the desk and the key
//! (issue 9, defect 9): the example key from age's manual, two desks with one id or one key,
//! terms the directive does not allow, a retention under a day, an onion address that is not a
//! bare v3 one; and a secret key pasted where a recipient belongs is never echoed.

use super::*;

/// A v3 onion address (56 base32 characters): the one in the Tor specification's examples.
pub(super) const ONION: &str = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";

fn desk(id: &str, recipient: &str, extra: &str) -> String {
    format!(
        "[[desk]]\nid = \"{id}\"\nname_nl = \"N\"\nname_en = \"N\"\nrecipients = [\"{recipient}\"]\n{extra}\n"
    )
}

fn fresh() -> String {
    age::x25519::Identity::generate().to_public().to_string()
}

fn refusal(text: &str) -> String {
    load_text(text).unwrap_err().to_string()
}

#[test]
fn the_shipped_example_is_refused_until_its_keys_are_replaced() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/meldpunt.example.toml");
    let err = isolated(&Overrides {
        config: Some(path),
        ..Overrides::default()
    })
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("desk ap"), "{err}");
    assert!(err.contains("example"), "{err}");
}

#[test]
fn two_desks_with_one_id_are_refused() {
    let err = refusal(&format!(
        "{}{}",
        desk("ap", &fresh(), ""),
        desk("ap", &fresh(), "")
    ));
    assert!(err.starts_with("desk ap"), "{err}");
    assert!(err.contains("twice"), "{err}");
}

#[test]
fn two_desks_sharing_a_key_are_refused() {
    let key = fresh();
    let err = refusal(&format!("{}{}", desk("ap", &key, ""), desk("om", &key, "")));
    assert!(err.starts_with("desk om"), "{err}");
    assert!(err.contains("desk ap"), "{err}");
}

#[test]
fn terms_the_directive_does_not_allow_are_refused() {
    for (extra, key) in [
        ("acknowledge_days = 30", "acknowledge_days"),
        ("acknowledge_days = 0", "acknowledge_days"),
        ("feedback_days = 181", "feedback_days"),
        ("retention_days = 0", "retention_days"),
    ] {
        let err = refusal(&desk("om", &fresh(), extra));
        assert!(err.starts_with("desk om"), "{extra}: {err}");
        assert!(err.contains(key), "{extra}: {err}");
    }
    let fine = desk(
        "om",
        &fresh(),
        "acknowledge_days = 7\nfeedback_days = 180\nretention_days = 1",
    );
    assert!(load_text(&fine).is_ok());
}

#[test]
fn an_onion_address_must_be_a_bare_v3_address() {
    let good = format!("onion_address = \"{ONION}\"\n{}", desk("ap", &fresh(), ""));
    assert_eq!(
        load_text(&good).unwrap().onion_address.as_deref(),
        Some(ONION)
    );
    for bad in [
        format!("http://{ONION}"),
        format!("{ONION}:80"),
        "expyuzz4wqqyqhjn.onion".to_owned(),
        ONION.to_uppercase(),
        ONION.replace(".onion", ""),
    ] {
        let err = refusal(&format!(
            "onion_address = \"{bad}\"\n{}",
            desk("ap", &fresh(), "")
        ));
        assert!(err.contains("onion_address"), "{bad}: {err}");
    }
}

#[test]
fn a_secret_key_pasted_as_a_recipient_is_refused_and_never_echoed() {
    let secret = age::x25519::Identity::generate();
    let secret = secrecy::ExposeSecret::expose_secret(&secret.to_string()).to_owned();
    let err = refusal(&desk("hvk", &secret, ""));
    assert!(err.starts_with("desk hvk"), "{err}");
    assert!(err.to_lowercase().contains("secret key"), "{err}");
    assert!(!err.contains(&secret[16..]), "the secret is echoed: {err}");
    // Nor any other malformed value: it might be a secret with a typo.
    let typo = secret.replacen("AGE-SECRET-KEY-1", "AGE-SECRET-KEY1", 1);
    let err = refusal(&desk("hvk", &typo, ""));
    assert!(!err.contains(&typo[16..]), "the value is echoed: {err}");
}

#[test]
fn a_desk_may_give_its_own_reply_templates_and_an_unknown_one_is_refused() {
    let own = "[desk.canned_replies]\nacknowledgement = \"Eigen tekst van het loket.\"";
    let settings = load_text(&desk("ap", &fresh(), own)).unwrap();
    let canned = &settings.desks[0].canned_replies;
    assert_eq!(
        canned.acknowledgement.as_deref(),
        Some("Eigen tekst van het loket.")
    );
    assert_eq!(canned.closure, None, "the others stay the standard ones");
    let err = refusal(&desk(
        "ap",
        &fresh(),
        "[desk.canned_replies]\ngoodbye = \"x\"",
    ));
    assert!(err.contains("goodbye"), "{err}");
}
