//! Issue 12, part 2: the officers' daily digest mail, sent over TLS to a real SMTP server the test
//! starts (aiosmtpd, from `tests/common/smtp_sink.py`), leaks nothing: a busy day's mail has the
//! size of an empty day's, in both modes, and no report id, content or receipt is in it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use meldpunt::domain::Clock;

use crate::common::binary::{meldpunt, run};
use crate::common::smtp::{PASSWORD, Sink, USER, certificates, python_with_aiosmtpd};
use crate::common::tools::skip;
use crate::helpers::*;

/// A configuration with `[notify]` pointing at the sink, and desks ap and om in `mode`.
fn config(dir: &Path, sink: &Sink, tls: &str, ca: &Path, mode: &str) -> PathBuf {
    let desk = |id: &str| {
        let key = age::x25519::Identity::generate().to_public();
        format!(
            "[[desk]]\nid = \"{id}\"\nname_nl = \"{id}\"\nname_en = \"{id}\"\n\
             recipients = [\"{key}\"]\ndigest = \"{mode}\"\n"
        )
    };
    let text = format!(
        "[notify]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = {}\nsmtp_tls = \"{tls}\"\n\
         smtp_user = \"{USER}\"\nsmtp_password = \"{PASSWORD}\"\nsmtp_ca_file = \"{}\"\n\
         from = \"meldpunt <meldpunt@meldpunt.example>\"\n\n{}{}",
        sink.port,
        ca.display(),
        desk("ap"),
        desk("om"),
    );
    let path = dir.join(format!("{tls}-{mode}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// `meldpunt digest send --data DATA --config CONFIG`.
fn digest_send(data: &Path, config: &Path) -> std::process::Output {
    run(
        meldpunt()
            .args(["digest", "send", "--data"])
            .arg(data)
            .arg("--config")
            .arg(config),
        None,
    )
}

/// Sends the digest to both officers, and checks that the relay took both.
fn send_digest(data: &Path, config: &Path) {
    let out = digest_send(data, config);
    assert!(
        out.status.success(),
        "digest send: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("digest sent to 2 officer"), "{said}");
}

/// The message to `address` among `messages` (there is one per officer per sending).
fn to<'a>(messages: &'a [Vec<u8>], address: &str) -> &'a [u8] {
    let header = format!("\r\nTo: {address}\r\n");
    let found: Vec<&Vec<u8>> = messages
        .iter()
        .filter(|m| String::from_utf8_lossy(m).contains(&header))
        .collect();
    assert_eq!(found.len(), 1, "one message to {address}");
    found[0]
}

fn body(message: &[u8]) -> String {
    let text = String::from_utf8(message.to_vec()).expect("an ASCII mail");
    let (_, body) = text.split_once("\r\n\r\n").expect("headers and a body");
    body.to_owned()
}

/// The number at the end of the line that starts (after spaces) with `label`.
fn count(body: &str, label: &str) -> u32 {
    let line = body
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no line {label:?} in {body}"));
    line.split_whitespace().last().unwrap().parse().unwrap()
}

const A: &str = "a.smit@ap.example";
const B: &str = "b.jansen@om.example";

/// What each test starts with: the app, certificates and an implicit-TLS sink in a scratch
/// folder, and a.smit at desk ap; `None` (after a loud skip) without aiosmtpd.
struct MailTest {
    app: TestApp,
    python: &'static str,
    work: tempfile::TempDir,
    certs: (PathBuf, PathBuf, PathBuf),
    sink: Sink,
}

async fn mail_test(what: &str) -> Option<MailTest> {
    let Some(python) = python_with_aiosmtpd() else {
        skip(&format!(
            "Python's aiosmtpd is not installed; {what} is not tested"
        ));
        return None;
    };
    let app = spawn_app().await;
    let work = tempfile::tempdir().unwrap();
    let certs = certificates(work.path());
    let sink = Sink::start(python, "tls", &certs, work.path().join("tls-mail"));
    app.add_officer("a.smit", "ap");
    Some(MailTest {
        app,
        python,
        work,
        certs,
        sink,
    })
}

#[actix_web::test]
async fn a_busy_days_digest_has_the_size_of_an_empty_days_and_names_no_report() {
    let Some(MailTest {
        app,
        python,
        work,
        certs,
        sink,
    }) = mail_test("the digest mail").await
    else {
        return;
    };
    let data = app.data.path();
    app.add_officer("b.jansen", "om");
    app.add_officer("c.bakker", "ap"); // no address: gets no mail
    for (name, address) in [("a.smit", A), ("b.jansen", B)] {
        let out = run(
            meldpunt()
                .args(["officer", "email", "--data"])
                .arg(data)
                .args(["--name", name, "--address", address]),
            None,
        );
        assert!(out.status.success(), "{out:?}");
    }
    let plain = config(work.path(), &sink, "tls", &certs.0, "plain");
    let counts = config(work.path(), &sink, "tls", &certs.0, "counts");

    // An empty day, in both modes.
    send_digest(data, &plain);
    send_digest(data, &counts);
    let empty = sink.wait_for(4).await;
    assert_eq!(empty.len(), 4, "two officers, two modes");
    let (empty_plain, empty_counts) = (&empty[..2], &empty[2..]);

    // A report ten days old (its acknowledgement is overdue) and a new tip today, at desk ap.
    let now = app.clock.now_unix();
    app.clock.set(now - 10 * 86_400);
    let overdue = app.submit("ap", "old secret tip text", vec![]).await;
    app.clock.set(now);
    let fresh = app.submit("ap", "new secret tip text", vec![]).await;
    let ids = [app.report_of(&overdue), app.report_of(&fresh)];

    send_digest(data, &plain);
    send_digest(data, &counts);
    let all = sink.wait_for(8).await;
    assert_eq!(all.len(), 8);
    let (busy_plain, busy_counts) = (&all[4..6], &all[6..8]);

    for address in [A, B] {
        let sizes = [
            to(empty_plain, address).len(),
            to(busy_plain, address).len(),
            to(empty_counts, address).len(),
            to(busy_counts, address).len(),
        ];
        eprintln!("digest sizes to {address} (plain empty, busy; counts empty, busy): {sizes:?}");
        assert!(
            sizes.iter().all(|s| *s == sizes[0]),
            "every digest to {address} has one size: {sizes:?}"
        );
        // The plain mail says the same every day: only Date and Message-ID differ.
        assert_eq!(
            body(to(empty_plain, address)),
            body(to(busy_plain, address))
        );
    }
    for message in &all {
        let text = String::from_utf8_lossy(message);
        for id in &ids {
            assert!(!text.contains(id.as_str()), "report id {id} in a digest");
        }
        for leak in ["secret", &overdue, &fresh, "c.bakker"] {
            assert!(!text.contains(leak), "{leak:?} in a digest:\n{text}");
        }
    }

    // Counts mode counts, for the officer of the busy desk only.
    let a = body(to(busy_counts, A));
    assert_eq!(count(&a, "new since your last download"), 2, "{a}");
    assert_eq!(count(&a, "acknowledgement overdue"), 1, "{a}");
    assert_eq!(count(&a, "acknowledgement due within 2 days"), 0, "{a}");
    assert_eq!(count(&a, "feedback due within 2 days"), 0, "{a}");
    assert_eq!(count(&a, "feedback overdue"), 0, "{a}");
    let b = body(to(busy_counts, B));
    assert_eq!(count(&b, "new since your last download"), 0, "{b}");
    assert_eq!(count(&b, "acknowledgement overdue"), 0, "{b}");

    // A relay that refuses the login gets nothing, and the command names whom it did not reach.
    let wrong = std::fs::read_to_string(&plain)
        .unwrap()
        .replace(PASSWORD, "not the password");
    let wrong_file = work.path().join("wrong.toml");
    std::fs::write(&wrong_file, wrong).unwrap();
    let refused = digest_send(data, &wrong_file);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains("not sent to a.smit") && said.contains("535"),
        "{said}"
    );
    assert_eq!(sink.messages().len(), 8);

    // STARTTLS (port 587 style) reaches its server too.
    let starttls = Sink::start(
        python,
        "starttls",
        &certs,
        work.path().join("starttls-mail"),
    );
    send_digest(
        data,
        &config(work.path(), &starttls, "starttls", &certs.0, "plain"),
    );
    assert_eq!(starttls.wait_for(2).await.len(), 2);
}

/// The service sends the day's digest by itself once the hour has come (hour 0: at once), and
/// a restart on the same day sends nobody a second one.
#[actix_web::test]
async fn the_service_sends_the_days_digest_once_even_across_a_restart() {
    // `_work`, not `..`: the scratch folder holds the CA file the service reads at start.
    let Some(MailTest {
        app,
        certs,
        sink,
        work: _work,
        ..
    }) = mail_test("the scheduled digest").await
    else {
        return;
    };
    app.state
        .officers
        .set_address("a.smit", &A.parse().unwrap())
        .unwrap();
    let mut settings = test_settings(app.data.path());
    settings.notify = Some(meldpunt::config::NotifySettings {
        smtp_host: "127.0.0.1".into(),
        smtp_port: Some(sink.port),
        smtp_tls: meldpunt::config::SmtpTls::Tls,
        smtp_user: Some(USER.into()),
        smtp_password: Some(PASSWORD.into()),
        smtp_ca_file: Some(certs.0.clone()),
        from: "meldpunt@meldpunt.example".into(),
        hour: 0,
    });
    app.server.stop(true).await;
    let first = crate::transfer_rekey::restart(settings.clone(), &app).await;
    let handle = first.handle();
    actix_web::rt::spawn(first.run_until_stopped());
    let arrived = sink.wait_for(1).await.len();
    let log = captured_log();
    let said: Vec<&str> = log.lines().filter(|l| l.contains("digest")).collect();
    assert_eq!(
        arrived, 1,
        "the scheduled digest arrived; the log: {said:?}"
    );
    // The day is recorded once the relay has answered, just after the sink wrote the mail.
    let today = meldpunt::notify::schedule::local_day_hour(app.clock.now_unix()).0;
    let start = Instant::now();
    while app.state.officers.addresses().unwrap()[0].last_digest != Some(today) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the day is recorded"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    handle.stop(true).await;

    let second = crate::transfer_rekey::restart(settings, &app).await;
    let handle = second.handle();
    actix_web::rt::spawn(second.run_until_stopped());
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.messages().len(), 1, "no second digest on the same day");
    handle.stop(true).await;
}
