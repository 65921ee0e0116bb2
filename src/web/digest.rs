//! The service's daily digest: a loop of its own, so a slow relay never holds up the purge,
//! the session sweeps or a request. Once a minute it asks whether the configured local hour has
//! come; if so, the officers whose digest of this local day has not gone out get it, on a
//! blocking thread, and each one the relay accepts is recorded in the database (a restart does
//! not send it twice). When the relay fails for anyone, the next attempt waits ten minutes and
//! goes only to those still owed that day's digest; a day that ends without a delivery is not
//! sent later — the next day's digest replaces it.
//!
//! The log says how many officers got it, or that it failed and why; never an address.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;

use crate::notify::{self, Mailer, Recipients, schedule};
use crate::web::state::AppState;

/// How long after a failed delivery the next attempt waits.
const RETRY_AFTER_SECS: u64 = 600;

pub(super) async fn digest_loop(state: web::Data<AppState>, mailer: Arc<Mailer>, hour: u8) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    let mut next_try = 0;
    loop {
        tick.tick().await;
        let now = state.clock.now_unix();
        let Some(day) = schedule::due_day(now, hour) else {
            continue;
        };
        if now < next_try {
            continue;
        }
        let worker = state.clone();
        let mailer = mailer.clone();
        let result = web::block(move || {
            notify::send_digests(
                &mailer,
                &worker.store,
                &worker.officers,
                &worker.desks,
                worker.clock.today(),
                Recipients::DueOn(day),
            )
        })
        .await;
        let failure = match result {
            Ok(Ok(delivery)) => {
                if delivery.sent > 0 {
                    tracing::info!(count = delivery.sent, "digest sent to officers");
                }
                delivery
                    .failed
                    .first()
                    .map(|(_, e)| format!("{} officer(s): {e}", delivery.failed.len()))
            }
            Ok(Err(e)) => Some(e.to_string()),
            Err(e) => Some(e.to_string()),
        };
        if let Some(reason) = failure {
            tracing::warn!(%reason, "digest failed; trying again in ten minutes");
            next_try = now + RETRY_AFTER_SECS;
        }
    }
}
