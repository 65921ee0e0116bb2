//! The `meldpunt` command line: parsing only; the work is done by the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "meldpunt",
    version,
    about = "Anonymous reporting service for data-leak tips"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service. Without --config: demo mode on 127.0.0.1:8080 with data in ./data.
    #[command(
        after_help = "Examples:\n  meldpunt serve\n  meldpunt serve --config /etc/meldpunt/meldpunt.toml\n  meldpunt serve --data /var/lib/meldpunt --listen 127.0.0.1:8080"
    )]
    Serve {
        /// Configuration file (TOML). Without it the service runs in demo mode.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Data folder (default ./data); beats MELDPUNT_DATA and the file.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Address to listen on (default 127.0.0.1:8080); beats MELDPUNT_LISTEN and the file.
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Manage desk officers and their API tokens (run while the service is stopped).
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Delete closed reports whose retention has passed (the service also does this daily).
    #[command(
        after_help = "Example:\n  meldpunt purge --data /var/lib/meldpunt --config /etc/meldpunt/meldpunt.toml"
    )]
    Purge {
        #[command(flatten)]
        data: DataArg,
        /// Configuration file with the desks' retention days (demo desks keep 365 days).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

/// The data folder of an installation.
#[derive(Debug, Args)]
pub struct DataArg {
    /// Data folder of the installation (default ./data).
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum OfficerCommand {
    /// Add an officer: prints the TOTP enrolment (otpauth:// URI and a QR code).
    #[command(
        after_help = "Example:\n  printf '%s\\n' 'a long passphrase here' | meldpunt officer add --data /var/lib/meldpunt --desk ap --name j.devries --password-stdin"
    )]
    Add {
        #[command(flatten)]
        data: DataArg,
        /// The officer's desk (e.g. ap, om, hvk).
        #[arg(long)]
        desk: String,
        /// Login name.
        #[arg(long)]
        name: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List officers and their tokens.
    #[command(after_help = "Example:\n  meldpunt officer list --data /var/lib/meldpunt")]
    List {
        #[command(flatten)]
        data: DataArg,
    },
    /// Remove an officer and revoke their tokens.
    #[command(
        after_help = "Example:\n  meldpunt officer remove --data /var/lib/meldpunt --name j.devries"
    )]
    Remove {
        #[command(flatten)]
        data: DataArg,
        #[arg(long)]
        name: String,
    },
    /// Create an API token for an officer; the token is the last line printed.
    #[command(
        after_help = "Example:\n  meldpunt officer token --data /var/lib/meldpunt --name j.devries"
    )]
    Token {
        #[command(flatten)]
        data: DataArg,
        #[arg(long)]
        name: String,
    },
    /// Revoke an API token by its id (shown by `officer list` and `officer token`).
    #[command(
        after_help = "Example:\n  meldpunt officer revoke --data /var/lib/meldpunt --token-id 3f9a1c2b"
    )]
    Revoke {
        #[command(flatten)]
        data: DataArg,
        #[arg(long)]
        token_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify the hash chain: exit 0 when intact, non-zero naming the first bad entry.
    #[command(after_help = "Example:\n  meldpunt audit verify --data /var/lib/meldpunt")]
    Verify {
        #[command(flatten)]
        data: DataArg,
    },
}
