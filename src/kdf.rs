//! Bounded Argon2 work: officer passwords, and receipts of earlier versions.
//!
//! Each Argon2id run takes 19 MiB and tens of milliseconds of one core. Running them on the
//! async workers would stall every other request; running them on tokio's blocking pool, which
//! grows to hundreds of threads, let 48 parallel logins grow the process by 819 MiB (every thread
//! keeps its freed work area). So the pool owns a fixed number of threads, each with one work
//! area it reuses, and a fixed queue in front of them: past that a job is refused at once with
//! [`KdfError::Busy`], and the person sees a calm "busy, try again in a minute" page. Memory is
//! then bounded by the number of workers, whatever arrives.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum KdfError {
    #[error("too much Argon2 work waiting")]
    Busy,
    #[error("Argon2 work failed")]
    Failed,
}

/// One piece of work, given the worker's reusable Argon2 work area.
type Job = Box<dyn FnOnce(&mut Vec<argon2::Block>) + Send>;

/// A handle on the pool's threads; cheap to clone. The threads end when the last handle goes.
#[derive(Clone)]
pub struct ArgonPool {
    jobs: SyncSender<Job>,
    started: Arc<AtomicU64>,
}

impl ArgonPool {
    /// `workers` threads (at least one), and room for `queue` jobs waiting for them.
    pub fn new(workers: usize, queue: usize) -> Result<ArgonPool, std::io::Error> {
        let (jobs, waiting) = sync_channel::<Job>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..workers.max(1) {
            let waiting = waiting.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&waiting))?;
        }
        Ok(ArgonPool {
            jobs,
            started: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Runs `job` on a worker and waits for its answer; `Busy` at once when every worker is
    /// taken and the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Vec<argon2::Block>) -> T + Send + 'static,
    ) -> Result<T, KdfError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let started = self.started.clone();
        let boxed: Job = Box::new(move |memory| {
            started.fetch_add(1, Ordering::SeqCst);
            // The asker may have gone (a closed connection); the work is done either way.
            let _ = answer.send(job(memory));
        });
        match self.jobs.try_send(boxed) {
            Ok(()) => answered.await.map_err(|_| KdfError::Failed),
            Err(TrySendError::Full(_)) => Err(KdfError::Busy),
            Err(TrySendError::Disconnected(_)) => Err(KdfError::Failed),
        }
    }

    /// How many jobs have started since the pool was made (for tests and the hourly line).
    pub fn jobs_started(&self) -> u64 {
        self.started.load(Ordering::SeqCst)
    }
}

/// A worker: takes jobs until every handle on the pool is gone, reusing one work area. A job
/// that panics (it should not) ends only that job: the worker goes on with a fresh area.
fn work(waiting: &Mutex<Receiver<Job>>) {
    let mut memory = Vec::new();
    loop {
        let job = match waiting.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut memory)));
        if ran.is_err() {
            memory = Vec::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_answers_busy_instead_of_waiting() {
        let pool = ArgonPool::new(1, 1).unwrap();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = Arc::new(Mutex::new(wait));
        let hold = |wait: Arc<Mutex<std::sync::mpsc::Receiver<()>>>| {
            move |_: &mut Vec<argon2::Block>| {
                let _ = wait.lock().unwrap().recv();
            }
        };
        let running = tokio::spawn({
            let pool = pool.clone();
            let job = hold(wait.clone());
            async move { pool.run(job).await }
        });
        while pool.jobs_started() == 0 {
            tokio::task::yield_now().await;
        }
        let queued = tokio::spawn({
            let pool = pool.clone();
            let job = hold(wait.clone());
            async move { pool.run(job).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(matches!(pool.run(|_| ()).await, Err(KdfError::Busy)));
        release.send(()).unwrap();
        release.send(()).unwrap();
        assert!(running.await.unwrap().is_ok());
        assert!(queued.await.unwrap().is_ok());
        assert_eq!(pool.run(|_| 7).await.unwrap(), 7);
    }
}
