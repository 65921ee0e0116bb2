//! Logging set-up: one line per event on standard error, as plain text or, with
//! `MELDPUNT_LOG_FORMAT=json`, as one JSON object per line.
//!
//! Log lines carry no time stamp of their own (server-visible times are days, and journald adds
//! its own), and dependencies log at `warn` at most unless `MELDPUNT_LOG` says otherwise. Under
//! systemd, when standard error is the journal (`JOURNAL_STREAM` names it, see `man sd-daemon`),
//! each line starts with its syslog priority (`<3>` error, `<4>` warning, `<6>` info, `<7>` debug),
//! which journald takes off and files the line under: `journalctl -p warning` then works. The
//! variable alone is not enough: a program started from a shell in a systemd session inherits it
//! with standard error on a terminal, so the stream it names must be standard error itself.
//!
//! What our code logs is decided in `web::trace`: never an address, user agent, query string,
//! receipt or content, in either format.

use std::fmt;
use std::io::IsTerminal;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields, JsonFields};
use tracing_subscriber::fmt::{FmtContext, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// The filter used when `MELDPUNT_LOG` is not set.
pub const DEFAULT_FILTER: &str = "warn,meldpunt=info";

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// `LEVEL target: message field=value …`
    #[default]
    Text,
    /// One JSON object per line: `level`, `fields` (with `message`), `target`, and the spans.
    Json,
}

/// Where and how the log goes: the format, and whether each line gets a journald priority.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub journal: bool,
}

impl Output {
    /// The output this process's environment asks for: `MELDPUNT_LOG_FORMAT` (`text`, the
    /// default, or `json`) and whether standard error is the journal. An unknown format is
    /// refused with a message naming the variable.
    pub fn from_env() -> Result<Output, String> {
        let format = match std::env::var("MELDPUNT_LOG_FORMAT") {
            Err(std::env::VarError::NotPresent) => Format::Text,
            Ok(value) => match value.as_str() {
                "text" | "" => Format::Text,
                "json" => Format::Json,
                other => {
                    return Err(format!(
                        "MELDPUNT_LOG_FORMAT={other:?} is not a log format: use \"text\" or \"json\""
                    ));
                }
            },
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err("MELDPUNT_LOG_FORMAT is not text: use \"text\" or \"json\"".into());
            }
        };
        let journal = std::env::var("JOURNAL_STREAM")
            .ok()
            .is_some_and(|stream| is_journal(&stream, stderr_identity()));
        Ok(Output { format, journal })
    }

    /// Writes a last word (why the command failed) to standard error, in this output's format,
    /// whatever the filter: `meldpunt: …`, a JSON object, with the error priority in the journal.
    pub fn fatal(&self, message: &str) {
        let prefix = if self.journal { "<3>" } else { "" };
        let line = format!("meldpunt: {message}");
        match self.format {
            Format::Text => eprintln!("{prefix}{line}"),
            Format::Json => {
                let object = serde_json::json!({
                    "level": "ERROR",
                    "fields": { "message": line },
                    "target": "meldpunt",
                });
                eprintln!("{prefix}{object}");
            }
        }
    }
}

/// Standard error's device and inode, if it can be looked at.
fn stderr_identity() -> Option<(u64, u64)> {
    let stderr = std::io::stderr();
    // A terminal is never the journal; spare the look.
    if stderr.is_terminal() {
        return None;
    }
    let fd = stderr.as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    Some((meta.dev(), meta.ino()))
}

/// Whether `JOURNAL_STREAM` (`DEVICE:INODE`) names the stream whose identity is `stderr`.
fn is_journal(stream: &str, stderr: Option<(u64, u64)>) -> bool {
    let named = stream
        .split_once(':')
        .and_then(|(dev, ino)| Some((dev.parse().ok()?, ino.parse().ok()?)));
    named.is_some() && named == stderr
}

/// The syslog priority journald reads from the start of a line (`man sd-daemon`).
fn priority(level: Level) -> u8 {
    match level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        Level::DEBUG | Level::TRACE => 7,
    }
}

/// Another event format with the journal priority written before each line, when asked for.
struct Prioritised<E> {
    journal: bool,
    inner: E,
}

impl<S, N, E> FormatEvent<S, N> for Prioritised<E>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    E: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: format::Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        if self.journal {
            write!(writer, "<{}>", priority(*event.metadata().level()))?;
        }
        self.inner.format_event(ctx, writer, event)
    }
}

/// Installs the global subscriber writing `output` to `writer`. Returns false if one was
/// already set.
pub fn init<W>(filter: &str, output: Output, writer: W) -> bool
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer);
    let journal = output.journal;
    let installed = match output.format {
        Format::Text => builder
            .event_format(Prioritised {
                journal,
                inner: format().without_time(),
            })
            .try_init(),
        Format::Json => builder
            .fmt_fields(JsonFields::new())
            .event_format(Prioritised {
                journal,
                inner: format().json().without_time(),
            })
            .try_init(),
    };
    installed.is_ok()
}

fn format() -> format::Format {
    format::format().with_ansi(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_stream_standard_error_is_counts_as_the_journal() {
        assert!(is_journal("2049:1234", Some((2049, 1234))));
        assert!(!is_journal("2049:1234", Some((2049, 1235))));
        assert!(!is_journal("2049:1234", None));
        for garbage in ["", "1", "a:b", "1:2:3", ":"] {
            assert!(!is_journal(garbage, Some((1, 2))), "{garbage:?}");
        }
    }

    #[test]
    fn levels_map_to_the_syslog_priorities_journald_reads() {
        let got: Vec<u8> = [
            Level::ERROR,
            Level::WARN,
            Level::INFO,
            Level::DEBUG,
            Level::TRACE,
        ]
        .into_iter()
        .map(priority)
        .collect();
        assert_eq!(got, [3, 4, 6, 7, 7]);
    }
}
