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
    /// Run the web service. Without --config: demo mode on 127.0.0.1:8080 (reporters) and
    /// 127.0.0.1:8081 (the desk) with data in ./data.
    #[command(
        after_help = "Examples:\n  meldpunt serve\n  meldpunt serve --config /etc/meldpunt/meldpunt.toml\n  meldpunt serve --data /var/lib/meldpunt --listen 127.0.0.1:8080 --desk-listen 127.0.0.1:8081"
    )]
    Serve {
        /// Configuration file (TOML). Without it the service runs in demo mode.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Data folder (default ./data); beats MELDPUNT_DATA and the file.
        #[arg(long)]
        data: Option<PathBuf>,
        /// The reporters' address (default 127.0.0.1:8080); beats MELDPUNT_LISTEN and the file.
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// The desk's address, for the desk area and the API only (default 127.0.0.1:8081);
        /// beats MELDPUNT_DESK_LISTEN and the file.
        #[arg(long)]
        desk_listen: Option<SocketAddr>,
    },
    /// Offline: make a new desk identity and print its age1… recipient.
    #[command(
        after_help = "Examples:\n  meldpunt keygen --out ap-desk.key\n  meldpunt keygen --out ap-desk.key.age --passphrase   # asks for a passphrase"
    )]
    Keygen {
        /// Where to write the identity (never overwritten; mode 0600).
        #[arg(long)]
        out: PathBuf,
        /// Protect the file with a passphrase (asked for on the terminal, like `age -p`).
        #[arg(long)]
        passphrase: bool,
    },
    /// Offline: check and decrypt a bundle into a new folder, with safe file names.
    #[command(
        after_help = "Example:\n  meldpunt open report-3f9a1c2b.tar --identity ap-desk.key --out ~/cases/3f9a1c2b"
    )]
    Open {
        /// The bundle (.tar) downloaded from the desk area or the API.
        bundle: PathBuf,
        /// The desk's identity file (plain, passphrase-protected, or plugin).
        #[arg(long)]
        identity: PathBuf,
        /// A folder to write into; it must not exist yet or be empty.
        #[arg(long)]
        out: PathBuf,
        /// Stop writing after this many MiB of decrypted data, so a bundle cannot fill the disk.
        #[arg(long, default_value_t = 4096)]
        max_mib: u64,
    },
    /// Offline: encrypt a reply to the reporter (and the desk) for upload.
    #[command(
        after_help = "Example:\n  meldpunt seal-reply --bundle report-3f9a1c2b.tar --identity ap-desk.key --desks meldpunt.toml --message reply.txt --out reply-3f9a1c2b.tar"
    )]
    SealReply {
        /// The report's bundle (its tip tells the reporter's recipient).
        #[arg(long)]
        bundle: PathBuf,
        #[arg(long)]
        identity: PathBuf,
        /// The trusted desk directory: the server's meldpunt.toml, or its [[desk]] tables.
        #[arg(long)]
        desks: PathBuf,
        /// A text file with the reply.
        #[arg(long)]
        message: PathBuf,
        /// Where to write the reply package (.tar); never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
    /// Offline: re-seal a whole report for another desk, as a package the server accepts.
    #[command(
        long_about = "Offline: re-seal a whole report for another desk, as a package the server accepts.\n\nThe new desk's recipients come from the trusted desk directory (--desks), never from the command line: a copy of the server's meldpunt.toml, or a file with only its [[desk]] tables (id and recipients), brought to this machine like the desk key. The server refuses a package whose recipients are not exactly the desk's configured ones. Every item keeps its id, so attachment names survive. After the upload the old ciphertexts are kept until the new desk downloads the report (at most 14 days): until then the sending desk can take it back.",
        after_help = "Example:\n  meldpunt transfer --bundle report-3f9a1c2b.tar --identity ap-desk.key --desks meldpunt.toml --to-desk om --out transfer-3f9a1c2b.tar\n\nA desk directory holding only what is needed:\n  [[desk]]\n  id = \"om\"\n  recipients = [\"age1…\", \"age1…\"]"
    )]
    Transfer {
        /// The whole report's bundle, downloaded from the desk area or the API.
        #[arg(long)]
        bundle: PathBuf,
        /// The current desk's identity file.
        #[arg(long)]
        identity: PathBuf,
        /// The trusted desk directory: the server's meldpunt.toml, or its [[desk]] tables.
        #[arg(long)]
        desks: PathBuf,
        /// The new desk's id, as configured on the server (e.g. om).
        #[arg(long)]
        to_desk: String,
        /// Where to write the transfer package (.tar); never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
    /// Offline: re-seal a whole report for its own desk's current recipients (key rotation).
    #[command(
        long_about = "Offline: re-seal a whole report for its own desk's current recipients (key rotation).\n\nAfter an officer leaves, remove their key from the desk's recipients in the server's configuration, restart the service, bring the new configuration to this machine, and re-seal each report with a key that still opens it. The recipients come from the trusted desk directory (--desks). Upload the package like a transfer: the server checks it against its configuration and replaces the old ciphertexts at once (they are not kept, or the retired key would still open them).",
        after_help = "Example:\n  meldpunt rekey --bundle report-3f9a1c2b.tar --identity ap-desk.key --desks meldpunt.toml --out rekey-3f9a1c2b.tar"
    )]
    Rekey {
        /// The whole report's bundle, downloaded from the desk area or the API.
        #[arg(long)]
        bundle: PathBuf,
        /// An identity that still opens the report.
        #[arg(long)]
        identity: PathBuf,
        /// The trusted desk directory: the server's meldpunt.toml, or its [[desk]] tables.
        #[arg(long)]
        desks: PathBuf,
        /// Where to write the package (.tar); never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
    /// Manage desk officers and their API tokens (also while the service runs).
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The officers' daily digest mail ([notify] in the configuration).
    #[command(subcommand)]
    Digest(DigestCommand),
    /// Write an encrypted, consistent backup of a data folder, while the service runs.
    #[command(
        long_about = "Write an encrypted, consistent backup of a data folder, while the service runs.\n\nThe backup is one age file encrypted to --recipient (the operator's backup key, made with `meldpunt keygen` and kept off the server): the install salt, both databases (they hold officer password hashes and TOTP secrets), the demo keys if any, and every report's ciphertexts as they are. It is written beside --out and put in place only when whole; an existing --out is never overwritten.",
        after_help = "Example:\n  meldpunt backup --data /var/lib/meldpunt --out /var/backups/meldpunt/2026-12-06.age --recipient age1…"
    )]
    Backup {
        #[command(flatten)]
        data: DataArg,
        /// The backup file to write (it must not exist yet).
        #[arg(long)]
        out: PathBuf,
        /// The backup key's recipient (age1…); give it more than once for several keys.
        #[arg(long, required = true)]
        recipient: Vec<String>,
    },
    /// Restore a backup into a new folder and check that everything in it is whole.
    #[command(
        long_about = "Restore a backup into a new folder and check that everything in it is whole.\n\nThe folder must not exist or be empty. Every file is checked against the backup's listing (size and SHA-256), every file the records name must be there as an age file of the recorded size, no other file may be, and the audit chain must be intact up to the entry the backup recorded. Exit 0 only when all of that holds; otherwise the problems are listed and the folder must not be served.",
        after_help = "Example:\n  meldpunt restore --from /var/backups/meldpunt/2026-12-06.age --identity backup.key --data /var/lib/meldpunt-restored"
    )]
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// The backup key's identity file (plain, passphrase-protected, or plugin).
        #[arg(long)]
        identity: PathBuf,
        /// The new data folder (must not exist, or be empty).
        #[arg(long)]
        data: PathBuf,
    },
    /// Delete closed reports whose retention has passed (the service also does this daily).
    #[command(
        after_help = "Example:\n  meldpunt purge --data /var/lib/meldpunt --config /etc/meldpunt/meldpunt.toml"
    )]
    Purge {
        #[command(flatten)]
        data: DataArg,
        /// Configuration file with the desks' retention days (default: the desks the service last started with).
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
        /// The configuration to check --desk against [default: the service's last start]
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Make the officer an admin: they manage the officers of every desk in the browser
        /// (never another desk's reports).
        #[arg(long)]
        admin: bool,
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
        /// Days the token works; after that the API refuses it.
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
    },
    /// Set (or with --clear remove) the address an officer's daily digest mail goes to.
    #[command(
        after_help = "Examples:\n  meldpunt officer email --data /var/lib/meldpunt --name j.devries --address j.devries@autoriteitpersoonsgegevens.nl\n  meldpunt officer email --data /var/lib/meldpunt --name j.devries --clear"
    )]
    Email {
        #[command(flatten)]
        data: DataArg,
        /// The officer's login name.
        #[arg(long)]
        name: String,
        /// The officer's work mail address.
        #[arg(long, required_unless_present = "clear", conflicts_with = "clear")]
        address: Option<String>,
        /// Remove the officer's address: no more digests for them.
        #[arg(long)]
        clear: bool,
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
pub enum DigestCommand {
    /// Send today's digest now to every officer with an address, whatever the hour (to test the
    /// mail settings); the service's own daily digest still goes out as usual.
    #[command(
        after_help = "Example:\n  meldpunt digest send --data /var/lib/meldpunt --config /etc/meldpunt/meldpunt.toml"
    )]
    Send {
        #[command(flatten)]
        data: DataArg,
        /// The configuration with the [notify] section and the desks.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify the hash chain: exit 0 when intact, non-zero naming the first bad entry.
    #[command(
        long_about = "Verify the hash chain: exit 0 when intact, non-zero naming the first bad entry.\n\nAlso fails when the log is empty or lacks the entry that added an officer who exists (a log emptied or shortened from its start), and with --expect when the chain does not end in the hash you kept off the server (a log rewritten whole).",
        after_help = "Examples:\n  meldpunt audit verify --data /var/lib/meldpunt\n  meldpunt audit verify --data /var/lib/meldpunt --expect 3f9a…"
    )]
    Verify {
        #[command(flatten)]
        data: DataArg,
        /// The hash the last entry must have: the one printed by an earlier verify or backup.
        #[arg(long, value_name = "HASH")]
        expect: Option<String>,
    },
    /// Print every entry as one JSON object per line (time, officer, action, report, reason).
    #[command(
        after_help = "Example:\n  meldpunt audit export --data /var/lib/meldpunt > audit.jsonl"
    )]
    Export {
        #[command(flatten)]
        data: DataArg,
    },
}
