//! The renderer's one piece of state: template photos scaled to the output widths asked
//! for, kept in a small cache (the least recently used goes first), each with room for its
//! JPEG encodings for strip splicing, which the renderer makes on first need.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};

use image::{RgbImage, imageops};

use super::jpeg::JpegBase;
use super::template::Template;

/// A template photo at one output width, with its JPEG encoding made on first need.
pub(super) struct Scaled {
    pub(super) image: RgbImage,
    pub(super) jpeg: OnceLock<JpegBase>,
    /// Renderer version 3's encoding, made only to draw again a picture stored then.
    pub(super) version_3_jpeg: OnceLock<JpegBase>,
    last_used: AtomicU64,
}

type ScaledKey = (blake3::Hash, u32);

/// Scaled template photos by (photo, width), at most `capacity` of them.
pub(super) struct ScaledPhotos {
    scaled: Mutex<HashMap<ScaledKey, Arc<Scaled>>>,
    clock: AtomicU64,
    capacity: usize,
}

impl ScaledPhotos {
    /// An empty cache that keeps up to `capacity` scaled photos.
    pub(super) fn new(capacity: usize) -> ScaledPhotos {
        ScaledPhotos {
            scaled: Mutex::new(HashMap::new()),
            clock: Default::default(),
            capacity,
        }
    }

    /// The template's photo at this width if it is in memory, without scaling it.
    pub(super) fn cached(&self, template: &Template, width: u32) -> Option<Arc<Scaled>> {
        let cache = self.scaled.lock().expect("scaled cache");
        cache.get(&(template.photo_hash, width)).cloned()
    }

    /// The template's photo at this output size, scaled now if it is not in memory.
    pub(super) fn scaled(&self, template: &Template, width: u32, height: u32) -> Arc<Scaled> {
        let key = (template.photo_hash, width);
        let now = self.clock.fetch_add(1, Relaxed);
        if let Some(hit) = self.scaled.lock().expect("scaled cache").get(&key) {
            hit.last_used.store(now, Relaxed);
            return hit.clone();
        }
        // Scale outside the lock: it takes tens of milliseconds and other widths may be busy.
        let image = if template.size() == (width, height) {
            (*template.photo).clone()
        } else {
            imageops::resize(
                &*template.photo,
                width,
                height,
                imageops::FilterType::Lanczos3,
            )
        };
        let made = Arc::new(Scaled {
            image,
            jpeg: OnceLock::new(),
            version_3_jpeg: OnceLock::new(),
            last_used: now.into(),
        });
        let mut cache = self.scaled.lock().expect("scaled cache");
        if cache.len() >= self.capacity
            && let Some(oldest) = cache
                .iter()
                .min_by_key(|(_, s)| s.last_used.load(Relaxed))
                .map(|(k, _)| *k)
        {
            cache.remove(&oldest);
        }
        cache.entry(key).or_insert(made).clone()
    }
}
