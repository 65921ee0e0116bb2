//! The report page's delete form: one item, or the whole report (the `item` field left empty),
//! with a reason and a confirmation box — without the box ticked nothing is deleted, since a
//! deletion cannot be undone. A deleted report sends the officer back to the inbox.

use actix_web::{HttpResponse, web};

use crate::desk::work::DeskError;
use crate::web::desk::extractors::DeskForm;
use crate::web::desk::page::{see_other, with_report};
use crate::web::state::AppState;
use crate::web::{PageError, PageLang};

pub async fn delete(
    state: web::Data<AppState>,
    lang: PageLang,
    path: web::Path<String>,
    form: DeskForm,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let item = form.text("item").trim().to_owned();
    let reason = form.text("reason").to_owned();
    let confirmed = form.text("confirm") == "yes";
    let whole = item.is_empty();
    let page = match whole {
        true => format!("{}/desk/", lang.prefix()),
        false => format!("{}/desk/reports/{id}", lang.prefix()),
    };
    with_report(&state, lang, &form.session, id, move |desk, record| {
        if !confirmed {
            return Err(DeskError::Invalid("desk_err_delete_confirm"));
        }
        match whole {
            true => desk.delete_report(&record, &reason),
            false => desk.delete_item(&record, &item, &reason),
        }
    })
    .await?;
    Ok(see_other(page))
}
