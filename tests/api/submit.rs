//! Submitting tips: what is stored, and what is refused.

use meldpunt::seal::manifest::{Manifest, Role};

use crate::helpers::*;

#[actix_web::test]
async fn a_tip_with_two_attachments_is_stored_only_as_age_files_the_desk_can_open() {
    let app = spawn_app().await;
    let message = "De leverancier kopieert patiëntdossiers naar een USB-stick — tip 4471";
    let pdf = random_bytes(300_000);
    let note = b"patient list: Jansen, de Vries, Bakker".to_vec();
    let receipt = app
        .submit(
            "ap",
            message,
            vec![
                ("verslag.pdf", pdf.clone()),
                ("../../etc/notes.txt", note.clone()),
            ],
        )
        .await;
    assert_eq!(receipt.len(), 29, "{receipt}");

    let files = app.report_files();
    assert_eq!(
        files.len(),
        4,
        "message, two attachments, manifest: {files:?}"
    );
    let desk = app.desk_identity("ap");
    let mut opened = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            bytes.starts_with(b"age-encryption.org/v1\n"),
            "{file:?} is not an age file"
        );
        assert!(file.extension().unwrap() == "age");
        opened.push(decrypt(file, &desk).expect("the desk's identity opens every item"));
    }
    let manifest: Manifest = opened
        .iter()
        .find_map(|p| serde_json::from_slice(p).ok())
        .expect("one item is the manifest");
    assert_eq!(manifest.desk.as_str(), "ap");
    assert!(
        manifest
            .reporter_recipient
            .as_deref()
            .unwrap()
            .starts_with("age1")
    );
    let by_role = |role: Role| manifest.items.iter().filter(move |i| i.role == role);
    let msg = by_role(Role::Message).next().unwrap();
    let msg_path = app
        .report_files()
        .into_iter()
        .find(|p| p.file_stem().unwrap() == msg.item.as_str())
        .unwrap();
    assert_eq!(decrypt(&msg_path, &desk).unwrap(), message.as_bytes());
    let names: Vec<_> = by_role(Role::Attachment)
        .map(|i| i.name.clone().unwrap())
        .collect();
    assert_eq!(
        names,
        ["verslag.pdf", "../../etc/notes.txt"],
        "names travel inside the ciphertext, unchanged"
    );
    for (item, expected) in by_role(Role::Attachment).zip([&pdf, &note]) {
        let path = files
            .iter()
            .find(|p| p.file_stem().unwrap() == item.item.as_str())
            .unwrap();
        let plain = decrypt_padded(path, &desk).unwrap();
        assert_eq!(item.size, expected.len() as u64);
        assert_eq!(
            &cut_padding(plain, expected.len()),
            expected,
            "byte for byte"
        );
    }

    // Nothing in plain anywhere under the data folder: not the text, the files, or their names.
    let data = app.data.path();
    for needle in [
        message.as_bytes(),
        &pdf[1000..1064],
        &note[..],
        b"verslag.pdf",
    ] {
        assert_eq!(appears_in_plain(data, needle), None);
    }
    // Another desk's identity opens nothing.
    let om = app.desk_identity("om");
    assert!(files.iter().all(|f| decrypt(f, &om).is_none()));
}

async fn assert_nothing_stored(app: &TestApp) {
    assert!(app.report_files().is_empty(), "{:?}", app.report_files());
    assert!(files_under(&app.data.path().join("tmp")).is_empty());
    assert!(app.state.store.kdf_sets().unwrap().is_empty());
    assert_eq!(
        app.get("/").await.status(),
        200,
        "the service keeps serving"
    );
}

#[actix_web::test]
async fn oversized_submissions_get_413_with_the_limit_and_store_nothing() {
    let app = spawn_app_with(|s| {
        s.limits.message_chars = 1_000;
        s.limits.submission_bytes = 256 * 1024;
        s.limits.files = 2;
    })
    .await;

    let long = app
        .submit_form(
            reqwest::multipart::Form::new()
                .text("desk", "ap")
                .text("message", "é".repeat(1_001)),
        )
        .await;
    assert_eq!(long.status, 413);
    // With the Dutch thousands separator (issue 13, defect 5).
    assert!(long.body.contains("1.000 tekens"), "{}", long.body);

    let big = app
        .submit_form(
            reqwest::multipart::Form::new()
                .text("desk", "ap")
                .text("message", "x")
                .part(
                    "attachment",
                    attachment("big.bin", random_bytes(2 * 1024 * 1024)),
                ),
        )
        .await;
    assert_eq!(big.status, 413);
    assert!(big.body.contains("256 KiB"), "{}", big.body);

    let mut many = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "x");
    for i in 0..3 {
        many = many.part(
            "attachment",
            attachment(&format!("{i}.txt"), b"data".to_vec()),
        );
    }
    let many = app.submit_form(many).await;
    assert_eq!(many.status, 413);
    assert!(many.body.contains("2 bestanden"), "{}", many.body);

    assert_nothing_stored(&app).await;
}

