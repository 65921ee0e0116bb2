//! Issue 13: the report page confirms what an officer just did (a sentence from a fixed list,
//! after the redirect), and a typed reply can start from a standard text for the desk
//! (acknowledgement, request for information, closure) through plain links, without JavaScript.

use crate::common::page::select_text;
use crate::helpers::*;

#[actix_web::test]
async fn each_action_on_the_report_page_is_confirmed_after_its_redirect() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "de tip", vec![]).await;
    let id = app.report_of(&receipt);
    let cookie = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&cookie).await;
    let page = format!("/desk/reports/{id}");

    let before = app.desk_get(&cookie, &page).await.text().await.unwrap();
    assert!(
        select_text(&before, "p.done").is_none(),
        "nothing to confirm yet"
    );

    for (action, fields, expected) in [
        (
            "reply",
            vec![("text", "Dank u.")],
            "Het antwoord is versleuteld opgeslagen",
        ),
        (
            "note",
            vec![("text", "Voor collega's.")],
            "De notitie is versleuteld opgeslagen",
        ),
        (
            "status",
            vec![("status", "in_progress")],
            "De status is gewijzigd.",
        ),
        (
            "assign",
            vec![("officer", "anna")],
            "De behandelaar is gewijzigd.",
        ),
        (
            "label",
            vec![("label", "zorg")],
            "De labels zijn gewijzigd.",
        ),
    ] {
        let mut form = fields.clone();
        form.push(("csrf", &csrf));
        let response = app
            .desk_post(&cookie, &format!("{page}/{action}"), &form)
            .await;
        assert_eq!(response.status(), 303, "{action}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with(&format!("{page}?done=")),
            "{action}: {location}"
        );
        let shown = app.desk_get(&cookie, &location).await.text().await.unwrap();
        let said = select_text(&shown, "p.done[role=status]").unwrap_or_default();
        assert!(said.contains(expected), "{action}: {said}");
    }

    // A link cannot make the page say anything else.
    let forged = app
        .desk_get(&cookie, &format!("{page}?done=%3Cscript%3E&done=x"))
        .await;
    assert_eq!(forged.status(), 200);
    let forged = forged.text().await.unwrap();
    assert!(select_text(&forged, "p.done").is_none());
    assert!(!forged.contains("<script>"));

    let inbox = app
        .desk_get(&cookie, "/desk/?transferred=1")
        .await
        .text()
        .await
        .unwrap();
    let said = select_text(&inbox, "p.done[role=status]").unwrap_or_default();
    assert!(said.contains("doorgestuurd"), "{said}");
}

#[actix_web::test]
async fn a_reply_can_start_from_the_desks_standard_texts() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let receipt = app.submit("ap", "de tip", vec![]).await;
    let id = app.report_of(&receipt);
    let cookie = app.desk_login("anna").await;
    let page = format!("/desk/reports/{id}");

    let plain = app.desk_get(&cookie, &page).await.text().await.unwrap();
    assert_eq!(
        select_text(&plain, "textarea#reply-text").unwrap_or_default(),
        ""
    );
    for key in ["acknowledgement", "information", "closure"] {
        let link = format!("{page}?template={key}#reply-text");
        assert!(
            plain.contains(&format!("href=\"{link}\"")),
            "the page links {key}"
        );
    }
    let started = app
        .desk_get(&cookie, &format!("{page}?template=acknowledgement"))
        .await
        .text()
        .await
        .unwrap();
    let text = select_text(&started, "textarea#reply-text").unwrap();
    assert!(text.starts_with("Geachte melder,"), "{text}");
    assert!(
        text.contains("Autoriteit Persoonsgegevens"),
        "signed by the desk: {text}"
    );
    let english = app
        .desk_get(&cookie, &format!("/en{page}?template=closure"))
        .await
        .text()
        .await
        .unwrap();
    let text = select_text(&english, "textarea#reply-text").unwrap();
    assert!(text.starts_with("Dear reporter,"), "{text}");
    let unknown = app
        .desk_get(&cookie, &format!("{page}?template=../../etc"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        select_text(&unknown, "textarea#reply-text").unwrap_or_default(),
        ""
    );

    // Nothing is sent or stored by opening a template.
    let record = app.state.store.get(&id).unwrap().unwrap();
    assert!(record.items.iter().all(|i| !i.kind.from_desk()));
}
