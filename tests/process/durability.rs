//! "Durable" means fsync'd. This test runs the real binary under strace and checks the order of
//! system calls for one tip: the ciphertexts are fsync'd and renamed into place, their folder is
//! fsync'd, the record is written to SQLite's write-ahead log and the log is fsync'd (WAL with
//! `synchronous=FULL` syncs at every commit) — and only then is the receipt page written to the
//! socket.

use std::path::Path;

use crate::common::binary::start_with;
use crate::common::page::client;
use crate::common::tools::tool_or_skip;

#[actix_web::test]
async fn the_receipt_is_written_only_after_ciphertexts_folder_and_database_are_fsynced() {
    if !tool_or_skip("strace", "-V", "durability ordering") {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let trace = data.path().join("strace.txt");
    let trace_arg = trace.to_str().unwrap().to_owned();
    let server = start_with(
        &data.path().join("data"),
        &[
            "strace",
            "-f",
            "-y",
            "-s",
            "24",
            "-o",
            &trace_arg,
            "-e",
            "trace=fsync,fdatasync,sync_file_range,rename,renameat,renameat2,write,writev,pwrite64,sendto,sendmsg",
        ],
    );
    let form = reqwest::multipart::Form::new()
        .text("desk", "om")
        .text("message", "durability tip")
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(vec![1u8; 10_000]).file_name("a.bin"),
        );
    let response = client()
        .post(server.url("/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("id=\"receipt\""));
    server.kill();
    check_order(
        &std::fs::read_to_string(&trace).unwrap(),
        &data.path().join("data"),
    );
}

fn check_order(trace: &str, data: &Path) {
    let lines: Vec<&str> = trace.lines().collect();
    let data = data.to_str().unwrap();
    let position = |what: &str, pred: &dyn Fn(&str) -> bool| -> Vec<usize> {
        let found: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| pred(l))
            .map(|(i, _)| i)
            .collect();
        assert!(!found.is_empty(), "no {what} in the trace:\n{trace}");
        found
    };
    let renames = position("rename into reports/", &|l| {
        l.contains("rename") && l.contains(".part") && l.contains(&format!("{data}/reports/"))
    });
    let last_rename = *renames.last().unwrap();
    assert!(
        renames.len() >= 3,
        "message, attachment and manifest are renamed into place"
    );
    let part_syncs = position("fsync of a .part file", &|l| {
        l.contains("fsync(") && l.contains(".part>")
    });
    assert!(part_syncs.iter().filter(|i| **i < last_rename).count() >= 3);
    let receipt_write = position("the receipt response", &|l| {
        (l.contains("write") || l.contains("send")) && l.contains("HTTP/1.1 200")
    })
    .into_iter()
    .find(|i| *i > last_rename)
    .expect("a 200 response after the files were placed");
    let dir_sync = position("fsync of the report folder", &|l| {
        l.contains("fsync(") && l.contains(&format!("{data}/reports/")) && !l.contains(".age>")
    });
    assert!(
        dir_sync
            .iter()
            .any(|i| *i > last_rename && *i < receipt_write)
    );
    let wal = format!("{data}/db/meldpunt.sqlite-wal>");
    let record_write = position("the record written to the WAL", &|l| {
        l.contains("pwrite64(") && l.contains(&wal)
    })
    .into_iter()
    .find(|i| *i > last_rename)
    .expect("the record is written after the files are placed");
    let wal_sync = position("fsync of the WAL", &|l| {
        (l.contains("fsync(") || l.contains("fdatasync(")) && l.contains(&wal)
    });
    assert!(
        wal_sync
            .iter()
            .any(|i| *i > record_write && *i < receipt_write),
        "the WAL holding the record is fsync'd before the receipt is sent"
    );
}
