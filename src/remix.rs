//! Create-or-find: a remix request becomes a stored picture exactly once.
//!
//! A request key (blake3 over everything that decides the picture) finds a repeat without
//! rendering; a miss renders off the async executor behind a bounded queue, writes the blob
//! first and then the rows in one transaction, so a crash leaves at worst a blob that `gc`
//! removes, never a row without its picture.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::Serialize;
use tokio::sync::{OnceCell, Semaphore};

use crate::catalog::Catalog;
use crate::db::{Db, DbError, RemixRow, Rendition, Status, TemplateRow, now_ms};
use crate::render::{
    Format, RENDERER_VERSION, Remix, RenderError, Renderer, Style, Template, output_size,
};
use crate::store::{self, Blobs, StoreError};

/// Why a remix could not be made or found.
#[derive(Debug, thiserror::Error)]
pub enum RemixError {
    /// No published template with that id.
    #[error("no template {0:?}")]
    UnknownTemplate(String),
    /// The template was retired: it takes no new remixes.
    #[error("template {0:?} is retired and takes no new remixes")]
    RetiredTemplate(String),
    /// A caption holds a blocked phrase and the campaign refuses such captions.
    #[error("caption {0} contains a phrase this campaign does not allow")]
    Blocked(usize),
    /// The parent remix named does not exist.
    #[error("no remix {0:?} to remix")]
    UnknownParent(String),
    /// The captions or options cannot be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// Every render slot is taken and the wait for one would be too long.
    #[error("too many pictures are being made right now; try again in {retry_after} s")]
    Busy {
        /// Seconds after which a render is expected to be admitted again.
        retry_after: u64,
    },
    /// The blob store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A render task died.
    #[error("rendering failed: {0}")]
    Crashed(String),
    /// A stored picture is gone and cannot be drawn again to the same bytes.
    #[error("the picture of remix {id} is lost: {why}")]
    Lost {
        /// The remix.
        id: String,
        /// Why it cannot be drawn again.
        why: String,
    },
}

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

/// What a supporter asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct RemixRequest {
    /// Template id.
    pub template: String,
    /// Captions, in box order.
    pub captions: Vec<String>,
    /// Style.
    pub style: Style,
    /// Output format.
    pub format: Format,
    /// Output width, or the template's.
    pub width: Option<u32>,
    /// The remix this one remixes.
    pub parent: Option<String>,
}

type Flight = Arc<OnceCell<Arc<RemixRow>>>;

/// The remix service: templates, renderer, blobs and rows behind one create-or-find.
pub struct Remixer {
    templates: RwLock<HashMap<String, Arc<Template>>>,
    /// `draft`, `published` or `retired`, by template id.
    template_status: RwLock<HashMap<String, String>>,
    policy: RwLock<Policy>,
    renderer: Arc<Renderer>,
    blobs: Blobs,
    db: Db,
    /// request key -> remix id: hot keys never reach the database.
    keys: moka::sync::Cache<String, String>,
    /// remix id -> row, briefly, so a status change on another node shows within seconds.
    rows: moka::sync::Cache<String, Arc<RemixRow>>,
    inflight: Mutex<HashMap<String, Flight>>,
    slots: Arc<Semaphore>,
    slot_count: usize,
    queue_limit: usize,
    /// The longest an admitted render may wait for a slot.
    max_wait: Duration,
    /// A moving average of render times in microseconds, to predict waits.
    mean_render_micros: AtomicU64,
    /// When overload was last logged (ms since the Unix epoch), so a flood of refusals
    /// writes one line a second, not one per request.
    overload_logged_at: AtomicU64,
    pending_requests: Mutex<HashMap<String, i64>>,
    /// This process's name among the nodes, for its health row and blob.
    node: String,
    /// Counters.
    pub stats: Stats,
}

/// Whether remixes reach the gallery before staff look at them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Moderation {
    /// Nothing reaches the gallery until staff approve it.
    #[default]
    Pre,
    /// Remixes are approved at once; staff take down what they must.
    Post,
}

