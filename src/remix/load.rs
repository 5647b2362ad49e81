//! The render queue's state, as the [`Remixer`](super::Remixer) holds it: the counters
//! `/metrics` reports, when each render now running started, and the figures admission
//! starts from. How renders are admitted and run is `queue`.

use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Counters for `/metrics`.
#[derive(Debug)]
pub struct Stats {
    /// Pictures rendered (remixes, cards, other formats).
    pub renders: AtomicU64,
    /// Requests answered by an existing remix without rendering.
    pub dedup_hits: AtomicU64,
    /// Renders waiting for a slot.
    pub queued: AtomicUsize,
    /// Renders refused because the wait for a slot would be too long.
    pub overloaded: AtomicU64,
    /// Template JPEG encodings prepared here (not read from the blob store).
    pub jpeg_bases_prepared: AtomicU64,
    /// Render times, for the Prometheus histogram.
    pub render_seconds: prometheus_client::metrics::histogram::Histogram,
    /// Time admitted renders waited for a slot.
    pub wait_seconds: prometheus_client::metrics::histogram::Histogram,
}

impl Default for Stats {
    fn default() -> Stats {
        Stats {
            renders: AtomicU64::new(0),
            dedup_hits: AtomicU64::new(0),
            queued: AtomicUsize::new(0),
            overloaded: AtomicU64::new(0),
            jpeg_bases_prepared: AtomicU64::new(0),
            // 1 ms to about 1 s.
            render_seconds: prometheus_client::metrics::histogram::Histogram::new(
                prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 11),
            ),
            // 1 ms to about 4 s: the admission rule keeps waits under 2 s.
            wait_seconds: prometheus_client::metrics::histogram::Histogram::new(
                prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 13),
            ),
        }
    }
}

/// The longest an admitted render waits for a slot by default.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(2);

/// What a render is assumed to cost before any has been timed.
pub(super) const INITIAL_RENDER_GUESS: Duration = Duration::from_millis(50);

/// When each render now running started.
#[derive(Debug, Default)]
pub(super) struct Running(Arc<Mutex<RunningRenders>>);

#[derive(Debug, Default)]
struct RunningRenders {
    next: u64,
    started: Vec<(u64, Instant)>,
}

/// A render's place in [`Running`], taken out when it finishes (whether or not anyone
/// still waits for it).
pub(super) struct Started {
    running: Arc<Mutex<RunningRenders>>,
    id: u64,
}

impl Running {
    pub(super) fn start(&self) -> Started {
        let mut renders = self.0.lock().expect("running renders");
        renders.next += 1;
        let id = renders.next;
        renders.started.push((id, Instant::now()));
        Started {
            running: self.0.clone(),
            id,
        }
    }

    /// How long each running render has run.
    pub(super) fn elapsed(&self) -> Vec<Duration> {
        let renders = self.0.lock().expect("running renders");
        renders.started.iter().map(|(_, at)| at.elapsed()).collect()
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        let mut renders = self.running.lock().expect("running renders");
        renders.started.retain(|(id, _)| *id != self.id);
    }
}
