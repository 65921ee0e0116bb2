//! Logging set-up.
//!
//! Log lines carry no time stamp of their own (server-visible times are days, and journald adds
//! its own), and dependencies log at `warn` at most unless `MELDPUNT_LOG` says otherwise. What our
//! code logs is decided in `web::trace`: never an address, user agent, query string, receipt or
//! content.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// The filter used when `MELDPUNT_LOG` is not set.
pub const DEFAULT_FILTER: &str = "warn,meldpunt=info";

/// Installs the global subscriber writing to `writer`. Returns false if one was already set.
pub fn init<W>(filter: &str, writer: W) -> bool
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .without_time()
        .with_ansi(false)
        .with_writer(writer)
        .try_init()
        .is_ok()
}
