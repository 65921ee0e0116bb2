//! The load: reporters that keep submitting tips (some with files) and follow-ups on their own
//! acknowledged receipts, against whichever server is up, while the killer takes it down.
//!
//! A payload counts as acknowledged only when its whole answer arrived: the receipt page (200,
//! with a receipt) for a tip, the 303 back to the thread for a follow-up. A connection cut by a
//! kill is expected and only counted; any other answer is a failure, because a server that is up
//! must not refuse a valid submission or an acknowledged receipt.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use reqwest::multipart::{Form, Part};
use tokio::sync::watch;

use super::ledger::{AckedTip, Ledger};
use super::payload::{DESKS, Marker, Rng};
use crate::common::page::find_receipt;

pub struct Shared {
    /// The port of the server that is up, or `None` between a kill and the next start.
    pub port: watch::Receiver<Option<u16>>,
    pub stop: AtomicBool,
    next_tip: AtomicU32,
    next_followup: AtomicU32,
    pub ledger: Mutex<Ledger>,
}

impl Shared {
    pub fn new(port: watch::Receiver<Option<u16>>) -> Shared {
        Shared {
            port,
            stop: AtomicBool::new(false),
            next_tip: AtomicU32::new(0),
            next_followup: AtomicU32::new(0),
            ledger: Mutex::new(Ledger::default()),
        }
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap()
    }
}

/// A logged-in reporter session on one server (sessions live in its memory and die with it).
struct Session {
    port: u16,
    tip: usize,
    cookie: String,
    csrf: String,
}

/// One reporter. Follow-ups go only to its own receipts, sometimes several at the same moment
/// (two tabs, a double click), which must each be stored as a submission of their own.
struct Reporter<'a> {
    shared: &'a Shared,
    http: reqwest::Client,
    rng: Rng,
    own: Vec<usize>,
    session: Option<Session>,
}

pub async fn run(shared: std::sync::Arc<Shared>, seed: u64) {
    let mut reporter = Reporter {
        shared: &shared,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(300))
            .build()
            .unwrap(),
        rng: Rng::new(seed),
        own: Vec::new(),
        session: None,
    };
    while !shared.stop.load(Ordering::SeqCst) {
        let Some(port) = *shared.port.borrow() else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let roll = reporter.rng.range(0, 100);
        if roll < 35 && !reporter.own.is_empty() {
            reporter.followup(port).await;
        } else {
            let files = if roll < 70 {
                reporter.rng.range(1, 4)
            } else {
                0
            };
            reporter.tip(port, files as u32).await;
        }
    }
}

fn message(marker: Marker) -> String {
    String::from_utf8(marker.bytes()).unwrap()
}

fn file(marker: Marker) -> Part {
    Part::bytes(marker.bytes())
        .file_name(marker.file_name())
        .mime_str("application/octet-stream")
        .unwrap()
}

fn url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}

/// A whole answer (status and body), or `None` when the connection was cut before it was read.
async fn answer(sent: reqwest::Result<reqwest::Response>) -> Option<(u16, String, Option<String>)> {
    let response = sent.ok()?;
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .map(str::to_owned);
    let body = response.text().await.ok()?;
    Some((status, body, cookie))
}

