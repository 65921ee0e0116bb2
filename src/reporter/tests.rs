//! The reporter's use cases, without HTTP: a real store in a temporary folder, one desk with a
//! fresh identity and a test clock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;

use super::*;
use crate::config::{DeskSettings, Limits};
use crate::domain::{ItemId, TestClock};
use crate::kdf::ArgonPool;
use crate::receipt::ReceiptCode;
use crate::seal::Recipients;
use crate::store::ItemKind;
use crate::store::Store;

const FLOOR: Duration = Duration::from_millis(40);

struct Fixture {
    reception: Reception,
    desk: age::x25519::Identity,
    _data: tempfile::TempDir,
}

fn fixture(limits: Limits) -> Fixture {
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(data.path()).unwrap());
    let desk = age::x25519::Identity::generate();
    let settings = DeskSettings {
        id: "ap".parse().unwrap(),
        name_nl: "AP".into(),
        name_en: "AP".into(),
        description_nl: String::new(),
        description_en: String::new(),
        recipients: vec![desk.to_public().into()],
        acknowledge_days: 7,
        feedback_days: 90,
        retention_days: 30,
        digest: Default::default(),
        canned_replies: Default::default(),
    };
    let salt = store.install_salt().unwrap();
    let reception = Reception {
        store,
        desks: Arc::from(vec![settings]),
        clock: Arc::new(TestClock::at(1_750_000_000)),
        salt: Arc::new(secrecy::SecretSlice::from(salt)),
        argon: ArgonPool::new(1, 4).unwrap(),
        limits,
        lookup_floor: FLOOR,
    };
    Fixture {
        reception,
        desk,
        _data: data,
    }
}

fn desk_recipients(f: &Fixture) -> Recipients {
    f.reception.recipients_for("ap").unwrap()
}

/// Seals a message and named files, each in one chunk, as the web layer would.
async fn parts(f: &Fixture, message: &str, files: &[&str]) -> Result<Parts, ReporterError> {
    let to = desk_recipients(f);
    let mut intake = f.reception.intake();
    let mut part = intake.open_message(&to);
    intake.write(&mut part, message.as_bytes())?;
    intake.close(part).await?;
    for name in files {
        let mut part = intake.open_attachment(&to, Some((*name).into()), None)?;
        intake.write(&mut part, b"file bytes")?;
        intake.close(part).await?;
    }
    intake.finish()
}

async fn tip(f: &Fixture, message: &str) -> (ReceiptCode, Reporter) {
    let receipt = f.reception.fresh_receipt().unwrap();
    let parts = parts(f, message, &[]).await.unwrap();
    let stored = f
        .reception
        .store_tip(receipt, Some("ap"), parts)
        .await
        .unwrap();
    let again = ReceiptCode::parse(stored.code.grouped().expose_secret()).unwrap();
    let reporter = f.reception.open(Some(again)).await.unwrap().unwrap();
    (stored.code, reporter)
}

fn write_reply(f: &Fixture, reporter: &Reporter, text: &str) -> ItemId {
    let desk = f.reception.desk(&"ap".parse().unwrap()).unwrap();
    let today = f.reception.clock.today();
    crate::desk::reply::write_reply(&f.reception.store, desk, &reporter.report, text, today)
        .unwrap()
}

fn tmp_is_empty(f: &Fixture) -> bool {
    std::fs::read_dir(f.reception.store.tmp_dir())
        .unwrap()
        .count()
        == 0
}

#[actix_web::test]
async fn a_stored_tip_opens_again_with_its_receipt_and_only_the_desk_can_read_it() {
    let f = fixture(Limits::default());
    let (_, reporter) = tip(&f, "the vendor copies patient files").await;
    let record = f.reception.record(&reporter).unwrap();
    let message = record
        .items
        .iter()
        .find(|i| i.kind == ItemKind::Message)
        .unwrap();
    let path = f.reception.store.item_path(&record.id, &message.id);
    let ciphertext = std::fs::read(path).unwrap();
    assert!(!ciphertext.windows(7).any(|w| w == b"patient"));
    let mut plain = age::decrypt(&f.desk, &ciphertext).unwrap();
    assert!(plain.len() > 4096, "padded to its size bucket");
    crate::seal::padding::strip_text(&mut plain);
    assert_eq!(plain, b"the vendor copies patient files");
    assert!(tmp_is_empty(&f));
}

