//! Blobs in an object store, keyed by content hash: remixes, share cards, template photos.
//!
//! A key names its bytes (`remixes/<blake3 hex>.jpg`), so writing the same picture twice is
//! harmless and nodes never need to coordinate a write.

use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload, WriteMultipart,
};

use crate::render::Format;

/// Blobs larger than this go up in parts (S3 and friends cap a single PUT and retry parts).
const MULTIPART_FROM: usize = 8 * 1024 * 1024;

/// A failure of the blob store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The `--storage` URL could not be understood.
    #[error("storage URL {url:?}: {reason}")]
    BadUrl {
        /// The URL given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The store refused or failed an operation.
    #[error("blob store: {0}")]
    Backend(#[from] object_store::Error),
}

/// One stored object, as `list` sees it.
#[derive(Debug, Clone)]
pub struct StoredBlob {
    /// Its key.
    pub key: String,
    /// When it was last written.
    pub modified: std::time::SystemTime,
    /// Its size in bytes.
    pub size: u64,
}

/// The blob store.
#[derive(Clone, Debug)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    prefix: Option<Path>,
    /// Whether the backend keeps attributes such as the content type.
    attributes: bool,
}

impl Blobs {
    /// Opens the store a URL names: `file://DIR`, `memory://`, or `s3://`, `gs://`, `az://`
    /// configured by the object_store crate's own environment variables (AWS_ENDPOINT,
    /// AWS_REGION, AWS_ACCESS_KEY_ID, GOOGLE_SERVICE_ACCOUNT, AZURE_STORAGE_ACCOUNT_NAME, ...).
    pub fn open(url: &str) -> Result<Blobs, StoreError> {
        let bad = |reason: String| StoreError::BadUrl {
            url: url.to_owned(),
            reason,
        };
        if let Some(dir) = url.strip_prefix("file://") {
            if dir.is_empty() {
                return Err(bad("name a folder: file://DIR".into()));
            }
            std::fs::create_dir_all(dir).map_err(|e| bad(format!("cannot create {dir}: {e}")))?;
            let store = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
            return Ok(Blobs {
                store: Arc::new(store),
                prefix: None,
                attributes: false,
            });
        }
        if url == "memory://" || url == "memory:" {
            return Ok(Blobs::memory());
        }
        let parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
        if !matches!(
            parsed.scheme(),
            "s3" | "s3a" | "gs" | "az" | "azure" | "abfs" | "abfss"
        ) {
            return Err(bad("use file://, memory://, s3://, gs:// or az://".into()));
        }
        let env = std::env::vars().map(|(k, v)| (k.to_ascii_lowercase(), v));
        let (store, prefix) = object_store::parse_url_opts(&parsed, env)?;
        Ok(Blobs {
            store: Arc::from(store),
            prefix: (!prefix.as_ref().is_empty()).then_some(prefix),
            attributes: true,
        })
    }

    /// A store in memory, for tests.
    pub fn memory() -> Blobs {
        Blobs {
            store: Arc::new(InMemory::new()),
            prefix: None,
            attributes: true,
        }
    }

    fn path(&self, key: &str) -> Path {
        match &self.prefix {
            Some(prefix) => prefix.parts().chain(Path::from(key).parts()).collect(),
            None => Path::from(key),
        }
    }

    /// Writes a blob. Writing the same key again with the same bytes changes nothing.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        let path = self.path(key);
        let mut attributes = Attributes::new();
        if self.attributes {
            attributes.insert(Attribute::ContentType, content_type(key).into());
        }
        if bytes.len() >= MULTIPART_FROM {
            let upload = self
                .store
                .put_multipart_opts(&path, attributes.into())
                .await?;
            let mut writer = WriteMultipart::new(upload);
            writer.put(bytes);
            writer.finish().await?;
        } else {
            let options = PutOptions {
                attributes,
                ..PutOptions::default()
            };
            self.store
                .put_opts(&path, PutPayload::from_bytes(bytes), options)
                .await?;
        }
        Ok(())
    }

    /// Reads a blob; `None` if there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        match self.store.get(&self.path(key)).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether a blob exists.
    pub async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        match self.store.head(&self.path(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes a blob; removing one that is not there is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every blob whose key starts with `folder/`.
    pub async fn list(&self, folder: &str) -> Result<Vec<StoredBlob>, StoreError> {
        let base = self.path(folder);
        let strip = self
            .prefix
            .as_ref()
            .map(|p| p.as_ref().len() + 1)
            .unwrap_or(0);
        let listed: Vec<_> = self.store.list(Some(&base)).try_collect().await?;
        Ok(listed
            .into_iter()
            .map(|meta| StoredBlob {
                key: meta.location.as_ref()[strip..].to_owned(),
                modified: meta.last_modified.into(),
                size: meta.size,
            })
            .collect())
    }

    /// Answers if the store is reachable.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.exists("healthz/ping").await.map(|_| ())
    }
}

/// The media type a key's extension names.
pub fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

/// Where a remix's picture lives.
pub fn remix_key(hash: &blake3::Hash, format: Format) -> String {
    format!("remixes/{}.{}", hash.to_hex(), format.extension())
}

/// Where a share card lives.
pub fn card_key(hash: &blake3::Hash) -> String {
    format!("cards/{}.jpg", hash.to_hex())
}

/// Where a template photo's narrower copy lives (made from the photo, so named by its hash).
pub fn photo_key(photo: &blake3::Hash, width: u32) -> String {
    format!("photos/{}/{width}.jpg", photo.to_hex())
}

/// Where the JPEG encoding of a template photo at one width is kept (see
/// [`crate::render::jpeg::JpegBase`]), named by the encoder's version too so that a
/// changed encoder never reads another's.
pub fn base_key(photo: &blake3::Hash, width: u32) -> String {
    format!(
        "bases/{}/{width}-{}.jpg",
        photo.to_hex(),
        crate::render::jpeg::ENCODING_VERSION
    )
}

/// Where a template photo lives.
pub fn template_key(hash: &blake3::Hash, extension: &str) -> String {
    format!("templates/{}.{extension}", hash.to_hex())
}
