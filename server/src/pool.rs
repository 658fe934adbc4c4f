//! The validation pool: `limits.validation_threads` threads taking jobs
//! from one queue, off the async threads. A thread that finishes a job takes
//! the next one at once, with no wake-up through the async side, and a new
//! job wakes exactly one idle thread (the best of the designs measured in
//! docs/benchmarks.md, "HTTP service"). The queue holds at most one job per
//! admitted request, so `limits.max_concurrent_requests` bounds it.
//!
//! Hand-written on `Mutex` + `Condvar`: the standard library's channel has
//! one receiver, and sharing it behind a mutex wakes a second thread for
//! every job (the one waiting for the mutex), only for it to sleep again.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Queue {
    state: Mutex<State>,
    ready: Condvar,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    closed: bool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A job runs outside the lock: a poisoned lock means a panic in
        // these few lines, and the queue is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next job, waiting for one; `None` once the pool is closed.
    fn next(&self) -> Option<Job> {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                return Some(job);
            }
            if state.closed {
                return None;
            }
            state = self.ready.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A fixed set of validation threads.
pub(crate) struct ValidationPool {
    queue: Arc<Queue>,
}

impl ValidationPool {
    /// Starts `threads` threads; they end when the pool is dropped.
    pub(crate) fn new(threads: usize) -> Result<ValidationPool, String> {
        let queue = Arc::new(Queue::default());
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("validate-{n}"))
                .spawn(move || {
                    while let Some(job) = queue.next() {
                        job();
                    }
                })
                .map_err(|e| format!("starting validation thread {n}: {e}"))?;
        }
        Ok(ValidationPool { queue })
    }

    /// Runs `job` on a pool thread. `None` when it panicked (a bug, logged).
    /// A job whose caller stopped waiting (its request timed out) is skipped
    /// if it has not started.
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
        self.queue.lock().jobs.push_back(job);
        self.queue.ready.notify_one();
        result.await.ok()
    }
}

impl Drop for ValidationPool {
    fn drop(&mut self) {
        // Threads finish the jobs queued, then end.
        self.queue.lock().closed = true;
        self.queue.ready.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_and_panics_are_contained() {
        let pool = Arc::new(ValidationPool::new(2).unwrap());
        let tasks: Vec<_> = (0..50u32)
            .map(|i| {
                let pool = Arc::clone(&pool);
                tokio::spawn(async move { pool.run(move || i * 2).await })
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap(), Some(i as u32 * 2));
        }
        assert_eq!(pool.run(|| -> u8 { panic!("a bug") }).await, None);
        // The thread that caught the panic still takes jobs.
        for i in 0..4u8 {
            assert_eq!(pool.run(move || i).await, Some(i));
        }
    }
}