#[actix_web::test]
async fn malformed_submissions_get_400_in_the_readers_language_and_store_nothing() {
    let app = spawn_app().await;
    // Not multipart at all.
    let plain = app
        .client
        .post(app.url("/en/submit"))
        .body("desk=ap&message=x")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 400);
    // A broken multipart body.
    let broken = app
        .client
        .post(app.url("/submit"))
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"desk\"\r\n\r\nap\r\n--XYZ\r\nContent-Disp")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let body = broken.text().await.unwrap();
    assert!(body.contains("Er is niets opgeslagen"), "{body}");
    // No desk, an unknown desk, an unknown field, an empty message.
    for form in [
        reqwest::multipart::Form::new().text("message", "x"),
        reqwest::multipart::Form::new()
            .text("desk", "nsa")
            .text("message", "x"),
        reqwest::multipart::Form::new()
            .text("desk", "ap")
            .text("evil", "x"),
        reqwest::multipart::Form::new()
            .text("desk", "ap")
            .text("message", "   "),
    ] {
        let answer = app.submit_form(form).await;
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert!(answer.receipt.is_none());
    }
    assert_nothing_stored(&app).await;
}

// issue 9, defect 3b: a second `desk` field filed the report at one desk with its message sealed
// to another.
#[actix_web::test]
async fn a_second_desk_field_is_refused_in_the_readers_language_and_stores_nothing() {
    let app = spawn_app().await;
    let before_and_after = || {
        reqwest::multipart::Form::new()
            .text("desk", "ap")
            .text("message", "voor de AP bedoeld")
            .text("desk", "om")
    };
    let twice_first = || {
        reqwest::multipart::Form::new()
            .text("desk", "ap")
            .text("desk", "om")
            .text("message", "x")
    };
    for (path, form, words) in [
        ("/submit", before_and_after(), "meer dan één loket"),
        ("/en/submit", twice_first(), "more than one desk"),
    ] {
        let answer = app
            .client
            .post(app.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{path}");
        let body = answer.text().await.unwrap();
        assert!(body.contains(words), "{body}");
        assert!(select_text(&body, "#receipt").is_none());
    }
    assert_nothing_stored(&app).await;
}

#[actix_web::test]
async fn thousands_of_empty_parts_count_as_files_and_are_refused() {
    let app = spawn_app().await;
    let empty = || reqwest::multipart::Part::bytes(Vec::new());
    let mut files = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "x");
    let mut fields = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "x");
    for _ in 0..5_000 {
        files = files.part("attachment", empty());
        fields = fields.part("lang", empty());
    }
    for form in [files, fields] {
        let refused = app.submit_form(form).await;
        assert_eq!(refused.status, 413, "{}", refused.body);
        assert!(refused.body.contains("20 bestanden"), "{}", refused.body);
    }
    assert_nothing_stored(&app).await;
}

#[actix_web::test]
async fn part_headers_count_toward_the_size_of_a_submission() {
    let app = spawn_app_with(|s| s.limits.submission_bytes = 4 * 1024).await;
    let padded = || {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-padding", "p".repeat(3_000).parse().unwrap());
        reqwest::multipart::Part::text("a").headers(headers)
    };
    let form = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .part("message", padded())
        .part("lang", padded());
    let refused = app.submit_form(form).await;
    assert_eq!(refused.status, 413, "{}", refused.body);
    assert_nothing_stored(&app).await;
    // The same form without the padding fits.
    let fits = reqwest::multipart::Form::new()
        .text("desk", "ap")
        .text("message", "a")
        .text("lang", "a");
    assert_eq!(app.submit_form(fits).await.status, 200);
}
