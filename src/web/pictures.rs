//! Hot pictures in a node's memory, so a viral image is read from the store once per node;
//! every picture of a remix can be dropped at once when its status changes.

use bytes::Bytes;

use crate::db::RenditionKind;
use crate::render::Format;

/// What a picture is kept under in a node's memory: built here only, so every kind of
/// picture of a remix can be dropped at once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PictureKey {
    /// A remix's picture or one of its renditions.
    Remix(String, RenditionKind),
    /// A template's photo, by the photo's hash (a replaced photo is never served stale),
    /// whole or at a narrower width.
    Photo(String, Option<u32>),
}

/// Hot pictures, so a viral image is read from the store once per node.
#[derive(Clone)]
pub struct PictureCache(moka::sync::Cache<PictureKey, (Bytes, String)>);

impl PictureCache {
    /// A cache holding at most `bytes` of pictures.
    pub fn new(bytes: u64) -> PictureCache {
        PictureCache(
            moka::sync::Cache::builder()
                .weigher(|_: &PictureKey, v: &(Bytes, String)| {
                    v.0.len().try_into().unwrap_or(u32::MAX)
                })
                .max_capacity(bytes)
                .build(),
        )
    }

    /// Drops every picture of a remix: each format, the card and the narrower copies.
    pub fn forget_remix(&self, id: &str) {
        let kinds = [
            RenditionKind::Card,
            RenditionKind::Square,
            RenditionKind::Story,
        ]
        .into_iter()
        .chain(RenditionKind::SIZES)
        .chain(Format::ALL.iter().map(|f| RenditionKind::Format(*f)));
        for kind in kinds {
            self.0.invalidate(&PictureKey::Remix(id.to_owned(), kind));
        }
    }

    /// Drops every picture, as a fresh process would start.
    pub fn clear(&self) {
        self.0.invalidate_all();
    }

    /// A picture this node holds.
    pub fn get(&self, key: &PictureKey) -> Option<(Bytes, String)> {
        self.0.get(key)
    }

    /// Keeps a picture.
    pub fn insert(&self, key: PictureKey, picture: (Bytes, String)) {
        self.0.insert(key, picture);
    }

    /// Whether this node holds this picture now.
    pub fn contains(&self, key: &PictureKey) -> bool {
        self.0.contains_key(key)
    }
}
