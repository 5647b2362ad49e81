//! The [`Remixer`] itself: what it holds (templates, renderer, blobs, rows, caches, the
//! render queue's state, reach counts) and how one is made. Its work is done in the files
//! beside this one, one per job; what they share of its state is visible to them here.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{OnceCell, Semaphore};

use super::event::Tally;
use super::load::{DEFAULT_MAX_WAIT, INITIAL_RENDER_GUESS, Running, Stats};
use super::policy::Policy;
use super::visitors::Visitors;
use crate::db::{Db, RemixId, RemixRow, TemplateStatus};
use crate::render::{Renderer, Template};
use crate::store::Blobs;

type Flight = Arc<OnceCell<Arc<RemixRow>>>;

/// A turn at some work that one task at a time does.
type Turn = Arc<tokio::sync::Mutex<()>>;

/// The remix service: templates, renderer, blobs and rows behind one create-or-find.
pub struct Remixer {
    pub(super) templates: RwLock<HashMap<String, Arc<Template>>>,
    /// `draft`, `published` or `retired`, by template id.
    pub(super) template_status: RwLock<HashMap<String, TemplateStatus>>,
    pub(super) policy: RwLock<Policy>,
    pub(super) renderer: Arc<Renderer>,
    pub(super) blobs: Blobs,
    pub(super) db: Db,
    /// request key -> remix id: hot keys never reach the database.
    pub(super) keys: moka::sync::Cache<String, RemixId>,
    /// remix id -> row, briefly, so a status change on another node shows within seconds.
    pub(super) rows: moka::sync::Cache<String, Arc<RemixRow>>,
    pub(super) inflight: Mutex<HashMap<String, Flight>>,
    pub(super) slots: Arc<Semaphore>,
    pub(super) slot_count: usize,
    pub(super) queue_limit: usize,
    /// The longest an admitted render may wait for a slot.
    pub(super) max_wait: Duration,
    /// A moving average of render times in microseconds, to predict waits.
    pub(super) mean_render_micros: AtomicU64,
    /// When each render now running started, for the real wait a refusal names.
    pub(super) running: Running,
    /// When overload was last logged (ms since the Unix epoch), so a flood of refusals
    /// writes one line a second, not one per request.
    pub(super) overload_logged_at: AtomicU64,
    pub(super) pending_requests: Mutex<HashMap<String, i64>>,
    /// Reach counts gathered since they were last written.
    pub(super) tally: Mutex<Tally>,
    /// Who has been counted today, as keyed hashes (see `visitors`).
    pub(super) visitors: Visitors,
    /// Whether reach is counted at all.
    pub(super) counting: std::sync::atomic::AtomicBool,
    /// This process's name among the nodes, for its health row and blob.
    pub(super) node: String,
    /// (photo, width) whose JPEG encodings were made ready in the background once.
    pub(super) warmed: Mutex<std::collections::HashSet<(blake3::Hash, Option<u32>)>>,
    /// One turn per (photo, width) at reading or preparing its JPEG encoding, so that
    /// requests racing to the same one wait for the first instead of repeating it.
    pub(super) base_turns: Mutex<HashMap<(blake3::Hash, u32), Turn>>,
    /// Counters.
    pub stats: Stats,
}

impl Remixer {
    /// A remixer over these stores, rendering at most `slots` pictures at once with at most
    /// `queue_limit` more waiting.
    pub fn new(blobs: Blobs, db: Db, slots: usize, queue_limit: usize) -> Remixer {
        Remixer {
            templates: RwLock::new(HashMap::new()),
            template_status: RwLock::new(HashMap::new()),
            policy: RwLock::new(Policy::default()),
            renderer: Arc::new(Renderer::new()),
            blobs,
            db,
            keys: moka::sync::Cache::builder().max_capacity(100_000).build(),
            rows: moka::sync::Cache::builder()
                .max_capacity(20_000)
                .time_to_live(Duration::from_secs(5))
                .build(),
            inflight: Mutex::new(HashMap::new()),
            slots: Arc::new(Semaphore::new(slots.max(1))),
            slot_count: slots.max(1),
            queue_limit,
            max_wait: DEFAULT_MAX_WAIT,
            mean_render_micros: AtomicU64::new(INITIAL_RENDER_GUESS.as_micros() as u64),
            overload_logged_at: AtomicU64::new(0),
            running: Default::default(),
            pending_requests: Mutex::new(HashMap::new()),
            tally: Mutex::default(),
            visitors: Visitors::default(),
            counting: true.into(),
            node: crate::secret::random_hex(6),
            warmed: Mutex::default(),
            base_turns: Mutex::default(),
            stats: Stats::default(),
        }
    }

    /// Sets the longest an admitted render may wait for a slot (default 2 s).
    pub fn set_max_wait(&mut self, max_wait: Duration) {
        self.max_wait = max_wait;
    }

    /// Forgets one cached remix row (after a change made outside `set_status`).
    pub fn forget_remix(&self, id: &str) {
        self.rows.invalidate(id);
    }

    /// Drops the in-memory caches, as a fresh process would start.
    pub fn forget_cached(&self) {
        self.keys.invalidate_all();
        self.rows.invalidate_all();
    }

    /// This process's name among the nodes (random, new at each start).
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The blob store.
    pub fn blobs(&self) -> &Blobs {
        &self.blobs
    }
}
