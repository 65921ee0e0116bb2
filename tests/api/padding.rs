//! Issue 10, point 4: a ciphertext's size tells only a size bucket, and the offline tool still
//! gives back every file to the byte.

use std::collections::{BTreeMap, BTreeSet};

use meldpunt::seal::padding::padded_len;

use crate::helpers::*;
use crate::offline::{download, meldpunt, s, stderr};

const MIB: u64 = 1024 * 1024;
const FILES: usize = 200;
const PER_SUBMISSION: usize = 20;

/// A random number in `0..n`.
fn below(n: u64) -> u64 {
    let mut bytes = [0u8; 8];
    meldpunt::random::fill(&mut bytes);
    u64::from_le_bytes(bytes) % n
}

/// 200 sizes between 1 byte and 5 MiB: the edges of the buckets, then sizes spread evenly over
/// the orders of magnitude (log-uniform), so every bucket from 4 KiB to 8 MiB is met. An
/// even spread in bytes would put nearly all of them in the top two buckets and test little.
fn sizes() -> Vec<u64> {
    let mut sizes = vec![1, 4095, 4096, 4097, 65_536, 65_537, 300_000, 5 * MIB];
    while sizes.len() < FILES {
        let bits = 1 + below(22); // 2^1 ..= 2^22 (4 MiB), then anywhere within that octave
        let size = (1u64 << bits) + below(1u64 << bits);
        sizes.push(size.clamp(1, 5 * MIB));
    }
    sizes
}

#[actix_web::test]
async fn two_hundred_files_of_random_sizes_show_few_ciphertext_sizes_and_open_to_their_exact_bytes()
{
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let token = app.api_token("anna");
    let sizes = sizes();
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut receipts = Vec::new();
    for (batch, chunk) in sizes.chunks(PER_SUBMISSION).enumerate() {
        let mut attachments = Vec::new();
        for (i, size) in chunk.iter().enumerate() {
            let name = format!("f{batch:02}-{i:02}.bin");
            let bytes = random_bytes(*size as usize);
            files.insert(name.clone(), bytes.clone());
            attachments.push((name, bytes));
        }
        let parts = attachments
            .iter()
            .map(|(n, b)| (n.as_str(), b.clone()))
            .collect();
        receipts.push(app.submit("ap", &format!("tip {batch}"), parts).await);
    }

    // What the disk shows: a handful of sizes, one per bucket (every item of a desk has the
    // same age header), whatever the plaintext was.
    let ciphertext_sizes: BTreeSet<u64> = app
        .report_files()
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .collect();
    let buckets: BTreeSet<u64> = sizes.iter().map(|n| padded_len(*n)).collect();
    assert!(
        ciphertext_sizes.len() <= 40,
        "{} distinct ciphertext sizes: {ciphertext_sizes:?}",
        ciphertext_sizes.len()
    );
    assert!(
        ciphertext_sizes.len() <= buckets.len() + 1,
        "one size per bucket (and the 4 KiB one of messages and manifests): {ciphertext_sizes:?}"
    );
    let plain: u64 = sizes.iter().sum();
    let padded: u64 = sizes.iter().map(|n| padded_len(*n)).sum();
    let worst = sizes
        .iter()
        .map(|n| padded_len(*n) as f64 / *n as f64)
        .filter(|r| r.is_finite())
        .fold(0.0, f64::max);
    let worst_above_floor = sizes
        .iter()
        .filter(|n| **n > 4096)
        .map(|n| padded_len(*n) as f64 / *n as f64)
        .fold(0.0, f64::max);
    println!(
        "padding: {FILES} files, {} distinct ciphertext sizes, {plain} bytes padded to {padded} \
         ({:.2}x overall; worst {worst_above_floor:.2}x above the 4 KiB floor, {worst:.0}x for a \
         1-byte file)",
        ciphertext_sizes.len(),
        padded as f64 / plain as f64
    );

    // What the desk gets back: every file to the byte, through bundle and `meldpunt open`.
    let key = app.data.path().join("demo-keys/ap.key");
    let dir = tempfile::tempdir().unwrap();
    let mut seen = 0;
    for (batch, receipt) in receipts.iter().enumerate() {
        let report = app.report_of(receipt).to_string();
        let bundle = download(&app, &token, &report, dir.path()).await;
        let out = dir.path().join(format!("case-{batch}"));
        let opened = meldpunt(
            &["open", s(&bundle), "--identity", s(&key), "--out", s(&out)],
            None,
        );
        assert!(opened.status.success(), "{}", stderr(&opened));
        assert_eq!(
            std::fs::read_to_string(out.join("message.txt")).unwrap(),
            format!("tip {batch}")
        );
        for i in 0..PER_SUBMISSION {
            let name = format!("f{batch:02}-{i:02}.bin");
            let got = std::fs::read(out.join(&name)).unwrap();
            assert!(got == files[&name], "{name}: {} bytes back", got.len());
            seen += 1;
        }
    }
    assert_eq!(seen, FILES);
}
