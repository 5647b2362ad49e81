//! Create-or-find: a remix request becomes a stored picture exactly once.
//!
//! A request key (blake3 over everything that decides the picture) finds a repeat without
//! rendering; a miss renders off the async executor behind a bounded queue, writes the blob
//! first and then the rows in one transaction, so a crash leaves at worst a blob that `gc`
//! removes, never a row without its picture.
//!
//! One file per job of the [`Remixer`]: `create` (create-or-find and counters), `catalog`
//! (the templates it draws on and their status), `moderation` (what a new remix's status
//! is), `queue` (the bounded render queue), `renditions` (other formats, cards, thumbnails,
//! lost pictures drawn again) and `gc`.

mod bases;
mod catalog;
mod create;
mod delete;
mod frames;
mod gc;
mod made;
mod moderation;
mod queue;
mod reach;
mod renditions;
mod visitors;

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{OnceCell, Semaphore};

pub use crate::db::RemixId;
use crate::db::{Db, DbError, RemixRow, TemplateStatus};
use crate::render::{Format, RENDERER_VERSION, Remix, RenderError, Renderer, Style, Template};
use crate::store::{Blobs, StoreError};
pub use catalog::TemplateEdit;
pub use create::{Admission, Created, Source, Unlimited};
pub use delete::DeleteLink;
pub use frames::FrameRequest;
pub use gc::GcReport;
pub use moderation::{BlockAction, Moderation, Policy};
use queue::INITIAL_RENDER_GUESS;
pub use queue::{DEFAULT_MAX_WAIT, Stats, default_render_slots};
pub use reach::{Event, HOUR_MS, Network, is_preview_crawler, is_robot, referring_domain};
pub use visitors::{AGENT_CLASSES, Visitor};

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
    /// No published frame with that id.
    #[error("no frame {0:?}")]
    UnknownFrame(String),
    /// No area with that id, or a retired one.
    #[error("no area {0:?}; GET /api/areas lists them")]
    UnknownArea(String),
    /// A constituency that is not in the area named with it.
    #[error("constituency {constituency:?} is in {within:?}, not {area:?}")]
    WrongConstituency {
        /// The constituency named.
        constituency: String,
        /// The area named with it.
        area: String,
        /// The area it is in.
        within: String,
    },
    /// A supporter's photo cannot be used.
    #[error(transparent)]
    Upload(#[from] crate::photo::UploadError),
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
    /// A render task died (a panic in the renderer, or the runtime shutting down).
    #[error("rendering failed: {0}")]
    Crashed(String),
    /// A bundled template's photo could not be read.
    #[error("cannot read {path}: {source}")]
    TemplateFile {
        /// The photo's path.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A stored template cannot be used (its photo does not decode, its id or boxes are bad).
    #[error("template {id:?} cannot be loaded: {why}")]
    BadTemplate {
        /// The template.
        id: String,
        /// Why.
        why: String,
    },
    /// The same picture was made before and deleted by the person who made it.
    #[error(
        "this same picture was made before and deleted by the person who made it; change a \
         caption or the style to make a new one"
    )]
    PictureDeleted(RemixId),
    /// The same picture was made before and removed by the campaign.
    #[error(
        "the campaign removed this same picture; change a caption or the style to make a new one"
    )]
    PictureRemoved(RemixId),
    /// A stored picture is gone and cannot be drawn again to the same bytes.
    #[error("the picture of remix {id} is lost: {why}")]
    Lost {
        /// The remix.
        id: RemixId,
        /// Why it cannot be drawn again.
        why: String,
    },
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
    /// The remix this one remixes (as given: checked when the request is looked up).
    pub parent: Option<String>,
    /// The area its maker is in, if they said (checked when it is made; not part of the
    /// picture, so the same captions from two areas are one remix, of the first area).
    pub area: Option<String>,
    /// The constituency its maker is in, if they said: one within `area`, or `area` left
    /// out for the constituency's own. An `area` that names a constituency means it too.
    pub constituency: Option<String>,
}

impl RemixRequest {
    /// Captions on a template, in its default style, as a JPEG at the photo's width.
    pub fn new(template: impl Into<String>, captions: Vec<String>) -> RemixRequest {
        RemixRequest {
            template: template.into(),
            captions,
            style: Style::default(),
            format: Format::Jpeg,
            width: None,
            parent: None,
            area: None,
            constituency: None,
        }
    }
}

type Flight = Arc<OnceCell<Arc<RemixRow>>>;

/// A turn at some work that one task at a time does.
type Turn = Arc<tokio::sync::Mutex<()>>;

/// The remix service: templates, renderer, blobs and rows behind one create-or-find.
pub struct Remixer {
    templates: RwLock<HashMap<String, Arc<Template>>>,
    /// `draft`, `published` or `retired`, by template id.
    template_status: RwLock<HashMap<String, TemplateStatus>>,
    policy: RwLock<Policy>,
    renderer: Arc<Renderer>,
    blobs: Blobs,
    db: Db,
    /// request key -> remix id: hot keys never reach the database.
    keys: moka::sync::Cache<String, RemixId>,
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
    /// When each render now running started, for the real wait a refusal names.
    running: queue::Running,
    /// When overload was last logged (ms since the Unix epoch), so a flood of refusals
    /// writes one line a second, not one per request.
    overload_logged_at: AtomicU64,
    pending_requests: Mutex<HashMap<String, i64>>,
    /// Reach counts gathered since they were last written.
    tally: Mutex<reach::Tally>,
    /// Who has been counted today, as keyed hashes (see `visitors`).
    visitors: visitors::Visitors,
    /// Whether reach is counted at all.
    counting: std::sync::atomic::AtomicBool,
    /// This process's name among the nodes, for its health row and blob.
    node: String,
    /// (photo, width) whose JPEG encodings were made ready in the background once.
    warmed: Mutex<std::collections::HashSet<(blake3::Hash, Option<u32>)>>,
    /// One turn per (photo, width) at reading or preparing its JPEG encoding, so that
    /// requests racing to the same one wait for the first instead of repeating it.
    base_turns: Mutex<HashMap<(blake3::Hash, u32), Turn>>,
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
            visitors: visitors::Visitors::default(),
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

/// blake3 over a canonical encoding of everything that decides the picture.
/// The parent is not part of it: the same picture made from two parents is one remix.
pub fn request_key(template: &Template, remix: &Remix) -> Result<String, RenderError> {
    let (width, _) = crate::render::check(template, remix)?;
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
