//! The desk's statistics (issue 13) as an officer gets them: reports submitted and handled over
//! March and April 2025 through the real pages, then the page and the CSV checked figure by
//! figure against what was done; another desk's officers see only their own desk's figures.

use meldpunt::domain::{Day, ReportId};
use meldpunt::store::Status;

use crate::helpers::*;

/// 2025-03-03, 10:00 UTC: the day the first reports arrive.
const START: u64 = 20_150 * 86_400 + 36_000;

/// Sets the test clock to `days` after [`START`] (the clock only moves forward here, as the
/// audit log expects).
fn on_day(app: &TestApp, days: u64) {
    app.clock.set(START + days * 86_400);
}

/// The cells of the table row headed `month` (the `<th scope="row">` and the `<td>`s after it).
fn table_row(page: &str, month: &str) -> Vec<String> {
    let head = format!("<th scope=\"row\">{month}</th>");
    let rest = page
        .split(&head)
        .nth(1)
        .unwrap_or_else(|| panic!("no row {month}"));
    let row = rest.split("</tr>").next().unwrap();
    row.split("<td>")
        .skip(1)
        .map(|cell| cell.split("</td>").next().unwrap().to_owned())
        .collect()
}

async fn csv(app: &TestApp, cookie: &str, year: &str) -> (String, String) {
    let response = app
        .desk_get(cookie, &format!("/desk/statistics.csv?year={year}"))
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    (disposition, response.text().await.unwrap())
}

/// What a transfer leaves in the record (see `DeskWork::transfer`), without the offline
/// re-sealing a real one needs (that path is tested in `transfer`).
fn transfer_to_om(app: &TestApp, id: &ReportId, today: Day) {
    app.state
        .store
        .update_record(id, |r| {
            r.first_received = r.first_received.or(Some(r.received));
            r.received = today;
            r.status = Status::Received;
            r.forwarded_from = Some(r.desk.clone());
            r.desk = "om".parse().unwrap();
        })
        .unwrap();
}

