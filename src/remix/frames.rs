//! Framed pictures: a supporter's own photo under an official frame.
//!
//! The photo is read, cut and scaled inside the render queue (so uploads wait their turn
//! with captions and cannot starve them), drawn under the frame, and then dropped: only
//! the finished picture is stored, and a framed picture can never be drawn again from its
//! row. Its other renditions are made from the stored picture's pixels instead.

use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;

use super::{RemixError, Remixer};
use crate::db::{RemixRow, Status, TemplateStatus};
use crate::photo::{Crop, framed_photo};
use crate::render::{Format, RENDERER_VERSION, Remix, Style, Template};

/// What a supporter sends to put their photo in a frame.
#[derive(Clone)]
pub struct FrameRequest {
    /// The frame's id.
    pub frame: String,
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
            .field("frame", &self.frame)
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

    /// Finds the framed picture this photo, crop, frame and captions made before, or makes
    /// it. `true` if it is new. A new picture is unlisted (status `hidden`: its link works,
    /// the gallery does not show it) unless the supporter asked for the gallery, which puts
    /// it in the moderation queue.
    pub async fn frame_picture(
        &self,
        request: FrameRequest,
    ) -> Result<(Arc<RemixRow>, bool), RemixError> {
        let frame = self.published_frame(&request.frame)?;
        if let Some(crop) = &request.crop {
            crop.check()?;
        }
        let remix = Remix {
            captions: request.captions,
            style: Style::default(),
            format: Format::Jpeg,
            width: Some(frame.size().0),
        };
        crate::render::check(&frame, &remix)?;
        let key = frame_key(&frame, &request.photo, request.crop, &remix.captions);
        let found = match self.keys.get(&key) {
            Some(id) => Some(id),
            None => self.db.find_request(&key).await?,
        };
        if let Some(id) = found
            && let Some(row) = self.remix(&id).await?
        {
            self.keys.insert(key, row.id.clone());
            self.count_repeat(&row.id);
            return Ok((row, false));
        }
        // A refused phrase is refused here too; a held one waits in the queue only if the
        // supporter asked for the gallery at all.
        let screen = self.screen();
        let typed = screen.typed(&remix.captions)?;
        let (area, constituency) = self
            .place(
                request.area.filter(|a| !a.is_empty()),
                request.constituency.filter(|c| !c.is_empty()),
            )
            .await?;
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
        let made = super::create::Made {
            template: frame.id.to_string(),
            parent: None,
            status,
            area,
            constituency,
            held,
        };
        let (stored, inserted) = self.store_new(&key, remix, rendered, made).await?;
        if !inserted {
            self.count_repeat(&stored.id);
        }
        Ok((stored, inserted))
    }
}

/// blake3 over everything that decides a framed picture: the frame as stored, the photo
/// file's hash (the photo itself is not kept), the crop and the captions.
fn frame_key(frame: &Template, photo: &[u8], crop: Option<Crop>, captions: &[String]) -> String {
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
        photo: blake3::hash(photo).to_hex().to_string(),
        crop: crop.map(|c| c.rounded()),
        captions: captions
            .iter()
            .map(|c| crate::render::shape::clean(c, false))
            .collect(),
    };
    let json = serde_json::to_vec(&canonical).expect("canonical request serialises");
    blake3::hash(&json).to_hex().to_string()
}
