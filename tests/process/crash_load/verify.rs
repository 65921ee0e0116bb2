//! After the last, clean start: what an outsider can see must match what was acknowledged.
//!
//! Two views only, so the test holds whatever database sits behind the server: the item files
//! under `DATA/reports`, decrypted with the demo desk keys, and the reporter's pages over HTTP.
//! Every report folder must hold whole submissions (one manifest per submission naming exactly
//! the files beside it, one message each), every payload must decrypt to its exact bytes and
//! appear once, and everything acknowledged must be there.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use futures_util::StreamExt;

use super::ledger::Ledger;
use super::payload::{DESKS, Marker};
use crate::common::files::{desk_identity, files_under};

/// What the data folder holds.
#[derive(Default, Debug)]
pub struct Found {
    pub reports: u32,
    pub manifests: u32,
    pub markers: HashSet<Marker>,
    /// Submissions (manifests) per tip number: the rows its thread must show.
    pub batches: HashMap<u32, u32>,
}

pub fn data_folder(data: &Path, ledger: &Ledger, failures: &mut Vec<String>) -> Found {
    let leftovers = files_under(&data.join("tmp"));
    if !leftovers.is_empty() {
        failures.push(format!("tmp/ is not empty: {leftovers:?}"));
    }
    let keys: Vec<_> = DESKS.iter().map(|d| desk_identity(data, d)).collect();
    let mut found = Found::default();
    for entry in std::fs::read_dir(data.join("reports")).unwrap() {
        let folder = entry.unwrap().path();
        found.reports += 1;
        report(&folder, &keys, &mut found, failures);
    }
    for marker in &found.markers {
        if !ledger.sent.contains(marker) {
            failures.push(format!("{marker} was found but never sent"));
        }
    }
    for acked in &ledger.tips {
        let tip = acked.tip;
        let mut expected: Vec<Marker> = vec![Marker::Tip { tip }];
        expected.extend((0..acked.files).map(|file| Marker::TipFile { tip, file }));
        for &(followup, files) in &acked.followups {
            expected.push(Marker::Followup { tip, followup });
            expected.extend((0..files).map(|file| Marker::FollowupFile {
                tip,
                followup,
                file,
            }));
        }
        for marker in expected {
            if !found.markers.contains(&marker) {
                failures.push(format!("acknowledged {marker} is missing"));
            }
        }
    }
    found
}

/// Checks one report folder: every file decrypts, manifests and files match one to one.
fn report(
    folder: &Path,
    keys: &[age::x25519::Identity],
    found: &mut Found,
    failures: &mut Vec<String>,
) {
    let name = folder.display().to_string();
    let mut manifests: Vec<(String, serde_json::Value)> = Vec::new();
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for file in files_under(folder) {
        let Some(item) = file
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".age"))
            .map(str::to_owned)
        else {
            failures.push(format!("{}: not an item file", file.display()));
            continue;
        };
        let ciphertext = std::fs::read(&file).unwrap();
        let Some(plain) = keys.iter().find_map(|k| age::decrypt(k, &ciphertext).ok()) else {
            failures.push(format!("{}: no desk key opens it", file.display()));
            continue;
        };
        // Kept padded: the manifest's size says where each item ends.
        let mut text = plain.clone();
        meldpunt::seal::padding::strip_text(&mut text);
        match serde_json::from_slice::<serde_json::Value>(&text) {
            Ok(m) if m["format"] == "meldpunt-manifest/1" => manifests.push((item, m)),
            _ => {
                contents.insert(item, plain);
            }
        }
    }
    let tips = manifests.iter().filter(|(_, m)| m["kind"] == "tip").count();
    if tips != 1 {
        failures.push(format!("{name}: {tips} tip manifests"));
    }
    let mut folder_tip = None;
    let mut claimed = HashSet::new();
    for (item, manifest) in &manifests {
        found.manifests += 1;
        let context = format!("{name}/{item}.age");
        let markers = submission(manifest, &contents, &mut claimed, &context, failures);
        for marker in markers {
            if *folder_tip.get_or_insert(marker.tip()) != marker.tip() {
                failures.push(format!("{context}: {marker} is in another tip's report"));
            }
            if !found.markers.insert(marker) {
                failures.push(format!("{marker} is stored twice"));
            }
        }
    }
    for item in contents.keys().filter(|i| !claimed.contains(*i)) {
        failures.push(format!(
            "{name}/{item}.age: no manifest names it (half a submission)"
        ));
    }
    if let Some(tip) = folder_tip {
        *found.batches.entry(tip).or_default() += manifests.len() as u32;
    }
}

