//! Officers against a real store in a temporary folder, with real Argon2 (in a pool) and TOTP.

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
    matches!(outcome, LoginOutcome::Failed { .. })
}

/// One login attempt at `at`, its password checked in a pool of its own.
async fn attempt(
    officers: &Officers,
    name: &str,
    password: &str,
    code: &str,
    at: u64,
) -> LoginOutcome {
    let pool = crate::kdf::ArgonPool::new(1, 4).unwrap();
    let password = zeroize::Zeroizing::new(password.to_owned());
    officers
        .login(&pool, name, password, code, at)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_added_officer_logs_in_with_password_and_the_current_code() {
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
    match attempt(&f.officers, "j.devries", PASSWORD, &code, NOW).await {
        LoginOutcome::Success(officer) => {
            assert_eq!(officer.name, "j.devries");
            assert_eq!(officer.desk, ap());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_code_from_the_previous_step_is_accepted_within_the_skew() {
    let f = fixture();
    add(&f.officers, "a");
    let earlier = code(&f.officers, "a", NOW - 30);
    let outcome = attempt(&f.officers, "a", PASSWORD, &earlier, NOW).await;
    assert!(matches!(outcome, LoginOutcome::Success(_)));
}

#[tokio::test]
async fn a_used_code_is_never_accepted_twice() {
    let f = fixture();
    add(&f.officers, "a");
    let first = code(&f.officers, "a", NOW);
    let outcome = attempt(&f.officers, "a", PASSWORD, &first, NOW).await;
    assert!(matches!(outcome, LoginOutcome::Success(_)));
    assert!(is_failed(
        attempt(&f.officers, "a", PASSWORD, &first, NOW).await
    ));
    // Nor is an older code that is still inside the skew window.
    let older = code(&f.officers, "a", NOW - 30);
    assert!(is_failed(
        attempt(&f.officers, "a", PASSWORD, &older, NOW).await
    ));
    // The next step's code is fine.
    let next = code(&f.officers, "a", NOW + 30);
    let outcome = attempt(&f.officers, "a", PASSWORD, &next, NOW + 30).await;
    assert!(matches!(outcome, LoginOutcome::Success(_)));
}

#[tokio::test]
async fn wrong_password_wrong_code_and_unknown_name_fail_alike_with_one_hash_check_each() {
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
        let outcome = attempt(&f.officers, name, password, code, NOW).await;
        assert!(is_failed(outcome), "{name}");
        assert_eq!(f.officers.password_checks(), before + 1, "{name}");
    }
}

#[tokio::test]
async fn after_five_failures_a_wrong_code_costs_no_hash_but_the_officer_still_gets_in() {
    let f = fixture();
    add(&f.officers, "a");
    for _ in 0..5 {
        assert!(is_failed(
            attempt(&f.officers, "a", "wrong", "000000", NOW).await
        ));
    }
    let checks = f.officers.password_checks();
    let refused = attempt(&f.officers, "a", "wrong", "000000", NOW).await;
    assert!(matches!(refused, LoginOutcome::Guarded { officer: None }));
    assert_eq!(
        f.officers.password_checks(),
        checks,
        "a guarded name with a wrong code"
    );
    // The right code with a wrong password: checked, and refused like an unchecked attempt
    // (the name is given to the audit log only: someone may have the authenticator).
    let right = code(&f.officers, "a", NOW);
    let guessed = attempt(&f.officers, "a", "wrong", &right, NOW).await;
    assert!(matches!(guessed, LoginOutcome::Guarded { officer: Some(ref n) } if n == "a"));
    assert_eq!(f.officers.password_checks(), checks + 1);
    let next = code(&f.officers, "a", NOW + 30);
    let outcome = attempt(&f.officers, "a", PASSWORD, &next, NOW + 30).await;
    assert!(matches!(outcome, LoginOutcome::Success(_)));
}

#[tokio::test]
async fn the_guard_grows_with_each_failure_after_it_ends() {
    let f = fixture();
    add(&f.officers, "a");
    for _ in 0..5 {
        attempt(&f.officers, "a", "wrong", "000000", NOW).await;
    }
    let guarded = |outcome: &LoginOutcome| matches!(outcome, LoginOutcome::Guarded { .. });
    assert!(guarded(
        &attempt(&f.officers, "a", "wrong", "000000", NOW + 59).await
    ));
    // The sixth checked failure, once the first guard has passed, guards for twice as long.
    let later = NOW + 61;
    let sixth = attempt(&f.officers, "a", "wrong", "000000", later).await;
    assert!(matches!(
        sixth,
        LoginOutcome::Failed {
            guard_began: true,
            ..
        }
    ));
    assert!(guarded(
        &attempt(&f.officers, "a", "wrong", "000000", later + 119).await
    ));
    assert!(is_failed(
        attempt(&f.officers, "a", "wrong", "000000", later + 121).await
    ));
}

#[tokio::test]
async fn unknown_names_are_guarded_like_known_ones_and_never_named() {
    let f = fixture();
    for _ in 0..5 {
        let outcome = attempt(&f.officers, "ghost", "wrong", "000000", NOW).await;
        assert!(matches!(
            outcome,
            LoginOutcome::Failed { officer: None, .. }
        ));
    }
    let outcome = attempt(&f.officers, "ghost", "wrong", "000000", NOW).await;
    assert!(matches!(outcome, LoginOutcome::Guarded { officer: None }));
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let f = fixture();
    add(&f.officers, "a");
    for _ in 0..4 {
        assert!(is_failed(
            attempt(&f.officers, "a", "wrong", "000000", NOW).await
        ));
    }
    let right = code(&f.officers, "a", NOW);
    let outcome = attempt(&f.officers, "a", PASSWORD, &right, NOW).await;
    assert!(matches!(outcome, LoginOutcome::Success(_)));
    for _ in 0..4 {
        assert!(is_failed(
            attempt(&f.officers, "a", "wrong", "000000", NOW).await
        ));
    }
    let next = code(&f.officers, "a", NOW + 30);
    let outcome = attempt(&f.officers, "a", PASSWORD, &next, NOW + 30).await;
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

#[tokio::test]
async fn officers_and_their_last_step_survive_reopening_the_store() {
    let data = tempfile::tempdir().unwrap();
    let first = code_after_login(data.path()).await;
    let store = Arc::new(Store::open(data.path()).unwrap());
    let officers = Officers::open(store).unwrap();
    assert!(is_failed(
        attempt(&officers, "a", PASSWORD, &first, NOW).await
    ));
    assert_eq!(officers.list().unwrap().len(), 1);
}

async fn code_after_login(data: &std::path::Path) -> String {
    let store = Arc::new(Store::open(data).unwrap());
    let officers = Officers::open(store).unwrap();
    add(&officers, "a");
    let first = code(&officers, "a", NOW);
    let outcome = attempt(&officers, "a", PASSWORD, &first, NOW).await;
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

mod mail;
mod tokens;
