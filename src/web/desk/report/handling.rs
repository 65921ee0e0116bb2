//! Who has a report and its labels, changed from the report's page: each form goes through the
//! desk's gates (session, then CSRF), calls the desk work of `desk::work::handling`, and ends in
//! a 303 back to the page.

use actix_web::{HttpResponse, web};

use super::actions::act;
use super::canned::Done;
use crate::web::desk::extractors::DeskForm;
use crate::web::desk::inbox::desk_officers;
use crate::web::state::AppState;
use crate::web::{PageError, PageLang};

/// One report to an officer of the desk, or to nobody, from its page.
pub async fn assign(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let to = Some(form.text("officer").to_owned()).filter(|n| !n.is_empty());
    let officers = desk_officers(&state, &form.session);
    act(
        &state,
        lang,
        &form.session,
        path.into_inner(),
        Done::Assignment,
        move |desk, record| desk.assign(&record, to.as_deref(), &officers),
    )
    .await
}

/// A label on one report, put on or taken off, from its page.
pub async fn label(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let label = form.text("label").to_owned();
    let add = form.text("remove") != "1";
    act(
        &state,
        lang,
        &form.session,
        path.into_inner(),
        Done::Label,
        move |desk, record| desk.label(&record, &label, add),
    )
    .await
}
