//! Issue 13: the API keeps its own contract. The OpenAPI document the real binary serves passes
//! `openapi-spec-validator`, and `schemathesis` sends a bounded number of generated requests to
//! every operation (a real report for the `{id}` paths, a missing one for the deletes, so they do
//! not end the run early): every answer is one the document declares, in its declared shape, and
//! none is a server error.

use std::process::Command;

use crate::common::binary::{Server, run, start};
use crate::common::page::client;
use crate::common::tools::{python_with, skip, tool_or_skip};
use crate::no_plaintext::{add_officer, api_token, first_report};

/// Generated cases per operation and phase: enough to reach every declared parameter and body
/// field, few enough for a test run (a few seconds on 2 cores).
const MAX_EXAMPLES: &str = "20";
/// A fixed seed: the same cases on every run, so a failure can be replayed.
const SEED: &str = "13";

async fn openapi_document(server: &Server) -> String {
    let response = client()
        .get(server.url("/desk/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_served_openapi_document_passes_openapi_spec_validator() {
    let Some(python) = python_with("openapi_spec_validator") else {
        skip("openapi-spec-validator is not installed (pip install openapi-spec-validator)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir.path().join("data"));
    let document = dir.path().join("openapi.json");
    std::fs::write(&document, openapi_document(&server).await).unwrap();
    let output = run(
        Command::new(python)
            .args(["-m", "openapi_spec_validator"])
            .arg(&document),
        None,
    );
    assert!(
        output.status.success(),
        "the OpenAPI document does not validate:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn schemathesis_finds_no_answer_outside_the_document() {
    if !tool_or_skip("schemathesis", "--version", "the API's conformance") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = start(&data);
    add_officer(&data, "s.fuzz");
    let token = api_token(&data, "s.fuzz");
    let http = client();
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "a tip for the fuzzer to work on");
    let submitted = http
        .post(server.url("/submit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 200);
    let report = first_report(&server, &http, &token).await;

    // The real report for every `{id}`, except for the deletes: one of those would delete it
    // at the first valid case and leave the rest of the run 404s.
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        format!(
            "headers = {{ Authorization = \"Bearer ${{MELDPUNT_TOKEN}}\" }}\n\n\
             [parameters]\n\"path.id\" = \"{report}\"\n\n\
             [[operations]]\ninclude-method = \"DELETE\"\n\
             parameters = {{ \"path.id\" = \"0000000000000000\" }}\n"
        ),
    )
    .unwrap();
    let base = server.url("/desk/api/v1/openapi.json");
    let origin = base.trim_end_matches("/desk/api/v1/openapi.json");
    let output = run(
        Command::new("schemathesis")
            .current_dir(dir.path())
            .env("MELDPUNT_TOKEN", &token)
            .arg("--config-file")
            .arg(&config)
            .args(["run", &base, "--url", origin])
            .args([
                "--max-examples",
                MAX_EXAMPLES,
                "--seed",
                SEED,
                "--workers",
                "1",
            ])
            // Every check but two that judge the desk's rules, not the document: a schema-valid
            // request may still be refused (a status move backwards, a term not longer than
            // the present one), and the token is the only way in by design.
            .args(["--checks", "all"])
            .args(["--exclude-checks", "positive_data_acceptance,ignored_auth"]),
        None,
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let log = server.terminate().join("\n");
    assert!(
        output.status.success(),
        "schemathesis found failures:\n{said}"
    );
    assert!(
        said.contains("Tested: 10"),
        "every operation was tested:\n{said}"
    );
    assert!(!log.contains("panicked"), "{log}");
    assert!(!log.contains(&token), "the token is never logged");
}