impl Reporter<'_> {
    fn cut(&self) {
        self.shared.ledger().counts.cut += 1;
    }

    fn fail(&self, what: String) {
        self.shared.ledger().failures.push(what);
    }

    async fn tip(&mut self, port: u16, files: u32) {
        let tip = self.shared.next_tip.fetch_add(1, Ordering::SeqCst);
        let marker = Marker::Tip { tip };
        let mut form = Form::new()
            .text("desk", DESKS[tip as usize % DESKS.len()])
            .text("message", message(marker));
        {
            let mut ledger = self.shared.ledger();
            ledger.counts.tips_sent += 1;
            ledger.counts.tips_with_files_sent += u32::from(files > 0);
            ledger.counts.tip_files_sent += files;
            ledger.sent.insert(marker);
            for file in 0..files {
                ledger.sent.insert(Marker::TipFile { tip, file });
            }
        }
        for n in 0..files {
            form = form.part("attachment", file(Marker::TipFile { tip, file: n }));
        }
        let sent = self.http.post(url(port, "/submit")).multipart(form).send();
        match answer(sent.await).await {
            None => self.cut(),
            Some((200, body, _)) => match find_receipt(&body) {
                Some(receipt) => {
                    let mut ledger = self.shared.ledger();
                    ledger.counts.tips_acked += 1;
                    ledger.counts.tip_files_acked += files;
                    ledger.tips.push(AckedTip {
                        tip,
                        receipt,
                        files,
                        followups_sent: 0,
                        followups: Vec::new(),
                    });
                    self.own.push(ledger.tips.len() - 1);
                }
                None => self.fail(format!("{marker}: a 200 answer without a receipt")),
            },
            Some((status, _, _)) => self.fail(format!("{marker}: answered {status}")),
        }
    }

    /// Opens a session for one of this reporter's receipts: the 303 and cookie, then the
    /// thread page for its CSRF token.
    async fn log_in(&mut self, port: u16, tip: usize) -> Option<Session> {
        let receipt = self.shared.ledger().tips[tip].receipt.clone();
        let sent = self
            .http
            .post(url(port, "/followup"))
            .form(&[("receipt", receipt.as_str())])
            .send();
        let cookie = match answer(sent.await).await {
            None => return None,
            Some((303, _, Some(cookie))) => cookie,
            Some((status, ..)) => {
                self.fail(format!(
                    "acknowledged receipt {receipt}: log-in answered {status}"
                ));
                return None;
            }
        };
        let sent = self
            .http
            .get(url(port, "/thread"))
            .header("Cookie", &cookie)
            .send();
        let page = match answer(sent.await).await {
            None => return None,
            Some((200, page, _)) => page,
            Some((status, ..)) => {
                self.fail(format!("receipt {receipt}: thread answered {status}"));
                return None;
            }
        };
        let doc = scraper::Html::parse_document(&page);
        let selector = scraper::Selector::parse("input[name=csrf]").unwrap();
        let csrf = doc
            .select(&selector)
            .next()?
            .value()
            .attr("value")?
            .to_owned();
        Some(Session {
            port,
            tip,
            cookie,
            csrf,
        })
    }

    /// Sends one to three follow-ups at the same moment on one receipt (issue 9, defect 5: they
    /// used to share one submission number, so only one a time was sent here).
    async fn followup(&mut self, port: u16) {
        let tip = self.own[self.rng.range(0, self.own.len() as u64) as usize];
        let session = match self.session.take() {
            Some(s) if s.port == port && s.tip == tip => s,
            _ => match self.log_in(port, tip).await {
                Some(s) => s,
                None => return self.cut(),
            },
        };
        let at_once = self.rng.range(1, 4);
        let prepared: Vec<_> = (0..at_once).map(|_| self.prepare(tip, &session)).collect();
        let sends = prepared.into_iter().map(|(number, marker, files, form)| {
            let sent = self
                .http
                .post(url(port, "/thread/message"))
                .header("Cookie", &session.cookie)
                .multipart(form)
                .send();
            async move { (number, marker, files, answer(sent.await).await) }
        });
        let mut cut = false;
        for (number, marker, files, answered) in futures_util::future::join_all(sends).await {
            match answered {
                None => cut = true,
                Some((303, _, _)) => {
                    let mut ledger = self.shared.ledger();
                    ledger.counts.followups_acked += 1;
                    ledger.counts.followup_files_acked += files;
                    ledger.tips[tip].followups.push((number, files));
                }
                Some((status, ..)) => self.fail(format!("{marker}: answered {status}")),
            }
        }
        if cut {
            self.cut();
        } else {
            self.session = Some(session);
        }
    }

    /// One follow-up's number, marker, file count and form, entered in the ledger as sent.
    fn prepare(&mut self, tip: usize, session: &Session) -> (u32, Marker, u32, Form) {
        let number = self.shared.next_followup.fetch_add(1, Ordering::SeqCst);
        let files = u32::from(self.rng.chance(40));
        let tip_number = self.shared.ledger().tips[tip].tip;
        let marker = Marker::Followup {
            tip: tip_number,
            followup: number,
        };
        let attachment = |file| Marker::FollowupFile {
            tip: tip_number,
            followup: number,
            file,
        };
        let mut form = Form::new()
            .text("csrf", session.csrf.clone())
            .text("message", message(marker));
        {
            let mut ledger = self.shared.ledger();
            ledger.counts.followups_sent += 1;
            ledger.counts.followup_files_sent += files;
            ledger.tips[tip].followups_sent += 1;
            ledger.sent.insert(marker);
            for n in 0..files {
                ledger.sent.insert(attachment(n));
            }
        }
        for n in 0..files {
            form = form.part("attachment", file(attachment(n)));
        }
        (number, marker, files, form)
    }
}
