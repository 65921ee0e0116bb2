//! API tokens against a real store: found until revoked, gone with their officer, at once
//! also for another process's handle.

use std::sync::Arc;

use secrecy::ExposeSecret;

use super::*;
use crate::store::Store;

#[test]
fn a_token_finds_its_officer_until_it_is_revoked() {
    let f = fixture();
    add(&f.officers, "a");
    let (id, token) = f.officers.create_token("a", NOW, 90).unwrap();
    let token = token.expose_secret();
    assert_eq!(id.len(), 8);
    assert!(token.starts_with("mp_") && token.len() == 3 + 64, "{token}");
    let officer = f.officers.officer_for_token(token, NOW).unwrap().unwrap();
    assert_eq!(officer.name, "a");
    assert!(
        f.officers
            .officer_for_token("mp_00", NOW)
            .unwrap()
            .is_none()
    );

    assert!(f.officers.revoke_token(&id).unwrap());
    assert!(f.officers.officer_for_token(token, NOW).unwrap().is_none());
    assert!(!f.officers.revoke_token("zzzzzzzz").unwrap());
    let listed = f.officers.list().unwrap();
    assert_eq!(
        listed[0].tokens,
        vec![TokenSummary {
            id,
            created: NOW,
            expires: NOW + 90 * 86_400,
            revoked: true
        }]
    );
}

#[test]
fn removing_an_officer_ends_their_tokens_even_if_the_name_is_added_again() {
    let f = fixture();
    add(&f.officers, "a");
    let (_, token) = f.officers.create_token("a", NOW, 90).unwrap();
    assert!(f.officers.remove("a").unwrap());
    assert!(!f.officers.remove("a").unwrap());
    assert!(f.officers.get("a").unwrap().is_none());
    assert!(
        f.officers
            .officer_for_token(token.expose_secret(), NOW)
            .unwrap()
            .is_none()
    );
    add(&f.officers, "a");
    assert!(
        f.officers
            .officer_for_token(token.expose_secret(), NOW)
            .unwrap()
            .is_none()
    );
}

#[test]
fn tokens_for_an_unknown_officer_are_refused() {
    let f = fixture();
    let refused = f.officers.create_token("nobody", NOW, 90);
    assert!(matches!(refused, Err(OfficerError::Unknown(name)) if name == "nobody"));
}

#[test]
fn a_token_revoked_through_another_handle_fails_at_once() {
    let data = tempfile::tempdir().unwrap();
    let service = Officers::open(Arc::new(Store::open(data.path()).unwrap())).unwrap();
    let admin = Officers::open(Arc::new(Store::open(data.path()).unwrap())).unwrap();
    add(&service, "a");
    let (id, token) = service.create_token("a", NOW, 90).unwrap();
    assert!(
        service
            .officer_for_token(token.expose_secret(), NOW)
            .unwrap()
            .is_some()
    );
    assert!(admin.revoke_token(&id).unwrap());
    assert!(
        service
            .officer_for_token(token.expose_secret(), NOW)
            .unwrap()
            .is_none()
    );
    assert!(admin.remove("a").unwrap());
    assert!(service.get("a").unwrap().is_none());
}
