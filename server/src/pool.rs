//! The validation pool: `limits.validation_threads` threads taking jobs
//! from one queue, off the async threads. A thread that finishes a job takes
//! the next one at once, with no wake-up through the async side (the best
//! of the designs measured in docs/benchmarks.md, "HTTP service"). The
//! queue holds at most one job per admitted request, so
//! `limits.max_concurrent_requests` bounds it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of validation threads.
pub(crate) struct ValidationPool {
    jobs: Mutex<Sender<Job>>,
}

impl ValidationPool {
    /// Starts `threads` threads; they end when the pool is dropped.
    pub(crate) fn new(threads: usize) -> Result<ValidationPool, String> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("validate-{n}"))
                .spawn(move || work(&queue))
                .map_err(|e| format!("starting validation thread {n}: {e}"))?;
        }
        Ok(ValidationPool {
            jobs: Mutex::new(jobs),
        })
    }

    /// Runs `job` on a pool thread. `None` when it panicked (a bug, logged)
    /// or the pool is gone. A job whose caller stopped waiting (its request
    /// timed out) is skipped if it has not started.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if done.is_closed() {
                return;
            }
            match catch_unwind(AssertUnwindSafe(job)) {
                Ok(value) => {
                    let _ = done.send(value);
                }
                Err(_) => tracing::error!("a validation panicked"),
            }
        });
        let sent = self
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job);
        sent.ok()?;
        result.await.ok()
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is the idle threads' queue: one waits in recv, the
        // others on the mutex.
        let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}
