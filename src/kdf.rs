//! Bounded Argon2 work.
//!
//! Each receipt derivation takes 19 MiB and tens of milliseconds of one core. Running them on the
//! async workers would stall every other request, and running them without bound would let a
//! burst of requests take all memory. The pool runs at most `workers` derivations at once on the
//! blocking thread pool and lets at most `queue` more wait; past that the caller gets
//! [`KdfError::Busy`] and the reporter a calm "try again in a minute" page.

use std::sync::atomic::{AtomicUsize, Ordering};

use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::config::Argon2Settings;
use crate::receipt::{self, ReceiptCode, ReporterKeys};

#[derive(Debug, thiserror::Error)]
pub enum KdfError {
    #[error("too many receipt derivations waiting")]
    Busy,
    #[error("receipt derivation failed")]
    Failed,
}

#[derive(Clone)]
pub struct KdfPool {
    running: Arc<Semaphore>,
    admitted: Arc<AtomicUsize>,
    capacity: usize,
    salt: Arc<[u8]>,
    /// Argon2 work areas, one per running derivation at most, reused rather than reallocated.
    buffers: Arc<Mutex<Vec<Vec<argon2::Block>>>>,
}

/// Releases a place in the pool when the request is done with it, even on error or cancel.
struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl KdfPool {
    pub fn new(workers: usize, queue: usize, salt: Vec<u8>) -> KdfPool {
        let workers = workers.max(1);
        KdfPool {
            running: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: workers + queue,
            salt: salt.into(),
            buffers: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn admit(&self) -> Result<Admission, KdfError> {
        let previous = self.admitted.fetch_add(1, Ordering::SeqCst);
        let admission = Admission(self.admitted.clone());
        if previous >= self.capacity {
            return Err(KdfError::Busy);
        }
        Ok(admission)
    }

    /// Derives the keys for `code` with `params`, waiting for a worker if needed.
    pub async fn derive(
        &self,
        code: ReceiptCode,
        params: Argon2Settings,
    ) -> Result<(ReceiptCode, ReporterKeys), KdfError> {
        let _admission = self.admit()?;
        self.run(code, params).await
    }

    /// Starts deriving keys for a fresh code in the background, so the work overlaps with
    /// receiving an upload. Fails at once with `Busy` when the queue is full.
    pub fn start_fresh(
        &self,
        params: Argon2Settings,
    ) -> Result<impl Future<Output = Result<(ReceiptCode, ReporterKeys), KdfError>> + use<>, KdfError>
    {
        let admission = self.admit()?;
        let pool = self.clone();
        let task = actix_web::rt::spawn(async move {
            let _admission = admission;
            pool.run(ReceiptCode::generate(), params).await
        });
        Ok(async move { task.await.map_err(|_| KdfError::Failed)? })
    }

    async fn run(
        &self,
        code: ReceiptCode,
        params: Argon2Settings,
    ) -> Result<(ReceiptCode, ReporterKeys), KdfError> {
        let _permit = self.running.acquire().await.map_err(|_| KdfError::Failed)?;
        let salt = self.salt.clone();
        let buffers = self.buffers.clone();
        tokio::task::spawn_blocking(move || {
            let mut memory = buffers
                .lock()
                .ok()
                .and_then(|mut b| b.pop())
                .unwrap_or_default();
            let keys = receipt::derive_with_memory(&code, &salt, params, &mut memory);
            if let Ok(mut b) = buffers.lock() {
                b.push(memory);
            }
            Ok((code, keys.map_err(|_| KdfError::Failed)?))
        })
        .await
        .map_err(|_| KdfError::Failed)?
    }

    /// Derives a key set for a fresh code, failing fast with `Busy` when the queue is full.
    pub async fn fresh(
        &self,
        params: Argon2Settings,
    ) -> Result<(ReceiptCode, ReporterKeys), KdfError> {
        self.derive(ReceiptCode::generate(), params).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Argon2Settings = Argon2Settings {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    #[tokio::test]
    async fn a_full_queue_answers_busy_instead_of_waiting() {
        let pool = KdfPool::new(1, 1, b"salt-salt-salt".to_vec());
        let first = pool.admit().unwrap();
        let second = pool.admit().unwrap();
        assert!(matches!(pool.admit(), Err(KdfError::Busy)));
        drop(first);
        let _third = pool.admit().unwrap();
        drop(second);
        assert!(pool.fresh(CHEAP).await.is_ok());
    }
}
