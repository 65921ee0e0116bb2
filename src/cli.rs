//! The `meldpunt` command line: parsing only; the work is done by the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
}
