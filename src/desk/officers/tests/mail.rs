//! Digest addresses: only for an officer who exists, replaced by a new one, and gone with the
//! officer, so a later officer of the same name starts without one.

use super::*;

fn address(text: &str) -> lettre::Address {
    text.parse().unwrap()
}

#[test]
fn an_address_is_set_replaced_and_cleared() {
    let f = fixture();
    add(&f.officers, "anna");
    f.officers
        .set_address("anna", &address("a@ap.example"))
        .unwrap();
    f.officers
        .set_address("anna", &address("anna@ap.example"))
        .unwrap();
    let all = f.officers.addresses().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].officer.as_str(), all[0].address.to_string()),
        ("anna", "anna@ap.example".into())
    );
    assert_eq!(all[0].last_digest, None);
    assert!(f.officers.clear_address("anna").unwrap());
    assert!(!f.officers.clear_address("anna").unwrap());
    assert!(f.officers.addresses().unwrap().is_empty());
}

#[test]
fn nobody_gets_an_address_and_a_removed_officer_takes_theirs_along() {
    let f = fixture();
    let refused = f.officers.set_address("ghost", &address("g@ap.example"));
    assert!(
        matches!(refused, Err(OfficerError::Unknown(_))),
        "{refused:?}"
    );
    add(&f.officers, "anna");
    f.officers
        .set_address("anna", &address("a@ap.example"))
        .unwrap();
    f.officers.mark_digest_sent("anna", 20_000).unwrap();
    assert!(f.officers.remove("anna").unwrap());
    add(&f.officers, "anna");
    assert_eq!(f.officers.address("anna").unwrap(), None);
    f.officers
        .set_address("anna", &address("a@ap.example"))
        .unwrap();
    assert_eq!(
        f.officers.addresses().unwrap()[0].last_digest,
        None,
        "no old digest day"
    );
}
