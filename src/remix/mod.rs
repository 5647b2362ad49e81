//! Create-or-find: a remix request becomes a stored picture exactly once.
//!
//! A request key (blake3 over everything that decides the picture) finds a repeat without
//! rendering; a miss renders off the async executor behind a bounded queue, writes the blob
//! first and then the rows in one transaction, so a crash leaves at worst a blob that `gc`
//! removes, never a row without its picture.
//!
//! One file per job of the [`Remixer`]: `create` (the one create pipeline and counters),
//! `registry` (the templates it draws on and their status), `moderation` (what a new
//! remix's status is), `queue` (the bounded render queue), `reach` (counting what happens to remixes),
//! `renditions` (other formats, cards, thumbnails, lost pictures drawn again) and `gc`.
//! The `Remixer` itself is `remixer`; what it holds that those jobs also name (`policy`,
//! `load`, `event`, `visitors`) lives in files that use none of the others, and this file
//! only re-exports from its children, so that no file here needs one that needs it back.

mod bases;
mod create;
mod delete;
mod event;
mod frames;
mod gc;
mod load;
mod made;
mod moderation;
mod policy;
mod queue;
mod reach;
mod registry;
mod remixer;
mod renditions;
mod visitors;

use serde::Serialize;

pub use crate::db::RemixId;
use crate::db::{DbError, RemixRow};
use crate::render::{Format, RENDERER_VERSION, Remix, RenderError, Style, Template};
use crate::store::StoreError;
pub use create::{Admission, Created, Source, Unlimited};
pub use delete::DeleteLink;
pub use event::{Event, Network};
pub use frames::FrameRequest;
pub use gc::GcReport;
pub use load::{DEFAULT_MAX_WAIT, Stats};
pub use policy::{BlockAction, Moderation, Policy};
pub use queue::default_render_slots;
pub use reach::{HOUR_MS, is_preview_crawler, is_robot, referring_domain};
pub use registry::TemplateEdit;
pub use remixer::Remixer;
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
