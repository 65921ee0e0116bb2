//! Building and running the application: open storage, load templates, bind the two listeners.
//!
//! The reporters and the desk have separate doors: `listen` serves the reporter's pages only
//! (every `/desk` path answers 404 there, as if there were no desk), `desk_listen` serves the
//! desk area and its API only. The public address then never reaches an officer login (Argon2)
//! or the API, and the desk's address can sit behind a Tor onion service with client
//! authorisation. Tests bind port 0 and read the real ports from [`Application::port`] and
//! [`Application::desk_port`].

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};

use crate::audit::{AuditError, AuditLog};
use crate::config::Settings;
use crate::desk;
use crate::desk::officers::Officers;
use crate::domain::{Clock, SystemClock};
use crate::kdf::ArgonPool;
use crate::store::{StartedWith, Store};
use crate::web::desk as desk_area;
use crate::web::reporter;
use crate::web::state::AppState;
use crate::web::{Templates, bounds, headers, methods, origin, render, trace};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Templates(String),
    #[error("cannot open the data folder: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("another meldpunt service is running on this data folder")]
    InUse,
    #[error("cannot prepare demo desks: {0}")]
    Demo(std::io::Error),
    #[error("cannot open the officers' records or the audit log: {0}")]
    Officers(String),
    #[error("desk {desk}: the service cannot encrypt to its recipients: {message}")]
    Recipients { desk: String, message: String },
    #[error("{0}")]
    Notify(#[from] crate::notify::NotifyError),
    #[error("the server stopped: {0}")]
    Run(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    /// Held while the service runs: one service per data folder (the admin commands need none).
    _serving: std::fs::File,
    /// Where the two doors listen: the server's own addresses, never a visitor's.
    listen: SocketAddr,
    desk_listen: SocketAddr,
    server: Server,
    desk_server: Server,
    state: web::Data<AppState>,
    /// The relay of `[notify]`, made at start so that unusable mail settings stop the start.
    mailer: Option<Arc<crate::notify::Mailer>>,
}

/// Stops both listeners of a running [`Application`].
#[derive(Clone)]
pub struct Handle {
    reporters: actix_web::dev::ServerHandle,
    desk: actix_web::dev::ServerHandle,
}

impl Handle {
    pub async fn stop(&self, graceful: bool) {
        futures_util::future::join(self.reporters.stop(graceful), self.desk.stop(graceful)).await;
    }
}

/// Binds `addr`, returning the listener and the address it got (the port, when `addr` asked for
/// port 0).
fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), StartError> {
    let failed = |source| StartError::Bind { addr, source };
    let listener = TcpListener::bind(addr).map_err(failed)?;
    let bound = listener.local_addr().map_err(failed)?;
    Ok((listener, bound))
}

impl Application {
    pub fn build(settings: Settings) -> Result<Application, StartError> {
        Self::build_with_clock(settings, Arc::new(SystemClock))
    }