/// What a blocked phrase in a caption does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum BlockAction {
    /// The remix is made but held for review, whatever the moderation mode.
    #[default]
    Hold,
    /// The remix is refused.
    Refuse,
}

/// The curation rules new remixes meet.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Pre- or post-moderation.
    pub moderation: Moderation,
    /// Hold or refuse blocked captions.
    pub block_action: BlockAction,
    /// The blocked phrases.
    pub blocklist: crate::staff::Blocklist,
}

/// The longest an admitted render waits for a slot by default.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(2);

/// What a render is assumed to cost before any has been timed.
const INITIAL_RENDER_GUESS: Duration = Duration::from_millis(50);

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

/// How many renders run at once by default: one per core, leaving none idle.
pub fn default_render_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
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
            pending_requests: Mutex::new(HashMap::new()),
            node: crate::staff::random_hex(6),
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

    /// The stored photo of a template, as uploaded (after checks) or bundled.
    pub async fn template_photo(&self, template: &Template) -> Result<Option<Bytes>, RemixError> {
        let hash = template.photo_hash.to_hex().to_string();
        let key = self
            .db
            .list_templates()
            .await?
            .into_iter()
            .find(|t| t.photo_hash == hash)
            .map(|t| t.photo_key);
        match key {
            Some(key) => Ok(self.blobs.get(&key).await?),
            None => Ok(None),
        }
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

    /// Stores the bundled templates' photos and rows, and makes them available.
    pub async fn register_catalog(
        &self,
        dir: &std::path::Path,
        catalog: &Catalog,
    ) -> Result<(), RemixError> {
        for template in catalog.all() {
            let path = dir.join(template.id.as_str()).join(&template.spec.photo);
            let bytes = tokio::fs::read(&path)
                .await
                .map_err(|e| RemixError::Crashed(format!("{}: {e}", path.display())))?;
            let extension = template
                .spec
                .photo
                .rsplit('.')
                .next()
                .unwrap_or("jpg")
                .to_ascii_lowercase();
            self.add_template(template.clone(), Bytes::from(bytes), &extension, true)
                .await?;
        }
        Ok(())
    }

    /// Stores a template's photo, records it, and makes it available for remixing.
    pub async fn add_template(
        &self,
        template: Arc<Template>,
        photo: Bytes,
        extension: &str,
        bundled: bool,
    ) -> Result<(), RemixError> {
        self.add_template_as(template, photo, extension, bundled, "published")
            .await
    }

    /// Stores a template with a status (`draft` for an upload not yet published). A template
    /// already recorded keeps the status it has.
    pub async fn add_template_as(
        &self,
        template: Arc<Template>,
        photo: Bytes,
        extension: &str,
        bundled: bool,
        status: &str,
    ) -> Result<(), RemixError> {
        let key = store::template_key(&template.photo_hash, extension);
        if !self.blobs.exists(&key).await? {
            self.blobs.put(&key, photo).await?;
        }
        let (width, height) = template.size();
        let now = now_ms();
        self.db
            .upsert_template(&TemplateRow {
                id: template.id.to_string(),
                title: template.spec.title.clone(),
                alt: template.spec.alt.clone(),
                hashtags: template.spec.hashtags.clone(),
                boxes: serde_json::to_value(&template.spec.boxes).map_err(DbError::from)?,
                photo_hash: template.photo_hash.to_hex().to_string(),
                photo_key: key,
                width,
                height,
                status: status.into(),
                bundled,
                created_at: now,
            })
            .await?;
        let recorded = self
            .db
            .list_templates()
            .await?
            .into_iter()
            .find(|t| t.id == template.id.as_str())
            .map(|t| t.status)
            .unwrap_or_else(|| status.to_owned());
        self.template_status
            .write()
            .expect("status lock")
            .insert(template.id.to_string(), recorded);
        self.templates
            .write()
            .expect("templates lock")
            .insert(template.id.to_string(), template);
        Ok(())
    }

    /// Replaces the curation rules.
    pub fn set_policy(&self, policy: Policy) {
        *self.policy.write().expect("policy lock") = policy;
    }

    /// Replaces the blocklist, keeping the rest of the policy.
    pub fn set_blocklist(&self, blocklist: crate::staff::Blocklist) {
        self.policy.write().expect("policy lock").blocklist = blocklist;
    }

    /// Whether the campaign refuses this text (a report reason, an alt text): it holds a
    /// blocked phrase, matched after folding, and blocked phrases are refused, not held.
    pub fn refuses(&self, text: &str) -> bool {
        let policy = self.policy.read().expect("policy lock");
        policy.block_action == BlockAction::Refuse && policy.blocklist.matches(text)
    }

    /// Reloads the blocklist from the database (after an edit here or on another node).
    pub async fn reload_blocklist(&self) -> Result<(), RemixError> {
        let phrases = crate::staff::blocked_phrases(&self.db)
            .await
            .map_err(|e| RemixError::Crashed(e.to_string()))?;
        self.set_blocklist(crate::staff::Blocklist::new(
            phrases.iter().map(String::as_str),
        ));
        Ok(())
    }

    /// A template's status: `draft`, `published` or `retired`.
    pub fn template_status(&self, id: &str) -> Option<String> {
        self.template_status
            .read()
            .expect("status lock")
            .get(id)
            .cloned()
    }

    /// Publishes, retires or un-publishes a template; `false` if unknown.
    pub async fn set_template_status(&self, id: &str, status: &str) -> Result<bool, RemixError> {
        if !self.db.set_template_status(id, status).await? {
            return Ok(false);
        }
        self.template_status
            .write()
            .expect("status lock")
            .insert(id.to_owned(), status.to_owned());
        Ok(true)
    }

    /// Templates supporters can remix, newest first.
    pub fn published_templates(&self) -> Vec<Arc<Template>> {
        let status = self.template_status.read().expect("status lock");
        self.templates()
            .into_iter()
            .filter(|t| status.get(t.id.as_str()).is_none_or(|s| s == "published"))
            .collect()
    }

    /// Loads the templates staff uploaded (and the status of every template) from the
    /// database and the blob store.
    pub async fn load_stored_templates(&self) -> Result<(), RemixError> {
        for row in self.db.list_templates().await? {
            let boxes: Vec<crate::render::TextBox> =
                serde_json::from_value(row.boxes.clone()).map_err(DbError::from)?;
            let current = self.template(&row.id);
            let updated = match current {
                // The same photo: only the words and boxes may have changed.
                Some(t) if t.photo_hash.to_hex().as_str() == row.photo_hash => {
                    let changed = t.spec.title != row.title
                        || t.spec.alt != row.alt
                        || t.spec.hashtags != row.hashtags
                        || t.spec.boxes != boxes;
                    changed.then(|| Template {
                        spec: crate::render::TemplateSpec {
                            title: row.title.clone(),
                            alt: row.alt.clone(),
                            hashtags: row.hashtags.clone(),
                            photo: t.spec.photo.clone(),
                            boxes,
                        },
                        ..(*t).clone()
                    })
                }
                // New here, or a new photo: fetch and decode it (off the executor).
                _ => {
                    let Some(photo) = self.blobs.get(&row.photo_key).await? else {
                        tracing::warn!(template = %row.id, key = %row.photo_key, "template photo missing from storage");
                        continue;
                    };
                    let spec = crate::render::TemplateSpec {
                        title: row.title.clone(),
                        alt: row.alt.clone(),
                        hashtags: row.hashtags.clone(),
                        photo: row.photo_key.clone(),
                        boxes,
                    };
                    let id = row.id.parse().map_err(RemixError::Crashed)?;
                    let template =
                        tokio::task::spawn_blocking(move || Template::new(id, spec, &photo))
                            .await
                            .map_err(|e| RemixError::Crashed(e.to_string()))?
                            .map_err(RemixError::Crashed)?;
                    Some(template)
                }
            };
            if let Some(template) = updated {
                self.templates
                    .write()
                    .expect("templates lock")
                    .insert(row.id.clone(), Arc::new(template));
            }
            self.template_status
                .write()
                .expect("status lock")
                .insert(row.id, row.status);
        }
        Ok(())
    }

    /// A template by id.
    pub fn template(&self, id: &str) -> Option<Arc<Template>> {
        self.templates
            .read()
            .expect("templates lock")
            .get(id)
            .cloned()
    }

    /// Every template, sorted by id.
    pub fn templates(&self) -> Vec<Arc<Template>> {
        let mut all: Vec<_> = self
            .templates
            .read()
            .expect("templates lock")
            .values()
            .cloned()
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    /// The template, the remix and the request key a request stands for; refuses templates
    /// that take no remixes.
    fn keyed(&self, request: &RemixRequest) -> Result<(Arc<Template>, Remix, String), RemixError> {
        let template = self
            .template(&request.template)
            .ok_or_else(|| RemixError::UnknownTemplate(request.template.clone()))?;
        match self.template_status(&request.template).as_deref() {
            Some("retired") => return Err(RemixError::RetiredTemplate(request.template.clone())),
            Some("draft") => return Err(RemixError::UnknownTemplate(request.template.clone())),
            _ => {}
        }
        let remix = Remix {
            captions: request.captions.clone(),
            style: request.style.clone(),
            format: request.format,
            width: request.width,
        };
        let key = request_key(&template, &remix)?;
        Ok((template, remix, key))
    }

    /// The remix this request already made, if any, without rendering.
    pub async fn find_existing(
        &self,
        request: &RemixRequest,
    ) -> Result<Option<Arc<RemixRow>>, RemixError> {
        let (_, _, key) = self.keyed(request)?;
        let id = match self.keys.get(&key) {
            Some(id) => Some(id),
            None => self.db.find_request(&key).await?,
        };
        match id {
            Some(id) => self.remix(&id).await,
            None => Ok(None),
        }
    }

    /// Finds the remix this request already made, or makes it. `true` if it is new.
    pub async fn create_or_find(
        &self,
        request: RemixRequest,
    ) -> Result<(Arc<RemixRow>, bool), RemixError> {
        let (template, remix, key) = self.keyed(&request)?;
        if let Some(id) = self.keys.get(&key)
            && let Some(row) = self.remix(&id).await?
        {
            self.count_repeat(&row.id);
            return Ok((row, false));
        }

        // One render per key at a time in this process; the database settles races
        // between processes.
        let flight = self
            .inflight
            .lock()
            .expect("inflight lock")
            .entry(key.clone())
            .or_default()
            .clone();
        let mut created = false;
        let result = flight
            .get_or_try_init(|| async {
                let (row, new) = self.create(&key, &template, remix, request.parent).await?;
                created = new;
                Ok::<_, RemixError>(row)
            })
            .await
            .cloned();
        {
            let mut inflight = self.inflight.lock().expect("inflight lock");
            if inflight.get(&key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
                inflight.remove(&key);
            }
        }
        let row = result?;
        if !created {
            self.count_repeat(&row.id);
        }
        Ok((row, created))
    }

    async fn create(
        &self,
        key: &str,
        template: &Arc<Template>,
        remix: Remix,
        parent: Option<String>,
    ) -> Result<(Arc<RemixRow>, bool), RemixError> {
        if let Some(id) = self.db.find_request(key).await?
            && let Some(row) = self.remix(&id).await?
        {
            self.keys.insert(key.to_owned(), row.id.clone());
            return Ok((row, false));
        }
        if let Some(parent) = &parent
            && self.remix(parent).await?.is_none()
        {
            return Err(RemixError::UnknownParent(parent.clone()));
        }
        let status = {
            let policy = self.policy.read().expect("policy lock");
            match policy.blocklist.first_match(&remix.captions) {
                Some(index) if policy.block_action == BlockAction::Refuse => {
                    return Err(RemixError::Blocked(index));
                }
                Some(_) => Status::New,
                None if policy.moderation == Moderation::Post => Status::Approved,
                None => Status::New,
            }
        };
        let t = template.clone();
        let r = remix.clone();
        let rendered = self
            .run_render(move |renderer| renderer.render(&t, &r))
            .await??;
        let hash = blake3::hash(&rendered.bytes);
        let blob_key = store::remix_key(&hash, rendered.format);
        let size = rendered.bytes.len() as u64;
        self.blobs
            .put(&blob_key, Bytes::from(rendered.bytes))
            .await?;
        let row = RemixRow {
            id: remix_id(&hash),
            hash: hash.to_hex().to_string(),
            template: template.id.to_string(),
            captions: remix.captions,
            style: remix.style,
            format: rendered.format,
            width: rendered.width,
            height: rendered.height,
            bytes: size,
            blob_key,
            parent,
            status,
            requests: 1,
            reports: 0,
            created_at: now_ms(),
        };
        let (stored, inserted) = self.db.insert_remix(&row, key).await?;
        let stored = Arc::new(stored);
        self.keys.insert(key.to_owned(), stored.id.clone());
        self.rows.insert(stored.id.clone(), stored.clone());
        Ok((stored, inserted))
    }

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
            let expected = self.expected_wait(ahead + 1 - free);
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
        let out = tokio::task::spawn_blocking(move || {
            let _permit = permit;
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

    /// How long `renders` more renders should take on all slots, from recent render times.
    fn expected_wait(&self, renders: usize) -> Duration {
        let mean = self.mean_render_micros.load(Ordering::Relaxed);
        let rounds = renders.div_ceil(self.slot_count) as u64;
        Duration::from_micros(mean.saturating_mul(rounds))
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
        let running = self.slot_count - self.slots.available_permits().min(self.slot_count);
        let backlog = self.stats.queued.load(Ordering::Relaxed) + running;
        let clear = self.expected_wait(backlog.max(1));
        RemixError::Busy {
            retry_after: clear.as_secs() + 1,
        }
    }

    /// A remix by id, from the short-lived cache or the database.
    pub async fn remix(&self, id: &str) -> Result<Option<Arc<RemixRow>>, RemixError> {
        if let Some(row) = self.rows.get(id) {
            return Ok(Some(row));
        }
        let Some(row) = self.db.get_remix(id).await? else {
            return Ok(None);
        };
        let row = Arc::new(row);
        self.rows.insert(id.to_owned(), row.clone());
        Ok(Some(row))
    }

    /// Changes a remix's status; `false` if there is no such remix.
    pub async fn set_status(&self, id: &str, status: Status) -> Result<bool, RemixError> {
        let changed = self.db.set_status(id, status).await?;
        self.rows.invalidate(id);
        Ok(changed)
    }

    /// The bytes of a remix's picture in `format`: the stored one, or (first time only) the
    /// same remix rendered in that format and stored beside it.
    pub async fn picture(
        &self,
        row: &RemixRow,
        format: Format,
    ) -> Result<Option<(Bytes, String)>, RemixError> {
        if format == row.format {
            return self.stored_picture(row).await;
        }
        self.rendition(row, format.extension(), move |renderer, template, remix| {
            renderer.render(template, &Remix { format, ..remix })
        })
        .await
    }

    /// A remix's own picture, checked against its hash. A picture lost from the store or
    /// damaged in it is drawn again from the row (rendering is deterministic), checked
    /// against the hash, and stored again; one that cannot be drawn to the same bytes is
    /// an error, never a different picture under the same id.
    pub async fn stored_picture(
        &self,
        row: &RemixRow,
    ) -> Result<Option<(Bytes, String)>, RemixError> {
        if let Some(bytes) = self.blobs.get(&row.blob_key).await? {
            if blake3::hash(&bytes).to_hex().as_str() == row.hash {
                return Ok(Some((bytes, row.hash.clone())));
            }
            tracing::warn!(remix = %row.id, key = %row.blob_key, "stored picture is damaged; drawing it again");
        } else {
            tracing::warn!(remix = %row.id, key = %row.blob_key, "stored picture is missing; drawing it again");
        }
        let bytes = self.redraw(row).await?;
        self.blobs.put(&row.blob_key, bytes.clone()).await?;
        Ok(Some((bytes, row.hash.clone())))
    }

    /// Draws a remix again from its row and checks the bytes against its hash.
    pub async fn redraw(&self, row: &RemixRow) -> Result<Bytes, RemixError> {
        let template = self
            .template(&row.template)
            .ok_or_else(|| RemixError::Lost {
                id: row.id.clone(),
                why: format!("its template {:?} is not loaded", row.template),
            })?;
        let remix = drawn_from(row);
        let rendered = self
            .run_render(move |renderer| renderer.render(&template, &remix))
            .await??;
        let hash = blake3::hash(&rendered.bytes);
        if hash.to_hex().as_str() != row.hash {
            return Err(RemixError::Lost {
                id: row.id.clone(),
                why: format!(
                    "drawn again it hashes to {}, not {} (the photo or the renderer changed)",
                    &hash.to_hex()[..16],
                    &row.hash[..row.hash.len().min(16)]
                ),
            });
        }
        Ok(Bytes::from(rendered.bytes))
    }

    /// A 240 px wide thumbnail for the moderation queue, made and stored on first request.
    pub async fn thumbnail(&self, row: &RemixRow) -> Result<Option<(Bytes, String)>, RemixError> {
        self.rendition(row, "thumb", |renderer, template, remix| {
            let width = Some(crate::render::MIN_WIDTH.max(240.min(remix.width.unwrap_or(240))));
            renderer.render(
                template,
                &Remix {
                    format: Format::Jpeg,
                    width,
                    ..remix
                },
            )
        })
        .await
    }

    /// The 1200x630 share card of a remix, made and stored on first request.
    pub async fn card(&self, row: &RemixRow) -> Result<Option<(Bytes, String)>, RemixError> {
        self.rendition(row, "card", |renderer, template, remix| {
            renderer.render_card(template, &remix)
        })
        .await
    }

    async fn rendition<F>(
        &self,
        row: &RemixRow,
        kind: &str,
        make: F,
    ) -> Result<Option<(Bytes, String)>, RemixError>
    where
        F: FnOnce(&Renderer, &Template, Remix) -> Result<crate::render::Rendered, RenderError>
            + Send
            + 'static,
    {
        if let Some(found) = self.db.get_rendition(&row.id, kind).await? {
            match self.blobs.get(&found.blob_key).await? {
                Some(bytes) if blake3::hash(&bytes).to_hex().as_str() == found.hash => {
                    return Ok(Some((bytes, found.hash)));
                }
                // Lost or damaged: renditions are derived, so draw it again below.
                _ => {
                    tracing::warn!(remix = %row.id, kind, key = %found.blob_key, "rendition lost or damaged; drawing it again")
                }
            }
        }
        let Some(template) = self.template(&row.template) else {
            return Ok(None);
        };
        let remix = drawn_from(row);
        let rendered = self
            .run_render(move |renderer| make(renderer, &template, remix))
            .await??;
        let hash = blake3::hash(&rendered.bytes);
        let blob_key = if kind == "card" || kind == "thumb" {
            store::card_key(&hash)
        } else {
            store::remix_key(&hash, rendered.format)
        };
        let bytes = Bytes::from(rendered.bytes);
        self.blobs.put(&blob_key, bytes.clone()).await?;
        let hex = hash.to_hex().to_string();
        self.db
            .put_rendition(
                &row.id,
                &Rendition {
                    kind: kind.to_owned(),
                    hash: hex.clone(),
                    blob_key,
                    bytes: bytes.len() as u64,
                },
            )
            .await?;
        Ok(Some((bytes, hex)))
    }

    fn count_repeat(&self, id: &str) {
        self.stats.dedup_hits.fetch_add(1, Ordering::Relaxed);
        *self
            .pending_requests
            .lock()
            .expect("pending lock")
            .entry(id.to_owned())
            .or_default() += 1;
    }

    /// Writes the repeat counters gathered since the last flush.
    pub async fn flush_counters(&self) -> Result<(), RemixError> {
        let counts: Vec<(String, i64)> = self
            .pending_requests
            .lock()
            .expect("pending lock")
            .drain()
            .collect();
        if counts.is_empty() {
            return Ok(());
        }
        if let Err(e) = self.db.add_requests(&counts).await {
            // Put them back for the next flush rather than lose them.
            let mut pending = self.pending_requests.lock().expect("pending lock");
            for (id, n) in counts {
                *pending.entry(id).or_default() += n;
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// Removes blobs no row refers to and older than `grace` (so a write in flight, whose
    /// row is not committed yet, is never touched).
    pub async fn gc(&self, grace: Duration, dry_run: bool) -> Result<GcReport, RemixError> {
        let cutoff = SystemTime::now() - grace;
        let mut report = GcReport::default();
        // Read the references after listing: a blob written and referenced in between is
        // then seen as referenced.
        let mut listed = Vec::new();
        for folder in ["remixes", "cards", "templates"] {
            listed.extend(self.blobs.list(folder).await?);
        }
        let referenced = self.db.referenced_blobs().await?;
        for blob in listed {
            report.examined += 1;
            if referenced.contains(&blob.key) {
                continue;
            }
            if blob.modified > cutoff {
                report.too_recent += 1;
                continue;
            }
            if !dry_run {
                self.blobs.delete(&blob.key).await?;
            }
            report.removed.push(blob.key);
            report.bytes += blob.size;
        }
        Ok(report)
    }
}

/// What `gc` found.
#[derive(Debug, Default, Serialize)]
pub struct GcReport {
    /// Blobs looked at.
    pub examined: usize,
    /// Unreferenced blobs kept because they are younger than the grace period.
    pub too_recent: usize,
    /// Unreferenced blobs removed (or, in a dry run, that would be).
    pub removed: Vec<String>,
    /// Their total size.
    pub bytes: u64,
}

/// A remix id: the first 16 hex digits (64 bits) of the picture's blake3 hash.
pub fn remix_id(hash: &blake3::Hash) -> String {
    hash.to_hex()[..16].to_owned()
}

/// Whether `id` looks like a remix id (so a bad one is refused before any lookup).
pub fn is_remix_id(id: &str) -> bool {
    id.len() == 16
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// blake3 over a canonical encoding of everything that decides the picture.
/// The parent is not part of it: the same picture made from two parents is one remix.
pub fn request_key(template: &Template, remix: &Remix) -> Result<String, RenderError> {
    let (width, _) = output_size(template, remix.width)?;
    #[derive(Serialize)]
    struct Canonical<'a> {
        v: u32,
        template: &'a str,
        photo: String,
        captions: Vec<String>,
        style: &'a Style,
        format: &'a str,
        width: u32,
    }
    let canonical = Canonical {
        v: RENDERER_VERSION,
        template: template.id.as_str(),
        photo: template.photo_hash.to_hex().to_string(),
        captions: remix
            .captions
            .iter()
            .map(|c| crate::render::shape::clean(c, false))
            .collect(),
        style: &remix.style,
        format: remix.format.extension(),
        width,
    };
    let json = serde_json::to_vec(&canonical).expect("canonical request serialises");
    Ok(blake3::hash(&json).to_hex().to_string())
}

/// What a stored remix was drawn from: rows keep everything, so it can be drawn again.
fn drawn_from(row: &RemixRow) -> Remix {
    Remix {
        captions: row.captions.clone(),
        style: row.style.clone(),
        format: row.format,
        width: Some(row.width),
    }
}
