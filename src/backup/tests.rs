//! Backups of a small folder, and restores of backups that were cut, changed or made by hand.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;

use super::*;
use crate::audit::{Action, AuditLog};
use crate::offline::identity::{DeskIdentity, load};
use crate::store::Store;

struct Fixture {
    dir: tempfile::TempDir,
    key: age::x25519::Identity,
}

impl Fixture {
    /// A data folder with its salt and two audit entries, and a backup key.
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("data")).unwrap();
        store.install_salt().unwrap();
        let audit = AuditLog::open(&dir.path().join("data")).unwrap();
        audit
            .append(1, "anna", Action::OfficerAdded, None, None)
            .unwrap();
        audit
            .append(2, "anna", Action::TokenCreated, None, None)
            .unwrap();
        Fixture {
            dir,
            key: age::x25519::Identity::generate(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn identity(&self) -> DeskIdentity {
        let path = self.dir.path().join("backup.key");
        if !path.exists() {
            std::fs::write(&path, self.key.to_string().expose_secret()).unwrap();
        }
        load(&path).unwrap()
    }

    fn backup(&self) -> PathBuf {
        let out = self.dir.path().join("backup.age");
        let to: crate::seal::Recipients = vec![Box::new(self.key.to_public())];
        make(&self.data(), &out, to).unwrap();
        out
    }

    /// The backup's entries, in order.
    fn entries(&self, backup: &Path) -> Vec<(String, Vec<u8>)> {
        let plain = age::decrypt(&self.key, &std::fs::read(backup).unwrap()).unwrap();
        let mut archive = tar::Archive::new(plain.as_slice());
        archive
            .entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let name = e.path().unwrap().display().to_string();
                let mut bytes = Vec::new();
                e.read_to_end(&mut bytes).unwrap();
                (name, bytes)
            })
            .collect()
    }

    /// A backup file made of `entries` (raw names, so hostile ones too).
    fn forged(&self, entries: &[(String, Vec<u8>)]) -> PathBuf {
        let mut tar = tar::Builder::new(Vec::new());
        for (name, bytes) in entries {
            let mut header = tar::Header::new_gnu();
            header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
            header.set_size(bytes.len() as u64);
            header.set_mode(0o600);
            header.set_cksum();
            tar.append(&header, bytes.as_slice()).unwrap();
        }
        let plain = tar.into_inner().unwrap();
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&self.key.to_public() as _)).unwrap();
        let path = self.dir.path().join("forged.age");
        let mut out = encryptor
            .wrap_output(std::fs::File::create(&path).unwrap())
            .unwrap();
        out.write_all(&plain).unwrap();
        out.finish().unwrap();
        path
    }

    fn target(&self) -> PathBuf {
        self.dir.path().join("restored")
    }
}

#[test]
fn a_backup_restores_whole_into_a_new_folder() {
    let f = Fixture::new();
    let backup = f.backup();
    let restored = restore(&backup, &f.identity(), &f.target()).unwrap();
    assert!(restored.problems.is_empty(), "{:?}", restored.problems);
    assert_eq!(restored.audit_entries, 2);
    assert_eq!(
        std::fs::read(f.target().join("salt")).unwrap(),
        std::fs::read(f.data().join("salt")).unwrap()
    );
    // The backup is ciphertext: no database header, no salt in it.
    let bytes = std::fs::read(&backup).unwrap();
    assert!(!bytes.windows(15).any(|w| w == b"SQLite format 3"));
}

#[test]
fn an_existing_output_is_never_overwritten_and_a_non_empty_folder_never_restored_into() {
    let f = Fixture::new();
    let backup = f.backup();
    let to: crate::seal::Recipients = vec![Box::new(f.key.to_public())];
    let before = std::fs::read(&backup).unwrap();
    assert!(matches!(
        make(&f.data(), &backup, to),
        Err(BackupError::Refused(_))
    ));
    assert_eq!(std::fs::read(&backup).unwrap(), before);
    assert!(matches!(
        restore(&backup, &f.identity(), &f.data()),
        Err(BackupError::Refused(_))
    ));
}

#[test]
fn a_backup_does_not_open_with_another_key() {
    let f = Fixture::new();
    let backup = f.backup();
    let other = Fixture::new();
    assert!(matches!(
        restore(&backup, &other.identity(), &f.target()),
        Err(BackupError::Refused(_))
    ));
    assert!(!f.target().exists());
}

#[test]
fn a_changed_entry_is_found_and_the_restore_is_not_whole() {
    let f = Fixture::new();
    let mut entries = f.entries(&f.backup());
    let salt = entries.iter_mut().find(|(n, _)| n == SALT).unwrap();
    salt.1[0] ^= 1;
    let forged = f.forged(&entries);
    let restored = restore(&forged, &f.identity(), &f.target()).unwrap();
    assert!(
        restored
            .problems
            .iter()
            .any(|p| p.contains("salt does not match")),
        "{:?}",
        restored.problems
    );
}

#[test]
fn a_backup_cut_short_or_with_a_shortened_audit_log_is_not_whole() {
    let f = Fixture::new();
    let entries = f.entries(&f.backup());
    let cut = f.forged(&entries[..entries.len() - 1]);
    assert!(matches!(
        restore(&cut, &f.identity(), &f.target()),
        Err(BackupError::Failed(why)) if why.contains("cut short")
    ));

    // The audit log of an empty folder, in place of the real one, with a listing to match.
    let empty = Fixture::new();
    std::fs::remove_file(empty.data().join("db/audit.sqlite")).unwrap();
    AuditLog::open(&empty.data()).unwrap();
    let blank = empty.entries(&empty.backup());
    let (_, blank_audit) = blank.iter().find(|(n, _)| n == AUDIT_DB).unwrap().clone();
    let mut entries = entries;
    let mut listing: Listing = serde_json::from_slice(&entries.last().unwrap().1).unwrap();
    for listed in &mut listing.entries {
        if listed.path == AUDIT_DB {
            listed.size = blank_audit.len() as u64;
            listed.sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&blank_audit));
        }
    }
    entries.iter_mut().find(|(n, _)| n == AUDIT_DB).unwrap().1 = blank_audit;
    entries.last_mut().unwrap().1 = serde_json::to_vec(&listing).unwrap();
    let elsewhere = f.dir.path().join("elsewhere");
    let restored = restore(&f.forged(&entries), &f.identity(), &elsewhere).unwrap();
    assert!(
        restored
            .problems
            .iter()
            .any(|p| p.contains("does not end where the backup said")),
        "{:?}",
        restored.problems
    );
}

#[test]
fn hostile_names_are_refused_and_nothing_lands_outside_the_folder() {
    let f = Fixture::new();
    let good = f.entries(&f.backup());
    for name in [
        "../evil",
        "/tmp/evil",
        "reports/../../evil.age",
        "reports/0123456789abcdef/x.age",
        "demo-keys/../../evil.key",
        "db/other.sqlite",
    ] {
        let mut entries = vec![(name.to_owned(), b"evil".to_vec())];
        entries.extend(good.iter().cloned());
        let target = f.dir.path().join(format!("t{}", name.len()));
        let refused = restore(&f.forged(&entries), &f.identity(), &target);
        assert!(
            matches!(&refused, Err(BackupError::Failed(why)) if why.contains("unexpected entry")),
            "{name}: {refused:?}"
        );
        assert!(!f.dir.path().join("evil").exists());
        assert!(!Path::new("/tmp/evil").exists());
    }
}
