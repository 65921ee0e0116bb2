//! Issue 12, part 5: `HEAD` answers like `GET` (same status and headers, no body) everywhere, and
//! a method a known path does not take answers 405 with `Allow` — a page in the visitor's
//! language on both doors, JSON on the API. Unknown paths stay 404.

use std::collections::BTreeSet;

use reqwest::Method;

use crate::helpers::*;

async fn send(app: &TestApp, method: Method, path: &str, auth: Option<&str>) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(auth) = auth {
        request = request.header(
            if auth.starts_with("Bearer") {
                "Authorization"
            } else {
                "Cookie"
            },
            auth,
        );
    }
    request.send().await.unwrap()
}

/// The methods an `Allow` header names.
fn allowed(response: &reqwest::Response) -> BTreeSet<String> {
    let allow = response
        .headers()
        .get("allow")
        .unwrap_or_else(|| panic!("no Allow header on {}", response.url()))
        .to_str()
        .unwrap();
    allow.split(',').map(|m| m.trim().to_owned()).collect()
}

fn set(methods: &[&str]) -> BTreeSet<String> {
    methods.iter().map(|m| (*m).to_owned()).collect()
}

#[actix_web::test]
async fn head_answers_like_get_with_the_same_status_and_headers_and_no_body() {
    let app = spawn_app().await;
    app.add_officer("head.officer", "ap");
    let cookie = app.desk_login("head.officer").await;
    let bearer = format!("Bearer {}", app.api_token("head.officer"));
    let cases: Vec<(&str, Option<&str>)> = vec![
        ("/", None),
        ("/en/", None),
        ("/en", None),
        ("/guide", None),
        ("/submit?desk=om", None),
        ("/followup", None),
        ("/thread", None),
        ("/static/style.css", None),
        ("/no-such-page", None),
        ("/desk/login", None),
        ("/en/desk/login", None),
        ("/desk/", Some(cookie.as_str())),
        ("/desk/api/v1/openapi.json", None),
        ("/desk/api/v1/reports", None),
        ("/desk/api/v1/reports", Some(bearer.as_str())),
    ];
    for (path, auth) in cases {
        let get = send(&app, Method::GET, path, auth).await;
        let head = send(&app, Method::HEAD, path, auth).await;
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        for name in [
            "content-type",
            "cache-control",
            "content-security-policy",
            "x-content-type-options",
        ] {
            assert_eq!(
                head.headers().get(name),
                get.headers().get(name),
                "HEAD {path}: {name}"
            );
        }
        assert!(head.headers().get("allow").is_none(), "HEAD {path}");
        let get_length = get.headers().get("content-length").cloned();
        let head_length = head.headers().get("content-length").cloned();
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path}: a body"
        );
        if path.starts_with("/static/") || path.ends_with("openapi.json") {
            assert_eq!(head_length, get_length, "HEAD {path}: the GET's length");
        }
    }
}

/// A HEAD runs the GET's handler, but must not spend what a GET shows once: a receipt someone's
/// tool looked at with HEAD first is still there for the reporter's browser.
#[actix_web::test]
async fn head_of_the_receipt_page_does_not_use_up_the_one_showing() {
    let app = spawn_app().await;
    let page = app.get("/submit").await.text().await.unwrap();
    let form = reqwest::multipart::Form::new()
        .text("form_token", hidden(&page, "form_token"))
        .text("desk", "ap")
        .text("message", "a tip looked at with HEAD first");
    let answer = app.post_multipart("/submit", form).await;
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let head = send(&app, Method::HEAD, &location, None).await;
    assert_eq!(head.status(), 200);
    let body = app.get(&location).await.text().await.unwrap();
    assert!(select_text(&body, "#receipt").is_some(), "{body}");
}

#[actix_web::test]
async fn a_wrong_method_on_a_reporter_page_answers_405_with_allow_and_a_page_in_its_language() {
    let app = spawn_app().await;
    let cases = [
        (Method::PUT, "/submit", &["GET", "HEAD", "POST"][..], "nl"),
        (Method::DELETE, "/en/submit", &["GET", "HEAD", "POST"], "en"),
        (Method::POST, "/", &["GET", "HEAD"], "nl"),
        (Method::POST, "/en/guide", &["GET", "HEAD"], "en"),
        (
            Method::PATCH,
            "/nl/followup",
            &["GET", "HEAD", "POST"],
            "nl",
        ),
        (Method::GET, "/logout", &["POST"], "nl"),
        (Method::GET, "/en/thread/message", &["POST"], "en"),
        (Method::POST, "/static/style.css", &["GET", "HEAD"], "nl"),
    ];
    for (method, path, allow, lang) in cases {
        let response = send(&app, method.clone(), path, None).await;
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(allowed(&response), set(allow), "{method} {path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{method} {path}"
        );
        assert!(
            response.headers().get("content-security-policy").is_some(),
            "{method} {path}: the security headers too"
        );
        let body = response.text().await.unwrap();
        assert!(body.contains(&format!("lang=\"{lang}\"")), "{path}: {body}");
        let words = if lang == "en" {
            "cannot be used"
        } else {
            "kan niet"
        };
        assert!(body.contains(words), "{method} {path}: {body}");
    }
    // Unknown paths, and the desk on the reporters' door, stay 404 whatever the method.
    for (method, path) in [
        (Method::PUT, "/no-such-page"),
        (Method::POST, "/desk/login"),
        (Method::DELETE, "/desk/api/v1/reports"),
    ] {
        let url = format!("{}{path}", app.reporter_address);
        let response = app.client.request(method, url).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[actix_web::test]
async fn a_wrong_method_on_the_desk_answers_405_a_page_and_on_the_api_json() {
    let app = spawn_app().await;
    for (method, path, allow, lang) in [
        (
            Method::PUT,
            "/desk/login",
            &["GET", "HEAD", "POST"][..],
            "nl",
        ),
        (Method::GET, "/en/desk/logout", &["POST"], "en"),
        (Method::POST, "/desk/reports/R-1", &["GET", "HEAD"], "nl"),
        (Method::GET, "/desk/reports/R-1/reply", &["POST"], "nl"),
    ] {
        let response = send(&app, method.clone(), path, None).await;
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(allowed(&response), set(allow), "{method} {path}");
        let body = response.text().await.unwrap();
        assert!(body.contains(&format!("lang=\"{lang}\"")), "{path}: {body}");
    }

    for (method, path, allow) in [
        (Method::PUT, "/desk/api/v1/reports", &["GET", "HEAD"][..]),
        (
            Method::POST,
            "/desk/api/v1/reports/R-1",
            &["GET", "HEAD", "DELETE"],
        ),
        (Method::GET, "/desk/api/v1/reports/R-1/replies", &["POST"]),
        (
            Method::DELETE,
            "/desk/api/v1/openapi.json",
            &["GET", "HEAD"],
        ),
    ] {
        let response = send(&app, method.clone(), path, None).await;
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(allowed(&response), set(allow), "{method} {path}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed", "{body}");
        assert!(body["error"]["message"].is_string(), "{body}");
    }
    let unknown = send(&app, Method::PUT, "/desk/api/v1/nothing-here", None).await;
    assert_eq!(unknown.status(), 404);
}