#[actix_web::test]
async fn the_statistics_count_what_the_desk_did_per_month_and_only_for_its_own_desk() {
    let app = spawn_app().await;
    on_day(&app, 0);
    app.add_officer("anna", "ap");
    app.add_officer("olga", "om");
    app.add_officer("henk", "hvk");
    let anna = app.desk_login("anna").await;
    let csrf = app.desk_csrf(&anna).await;
    let mut ids = Vec::new();
    for text in ["A", "B", "C"] {
        let receipt = app.submit("ap", text, vec![]).await;
        ids.push(app.report_of(&receipt));
    }
    app.submit("om", "O", vec![]).await;
    let [a, b, c] = [&ids[0], &ids[1], &ids[2]];
    let act = |id: &ReportId, what: &str, fields: &[(&str, &str)]| {
        let path = format!("/desk/reports/{id}/{what}");
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let (app, anna, csrf) = (&app, &anna, &csrf);
        async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(
                app.desk_act(anna, csrf, &path, &fields).await,
                303,
                "{path}"
            );
        }
    };
    // A: acknowledged by a reply after 2 days, feedback after 78 (within 3 months).
    // B: in progress after 7 days (the last day in time), closed after 120 (within 6 months).
    // C: acknowledged after 10 days, late. D (April): transferred to om after 2 days.
    on_day(&app, 2);
    act(a, "reply", &[("text", "Dank u, wij kijken ernaar.")]).await;
    on_day(&app, 7);
    act(b, "status", &[("status", "in_progress"), ("reason", "")]).await;
    on_day(&app, 10);
    act(c, "status", &[("status", "acknowledged"), ("reason", "")]).await;
    on_day(&app, 29);
    let d = app.report_of(&app.submit("ap", "D", vec![]).await);
    on_day(&app, 31);
    transfer_to_om(&app, &d, app.clock_today());
    on_day(&app, 78);
    act(a, "status", &[("status", "feedback_given"), ("reason", "")]).await;
    on_day(&app, 120);
    act(b, "status", &[("status", "closed"), ("reason", "")]).await;
    on_day(&app, 318);

    let page = app.desk_get(&anna, "/desk/statistics?year=2025").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    // received, in time, feedback 3 and 6 months, transferred, closed, median days.
    assert_eq!(
        table_row(&page, "maart"),
        ["3", "2", "1", "2", "0", "1", "7"]
    );
    assert_eq!(
        table_row(&page, "april"),
        ["0", "0", "0", "0", "1", "0", "geen"]
    );
    assert_eq!(
        table_row(&page, "december"),
        ["0", "0", "0", "0", "0", "0", "geen"]
    );
    assert_eq!(
        table_row(&page, "Heel het jaar"),
        ["3", "2", "1", "2", "1", "1", "7"]
    );
    assert!(page.contains("<caption id=\"stats-caption\">"));
    assert!(page.contains("<svg viewBox=") && page.contains("role=\"img\""));
    assert!(page.contains("<title id=\"chart-title\">"));
    assert!(
        page.contains("href=\"/desk/statistics\""),
        "the navigation links it"
    );
    for id in [a, b, c, &d] {
        assert!(!page.contains(id.as_str()), "no report id on the page");
    }
    let english = app.desk_get(&anna, "/en/desk/statistics?year=2025").await;
    let english = english.text().await.unwrap();
    assert_eq!(
        table_row(&english, "March"),
        ["3", "2", "1", "2", "0", "1", "7"]
    );

    let (disposition, body) = csv(&app, &anna, "2025").await;
    assert_eq!(
        disposition,
        "attachment; filename=\"meldpunt-statistics-ap-2025.csv\""
    );
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "desk,month,received,acknowledged_in_time,feedback_within_3_months,\
         feedback_within_6_months,transferred,closed,median_days_to_acknowledge"
    );
    assert_eq!(
        lines.len(),
        1 + 12 + 1,
        "a header, twelve months, the last line end"
    );
    assert_eq!(lines[3], "ap,2025-03,3,2,1,2,0,1,7");
    assert_eq!(lines[4], "ap,2025-04,0,0,0,0,1,0,");
    for id in [a, b, c, &d] {
        assert!(!body.contains(id.as_str()), "no report id in the file");
    }

    // om sees its own: O in March, D from the day it arrived (April), none of ap's.
    let olga = app.desk_login("olga").await;
    let (disposition, body) = csv(&app, &olga, "2025").await;
    assert!(disposition.contains("meldpunt-statistics-om-2025.csv"));
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(lines[3], "om,2025-03,1,0,0,0,0,0,");
    assert_eq!(lines[4], "om,2025-04,1,0,0,0,0,0,");
    // hvk has nothing at all.
    let henk = app.desk_login("henk").await;
    let page = app.desk_get(&henk, "/desk/statistics?year=2025").await;
    let page = page.text().await.unwrap();
    assert_eq!(
        table_row(&page, "Heel het jaar"),
        ["0", "0", "0", "0", "0", "0", "geen"]
    );
    let (_, body) = csv(&app, &henk, "2025").await;
    for line in body.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        assert!(
            line.starts_with("hvk,") && line.ends_with(",0,0,0,0,0,0,"),
            "{line}"
        );
    }
}

#[actix_web::test]
async fn a_year_that_is_none_or_not_yet_is_refused_and_without_a_year_it_is_this_one() {
    let app = spawn_app().await;
    app.add_officer("anna", "ap");
    let anna = app.desk_login("anna").await;
    let (this_year, _, _) = app.clock_today().ymd();
    for bad in ["abc", "1999", &(this_year + 1).to_string()] {
        let page = app
            .desk_get(&anna, &format!("/desk/statistics?year={bad}"))
            .await;
        assert_eq!(page.status(), 400, "{bad}");
        let csv = app
            .desk_get(&anna, &format!("/desk/statistics.csv?year={bad}"))
            .await;
        assert_eq!(csv.status(), 400, "{bad}");
    }
    let page = app.desk_get(&anna, "/desk/statistics").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains(&format!("Statistieken {this_year}"))
    );
    let (disposition, _) = csv(&app, &anna, "").await;
    assert!(disposition.contains(&format!("meldpunt-statistics-ap-{this_year}.csv")));
}

#[actix_web::test]
async fn without_a_desk_session_there_are_no_statistics() {
    let app = spawn_app().await;
    for path in ["/desk/statistics", "/desk/statistics.csv"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_ne!(response.status(), 200, "{path}");
        let reporters = app
            .client
            .get(format!("{}{path}", app.reporter_address))
            .send()
            .await
            .unwrap();
        assert_eq!(reporters.status(), 404, "{path} on the reporters' listener");
    }
}