    pub fn build_with_clock(
        mut settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Application, StartError> {
        crate::private::create_dir_all(&settings.data).map_err(StartError::Demo)?;
        // A folder an older version (or a hand) made 0755 is closed: it holds password hashes.
        crate::private::tighten_dir(&settings.data).map_err(StartError::Demo)?;
        if settings.demo {
            crate::demo::prepare(&mut settings).map_err(StartError::Demo)?;
            tracing::warn!(
                "DEMO MODE: no --config given; throwaway desk identities are in {}/demo-keys. \
                 Never use this for real reports.",
                settings.data.display()
            );
        }
        for desk in &settings.desks {
            crate::seal::check_encrypts(&desk.recipients).map_err(|message| {
                StartError::Recipients {
                    desk: desk.id.to_string(),
                    message,
                }
            })?;
        }
        let mailer = match &settings.notify {
            Some(notify) => Some(Arc::new(crate::notify::Mailer::new(notify)?)),
            None => None,
        };
        let templates = Templates::load(settings.demo, settings.onion_address.clone())
            .map_err(StartError::Templates)?;
        let serving = serve_lock(&settings.data)?;
        let store = Store::open(&settings.data)?;
        store.recover()?;
        if let Err(e) = store.record_start(&StartedWith::of(&settings)) {
            // Only the admin commands read it; a full disk must not keep the service down.
            tracing::warn!(error = %e, "could not record the configured desks");
        }
        let receipt_salt = Arc::new(secrecy::SecretSlice::from(store.install_salt()?));
        let argon = ArgonPool::new(settings.kdf.workers, settings.kdf.queue)
            .map_err(|e| StartError::Officers(format!("the Argon2 workers did not start: {e}")))?;
        let sessions = reporter::session::reporter_sessions(&settings.session);
        let store = Arc::new(store);
        let officers =
            Officers::open(store.clone()).map_err(|e| StartError::Officers(e.to_string()))?;
        let audit = match AuditLog::open(&settings.data) {
            // The store may have opened without the reserve; the audit log gets it then.
            Err(AuditError::DiskFull) if store.release_reserve() => AuditLog::open(&settings.data),
            other => other,
        }
        .map_err(|e| StartError::Officers(e.to_string()))?;
        // Starting made folders and files at the top of the data folder (the lock, the demo
        // keys): their times are set back to a midnight like every other.
        let data = &settings.data;
        crate::store::times::blur_today([
            data.join("serve.lock"),
            data.join("demo-keys"),
            data.clone(),
        ]);
        let (listener, listen) = bind(settings.listen)?;
        let (desk_listener, desk_listen) = bind(settings.desk_listen)?;
        let onion = settings.onion_address.clone();
        let desks: Arc<[crate::config::DeskSettings]> = settings.desks.clone().into();
        let upload_slots = crate::web::state::UploadSlots::new(settings.connections.uploads);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        // actix counts connections per worker; the settings count them for the whole door.
        let reporter_connections = settings.connections.reporters.div_ceil(workers).max(1);
        let desk_connections = settings.connections.desk.max(1);
        let state = web::Data::new(AppState {
            settings,
            store,
            argon,
            receipt_salt,
            templates: Arc::new(templates),
            sessions,
            once: Default::default(),
            officer_sessions: desk_area::session::officer_sessions(),
            officers,
            audit: Arc::new(audit),
            clock,
            upload_slots,
            desks,
        });
        let app_state = state.clone();
        let reporters_onion = onion.clone();
        let server = HttpServer::new(move || {
            let onion = reporters_onion.clone();
            App::new()
                .app_data(app_state.clone())
                .wrap(from_fn(bounds::bounded_bodies))
                .wrap(from_fn(origin::same_origin_posts))
                .wrap(from_fn(move |req, next| {
                    headers::security_headers(onion.clone(), req, next)
                }))
                .wrap(from_fn(trace::reporter_span))
                .service(methods::page("/static/style.css").get(stylesheet))
                .configure(reporter::routes)
                .service(web::scope("/en").configure(reporter::routes))
                .service(web::scope("/nl").configure(reporter::routes))
                // Every /desk path too: on this door there is no desk.
                .default_service(web::to(reporter::not_found))
        })
        .workers(workers)
        .max_connections(reporter_connections)
        // Signals are ours (see `run_until_stopped`): one stop for both doors.
        .disable_signals()
        .listen(listener)
        .map_err(|source| StartError::Bind {
            addr: listen,
            source,
        })?
        .run();
        let desk_state = state.clone();
        let desk_server = HttpServer::new(move || {
            let onion = onion.clone();
            App::new()
                .app_data(desk_state.clone())
                .wrap(from_fn(bounds::bounded_bodies))
                .wrap(from_fn(origin::same_origin_posts))
                .wrap(from_fn(move |req, next| {
                    headers::security_headers(onion.clone(), req, next)
                }))
                .wrap(from_fn(trace::desk_span))
                .service(methods::page("/static/style.css").get(stylesheet))
                .service(web::scope("/desk/api/v1").configure(desk_area::api::routes))
                .service(web::scope("/desk").configure(desk_area::routes))
                .service(web::scope("/en/desk").configure(desk_area::routes))
                .service(web::scope("/nl/desk").configure(desk_area::routes))
                .default_service(web::to(HttpResponse::NotFound))
        })
        // A handful of officers: one worker is plenty, and leaves the cores to the reporters.
        .workers(1)
        .max_connections(desk_connections)
        .disable_signals()
        .listen(desk_listener)
        .map_err(|source| StartError::Bind {
            addr: desk_listen,
            source,
        })?
        .run();
        Ok(Application {
            _serving: serving,
            listen,
            desk_listen,
            server,
            desk_server,
            state,
            mailer,
        })
    }

    pub fn port(&self) -> u16 {
        self.listen.port()
    }

    pub fn desk_port(&self) -> u16 {
        self.desk_listen.port()
    }

    /// A handle that stops both listeners (tests restart on the same data folder with it).
    pub fn handle(&self) -> Handle {
        Handle {
            reporters: self.server.handle(),
            desk: self.desk_server.handle(),
        }
    }

    /// Shared state, for tests that write replies through the library.
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until a signal or a [`Handle`] stops both doors. The log says when it starts, with
    /// the version and the addresses (scripts and tests read the ports from it), and when it has
    /// stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(
            version = %env!("CARGO_PKG_VERSION"),
            listen = %self.listen,
            desk_listen = %self.desk_listen,
            "listening"
        );
        let state = self.state.clone();
        actix_web::rt::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            let mut last_purge = None;
            let mut minutes = 0u32;
            loop {
                tick.tick().await;
                minutes += 1;
                if minutes.is_multiple_of(60) {
                    super::trace::log_reporter_hour();
                    // Failed logins are counted, not logged one by one (nor audited on names
                    // that are no officer's): a flood must not fill the disk.
                    let logins = state.officers.take_login_totals();
                    tracing::info!(
                        failed = logins.failed,
                        refused = logins.refused,
                        "officer logins that failed, or were refused unchecked, in the last hour"
                    );
                }
                state.sessions.sweep();
                state.officer_sessions.sweep();
                let worker = state.clone();
                // Best effort: the reserve comes back once the disk has room again.
                let _ = web::block(move || worker.store.keep_reserve()).await;
                let today = state.clock.today();
                if last_purge != Some(today) {
                    last_purge = Some(today);
                    daily_purge(&state).await;
                }
            }
        });
        if let (Some(mailer), Some(notify)) = (self.mailer.clone(), &self.state.settings.notify) {
            let hour = notify.hour;
            let state = self.state.clone();
            actix_web::rt::spawn(super::digest::digest_loop(state, mailer, hour));
        }
        // SIGTERM or SIGINT stops both doors gracefully (each server alone would stop only
        // itself); a handle does the same in tests.
        let handle = self.handle();
        actix_web::rt::spawn(async move {
            let signal = stop_signal().await;
            tracing::info!(signal, "stopping");
            handle.stop(true).await;
        });
        // Both run until stopped; either failing stops the service.
        futures_util::future::try_join(self.server, self.desk_server).await?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Waits for SIGTERM or SIGINT and names it (forever, if they cannot be watched: a handle still
/// stops).
async fn stop_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            }
        }
        _ => std::future::pending().await,
    }
}

/// Takes `DATA/serve.lock`, so that a second service on the same folder is refused: two would
/// each sweep the other's uploads as crash leftovers. The lock goes with the process.
fn serve_lock(data: &std::path::Path) -> Result<std::fs::File, StartError> {
    let file = crate::private::file_options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data.join("serve.lock"))
        .map_err(|e| StartError::Store(e.into()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::InUse),
        Err(std::fs::TryLockError::Error(e)) => Err(StartError::Store(e.into())),
    }
}

/// Runs retention once; failures are logged and retried the next day.
async fn daily_purge(state: &web::Data<AppState>) {
    let worker = state.clone();
    let result = web::block(move || {
        let clock = &worker.clock;
        desk::retention::purge(
            &worker.store,
            &worker.audit,
            &StartedWith::of(&worker.settings).desks,
            clock.today(),
            clock.now_unix(),
        )
    })
    .await;
    match result {
        Ok(Ok(deleted)) if !deleted.is_empty() => {
            tracing::info!(count = deleted.len(), "retention: closed reports deleted")
        }
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "retention purge failed"),
        Err(e) => tracing::warn!(error = %e, "retention purge did not run"),
    }
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .body(render::STYLESHEET)
}
