//! Reading what the service sends back: elements of a page, the receipt shown after a
//! submission, the session cookie of a response; an HTTP client that follows no redirects, as the
//! tests look at each answer themselves; and a reporter's return with a receipt.

/// A client that shows each redirect instead of following it.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Text of the first element matching `selector`, trimmed.
pub fn select_text(html: &str, selector: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_owned())
}

/// Texts of every element matching `selector`, trimmed.
pub fn select_all(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// The receipt code on an answer page, if it has one.
pub fn find_receipt(html: &str) -> Option<String> {
    select_text(html, "#receipt")
}

/// The receipt code on a submission's page; panics when the page shows none.
pub fn receipt_in(html: &str) -> String {
    select_text(html, "#receipt").unwrap_or_else(|| panic!("no receipt on the page:\n{html}"))
}

/// The value of a hidden input named `name`.
pub fn hidden(html: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap()
        .to_owned()
}

/// The reporter's session cookie (`name=value`) a response sets, if it sets one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("meldpunt_session=") && !v.starts_with("meldpunt_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// A reporter's return: logs in at the service at `base` (`http://host:port`) with `receipt`,
/// and returns the thread page (status 200) as text.
pub async fn open_thread(client: &reqwest::Client, base: &str, receipt: &str) -> String {
    let login = client
        .post(format!("{base}/followup"))
        .form(&[("receipt", receipt)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303, "the receipt opens the thread");
    let cookie = session_cookie(&login).expect("a session cookie");
    let thread = client
        .get(format!("{base}/thread"))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(thread.status(), 200);
    thread.text().await.unwrap()
}

/// The values of every hidden input named `name`.
pub fn hidden_all(html: &str, name: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr("value"))
        .map(str::to_owned)
        .collect()
}
