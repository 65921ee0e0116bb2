//! Fills a data folder with many reports for the inbox benchmark (`bench/inbox.py`), through the
//! library's own store: each report gets a fresh receipt's lookup key and reporter recipient, one
//! small message sealed with age to its desk's demo key, and a record as the service writes it,
//! made durable by `Store::create_report` exactly as a tip is. The folder is prepared the way
//! `meldpunt serve --data DIR` prepares a demo folder (demo keys, the start's desks), so the
//! service opens it as it is. Not a test.
//!
//! Reports are spread over the three demo desks (about 80 % at `ap`), received days over the
//! last two years, with a mix of statuses (older ones more often closed), about a third assigned
//! to one of a few officer names and about a quarter labelled; closed ones were closed within their
//! desk's retention, so the service's purge keeps them all. The spread comes from a fixed
//! seed, so two fills of the same size look alike (the ids are random).
//!
//!     cargo run --release --example fill_reports -- --data DIR --count 100000 [--threads 8]

use std::error::Error;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use meldpunt::config::{self, DeskSettings, Overrides};
use meldpunt::domain::{Day, ReportId};
use meldpunt::receipt::{self, ReceiptCode, ReceiptKdf};
use meldpunt::seal;
use meldpunt::store::{
    ItemKind, ItemRecord, ReportRecord, StartedWith, Status, StatusEvent, Store,
};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Officer names reports are assigned to; `bench` is the one `bench/inbox.py` logs in as.
const OFFICERS: [&str; 4] = ["bench", "jansen", "de-vries", "bakker"];
const LABELS: [&str; 5] = ["urgent", "zorg", "overheid", "bank", "telecom"];
const DAYS_SPREAD: u64 = 730;

struct Args {
    data: PathBuf,
    count: usize,
    threads: usize,
}

fn args() -> Result<Args> {
    let mut data = None;
    let (mut count, mut threads) = (100_000, 8);
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => data = Some(PathBuf::from(value)),
            "--count" => count = value.parse()?,
            "--threads" => threads = value.parse::<usize>()?.max(1),
            _ => return Err(format!("unknown flag {flag}").into()),
        }
    }
    let data = data.ok_or("--data DIR is required")?;
    Ok(Args {
        data,
        count,
        threads,
    })
}

/// A small, fast, seeded generator (SplitMix64): the spread, not a secret.
struct Spread(u64);

impl Spread {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(from.len() as u64)).unwrap_or(0);
        from.get(i).copied().unwrap_or_default()
    }
}

