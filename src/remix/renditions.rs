//! Renditions: a remix's picture in another format, its share card and thumbnail, and a
//! lost or damaged picture drawn again from its row.

use bytes::Bytes;

use super::{RemixError, Remixer, drawn_from};
use crate::db::{RemixRow, Rendition, RenditionKind};
use crate::render::{self, Format, Remix, RenderError, Renderer, Template};
use crate::store;

impl Remixer {
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
        self.rendition(
            row,
            RenditionKind::Format(format),
            move |renderer, template, remix| renderer.render(template, &Remix { format, ..remix }),
        )
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
        // Deleted by its maker meanwhile: never store it again.
        if !self.still_has_picture(row).await? {
            return Ok(None);
        }
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
        if template.frame.is_some() {
            return Err(RemixError::Lost {
                id: row.id.clone(),
                why: "it is a framed picture, and the supporter's photo it was drawn from is \
                      never kept"
                    .into(),
            });
        }
        let remix = drawn_from(row);
        self.ready_for(&template, &remix).await?;
        let (t, r) = (template.clone(), remix.clone());
        let mut rendered = self
            .run_render(move |renderer| renderer.render(&t, &r))
            .await??;
        let mut hash = blake3::hash(&rendered.bytes);
        if hash.to_hex().as_str() != row.hash && remix.format == Format::Jpeg {
            // Perhaps stored before the JPEG Huffman tables changed, by renderer version 3.
            rendered = self
                .run_render(move |renderer| renderer.render_as_version_3(&template, &remix))
                .await??;
            hash = blake3::hash(&rendered.bytes);
        }
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

    /// A remix's picture of this kind: its own or another format, its card, its thumbnail.
    pub async fn rendition_of(
        &self,
        row: &RemixRow,
        kind: RenditionKind,
    ) -> Result<Option<(Bytes, String)>, RemixError> {
        match kind {
            RenditionKind::Format(format) => self.picture(row, format).await,
            RenditionKind::Card => self.card(row).await,
            RenditionKind::Square | RenditionKind::Story => self.posted(row, kind).await,
            RenditionKind::Thumb | RenditionKind::Small | RenditionKind::Medium => {
                self.narrower(row, kind).await
            }
        }
    }

