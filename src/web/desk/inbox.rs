//! The inbox: this desk's reports only, a page at a time, filtered by status, overdue, assignee
//! and label, searched by report id, sorted by deadline or by day; each row can be ticked for a
//! bulk action (assign, label, close, spam). Below, the reports this desk transferred that the
//! receiving desk has not opened yet (with a take-back button). Without a session it sends the
//! visitor to the login form.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::extractors::{DeskForm, DeskSession};
use super::page::{desk_context, run, see_other};
use crate::desk::work::handling::BulkAction;
use crate::store::Status;
use crate::store::inbox::{AssignedFilter, InboxQuery, InboxSort, StatusFilter};
use crate::web::format;
use crate::web::state::AppState;
use crate::web::{Failure, PageError, PageLang, i18n};

pub const PAGE_SIZE: usize = 25;

/// The inbox's address: every filter is a query parameter, so a filtered page can be
/// bookmarked and the back button works, without JavaScript.
#[derive(Deserialize, Default, Clone)]
pub struct InboxParams {
    page: Option<usize>,
    status: Option<String>,
    overdue: Option<String>,
    assigned: Option<String>,
    label: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    done: Option<usize>,
    /// Set after a transfer: the report has left this desk.
    transferred: Option<u8>,
}

impl InboxParams {
    fn query(&self, state: &AppState, session: &DeskSession) -> InboxQuery {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| v.chars().take(64).collect::<String>())
        };
        let status = match self.status.as_deref() {
            Some("open") => StatusFilter::Open,
            Some(key) => Status::parse(key).map_or(StatusFilter::All, StatusFilter::Only),
            None => StatusFilter::All,
        };
        let assigned = match self.assigned.as_deref() {
            None | Some("") => AssignedFilter::Anyone,
            Some("none") => AssignedFilter::Nobody,
            Some("me") => AssignedFilter::Officer(session.officer().name.clone()),
            Some(name) => AssignedFilter::Officer(name.to_owned()),
        };
        InboxQuery {
            desk: session.officer().desk.clone(),
            status,
            overdue_on: (self.overdue.as_deref() == Some("1")).then(|| state.clock.today()),
            assigned,
            label: text(&self.label),
            id: text(&self.q),
            sort: if self.sort.as_deref() == Some("newest") {
                InboxSort::Newest
            } else {
                InboxSort::Deadline
            },
            after: None,
            offset: (self.page.unwrap_or(1).max(1) - 1).saturating_mul(PAGE_SIZE),
            limit: PAGE_SIZE,
        }
    }

    /// This address with another page number, for the page links.
    fn with_page(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("page", page.to_string())];
        let mut keep = |name: &'static str, v: &Option<String>| {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                pairs.push((name, v.to_owned()));
            }
        };
        keep("status", &self.status);
        keep("overdue", &self.overdue);
        keep("assigned", &self.assigned);
        keep("label", &self.label);
        keep("q", &self.q);
        keep("sort", &self.sort);
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// The page numbers to link: the first, the last, and two either side of this one; `None`
/// stands for a gap.
fn page_links(page: usize, pages: usize) -> Vec<Option<usize>> {
    let listed = |n: usize| n == 1 || n == pages || n.abs_diff(page) <= 2;
    let mut links = Vec::new();
    for n in 1..=pages {
        // A gap would hide a single page: show that page instead.
        if listed(n) || (listed(n - 1) && listed(n + 1)) {
            links.push(Some(n));
        } else if links.last().is_some_and(Option::is_some) {
            links.push(None);
        }
    }
    links
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: PageLang,
    session: Result<DeskSession, PageError>,
    params: web::Query<InboxParams>,
) -> Result<HttpResponse, PageError> {
    let session = match session {
        Ok(session) => session,
        // An officer who must set up first is sent to their account, not to the login.
        Err(e) if matches!(e.failure, Failure::SetUpFirst) => return Err(e),
        Err(_) => return Ok(see_other(format!("{}/desk/login", lang.prefix()))),
    };
    let params = params.into_inner();
    let query = params.query(&state, &session);
    let overdue_query = InboxQuery {
        overdue_on: Some(state.clock.today()),
        status: StatusFilter::All,
        assigned: AssignedFilter::Anyone,
        label: None,
        id: None,
        offset: 0,
        limit: 0,
        ..query.clone()
    };
    let (found, overdue, sent, labels) = run(&state, lang, &session, move |desk| {
        Ok((
            desk.inbox_page(query)?,
            desk.inbox_page(overdue_query)?.total,
            desk.sent()?,
            desk.labels()?,
        ))
    })
    .await?;
    let pages = found.total.div_ceil(PAGE_SIZE).max(1);
    let page = params.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<_> = found
        .rows
        .iter()
        .map(|row| crate::web::desk::page::row_view(lang, row))
        .collect();
    let links: Vec<serde_json::Value> = page_links(page, pages)
        .into_iter()
        .map(|n| match n {
            Some(n) => {
                serde_json::json!({"n": n, "href": params.with_page(n), "current": n == page})
            }
            None => serde_json::json!({"gap": true}),
        })
        .collect();
    let officers = desk_officers(&state, &session);
    let statuses: Vec<serde_json::Value> = Status::ALL
        .iter()
        .map(|s| {
            serde_json::json!({
                "key": s.key(),
                "label": i18n::text(lang.lang, &format!("desk_status_{}", s.key())),
            })
        })
        .collect();
    let mut ctx = desk_context(&state, &req, lang, &session);
    ctx.insert("rows", &shown);
    ctx.insert("sent", &sent);
    ctx.insert(
        "total",
        &format::count(lang.lang, found.total as u64, "reports"),
    );
    ctx.insert("overdue", &overdue);
    ctx.insert("page", &page);
    ctx.insert("pages", &pages);
    ctx.insert("page_links", &links);
    ctx.insert(
        "prev_href",
        &params.with_page(page.saturating_sub(1).max(1)),
    );
    ctx.insert("next_href", &params.with_page((page + 1).min(pages)));
    ctx.insert("officers", &officers);
    ctx.insert("labels", &labels);
    ctx.insert("statuses", &statuses);
    ctx.insert("f_status", &params.status.clone().unwrap_or_default());
    ctx.insert("f_overdue", &(params.overdue.as_deref() == Some("1")));
    ctx.insert("f_assigned", &params.assigned.clone().unwrap_or_default());
    ctx.insert("f_label", &params.label.clone().unwrap_or_default());
    ctx.insert("f_q", &params.q.clone().unwrap_or_default());
    ctx.insert("f_sort", &params.sort.clone().unwrap_or_default());
    if let Some(done) = params.done {
        ctx.insert(
            "done",
            &format!("{} {done}", i18n::text(lang.lang, "desk_bulk_done")),
        );
    } else if params.transferred.is_some() {
        ctx.insert("done", &i18n::text(lang.lang, "desk_done_transfer"));
    }
    Ok(state
        .templates
        .page(StatusCode::OK, "desk_inbox.html", &ctx))
}

