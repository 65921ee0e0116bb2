//! Tests of the one-time tables: a receipt shown once, a form filed once, both bounded.

use super::*;

fn desk() -> DeskSettings {
    DeskSettings::for_tests("ap")
}

fn code_of(held: Held) -> String {
    held.code.grouped().expose_secret().to_owned()
}

/// Files a fresh form whose tip got `code`; the token of the receipt's address, if held.
async fn file(once: &Once, code: ReceiptCode) -> Result<SecretString, ReceiptCode> {
    let Claim::File(filing) = once.claim(new_token().expose_secret()).await else {
        panic!("a fresh form files");
    };
    filing.filed(code, desk())
}

#[actix_web::test]
async fn a_held_receipt_is_taken_once() {
    let once = Once::default();
    let code = ReceiptCode::generate();
    let shown = code.grouped().expose_secret().to_owned();
    let token = file(&once, code).await.ok().unwrap();
    assert_eq!(code_of(once.take(token.expose_secret()).unwrap()), shown);
    assert!(
        once.take(token.expose_secret()).is_none(),
        "a reload finds nothing"
    );
    assert!(once.take(new_token().expose_secret()).is_none());
}

// issue 9, defect 7: a double click — the second POST of a form waits for the first, files
// nothing, and gets the receipt if the first answer never reached the browser.
#[actix_web::test]
async fn a_form_posted_twice_is_filed_once_and_its_receipt_moves_to_the_later_answer() {
    let once = Once::default();
    let form = new_token();
    let Claim::File(first) = once.claim(form.expose_secret()).await else {
        panic!("the first post files");
    };
    let waiting = {
        let once = once.clone();
        let form = form.expose_secret().to_owned();
        actix_web::rt::spawn(async move { once.claim(&form).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        !waiting.is_finished(),
        "the second post waits for the first"
    );
    let code = ReceiptCode::generate();
    let shown = code.grouped().expose_secret().to_owned();
    let first_token = first.filed(code, desk()).ok().unwrap();
    let Claim::Filed(Some(second_token)) = waiting.await.unwrap() else {
        panic!("the second post files nothing and gets the receipt");
    };
    assert!(once.take(first_token.expose_secret()).is_none(), "moved");
    assert_eq!(
        code_of(once.take(second_token.expose_secret()).unwrap()),
        shown
    );
    let Claim::Filed(None) = once.claim(form.expose_secret()).await else {
        panic!("a third post: filed, and the receipt was shown");
    };
}

#[actix_web::test]
async fn a_form_whose_post_failed_can_be_sent_again() {
    let once = Once::default();
    let form = new_token();
    let Claim::File(first) = once.claim(form.expose_secret()).await else {
        panic!("files");
    };
    drop(first);
    assert!(matches!(
        once.claim(form.expose_secret()).await,
        Claim::File(_)
    ));
    assert_eq!(once.counts(), (0, 0), "nothing kept of a failed post");
}

#[actix_web::test]
async fn both_tables_are_bounded_and_a_receipt_over_the_bound_is_given_back() {
    let once = Once::default();
    for _ in 0..RECEIPTS_MAX {
        assert!(file(&once, ReceiptCode::generate()).await.is_ok());
    }
    let code = ReceiptCode::generate();
    let shown = code.grouped().expose_secret().to_owned();
    let back = file(&once, code).await.expect_err("given back, never lost");
    assert_eq!(back.grouped().expose_secret(), &shown);

    for _ in 0..FORMS_MAX {
        let _ = file(&once, ReceiptCode::generate()).await;
    }
    assert_eq!(once.counts(), (RECEIPTS_MAX, FORMS_MAX));
}
