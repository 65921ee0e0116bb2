//! The desk's statistics for the annual report (issue 13): `GET /desk/statistics` shows the
//! officer's own desk's year as a table per month — the text the chart stands for — and a bar
//! chart drawn on the server as inline SVG; `GET /desk/statistics.csv` downloads the same rows.
//! Both take `?year=2026` (this year when absent). The counting is
//! [`crate::desk::work::DeskWork::statistics`]; this module only writes it down.

pub mod chart;
pub mod csv;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::extractors::DeskSession;
use super::page::{desk_context, run};
use crate::desk::statistics::{MonthRow, YearFigures};
use crate::desk::work::FIRST_YEAR;
use crate::domain::Lang;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, format, i18n};

#[derive(Deserialize)]
pub struct YearParams {
    year: Option<String>,
}

impl YearParams {
    /// The year asked for, or this one; something that is no year is refused as one out of
    /// range would be (by the use case).
    fn year(&self, state: &AppState, lang: PageLang) -> Result<i32, PageError> {
        match self.year.as_deref().map(str::trim) {
            None | Some("") => Ok(state.clock.today().ymd().0),
            Some(typed) => typed
                .parse()
                .map_err(|_| state.fail(lang, Failure::Invalid("desk_err_year"))),
        }
    }
}

async fn figures(
    state: &AppState,
    lang: PageLang,
    session: &DeskSession,
    params: &YearParams,
) -> Result<(i32, YearFigures), PageError> {
    let year = params.year(state, lang)?;
    let figures = run(state, lang, session, move |desk| desk.statistics(year)).await?;
    Ok((year, figures))
}

/// A row as the page shows it: the month in words, counts with the thousands separator.
fn row_view(lang: Lang, row: &MonthRow) -> serde_json::Value {
    let n = |v: u64| format::number(lang, v);
    let month = match row.month {
        0 => i18n::text(lang, "stats_total"),
        m => format::month_name(lang, m).to_owned(),
    };
    let median = row.median_days_to_acknowledge.map_or_else(
        || i18n::text(lang, "stats_no_median"),
        |m| m.write(format::decimal_mark(lang)),
    );
    serde_json::json!({
        "month": month,
        "received": n(row.received),
        "acknowledged_in_time": n(row.acknowledged_in_time),
        "feedback_within_3_months": n(row.feedback_within_3_months),
        "feedback_within_6_months": n(row.feedback_within_6_months),
        "transferred": n(row.transferred),
        "closed": n(row.closed),
        "median": median,
    })
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    session: DeskSession,
    params: web::Query<YearParams>,
) -> Result<HttpResponse, PageError> {
    let (year, figures) = figures(&state, lang, &session, &params).await?;
    let this_year = state.clock.today().ymd().0;
    let terms = state
        .desk(&session.officer().desk)
        .map_or((0, 0), |d| (d.acknowledge_days, d.feedback_days));
    let rows: Vec<serde_json::Value> = figures
        .months
        .iter()
        .map(|r| row_view(lang.lang, r))
        .collect();
    let mut ctx = desk_context(&state, &req, lang, &session);
    ctx.insert("year", &year);
    ctx.insert("previous_year", &(year > FIRST_YEAR).then_some(year - 1));
    ctx.insert("next_year", &(year < this_year).then_some(year + 1));
    ctx.insert("rows", &rows);
    ctx.insert("total", &row_view(lang.lang, &figures.total));
    ctx.insert("chart", &chart::chart(lang.lang, &figures.months));
    ctx.insert("acknowledge_days", &terms.0);
    ctx.insert("feedback_days", &terms.1);
    Ok(state
        .templates
        .page(StatusCode::OK, "desk_statistics.html", &ctx))
}

pub async fn download(
    state: web::Data<AppState>,
    lang: PageLang,
    session: DeskSession,
    params: web::Query<YearParams>,
) -> Result<HttpResponse, PageError> {
    let (year, figures) = figures(&state, lang, &session, &params).await?;
    let desk = &session.officer().desk;
    // The desk id and the year are checked values (a `DeskId`, an `i32`): the name needs no
    // escaping.
    let name = format!("meldpunt-statistics-{desk}-{year}.csv");
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(csv::write(desk, &figures)))
}