/// The record of the `n`-th report (without its items), as the service would have it by now.
fn record(
    n: usize,
    today: Day,
    desks: &[DeskSettings],
    reporter_recipient: String,
) -> Result<ReportRecord> {
    let mut spread = Spread(n as u64);
    let desk = match spread.below(10) {
        0 => "om",
        1 => "hvk",
        _ => "ap",
    };
    let desk = desks
        .iter()
        .find(|d| d.id.as_str() == desk)
        .ok_or("a demo desk is missing")?;
    let age = spread.below(DAYS_SPREAD);
    let received = Day(today.0 - age as i64);
    // Recent reports are mostly still open, those over a few months old mostly closed.
    let roll = spread.below(100);
    let status = match (age, roll) {
        (0..=14, 0..=59) | (15..=120, 0..=9) | (121.., 0..=1) => Status::Received,
        (0..=14, 60..=84) | (15..=120, 10..=29) | (121.., 2..=4) => Status::Acknowledged,
        (0..=14, _) | (15..=120, 30..=64) | (121.., 5..=9) => Status::InProgress,
        (15..=120, 65..=79) | (121.., 10..=24) => Status::FeedbackGiven,
        _ => Status::Closed,
    };
    let steps: &[Status] = match status {
        Status::Received => &[],
        Status::Acknowledged => &[Status::Acknowledged],
        Status::InProgress => &[Status::Acknowledged, Status::InProgress],
        Status::FeedbackGiven => &[Status::Acknowledged, Status::FeedbackGiven],
        Status::Closed => &[Status::Acknowledged, Status::FeedbackGiven, Status::Closed],
    };
    // Closed within the desk's retention: the service's daily purge (which runs when it starts)
    // would delete a report closed longer ago, and the folder would shrink under the benchmark.
    let kept_since = today.0 - i64::from(desk.retention_days) + 5;
    let history = steps
        .iter()
        .enumerate()
        .map(|(i, &status)| {
            let mut day = received.0 + 3 * (i as i64 + 1);
            if status == Status::Closed {
                day = day.max(kept_since);
            }
            StatusEvent {
                day: Day(day.min(today.0)),
                status,
                reason: None,
            }
        })
        .collect();
    let mut record = ReportRecord {
        id: ReportId::random(),
        desk: desk.id.clone(),
        received,
        status,
        reporter_recipient,
        kdf: ReceiptKdf::CURRENT,
        items: Vec::new(),
        history,
        extension: None,
        forwarded_from: None,
        downloaded: Default::default(),
        first_received: None,
        previous: None,
        swap: None,
        removed: Vec::new(),
        unreadable: Vec::new(),
        handling: Default::default(),
    };
    if spread.below(3) == 0 {
        record.handling.assigned = Some(spread.pick(&OFFICERS).to_owned());
    }
    if spread.below(4) == 0 {
        for _ in 0..=spread.below(2) {
            record
                .handling
                .labels
                .insert(spread.pick(&LABELS).to_owned());
        }
    }
    Ok(record)
}

/// A few hundred bytes of message text.
fn message(n: usize) -> Vec<u8> {
    let line = format!("Benchmark tip {n}: a customer database was left open on a test server. ");
    line.repeat(1 + n % 5).into_bytes()
}

fn main() -> Result<()> {
    let args = args()?;
    std::fs::create_dir_all(&args.data)?;
    // What `meldpunt serve` does first in demo mode: the demo desks and their keys, the store,
    // and the start's record (desks and terms, which the inbox's deadlines are computed with).
    let mut settings = config::load(&Overrides {
        data: Some(args.data.clone()),
        ..Overrides::default()
    })?;
    if !settings.demo {
        return Err("the configuration names desks: fill_reports fills demo folders only".into());
    }
    meldpunt::demo::prepare(&mut settings)?;
    let store = Store::open(&args.data)?;
    store.record_start(&StartedWith::of(&settings))?;
    let salt = store.install_salt()?;
    let today = Day::of_unix(std::time::UNIX_EPOCH.elapsed()?.as_secs());
    let desks = &settings.desks;

    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let fill = || -> Result<()> {
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            if n >= args.count {
                return Ok(());
            }
            let keys = receipt::derive(&ReceiptCode::generate(), &salt)?;
            let mut record = record(n, today, desks, keys.recipient()?.to_string())?;
            let desk = desks
                .iter()
                .find(|d| d.id == record.desk)
                .ok_or("a demo desk is missing")?;
            let recipients = seal::recipients_of(&desk.recipients);
            let sealed = seal::seal_bytes(&store.tmp_dir(), &recipients, &message(n))?;
            record.items.push(ItemRecord {
                id: sealed.id.clone(),
                kind: ItemKind::Message,
                batch: 0,
                day: record.received,
                size: sealed.ciphertext_len,
            });
            store.create_report(&record, &keys.lookup, vec![sealed])?;
            if (n + 1).is_multiple_of(10_000) {
                eprintln!(
                    "{} reports, {:.0} s",
                    n + 1,
                    started.elapsed().as_secs_f64()
                );
            }
        }
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..args.threads).map(|_| scope.spawn(fill)).collect();
        for worker in workers {
            worker.join().map_err(|_| "a filling thread panicked")??;
        }
        Ok::<(), Box<dyn Error + Send + Sync>>(())
    })?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "filled {} reports in {seconds:.1} s ({:.0} reports/s, {} threads)",
        args.count,
        args.count as f64 / seconds,
        args.threads
    );
    Ok(())
}
