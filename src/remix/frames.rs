//! Framed pictures: a supporter's own photo under an official frame.
//!
//! The photo is read, cut and scaled inside the render queue (so uploads wait their turn
//! with captions and cannot starve them), drawn under the frame, and then dropped: only
//! the finished picture is stored, and a framed picture can never be drawn again from its
//! row. Its other renditions are made from the stored picture's pixels instead.

use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;

use super::made::Made;
use super::{RemixError, Remixer};
use crate::db::{RemixRow, Status, TemplateStatus};
use crate::photo::{Crop, framed_photo};
use crate::render::{RENDERER_VERSION, Remix, Rendered, Template};

/// What a supporter sends to put their photo in a frame (which one: [`super::Source`]).
#[derive(Clone)]
pub struct FrameRequest {
    /// The photo file as sent. Read once, never stored or logged.
    pub photo: Bytes,
    /// The part of the photo to show; the centre when `None`.
    pub crop: Option<Crop>,
    /// Captions for the frame's boxes, in order.
    pub captions: Vec<String>,
    /// Whether the supporter asks for it to be shown in the gallery (after moderation).
    pub gallery: bool,
    /// The area the supporter is in, if they said.
    pub area: Option<String>,
    /// The constituency the supporter is in, if they said (see [`super::RemixRequest`]).
    pub constituency: Option<String>,
}

impl std::fmt::Debug for FrameRequest {
    // The photo is never written to a log, not even its size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameRequest")
            .field("crop", &self.crop)
            .field("captions", &self.captions.len())
            .field("gallery", &self.gallery)
            .finish_non_exhaustive()
    }
}

impl Remixer {
    /// A published frame; retired and draft ones are refused as caption templates are.
    pub fn published_frame(&self, id: &str) -> Result<Arc<Template>, RemixError> {
        let frame = self
            .template(id)
            .filter(|t| t.frame.is_some())
            .ok_or_else(|| RemixError::UnknownFrame(id.to_owned()))?;
        match self.template_status(id) {
            Some(TemplateStatus::Retired) => Err(RemixError::RetiredTemplate(id.to_owned())),
            Some(TemplateStatus::Draft) => Err(RemixError::UnknownFrame(id.to_owned())),
            Some(TemplateStatus::Published) | None => Ok(frame),
        }
    }

    /// Frames supporters can use, sorted by id.
    pub fn published_frames(&self) -> Vec<Arc<Template>> {
        self.templates()
            .into_iter()
            .filter(|t| t.frame.is_some() && self.published_frame(t.id.as_str()).is_ok())
            .collect()
    }

    /// Whether a remix is a framed picture (its pixels are all there is of it).
    pub fn is_framed(&self, row: &RemixRow) -> bool {
        self.template(&row.template)
            .is_some_and(|t| t.frame.is_some())
    }

    /// Renders a framed picture: the photo is read, cut and scaled inside the render
    /// queue and dropped once its pixels are drawn. A new picture is unlisted (status
    /// `hidden`: its link works, the gallery does not show it) unless the supporter asked
    /// for the gallery, which puts it in the moderation queue.
    pub(super) async fn render_framed(
        &self,
        frame: Arc<Template>,
        request: FrameRequest,
        remix: Remix,
    ) -> Result<(Remix, Rendered, Made), RemixError> {
        // A refused phrase is refused here too; a held one waits in the queue only if the
        // supporter asked for the gallery at all.
        let screen = self.screen();
        let typed = screen.typed(&remix.captions)?;
        let status = if request.gallery {
            Status::New
        } else {
            Status::Hidden
        };
        let (photo, crop, drawn) = (request.photo, request.crop, remix.clone());
        let made = frame.clone();
        let (rendered, held) = self
            .run_render(move |renderer| {
                let held = screen.drawn(typed, &made, &drawn)?;
                let pixels = framed_photo(&photo, crop, made.size())?;
                // The file is dropped here, once its pixels are read.
                drop(photo);
                let rendered = renderer.render_framed(&made, pixels, &drawn.captions)?;
                Ok::<_, RemixError>((rendered, held))
            })
            .await??;
        let made = Made {
            template: frame.id.to_string(),
            parent: None,
            status,
            area: None,
            constituency: None,
            held,
        };
        Ok((remix, rendered, made))
    }
}

/// blake3 over everything that decides a framed picture: the frame as stored, the photo
/// file's hash (the photo itself is not kept), the crop and the captions.
pub(super) fn frame_key(
    frame: &Template,
    photo: &blake3::Hash,
    crop: Option<Crop>,
    captions: &[String],
) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        v: u32,
        kind: &'a str,
        frame: &'a str,
        frame_photo: String,
        photo: String,
        crop: Option<[u32; 4]>,
        captions: Vec<String>,
    }
    let canonical = Canonical {
        v: RENDERER_VERSION,
        kind: "frame",
        frame: frame.id.as_str(),
        frame_photo: frame.photo_hash.to_hex().to_string(),
        photo: photo.to_hex().to_string(),
        crop: crop.map(|c| c.rounded()),
        captions: captions
            .iter()
            .map(|c| crate::render::shape::clean(c, false))
            .collect(),
    };
    let json = serde_json::to_vec(&canonical).expect("canonical request serialises");
    blake3::hash(&json).to_hex().to_string()
}
