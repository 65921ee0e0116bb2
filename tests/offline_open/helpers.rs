//! Building good bundles in the test: a desk key, items sealed with the `age` crate, the
//! submissions' encrypted manifests and the bundle's `manifest.json`.

use std::fs;
use std::path::PathBuf;

use age::secrecy::ExposeSecret;
use meldpunt::bundle::{BUNDLE_FORMAT, BundleItem, BundleManifest};
use meldpunt::domain::{ItemId, ReportId};
use meldpunt::seal::manifest::{self, Manifest, ManifestItem, Role, SubmissionKind};
use meldpunt::store::ItemKind;
use sha2::{Digest, Sha256};
use tar::EntryType;

use crate::tar_bytes::{entry, finish};

pub const MIB: u64 = 1024 * 1024;

/// A desk key, written to an identity file in a folder of its own.
pub struct Desk {
    pub identity: age::x25519::Identity,
    pub key_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Desk {
    pub fn new() -> Desk {
        let identity = age::x25519::Identity::generate();
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("desk.key");
        fs::write(
            &key_file,
            format!("{}\n", identity.to_string().expose_secret()),
        )
        .unwrap();
        Desk {
            identity,
            key_file,
            _dir: dir,
        }
    }

    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        age::encrypt(&self.identity.to_public(), plain).unwrap()
    }

    pub fn loaded(&self) -> meldpunt::offline::identity::DeskIdentity {
        meldpunt::offline::identity::load(&self.key_file).unwrap()
    }
}

/// One ciphertext of a bundle, with what `manifest.json` says about it.
pub struct Item {
    pub id: ItemId,
    pub kind: ItemKind,
    pub batch: u32,
    pub day: String,
    pub ciphertext: Vec<u8>,
}

impl Item {
    pub fn file_name(&self) -> String {
        format!("{}.age", self.id)
    }
}

/// The items of a report, and the bundle they make.
#[derive(Default)]
pub struct Report {
    pub items: Vec<Item>,
}

impl Report {
    /// A submission: its message, its attachments (`(name, bytes)`) and its encrypted manifest.
    pub fn submission(
        &mut self,
        desk: &Desk,
        batch: u32,
        message: &str,
        attachments: &[(&str, &[u8])],
    ) -> &mut Self {
        let day = format!("2024-05-{:02}", batch + 1);
        // The submission's manifest goes first, as the server lists it, so a bundle cut short
        // still names the attachments that were read.
        let first = self.items.len();
        let mut listed = Vec::new();
        let message_id = ItemId::random();
        listed.push(manifest_item(
            &message_id,
            Role::Message,
            None,
            message.len(),
        ));
        self.push(
            message_id,
            ItemKind::Message,
            batch,
            &day,
            desk.seal(message.as_bytes()),
        );
        for (name, bytes) in attachments {
            let id = ItemId::random();
            listed.push(manifest_item(
                &id,
                Role::Attachment,
                Some(name),
                bytes.len(),
            ));
            self.push(id, ItemKind::Attachment, batch, &day, desk.seal(bytes));
        }
        let submission = Manifest {
            format: manifest::FORMAT.into(),
            kind: if batch == 0 {
                SubmissionKind::Tip
            } else {
                SubmissionKind::Followup
            },
            desk: "ap".parse().unwrap(),
            reporter_recipient: None,
            items: listed,
        };
        let json = serde_json::to_vec(&submission).unwrap();
        self.push(
            ItemId::random(),
            ItemKind::Manifest,
            batch,
            &day,
            desk.seal(&json),
        );
        let manifest = self.items.pop().unwrap();
        self.items.insert(first, manifest);
        self
    }

    pub fn reply(&mut self, desk: &Desk, batch: u32, day: &str, text: &str) -> &mut Self {
        let ciphertext = desk.seal(text.as_bytes());
        self.push(ItemId::random(), ItemKind::Reply, batch, day, ciphertext);
        self
    }

    pub fn push(&mut self, id: ItemId, kind: ItemKind, batch: u32, day: &str, ciphertext: Vec<u8>) {
        self.items.push(Item {
            id,
            kind,
            batch,
            day: day.into(),
            ciphertext,
        });
    }

    pub fn manifest(&self) -> BundleManifest {
        BundleManifest {
            format: BUNDLE_FORMAT.into(),
            report: ReportId::random(),
            desk: "ap".parse().unwrap(),
            received: "2024-05-01".into(),
            to: None,
            recipients: Vec::new(),
            items: self
                .items
                .iter()
                .map(|item| BundleItem {
                    id: item.id.clone(),
                    kind: item.kind,
                    batch: item.batch,
                    day: item.day.clone(),
                    size: item.ciphertext.len() as u64,
                    sha256: sha256(&item.ciphertext),
                })
                .collect(),
        }
    }

    /// The archive's entries as `meldpunt` writes them: `manifest.json`, then each item.
    pub fn entries(&self) -> Vec<u8> {
        let mut tar = entry(
            b"manifest.json",
            EntryType::Regular,
            &manifest_json(&self.manifest()),
        );
        for item in &self.items {
            tar.extend(entry(
                item.file_name().as_bytes(),
                EntryType::Regular,
                &item.ciphertext,
            ));
        }
        tar
    }

    /// The whole bundle.
    pub fn bundle(&self) -> Vec<u8> {
        finish(self.entries())
    }
}

fn manifest_item(id: &ItemId, role: Role, name: Option<&str>, size: usize) -> ManifestItem {
    ManifestItem {
        item: id.clone(),
        role,
        name: name.map(str::to_owned),
        content_type: name.map(|_| "application/octet-stream".to_owned()),
        size: size as u64,
    }
}

pub fn manifest_json(manifest: &BundleManifest) -> Vec<u8> {
    serde_json::to_vec_pretty(manifest).unwrap()
}

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