/// The names of the officers of the session's desk, for assignment.
pub fn desk_officers(state: &AppState, session: &DeskSession) -> Vec<String> {
    state
        .officers
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.desk == session.officer().desk)
        .map(|o| o.name)
        .collect()
}

/// A bulk action on the ticked reports: all of them change, or (one not found, a bad value)
/// none does. Back to the inbox with how many changed.
pub async fn bulk(
    state: web::Data<AppState>,
    lang: PageLang,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let ids: Vec<String> = form.all("ids").map(str::to_owned).collect();
    let action = match form.text("action") {
        "assign" => match form.text("officer") {
            "" => BulkAction::Assign(None),
            name => BulkAction::Assign(Some(name.to_owned())),
        },
        "label" => BulkAction::Label(form.text("label").to_owned()),
        "close" => BulkAction::Close,
        "spam" => BulkAction::Spam,
        _ => return Err(state.fail(lang, Failure::Invalid("desk_err_bulk_action"))),
    };
    let officers = desk_officers(&state, &form.session);
    let changed = run(&state, lang, &form.session, move |desk| {
        desk.bulk(&ids, &action, &officers)
    })
    .await?;
    Ok(see_other(format!("{}/desk/?done={changed}", lang.prefix())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_show_the_ends_and_the_neighbourhood_with_gaps_between() {
        let shown = |page, pages| {
            page_links(page, pages)
                .into_iter()
                .map(|n| n.map_or("…".to_owned(), |n| n.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(1, 5), "1 2 3 4 5");
        assert_eq!(shown(10, 21), "1 … 8 9 10 11 12 … 21");
        assert_eq!(shown(21, 21), "1 … 19 20 21");
    }
}