#[actix_web::test]
async fn an_unknown_code_and_input_that_is_no_code_open_nothing_after_the_floor() {
    let f = fixture(Limits::default());
    tip(&f, "a tip").await;
    for typed in [Some(ReceiptCode::generate()), None] {
        let started = Instant::now();
        assert!(f.reception.open(typed).await.unwrap().is_none());
        assert!(started.elapsed() >= FLOOR);
    }
}

#[actix_web::test]
async fn a_tip_for_a_desk_that_does_not_exist_is_refused() {
    let f = fixture(Limits::default());
    let receipt = f.reception.fresh_receipt().unwrap();
    let parts = parts(&f, "a tip", &[]).await.unwrap();
    let refused = f.reception.store_tip(receipt, Some("nope"), parts).await;
    assert!(matches!(refused, Err(ReporterError::NoDesk)));
    assert!(f.reception.store.all_reports().unwrap().is_empty());
}

#[actix_web::test]
async fn a_message_over_the_character_limit_is_refused_and_leaves_no_file() {
    let limits = Limits {
        message_chars: 5,
        ..Limits::default()
    };
    let f = fixture(limits);
    // Five characters in seven bytes fit; a sixth does not.
    assert!(parts(&f, "déjà!", &[]).await.is_ok());
    let refused = parts(&f, "déjà!?", &[]).await;
    assert!(matches!(
        refused,
        Err(ReporterError::MessageTooLong { max_chars: 5 })
    ));
    assert!(tmp_is_empty(&f));
}

#[actix_web::test]
async fn one_file_too_many_is_refused() {
    let f = fixture(Limits {
        files: 2,
        ..Limits::default()
    });
    assert!(parts(&f, "", &["a.pdf", "b.pdf"]).await.is_ok());
    let refused = parts(&f, "", &["a.pdf", "b.pdf", "c.pdf"]).await;
    assert!(matches!(
        refused,
        Err(ReporterError::TooManyFiles { max_files: 2 })
    ));
}

#[actix_web::test]
async fn a_blank_message_and_an_empty_nameless_file_make_an_empty_submission() {
    let f = fixture(Limits::default());
    let to = desk_recipients(&f);
    let mut intake = f.reception.intake();
    let mut message = intake.open_message(&to);
    intake.write(&mut message, b" \r\n\t ").unwrap();
    intake.close(message).await.unwrap();
    let nothing = intake.open_attachment(&to, None, None).unwrap();
    intake.close(nothing).await.unwrap();
    assert!(matches!(intake.finish(), Err(ReporterError::Empty)));
}

#[actix_web::test]
async fn an_empty_part_makes_no_file_and_still_counts_toward_the_files_allowed() {
    let f = fixture(Limits {
        files: 3,
        ..Limits::default()
    });
    let to = desk_recipients(&f);
    let mut intake = f.reception.intake();
    for _ in 0..3 {
        intake.count_part_header(60).unwrap();
        let mut empty = intake.open_attachment(&to, None, None).unwrap();
        intake.write(&mut empty, b"").unwrap();
        // Nothing arrived, so nothing was made: no file, no fsync.
        assert!(tmp_is_empty(&f));
        intake.close(empty).await.unwrap();
    }
    let fourth = intake.open_attachment(&to, None, None);
    assert!(matches!(
        fourth,
        Err(ReporterError::TooManyFiles { max_files: 3 })
    ));
    assert!(tmp_is_empty(&f));
}

#[actix_web::test]
async fn parts_of_other_kinds_are_bounded_too_and_their_headers_count_as_bytes() {
    let f = fixture(Limits {
        files: 2,
        submission_bytes: 1_000,
        ..Limits::default()
    });
    let mut intake = f.reception.intake();
    let refused = (0..100).find_map(|_| intake.count_part_header(1).err());
    assert!(matches!(
        refused,
        Some(ReporterError::TooManyFiles { max_files: 2 })
    ));
    let mut intake = f.reception.intake();
    intake.count_part_header(600).unwrap();
    assert!(matches!(
        intake.count_part_header(600),
        Err(ReporterError::TooLarge { max_bytes: 1_000 })
    ));
}

#[actix_web::test]
async fn a_named_empty_file_is_kept_as_an_item() {
    let f = fixture(Limits::default());
    let to = desk_recipients(&f);
    let mut intake = f.reception.intake();
    let empty = intake
        .open_attachment(&to, Some("empty.txt".into()), None)
        .unwrap();
    intake.close(empty).await.unwrap();
    let parts = intake.finish().unwrap();
    assert_eq!(parts.attachments.len(), 1);
    assert_eq!(parts.attachments[0].sealed.plaintext_len, 0);
}

