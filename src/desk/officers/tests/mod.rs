//! Officers against a real store in a temporary folder, with real Argon2 and TOTP.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::*;
use crate::store::Store;

const NOW: u64 = 1_750_000_020;
const PASSWORD: &str = "correct horse battery staple";

struct Fixture {
    officers: Officers,
    _data: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(data.path()).unwrap());
    Fixture {
        officers: Officers::open(store).unwrap(),
        _data: data,
    }
}

fn ap() -> DeskId {
    "ap".parse().unwrap()
}

fn add(officers: &Officers, name: &str) -> SecretString {
    let (officer, uri) = officers
        .add(name, &ap(), &SecretString::from(PASSWORD))
        .unwrap();
    assert_eq!(officer.name, name);
    uri
}

fn code(officers: &Officers, name: &str, at: u64) -> String {
    officers.current_code(name, at).unwrap().unwrap()
}

fn is_failed(outcome: LoginOutcome) -> bool {
    matches!(outcome, LoginOutcome::Failed)
}

#[test]
fn an_added_officer_logs_in_with_password_and_the_current_code() {
    let f = fixture();
    let uri = add(&f.officers, "j.devries");
    let uri = uri.expose_secret();
    assert!(
        uri.starts_with("otpauth://totp/meldpunt:j.devries%20%28ap%29?"),
        "{uri}"
    );
    assert!(
        uri.contains("secret=") && uri.contains("issuer=meldpunt"),
        "{uri}"
    );
    let code = code(&f.officers, "j.devries", NOW);
    match f.officers.login("j.devries", PASSWORD, &code, NOW).unwrap() {
        LoginOutcome::Success(officer) => {
            assert_eq!(officer.name, "j.devries");
            assert_eq!(officer.desk, ap());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_code_from_the_previous_step_is_accepted_within_the_skew() {
    let f = fixture();
    add(&f.officers, "a");
    let earlier = code(&f.officers, "a", NOW - 30);
    let outcome = f.officers.login("a", PASSWORD, &earlier, NOW).unwrap();
    assert!(matches!(outcome, LoginOutcome::Success(_)));
}

#[test]
fn a_used_code_is_never_accepted_twice() {
    let f = fixture();
    add(&f.officers, "a");
    let first = code(&f.officers, "a", NOW);
    let outcome = f.officers.login("a", PASSWORD, &first, NOW).unwrap();
    assert!(matches!(outcome, LoginOutcome::Success(_)));
    assert!(is_failed(
        f.officers.login("a", PASSWORD, &first, NOW).unwrap()
    ));
    // Nor is an older code that is still inside the skew window.
    let older = code(&f.officers, "a", NOW - 30);
    assert!(is_failed(
        f.officers.login("a", PASSWORD, &older, NOW).unwrap()
    ));
    // The next step's code is fine.
    let next = code(&f.officers, "a", NOW + 30);
    let outcome = f.officers.login("a", PASSWORD, &next, NOW + 30).unwrap();
    assert!(matches!(outcome, LoginOutcome::Success(_)));
}

#[test]
fn wrong_password_wrong_code_and_unknown_name_fail_alike_with_one_hash_check_each() {
    let f = fixture();
    add(&f.officers, "a");
    let right = code(&f.officers, "a", NOW);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let attempts = [
        ("a", "not the password at all", right.as_str()),
        ("a", PASSWORD, wrong),
        ("nobody", PASSWORD, right.as_str()),
    ];
    for (name, password, code) in attempts {
        let before = f.officers.password_checks();
        let outcome = f.officers.login(name, password, code, NOW).unwrap();
        assert!(is_failed(outcome), "{name}");
        assert_eq!(f.officers.password_checks(), before + 1, "{name}");
    }
}

#[test]
fn after_five_failures_even_the_right_credentials_are_locked_out_and_the_lock_grows() {
    let f = fixture();
    add(&f.officers, "a");
    for _ in 0..5 {
        assert!(is_failed(
            f.officers.login("a", "wrong", "000000", NOW).unwrap()
        ));
    }
    let checks = f.officers.password_checks();
    let right = code(&f.officers, "a", NOW);
    match f.officers.login("a", PASSWORD, &right, NOW).unwrap() {
        LoginOutcome::Locked { until } => assert_eq!(until, NOW + 60),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        f.officers.password_checks(),
        checks,
        "a locked name is not checked"
    );
    // The sixth failure, once the first lock has passed, locks for twice as long.
    let later = NOW + 61;
    assert!(is_failed(
        f.officers.login("a", "wrong", "000000", later).unwrap()
    ));
    match f.officers.login("a", PASSWORD, &right, later + 1).unwrap() {
        LoginOutcome::Locked { until } => assert_eq!(until, later + 120),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_names_are_locked_out_like_known_ones() {
    let f = fixture();
    for _ in 0..5 {
        assert!(is_failed(
            f.officers.login("ghost", "wrong", "000000", NOW).unwrap()
        ));
    }
    let outcome = f.officers.login("ghost", "wrong", "000000", NOW).unwrap();
    assert!(matches!(outcome, LoginOutcome::Locked { until } if until == NOW + 60));
}

#[test]
fn a_success_resets_the_failure_count() {
    let f = fixture();
    add(&f.officers, "a");
    for _ in 0..4 {
        assert!(is_failed(
            f.officers.login("a", "wrong", "000000", NOW).unwrap()
        ));
    }
    let right = code(&f.officers, "a", NOW);
    let outcome = f.officers.login("a", PASSWORD, &right, NOW).unwrap();
    assert!(matches!(outcome, LoginOutcome::Success(_)));
    for _ in 0..4 {
        assert!(is_failed(
            f.officers.login("a", "wrong", "000000", NOW).unwrap()
        ));
    }
    let next = code(&f.officers, "a", NOW + 30);
    let outcome = f.officers.login("a", PASSWORD, &next, NOW + 30).unwrap();
    assert!(matches!(outcome, LoginOutcome::Success(_)));
}

#[test]
fn short_passwords_bad_names_and_duplicates_are_refused() {
    let f = fixture();
    let short = SecretString::from("thirteen char");
    assert_eq!(short.expose_secret().chars().count(), 13);
    assert!(matches!(
        f.officers.add("a", &ap(), &short),
        Err(OfficerError::WeakPassword)
    ));
    // Fourteen characters, fewer than fourteen bytes would not do: characters are counted.
    let accented = SecretString::from("éééééééééééééé");
    assert!(f.officers.add("accented", &ap(), &accented).is_ok());
    let long_name = "x".repeat(65);
    for bad in ["", "a b", "a/b", "a:b", "ü", long_name.as_str()] {
        let refused = f.officers.add(bad, &ap(), &SecretString::from(PASSWORD));
        assert!(matches!(refused, Err(OfficerError::BadName)), "{bad:?}");
    }
    add(&f.officers, "a");
    let again = f.officers.add("a", &ap(), &SecretString::from(PASSWORD));
    assert!(matches!(again, Err(OfficerError::Exists(name)) if name == "a"));
}

#[test]
fn officers_and_their_last_step_survive_reopening_the_store() {
    let data = tempfile::tempdir().unwrap();
    let first = code_after_login(data.path());
    let store = Arc::new(Store::open(data.path()).unwrap());
    let officers = Officers::open(store).unwrap();
    assert!(is_failed(
        officers.login("a", PASSWORD, &first, NOW).unwrap()
    ));
    assert_eq!(officers.list().unwrap().len(), 1);
}

fn code_after_login(data: &std::path::Path) -> String {
    let store = Arc::new(Store::open(data).unwrap());
    let officers = Officers::open(store).unwrap();
    add(&officers, "a");
    let first = code(&officers, "a", NOW);
    let outcome = officers.login("a", PASSWORD, &first, NOW).unwrap();
    assert!(matches!(outcome, LoginOutcome::Success(_)));
    first
}

#[test]
fn debug_output_of_an_officer_shows_name_and_desk_only() {
    let f = fixture();
    add(&f.officers, "a");
    let officer = f.officers.get("a").unwrap().unwrap();
    let printed = format!("{officer:?}");
    assert!(
        printed.contains("\"a\"") && printed.contains("ap"),
        "{printed}"
    );
    assert!(
        !printed.contains("argon2") && !printed.contains("secret"),
        "{printed}"
    );
}

mod tokens;