    /// A narrower copy of a remix (thumbnail, small, medium), made and stored on first
    /// request.
    pub async fn narrower(
        &self,
        row: &RemixRow,
        kind: RenditionKind,
    ) -> Result<Option<(Bytes, String)>, RemixError> {
        let width = kind.width_for(row.width);
        self.rendition(row, kind, move |renderer, template, remix| {
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

    /// Whether a remix still has its picture (its maker has not deleted it), read from the
    /// database itself, not the cached row.
    async fn still_has_picture(&self, row: &RemixRow) -> Result<bool, RemixError> {
        Ok(self
            .db
            .get_remix(row.id.as_str())
            .await?
            .is_some_and(|r| !r.blob_key.is_empty()))
    }

    /// A template's photo `width` pixels wide, as JPEG, for `srcset` on the home page:
    /// stored on first request, so every node (and the next restart) reads it rather than
    /// drawing it again.
    pub async fn photo_at(
        &self,
        template: std::sync::Arc<Template>,
        width: u32,
    ) -> Result<(Bytes, String), RemixError> {
        let key = store::photo_key(&template.photo_hash, width);
        if let Some(bytes) = self.blobs.get(&key).await? {
            let hash = blake3::hash(&bytes).to_hex().to_string();
            return Ok((bytes, hash));
        }
        let empty = Remix {
            captions: vec![],
            style: Default::default(),
            format: Format::Jpeg,
            width: Some(width),
        };
        let rendered = self
            .run_render(move |renderer| renderer.render(&template, &empty))
            .await??;
        let bytes = Bytes::from(rendered.bytes);
        self.blobs.put(&key, bytes.clone()).await?;
        let hash = blake3::hash(&bytes).to_hex().to_string();
        Ok((bytes, hash))
    }

    /// The 1200x630 share card of a remix, made and stored on first request.
    pub async fn card(&self, row: &RemixRow) -> Result<Option<(Bytes, String)>, RemixError> {
        self.rendition(row, RenditionKind::Card, |renderer, template, remix| {
            renderer.render_card(template, &remix)
        })
        .await
    }

    /// The remix in a shape people post, made and stored on first request: the 1080x1080
    /// profile picture or the 1080x1920 story, the picture fitted on a blurred fill.
    pub async fn posted(
        &self,
        row: &RemixRow,
        kind: RenditionKind,
    ) -> Result<Option<(Bytes, String)>, RemixError> {
        let size = kind.size().unwrap_or(crate::render::SQUARE_SIZE);
        self.rendition(row, kind, move |renderer, template, remix| {
            renderer.render_fitted(template, &remix, size, crate::render::POSTED_MAX_BYTES)
        })
        .await
    }

    async fn rendition<F>(
        &self,
        row: &RemixRow,
        kind: RenditionKind,
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
                    tracing::warn!(remix = %row.id, kind = kind.as_str(), key = %found.blob_key, "rendition lost or damaged; drawing it again")
                }
            }
        }
        let rendered = if self.is_framed(row) {
            // Nothing but its pixels is kept of a framed picture: derive from them.
            let Some((picture, hash)) = self.stored_picture(row).await? else {
                return Ok(None);
            };
            if kind.size() == Some((row.width, row.height)) {
                // A square frame's picture is its own profile picture.
                return Ok(Some((picture, hash)));
            }
            let (width, id) = (kind.width_for(row.width), row.id.clone());
            self.run_render(move |_| derived(&picture, kind, width, id))
                .await??
        } else {
            let Some(template) = self.template(&row.template) else {
                return Ok(None);
            };
            let remix = drawn_from(row);
            let jpeg_width = match kind {
                RenditionKind::Thumb | RenditionKind::Small | RenditionKind::Medium => {
                    Some(kind.width_for(row.width))
                }
                RenditionKind::Format(Format::Jpeg) => Some(remix.width),
                _ => None,
            };
            if let Some(width) = jpeg_width {
                self.ready_jpeg(&template, width).await?;
            }
            self.run_render(move |renderer| make(renderer, &template, remix))
                .await??
        };
        let hash = blake3::hash(&rendered.bytes);
        let blob_key = match kind {
            RenditionKind::Card
            | RenditionKind::Thumb
            | RenditionKind::Small
            | RenditionKind::Medium
            | RenditionKind::Square
            | RenditionKind::Story => store::card_key(&hash),
            RenditionKind::Format(_) => store::remix_key(&hash, rendered.format),
        };
        let bytes = Bytes::from(rendered.bytes);
        // Deleted by its maker while this was drawn: store nothing.
        if !self.still_has_picture(row).await? {
            return Ok(None);
        }
        self.blobs.put(&blob_key, bytes.clone()).await?;
        let hex = hash.to_hex().to_string();
        self.db
            .put_rendition(
                &row.id,
                &Rendition {
                    kind,
                    hash: hex.clone(),
                    blob_key,
                    bytes: bytes.len() as u64,
                },
            )
            .await?;
        Ok(Some((bytes, hex)))
    }
}

/// A rendition made from a finished picture's pixels (a framed picture's, which cannot be
/// drawn again): the same picture in another format or narrower, or fitted on a blurred
/// fill for the card and the shapes people post.
fn derived(
    picture: &[u8],
    kind: RenditionKind,
    width: Option<u32>,
    id: crate::db::RemixId,
) -> Result<crate::render::Rendered, RemixError> {
    let pixels = image::load_from_memory(picture)
        .map_err(|e| RemixError::Lost {
            id,
            why: format!("its stored picture does not decode: {e}"),
        })?
        .into_rgb8();
    Ok(match kind {
        RenditionKind::Format(format) => render::reencoded(&pixels, format, None),
        RenditionKind::Thumb | RenditionKind::Small | RenditionKind::Medium => {
            render::reencoded(&pixels, Format::Jpeg, width)
        }
        RenditionKind::Card => render::fitted(&pixels, render::CARD_SIZE, render::CARD_MAX_BYTES),
        RenditionKind::Square | RenditionKind::Story => render::fitted(
            &pixels,
            kind.size().expect("a posted shape has a size"),
            render::POSTED_MAX_BYTES,
        ),
    })
}
