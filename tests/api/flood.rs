//! Issue 11: what an anonymous flood of receipts and logins costs, and whom it keeps out.

use futures_util::future::join_all;
use meldpunt::domain::Clock;

use crate::desk_helpers::PASSWORD;
use crate::helpers::*;

const WRONG: &str = "wrong password, long enough";

/// A code that has the shape of a receipt and opens nothing.
fn junk_receipt(i: usize) -> String {
    format!("{:04}-ABCD-EFGH-JKMN-PQRS-{:04}", i % 10_000, i % 10_000)
}

fn is_receipt_shaped(receipt: &str) -> bool {
    let groups: Vec<&str> = receipt.split('-').collect();
    groups.len() == 6
        && groups.iter().all(|g| {
            g.len() == 4
                && g.bytes()
                    .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b))
        })
}

/// Defect 4 and the new receipts: 120 bits, 24 symbols in six groups of four.
#[actix_web::test]
async fn a_receipt_is_24_symbols_in_six_groups_of_four() {
    let app = spawn_app().await;
    let receipt = app.submit("ap", "a tip", vec![]).await;
    assert!(is_receipt_shaped(&receipt), "{receipt}");
    // Typed in lower case, without dashes, it still opens the thread.
    let typed = receipt.replace('-', " ").to_lowercase();
    assert_eq!(app.followup(&typed).await.status(), 303);
}

/// Defect 4: junk follow-ups filled the Argon2 queue and every real submission got 503. With the
/// smallest pool there is, a flood of junk receipts keeps nobody out: the real tips and the real
/// follow-up go through, the junk gets the calm "no report with this code" page (400).
#[actix_web::test]
async fn junk_follow_ups_keep_no_real_reporter_out() {
    let app = spawn_app_with(|s| {
        s.kdf.workers = 1;
        s.kdf.queue = 0;
    })
    .await;
    let first = app.submit("ap", "the first tip", vec![]).await;
    let junk = join_all((0..48).map(|i| {
        let app = &app;
        async move { app.followup(&junk_receipt(i)).await.status().as_u16() }
    }));
    let real = join_all((0..4).map(|i| {
        let app = &app;
        async move {
            let form = reqwest::multipart::Form::new()
                .text("desk", "ap")
                .text("message", format!("real tip {i}"));
            app.submit_form(form).await.status
        }
    }));
    let again = app.followup(&first);
    let (junk, real, again) = futures_util::join!(junk, real, again);
    assert!(real.iter().all(|s| *s == 200), "real tips: {real:?}");
    assert_eq!(again.status(), 303, "the real follow-up");
    assert!(junk.iter().all(|s| *s == 400), "junk: {junk:?}");
}

/// Defect 1: 48 parallel logins each ran Argon2id (19 MiB) with no bound. Now at most the pool's
/// workers and queue are checked at once; the rest hear "busy" (503) and cost no hash.
#[actix_web::test]
async fn parallel_officer_logins_are_bounded_and_the_rest_hear_busy() {
    let app = spawn_app_with(|s| {
        s.kdf.workers = 1;
        s.kdf.queue = 1;
    })
    .await;
    let checks = || app.state.officers.password_checks();
    let before = checks();
    let answers = join_all((0..24).map(|i| {
        let app = &app;
        async move {
            let response = app
                .desk_login_attempt(&format!("j.guess{i}"), WRONG, "123456")
                .await;
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    }))
    .await;
    let busy: Vec<_> = answers.iter().filter(|(s, _)| *s == 503).collect();
    assert!(!busy.is_empty(), "no attempt heard busy");
    assert!(
        busy.iter()
            .all(|(_, page)| page.contains("Het is even druk")),
        "the busy page says so"
    );
    let hashed = checks() - before;
    assert!(
        hashed <= 24 - busy.len() as u64,
        "{hashed} hashes for {} answered attempts",
        24 - busy.len()
    );
}

/// Defect 2: five wrong passwords locked a name, and polling kept it locked for a day even for
/// the officer's right password and code. A hammered name still lets its officer in, while a
/// guess without the right code costs the server no hash.
#[actix_web::test]
async fn a_hammered_name_still_lets_its_officer_in() {
    let app = spawn_app().await;
    app.add_officer("j.devries", "ap");
    let hammer = |n: usize| {
        join_all((0..n).map(|_| {
            let app = &app;
            async move {
                app.desk_login_attempt("j.devries", WRONG, "000000")
                    .await
                    .status()
                    .as_u16()
            }
        }))
    };
    hammer(20).await;
    let checks = || app.state.officers.password_checks();
    let before = checks();
    let refused = hammer(10).await;
    assert!(refused.iter().all(|s| *s == 429), "{refused:?}");
    assert_eq!(
        checks(),
        before,
        "a locked name with a wrong code costs no hash"
    );

    // The right code with a wrong password is refused like any other guess: the page is the
    // locked one, so it does not tell that the code was right.
    let code = app.totp("j.devries");
    let guessed = app.desk_login_attempt("j.devries", WRONG, &code).await;
    assert_eq!(guessed.status(), 429);
    let locked_page = guessed.text().await.unwrap();
    assert!(
        locked_page.contains("Te veel mislukte pogingen"),
        "{locked_page}"
    );

    let code = app.totp("j.devries");
    let officer = app.desk_login_attempt("j.devries", PASSWORD, &code).await;
    assert_eq!(
        officer.status(),
        303,
        "the officer gets in while the name is hammered"
    );
}

/// Defect 2, overall: guesses spread over many names guard every name, and the officer with the
/// right password and code still gets in.
#[actix_web::test]
async fn guesses_over_many_names_guard_all_names_but_not_against_the_officer() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    join_all((0..40).map(|i| {
        let app = &app;
        async move {
            app.desk_login_attempt(&format!("guess{i}"), WRONG, "000000")
                .await
        }
    }))
    .await;
    let before = app.state.officers.password_checks();
    let fresh = app.desk_login_attempt("never.tried", WRONG, "000000").await;
    assert_eq!(
        fresh.status(),
        429,
        "every name is guarded during the flood"
    );
    assert_eq!(app.state.officers.password_checks(), before);
    let code = app.totp("anna");
    let officer = app.desk_login_attempt("anna", PASSWORD, &code).await;
    assert_eq!(officer.status(), 303);
}

/// Defect 5: every failed login was an audit entry and a row in `login_failures`, with an fsync
/// each (9 GB a day). Failures on unknown names are counted, not stored; those on a real name
/// are audited, a bounded number of times.
#[actix_web::test]
async fn failed_logins_do_not_grow_the_audit_log_or_the_database_without_bound() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let entries = || app.state.audit.entries().unwrap().len();
    let start = entries();
    join_all((0..60).map(|i| {
        let app = &app;
        async move {
            app.desk_login_attempt(&format!("ghost{i}"), WRONG, "000000")
                .await
        }
    }))
    .await;
    assert_eq!(entries(), start, "unknown names leave no audit entry");
    // Past the flood's minute, the real name's own failures are audited, a few times only.
    app.clock.set(app.clock.now_unix() + 120);
    for _ in 0..3 {
        join_all((0..20).map(|_| {
            let app = &app;
            async move { app.desk_login_attempt("anna", WRONG, "000000").await }
        }))
        .await;
    }
    let audited = entries() - start;
    assert!(
        (1..=10).contains(&audited),
        "60 failures on a real name gave {audited} audit entries"
    );
    let db = rusqlite::Connection::open(app.data.path().join("db/meldpunt.sqlite")).unwrap();
    let rows: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'login_failures'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 0, "no table of typed names");
}