#[actix_web::test]
async fn the_thread_shows_replies_decrypted_and_own_messages_as_day_and_size_only() {
    let f = fixture(Limits::default());
    let (_, reporter) = tip(&f, "the first tip").await;
    let report = f.reception.report(&reporter).unwrap();
    let more = parts(&f, "and more", &["scan.pdf"]).await.unwrap();
    f.reception.add_followup(&report, more).await.unwrap();
    write_reply(&f, &reporter, "Thank you, we are looking into it.");

    let thread = f.reception.thread(&reporter).await.unwrap();
    assert_eq!(thread.replies.len(), 1);
    assert_eq!(
        thread.replies[0].text.as_deref().map(String::as_str),
        Some("Thank you, we are looking into it.")
    );
    assert_eq!(thread.messages.len(), 2);
    let today = f.reception.clock.today();
    assert!(thread.messages.iter().all(|m| m.day == today && m.size > 0));
    assert!(thread.messages[1].size > thread.messages[0].size);
}

#[actix_web::test]
async fn deleting_replies_removes_only_those_the_reporter_was_shown() {
    let f = fixture(Limits::default());
    let (_, reporter) = tip(&f, "a tip").await;
    let read = write_reply(&f, &reporter, "first");
    let unread = write_reply(&f, &reporter, "second");
    let path = |id: &ItemId| f.reception.store.item_path(&reporter.report, id);
    let not_a_reply = ItemId::random();
    f.reception
        .delete_replies(&reporter, &[read.clone(), not_a_reply])
        .await
        .unwrap();
    let left: Vec<ItemId> = f
        .reception
        .record(&reporter)
        .unwrap()
        .replies()
        .map(|i| i.id.clone())
        .collect();
    assert_eq!(left, vec![unread.clone()]);
    assert!(!path(&read).exists());
    assert!(path(&unread).exists());
}

/// Receipts of earlier versions (20 symbols, Argon2id): the report made with one still opens,
/// in the Argon2 pool; a 24-symbol code needs no Argon2 at all.
#[actix_web::test]
async fn a_receipt_of_an_earlier_version_still_opens_and_a_new_one_costs_no_argon2() {
    use crate::receipt::{Argon2Cost, derive_legacy_with_memory};
    let f = fixture(Limits::default());
    let (code, reporter) = tip(&f, "made by an earlier version").await;
    assert_eq!(
        f.reception.argon.jobs_started(),
        0,
        "a new receipt runs no Argon2"
    );
    let legacy = ReceiptCode::parse("7KQ2-M9XD-4HRT-B0C5-WZ8N").unwrap();
    let old_code = || ReceiptCode::parse("7kq2 m9xd 4hrt b0c5 wz8n").unwrap();
    assert!(f.reception.open(Some(old_code())).await.unwrap().is_none());
    assert_eq!(
        f.reception.argon.jobs_started(),
        0,
        "no report needs Argon2 yet"
    );

    // Make the stored report one of an earlier version: its lookup key from the old code.
    let cost = Argon2Cost {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    let salt = f.reception.store.install_salt().unwrap();
    let keys = derive_legacy_with_memory(&legacy, &salt, cost, &mut Vec::new()).unwrap();
    let cost_json = serde_json::to_string(&cost).unwrap();
    f.reception
        .store
        .database()
        .write(|tx| {
            tx.execute(
                "UPDATE lookup SET key = ?1 WHERE report = ?2",
                rusqlite::params![&keys.lookup.0[..], reporter.report.as_str()],
            )?;
            tx.execute(
                "UPDATE reports SET record = json_set(record, '$.kdf', json(?1))",
                [&cost_json],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO kdf_sets (settings) VALUES (?1)",
                [&cost_json],
            )?;
            Ok::<_, crate::store::DbError>(())
        })
        .unwrap();
    let opened = f.reception.open(Some(old_code())).await.unwrap().unwrap();
    assert_eq!(opened.report, reporter.report);
    assert_eq!(f.reception.argon.jobs_started(), 1);
    // The new-style code of the same report no longer matches its record's derivation.
    let again = ReceiptCode::parse(code.grouped().expose_secret()).unwrap();
    assert!(f.reception.open(Some(again)).await.unwrap().is_none());
}
