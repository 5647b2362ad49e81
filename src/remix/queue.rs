//! The render queue: a fixed number of render slots and admission by expected wait. The
//! queue's state and the counters `/metrics` reports are `load`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::{RemixError, Remixer};
use crate::db::now_ms;
use crate::render::Renderer;

/// A place in the render queue, given back when dropped: whether the render got a slot,
/// was refused, or its caller went away.
struct Waiting<'a> {
    count: &'a AtomicUsize,
    /// How many were waiting before this one.
    ahead: usize,
}

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize) -> Waiting<'a> {
        let ahead = count.fetch_add(1, Ordering::SeqCst);
        Waiting { count, ahead }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How long until a slot is free for one more render, with `waiting` renders queued
/// ahead of it, `slots` slots, renders taking `mean` each, and `running` renders having run
/// this long. A render that has run past the mean is expected to run about as long again
/// (nothing better is known of it), so a backlog behind slow renders is not called a
/// moment's wait.
fn wait_for_slot(slots: usize, mean: Duration, running: &[Duration], waiting: usize) -> Duration {
    let mut free_at: Vec<Duration> = running
        .iter()
        .map(|&ran| if ran < mean { mean - ran } else { ran })
        .collect();
    free_at.resize(slots.max(free_at.len()), Duration::ZERO);
    free_at.sort();
    free_at.truncate(slots.max(1));
    // Each queued render takes the slot that frees first.
    for _ in 0..waiting {
        free_at.sort();
        free_at[0] += mean;
    }
    free_at.into_iter().min().unwrap_or_default()
}

/// How many renders run at once by default: one per core, leaving none idle.
pub fn default_render_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

impl Remixer {
    /// Runs a render on the blocking pool, behind the render slots.
    ///
    /// Admission is by expected waiting time: a render is admitted only when the renders
    /// ahead of it should finish within `max_wait`, and an admitted one that still has no
    /// slot after `max_wait` gives up. Either way the caller gets `Busy` with the time the
    /// backlog should take to clear, rounded up, so a client that obeys it is let in.
    /// A caller that goes away while waiting (a dropped connection drops this future) gives
    /// its place back at once; a render already running finishes and frees its slot.
    pub async fn run_render<T, F>(&self, work: F) -> Result<T, RemixError>
    where
        F: FnOnce(&Renderer) -> T + Send + 'static,
        T: Send + 'static,
    {
        let waiting = Waiting::enter(&self.stats.queued);
        let ahead = waiting.ahead;
        let free = self.slots.available_permits();
        if ahead >= free {
            let expected = self.expected_wait(ahead);
            if ahead >= self.queue_limit + free || expected > self.max_wait {
                drop(waiting);
                return Err(self.overloaded());
            }
        }
        let queued_at = std::time::Instant::now();
        let permit =
            match tokio::time::timeout(self.max_wait, self.slots.clone().acquire_owned()).await {
                Ok(permit) => permit.map_err(|e| RemixError::Crashed(e.to_string()))?,
                Err(_) => {
                    drop(waiting);
                    return Err(self.overloaded());
                }
            };
        drop(waiting);
        self.stats
            .wait_seconds
            .observe(queued_at.elapsed().as_secs_f64());
        let renderer = self.renderer.clone();
        let started = std::time::Instant::now();
        let running = self.running.start();
        let out = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = running;
            work(&renderer)
        })
        .await
        .map_err(|e| RemixError::Crashed(e.to_string()))?;
        self.stats.renders.fetch_add(1, Ordering::Relaxed);
        let elapsed = started.elapsed();
        self.learn_render_time(elapsed);
        self.stats.render_seconds.observe(elapsed.as_secs_f64());
        Ok(out)
    }

    /// How long a render with `waiting` renders queued ahead of it should wait for a slot,
    /// from recent render times and how long the renders running now have run.
    fn expected_wait(&self, waiting: usize) -> Duration {
        let mean = Duration::from_micros(self.mean_render_micros.load(Ordering::Relaxed));
        wait_for_slot(self.slot_count, mean, &self.running.elapsed(), waiting)
    }

    /// Folds one render time into the moving average (weight 1/8: quick to follow a
    /// change of load, steady against one odd render).
    fn learn_render_time(&self, elapsed: Duration) {
        let sample = elapsed.as_micros().min(u128::from(u64::MAX)) as u64;
        let _ =
            self.mean_render_micros
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |mean| {
                    Some(mean - mean / 8 + sample / 8)
                });
    }

    /// Counts a refusal, logs overload at most once a second, and says when to come back:
    /// when the renders running and waiting now should be done, rounded up.
    fn overloaded(&self) -> RemixError {
        self.stats.overloaded.fetch_add(1, Ordering::Relaxed);
        let now = now_ms() as u64;
        let last = self.overload_logged_at.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= 1000
            && self
                .overload_logged_at
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                waiting = self.stats.queued.load(Ordering::Relaxed),
                refused_so_far = self.stats.overloaded.load(Ordering::Relaxed),
                "render queue full: refusing new renders with 503"
            );
        }
        let clear = self.expected_wait(self.stats.queued.load(Ordering::Relaxed));
        RemixError::Busy {
            retry_after: clear.as_secs() + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wait_for_slot;
    use std::time::Duration;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_wait_counts_the_backlog_and_what_is_running() {
        // Two slots free, nothing queued: no wait.
        assert_eq!(wait_for_slot(2, 50 * MS, &[], 0), Duration::ZERO);
        // Both slots busy 10 ms into 50 ms renders: 40 ms; four more queued: two rounds more.
        assert_eq!(wait_for_slot(2, 50 * MS, &[10 * MS, 10 * MS], 0), 40 * MS);
        assert_eq!(wait_for_slot(2, 50 * MS, &[10 * MS, 10 * MS], 4), 140 * MS);
        // Renders that have run 90 s where 50 ms is usual hold their slots for a long
        // while yet: the wait says minutes, not a second.
        let stuck = wait_for_slot(2, 50 * MS, &[Duration::from_secs(90); 2], 3);
        assert!(stuck >= Duration::from_secs(90), "{stuck:?}");
        // One stuck, one moving: the moving one serves the queue.
        let one = wait_for_slot(2, 50 * MS, &[Duration::from_secs(90), 10 * MS], 3);
        assert_eq!(one, 190 * MS);
    }
}
