//! Hostile age headers (issue 11, point 6): the age crate re-parses a header from its start each
//! time it reads a little more, so a header of thousands of stanzas cost minutes of CPU. A sealed
//! reply or a transfer package whose item has such a header is refused before the age crate sees
//! it, quickly, with a clear answer, and nothing is stored.

use std::time::{Duration, Instant};

use crate::common::files::files_under;
use crate::helpers::*;
use crate::transfer::post;

/// An age header of `stanzas` X25519 stanzas, its MAC line, and a few payload bytes: no crypto
/// behind it, only the shape a parser has to walk.
pub(crate) fn header_with_stanzas(stanzas: usize) -> Vec<u8> {
    let b64 = "A".repeat(43);
    let mut text = String::from("age-encryption.org/v1\n");
    for _ in 0..stanzas {
        text += &format!("-> X25519 {b64}\n{b64}\n");
    }
    text += &format!("--- {b64}\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(&[0u8; 64]);
    bytes
}

/// A package holding a manifest and one item with `item` as its bytes.
fn package_with_item(item: &[u8]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut append = |name: &str, data: &[u8]| {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, data).unwrap();
    };
    append("manifest.json", b"{}");
    append("0123456789abcdef.age", item);
    tar.into_inner().unwrap()
}

/// Posts `body` to `action` of `report`; the answer, or a failure after five seconds.
async fn post_quickly(
    app: &TestApp,
    token: &str,
    report: &str,
    action: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let started = Instant::now();
    let answer = tokio::time::timeout(
        Duration::from_secs(5),
        post(app, token, report, action, body),
    )
    .await
    .expect("an answer within five seconds");
    assert!(started.elapsed() < Duration::from_secs(5));
    answer
}

async fn refused_quickly(action: &str, key: &str) {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let receipt = app.submit("ap", "tip", vec![]).await;
    let report = app.report_of(&receipt);
    let before = app.state.store.get(&report).unwrap().unwrap();
    let files = app.report_files();

    let body = package_with_item(&header_with_stanzas(2_000));
    let (status, answer) = post_quickly(&app, &token, report.as_str(), action, body).await;

    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains(key), "{answer}");
    assert!(
        answer.contains("64"),
        "the answer names the limit: {answer}"
    );
    let after = app.state.store.get(&report).unwrap().unwrap();
    assert_eq!(after.items.len(), before.items.len());
    assert_eq!(after.desk, before.desk);
    assert_eq!(app.report_files(), files);
    assert!(files_under(&app.data.path().join("tmp")).is_empty());
}

#[actix_web::test]
async fn a_sealed_reply_with_two_thousand_stanzas_is_refused_quickly_and_nothing_is_stored() {
    refused_quickly("replies", r#""code":"age_header""#).await;
}

#[actix_web::test]
async fn a_transfer_package_with_two_thousand_stanzas_is_refused_quickly_and_nothing_is_stored() {
    refused_quickly("transfer", r#""code":"age_header""#).await;
}
