//! Template encodings for JPEG remixes: prepared once per template and width, by whichever
//! node needs one first, and kept in the blob store so that a restart or another node
//! reads it instead of preparing it again.

use std::sync::Arc;

use bytes::Bytes;

use super::{RemixError, Remixer};
use crate::render::{Format, Remix, Template, common_width, output_size};

impl Remixer {
    /// Makes the template's JPEG encoding at this output width (`None`: the photo's own)
    /// ready in memory: already there, read from the blob store, or prepared off the async
    /// threads and stored. Only at the photo's own width and the common ones
    /// ([`crate::render::COMMON_WIDTHS`]); at another the render makes one in memory.
    pub async fn ready_jpeg(
        &self,
        template: &Arc<Template>,
        width: Option<u32>,
    ) -> Result<(), RemixError> {
        if self.renderer.has_jpeg_base(template, width)? {
            return Ok(());
        }
        let (w, _) = output_size(template, width)?;
        if !common_width(template, w) {
            // Made in memory by the render itself: not worth a blob per odd width.
            return Ok(());
        }
        // Requests racing here take turns: the first reads or prepares the encoding, and
        // those after it find it made.
        let turn = self
            .base_turns
            .lock()
            .expect("base turns")
            .entry((template.photo_hash, w))
            .or_default()
            .clone();
        let _turn = turn.lock().await;
        if self.renderer.has_jpeg_base(template, width)? {
            return Ok(());
        }
        let key = crate::store::base_key(&template.photo_hash, w);
        match self.blobs.get(&key).await {
            Ok(Some(stored)) => {
                let (renderer, t) = (self.renderer.clone(), template.clone());
                let installed = tokio::task::spawn_blocking(move || {
                    renderer.install_jpeg_base(&t, width, stored.to_vec())
                })
                .await
                .map_err(|e| RemixError::Crashed(e.to_string()))??;
                if installed {
                    return Ok(());
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(%key, error = %e, "could not read a stored JPEG encoding"),
        }
        let (renderer, t) = (self.renderer.clone(), template.clone());
        let started = std::time::Instant::now();
        let bytes = tokio::task::spawn_blocking(move || renderer.prepare_jpeg_base(&t, width))
            .await
            .map_err(|e| RemixError::Crashed(e.to_string()))??;
        self.stats
            .jpeg_bases_prepared
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(
            template = %template.id,
            width = w,
            ms = started.elapsed().as_millis() as u64,
            bytes = bytes.len(),
            "prepared the template's JPEG encoding"
        );
        if let Err(e) = self.blobs.put(&key, Bytes::from(bytes)).await {
            // Still ready here; another node or a restart prepares it again.
            tracing::warn!(%key, error = %e, "could not store a template's JPEG encoding");
        }
        Ok(())
    }

    /// Makes ready what rendering `remix` of `template` splices into, if anything.
    pub async fn ready_for(
        &self,
        template: &Arc<Template>,
        remix: &Remix,
    ) -> Result<(), RemixError> {
        if remix.format == Format::Jpeg {
            self.ready_jpeg(template, remix.width).await?;
        }
        Ok(())
    }

    /// Makes every published template's JPEG encodings ready at `widths` (`None`: the
    /// photo's own width), one after another, so that requests find them made. Each
    /// photo and width is seen to once per process: a template uploaded since is
    /// prepared at the next call.
    pub async fn ready_jpeg_all(&self, widths: &[Option<u32>]) {
        for template in self.published_templates() {
            if template.frame.is_some() {
                continue;
            }
            for &width in widths {
                let width = width.filter(|&w| w < template.size().0);
                let fresh = self
                    .warmed
                    .lock()
                    .expect("warmed")
                    .insert((template.photo_hash, width));
                if !fresh {
                    continue;
                }
                if let Err(e) = self.ready_jpeg(&template, width).await {
                    tracing::warn!(template = %template.id, ?width, error = %e, "could not prepare a JPEG encoding");
                }
            }
        }
    }
}