/// Checks one manifest against the files it names and returns their markers.
fn submission(
    manifest: &serde_json::Value,
    contents: &BTreeMap<String, Vec<u8>>,
    claimed: &mut HashSet<String>,
    context: &str,
    failures: &mut Vec<String>,
) -> Vec<Marker> {
    let is_tip = manifest["kind"] == "tip";
    let items = manifest["items"].as_array().cloned().unwrap_or_default();
    let messages = items.iter().filter(|i| i["role"] == "message").count();
    if messages != 1 {
        failures.push(format!("{context}: {messages} message items"));
    }
    let mut markers = Vec::new();
    for entry in &items {
        let id = entry["item"].as_str().unwrap_or_default().to_owned();
        let Some(padded) = contents.get(&id) else {
            failures.push(format!("{context}: names {id}, which is missing"));
            continue;
        };
        let size = entry["size"].as_u64().unwrap_or(u64::MAX) as usize;
        let Some((plain, padding)) = (size <= padded.len()).then(|| padded.split_at(size)) else {
            failures.push(format!("{context}: {id} is shorter than its manifest says"));
            continue;
        };
        if padding.iter().any(|b| *b != 0) {
            failures.push(format!(
                "{context}: {id} goes on past its size with non-zeros"
            ));
        }
        if !claimed.insert(id.clone()) {
            failures.push(format!("{context}: {id} is named by two manifests"));
        }
        let Some(marker) = Marker::parse(plain) else {
            failures.push(format!("{context}: {id} holds no marker"));
            continue;
        };
        if plain != marker.bytes() {
            failures.push(format!(
                "{context}: {marker} does not decrypt to its exact bytes"
            ));
        }
        let fits = match marker {
            Marker::Tip { .. } => is_tip && entry["role"] == "message",
            Marker::Followup { .. } => !is_tip && entry["role"] == "message",
            Marker::TipFile { .. } | Marker::FollowupFile { .. } => {
                let tip_file = matches!(marker, Marker::TipFile { .. });
                is_tip == tip_file
                    && entry["role"] == "attachment"
                    && entry["name"] == marker.file_name().as_str()
            }
        };
        if !fits {
            failures.push(format!("{context}: {marker} listed as {entry}"));
        }
        markers.push(marker);
    }
    let submissions: HashSet<(u32, Option<u32>)> = markers
        .iter()
        .map(|m| match *m {
            Marker::Tip { tip } | Marker::TipFile { tip, .. } => (tip, None),
            Marker::Followup { tip, followup } | Marker::FollowupFile { tip, followup, .. } => {
                (tip, Some(followup))
            }
        })
        .collect();
    if submissions.len() > 1 {
        failures.push(format!(
            "{context}: one manifest mixes submissions {submissions:?}"
        ));
    }
    markers
}

/// Every acknowledged receipt opens, and its thread lists one row per stored submission: at
/// least the acknowledged ones, at most the sent ones.
pub async fn receipts(port: u16, ledger: &Ledger, found: &Found, failures: &mut Vec<String>) {
    let http = crate::common::page::client();
    let checks = ledger.tips.iter().map(|acked| {
        let http = http.clone();
        async move {
            let login = http
                .post(format!("http://127.0.0.1:{port}/followup"))
                .form(&[("receipt", acked.receipt.as_str())])
                .send()
                .await
                .unwrap();
            if login.status() != 303 {
                return Err(format!("receipt of tip {} no longer opens", acked.tip));
            }
            let cookie = login.headers()["set-cookie"].to_str().unwrap();
            let cookie = cookie.split(';').next().unwrap().to_owned();
            let page = http
                .get(format!("http://127.0.0.1:{port}/thread"))
                .header("Cookie", cookie)
                .send()
                .await
                .unwrap();
            let page = scraper::Html::parse_document(&page.text().await.unwrap());
            let rows = scraper::Selector::parse("ul.sent li").unwrap();
            Ok((acked, page.select(&rows).count() as u32))
        }
    });
    let mut answers = futures_util::stream::iter(checks).buffer_unordered(8);
    while let Some(answer) = answers.next().await {
        let (acked, rows) = match answer {
            Ok(a) => a,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let least = 1 + acked.followups.len() as u32;
        let most = 1 + acked.followups_sent;
        let stored = found.batches.get(&acked.tip).copied().unwrap_or(0);
        if rows < least || rows > most || rows != stored {
            failures.push(format!(
                "tip {}: thread lists {rows} messages; acknowledged {least}, sent {most}, stored {stored}",
                acked.tip
            ));
        }
    }
}
