//! The reporter's forms answer bad input with the same form again (issue 13, defect 2): an error
//! summary linking to the field, the message beside the field, "Fout: " in the title, the typed
//! text and the chosen desk kept, files to be chosen again — and nothing stored.

use crate::helpers::*;

fn form(desk: &str, message: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("desk", desk.to_owned())
        .text("message", message.to_owned())
}

/// The page is the form again, with its problem tied to `field`.
fn assert_form_again(body: &str, field: &str) {
    let link = format!(".error-summary[role=alert][tabindex='-1'] a[href='#{field}']");
    assert_eq!(
        select_all(body, &link).len(),
        1,
        "no link to #{field}: {body}"
    );
    assert!(body.contains(&format!("id=\"{field}-error\"")), "{body}");
    assert!(
        select_all(body, &format!("#{field}[aria-invalid=true]")).len() == 1,
        "{body}"
    );
    let title = select_text(body, "title").unwrap();
    assert!(
        title.starts_with("Fout: ") || title.starts_with("Error: "),
        "{title}"
    );
    assert!(
        select_text(body, "#receipt.code").is_none(),
        "no receipt shown"
    );
}

#[actix_web::test]
async fn the_submit_form_tells_that_large_files_take_minutes_over_tor() {
    let app = spawn_app().await;
    let nl = app.get("/submit").await.text().await.unwrap();
    assert!(nl.contains("enkele minuten") && nl.contains("open"), "{nl}");
    let en = app.get("/en/submit").await.text().await.unwrap();
    assert!(
        en.contains("several minutes") && en.contains("Keep this page open"),
        "{en}"
    );
}

#[actix_web::test]
async fn an_empty_tip_gets_the_form_again_with_the_desk_kept() {
    let app = spawn_app().await;
    let answer = app.submit_form(form("om", "   ")).await;
    assert_eq!(answer.status, 400);
    assert_form_again(&answer.body, "message");
    assert!(
        answer.body.contains("Er is een probleem"),
        "{}",
        answer.body
    );
    let chosen = select_all(&answer.body, "#desk option[value=om][selected]");
    assert_eq!(chosen.len(), 1, "{}", answer.body);
    assert!(app.report_files().is_empty());
}

#[actix_web::test]
async fn an_oversized_file_or_too_many_files_keep_the_typed_text() {
    let app = spawn_app_with(|s| {
        s.limits.submission_bytes = 256 * 1024;
        s.limits.files = 2;
    })
    .await;
    let big = form("ap", "mijn getypte <tekst>").part(
        "attachment",
        attachment("big.bin", random_bytes(2 * 1024 * 1024)),
    );
    let answer = app.submit_form(big).await;
    assert_eq!(answer.status, 413);
    assert_form_again(&answer.body, "attachment");
    assert!(
        answer
            .body
            .contains("mijn getypte &lt;tekst&gt;</textarea>"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("Kies uw bestanden opnieuw"),
        "{}",
        answer.body
    );
    let mut many = form("ap", "drie bestanden");
    for i in 0..3 {
        many = many.part(
            "attachment",
            attachment(&format!("{i}.txt"), b"data".to_vec()),
        );
    }
    let answer = app.submit_form(many).await;
    assert_eq!(answer.status, 413);
    assert_form_again(&answer.body, "attachment");
    assert!(answer.body.contains("drie bestanden</textarea>"));
    assert!(app.report_files().is_empty());
    assert!(files_under(&app.data.path().join("tmp")).is_empty());
}

#[actix_web::test]
async fn an_unknown_desk_gets_the_form_again_in_english_with_the_text_kept() {
    let app = spawn_app().await;
    let response = app
        .post_multipart("/en/submit", form("nsa", "for the desk"))
        .await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert_form_again(&body, "desk");
    assert!(body.contains("There is a problem"), "{body}");
    assert!(body.contains("for the desk</textarea>"), "{body}");
}

#[actix_web::test]
async fn a_wrong_receipt_gets_the_return_form_again_without_the_code() {
    let app = spawn_app().await;
    let typed = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ";
    let answer = app.followup(typed).await;
    assert_eq!(answer.status(), 400);
    let body = answer.text().await.unwrap();
    assert_form_again(&body, "receipt");
    assert!(
        !body.to_uppercase().contains("ABCD"),
        "never echoed: {body}"
    );
}

async fn send(app: &TestApp, cookie: &str, message: &str, files: usize) -> (u16, String) {
    let csrf = hidden(&app.thread(cookie).await, "csrf");
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("message", message.to_owned());
    for i in 0..files {
        form = form.part(
            "attachment",
            attachment(&format!("{i}.txt"), b"data".to_vec()),
        );
    }
    let response = app
        .client
        .post(app.url("/thread/message"))
        .header("Cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status != 303 {
        return (status, response.text().await.unwrap());
    }
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains(&receipt_free(cookie)), "{location}");
    let page = app.client.get(app.url(&location)).header("Cookie", cookie);
    (status, page.send().await.unwrap().text().await.unwrap())
}

/// The session cookie's value, which must never be in an address.
fn receipt_free(cookie: &str) -> String {
    cookie.split('=').nth(1).unwrap_or_default().to_owned()
}

#[actix_web::test]
async fn an_empty_or_oversized_follow_up_gets_the_thread_again_and_a_sent_one_is_confirmed() {
    let app = spawn_app_with(|s| {
        s.limits.message_chars = 100;
        s.limits.files = 1;
    })
    .await;
    let receipt = app.submit("ap", "de tip", vec![]).await;
    let cookie = app.login(&receipt).await;
    let (status, body) = send(&app, &cookie, "  ", 0).await;
    assert_eq!(status, 400);
    assert_form_again(&body, "message");
    assert!(select_all(&body, ".reply, .sent li").len() == 1, "{body}");
    let (status, body) = send(&app, &cookie, "nog twee bestanden", 2).await;
    assert_eq!(status, 413);
    assert_form_again(&body, "attachment");
    assert!(body.contains("nog twee bestanden</textarea>"), "{body}");
    let long = "lang ".repeat(30);
    let (status, body) = send(&app, &cookie, &long, 0).await;
    assert_eq!(status, 413);
    assert_form_again(&body, "message");
    assert!(body.contains(&format!("{long}</textarea>")), "{body}");
    assert!(body.contains("100 tekens"), "{body}");

    let (status, body) = send(&app, &cookie, "een aanvulling", 0).await;
    assert_eq!(status, 303);
    let sent = select_text(&body, ".success[role=status]").unwrap_or_default();
    assert!(sent.contains("Uw bericht is verstuurd"), "{body}");
    assert!(select_all(&body, ".sent li").len() == 2);
    let again = app.thread(&cookie).await;
    assert!(select_text(&again, ".success").is_none(), "shown once");
}
