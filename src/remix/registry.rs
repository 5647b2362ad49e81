//! The templates a remixer draws on: the bundled ones from `templates/`, those staff upload,
//! their status, and staff edits of their words and boxes.
//!
//! The database is the record. A bundled template's row follows its folder only when the
//! folder changed since it was last recorded (a fingerprint of `template.toml` and the
//! photo), so a staff edit survives restarts on every node while a changed file still
//! reaches the database at the next start.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;

use super::{RemixError, Remixer};
use crate::catalog::Catalog;
use crate::db::{DbError, Recorded, TemplateRow, TemplateStatus, TemplateWords, now_ms};
use crate::render::{Template, TemplateSpec, TextBox};
use crate::store;

/// The words and boxes staff may change on a template (its photo stays).
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateEdit {
    /// Shown to supporters.
    pub title: String,
    /// Describes the photo.
    pub alt: String,
    /// The title in Urdu, or empty.
    pub title_ur: String,
    /// The alt text in Urdu, or empty.
    pub alt_ur: String,
    /// Suggested with every share.
    pub hashtags: Vec<String>,
    /// The text boxes, in caption order.
    pub boxes: Vec<TextBox>,
}

impl Remixer {
    /// Stores the bundled templates' photos and records them, then loads each one as the
    /// database has it (with any staff edit). The starter list of areas is recorded too,
    /// at the first start only: from then on the areas are staff's.
    pub async fn register_catalog(&self, dir: &Path, catalog: &Catalog) -> Result<(), RemixError> {
        if self.db.seed_areas(&crate::areas::starter()).await? {
            tracing::info!("recorded the starter list of areas");
        }
        for template in catalog.all() {
            let path = dir.join(template.id.as_str()).join(&template.spec.photo);
            let bytes = tokio::fs::read(&path)
                .await
                .map_err(|source| RemixError::TemplateFile { path, source })?;
            self.add_template(
                template.clone(),
                Bytes::from(bytes),
                &extension(&template.spec.photo),
            )
            .await?;
        }
        Ok(())
    }

    /// Records a bundled template (photo as read from its folder, `extension` its file's)
    /// and makes it available as the database has it: published when new, its status and
    /// any staff edit kept when its folder did not change.
    pub async fn add_template(
        &self,
        template: Arc<Template>,
        photo: Bytes,
        extension: &str,
    ) -> Result<(), RemixError> {
        let id = template.id.to_string();
        let source = fingerprint(&template.spec, &template.photo_hash);
        let mut row = self
            .store_photo(&template, photo, extension, TemplateStatus::Published)
            .await?;
        row.bundled = true;
        row.source = source;
        match self.db.record_bundled(&row).await? {
            Recorded::EditReplaced => tracing::warn!(
                template = %id,
                "templates/{id} changed on disk: its folder replaces the staff edit made since"
            ),
            Recorded::Updated => {
                tracing::info!(template = %id, "templates/{id} changed on disk: recorded")
            }
            Recorded::New | Recorded::Kept => {}
        }
        self.remember(template);
        let row = self
            .db
            .get_template(&id)
            .await?
            .ok_or_else(|| RemixError::BadTemplate {
                id: id.clone(),
                why: "its row vanished while it was recorded".into(),
            })?;
        self.load_row(row).await?;
        Ok(())
    }

    /// Records a template staff uploaded (its photo already checked and prepared); `false`
    /// if the id is taken.
    pub async fn upload_template(
        &self,
        template: Arc<Template>,
        photo: Bytes,
        extension: &str,
        status: TemplateStatus,
    ) -> Result<bool, RemixError> {
        let row = self
            .store_photo(&template, photo, extension, status)
            .await?;
        if !self.db.insert_template(&row).await? {
            return Ok(false);
        }
        self.set_status_here(&row.id, status);
        self.remember(template);
        Ok(true)
    }

    /// A staff edit of a template's words and boxes, kept across restarts (bundled or not).
    /// Returns the template as it now is, or `None` if there is no such template.
    pub async fn edit_template(
        &self,
        id: &str,
        edit: TemplateEdit,
    ) -> Result<Option<Arc<Template>>, RemixError> {
        let Some(current) = self.template(id) else {
            return Ok(None);
        };
        let spec = TemplateSpec {
            title: edit.title,
            alt: edit.alt,
            title_ur: edit.title_ur.trim().to_owned(),
            alt_ur: edit.alt_ur.trim().to_owned(),
            hashtags: edit.hashtags,
            photo: current.spec.photo.clone(),
            boxes: edit.boxes,
            frame: current.spec.frame,
        };
        spec.validate().map_err(|why| RemixError::BadTemplate {
            id: id.to_owned(),
            why,
        })?;
        let boxes = serde_json::to_value(&spec.boxes).map_err(DbError::from)?;
        if !self
            .db
            .edit_template(
                id,
                &TemplateWords {
                    title: &spec.title,
                    alt: &spec.alt,
                    title_ur: &spec.title_ur,
                    alt_ur: &spec.alt_ur,
                },
                &spec.hashtags,
                &boxes,
            )
            .await?
        {
            return Ok(None);
        }
        let edited = Arc::new(Template {
            spec,
            ..(*current).clone()
        });
        self.remember(edited.clone());
        Ok(Some(edited))
    }

    /// The stored photo of a template, as uploaded (after checks) or bundled.
    pub async fn template_photo(&self, id: &str) -> Result<Option<Bytes>, RemixError> {
        match self.db.get_template(id).await? {
            Some(row) => Ok(self.blobs.get(&row.photo_key).await?),
            None => Ok(None),
        }
    }

    /// A template's status.
    pub fn template_status(&self, id: &str) -> Option<TemplateStatus> {
        self.template_status
            .read()
            .expect("status lock")
            .get(id)
            .copied()
    }

    /// Publishes, retires or un-publishes a template; `false` if unknown.
    pub async fn set_template_status(
        &self,
        id: &str,
        status: TemplateStatus,
    ) -> Result<bool, RemixError> {
        if !self.db.set_template_status(id, status).await? {
            return Ok(false);
        }
        self.set_status_here(id, status);
        Ok(true)
    }

    /// Photos supporters can caption (not frames), sorted by id.
    pub fn published_templates(&self) -> Vec<Arc<Template>> {
        let status = self.template_status.read().expect("status lock");
        self.templates()
            .into_iter()
            .filter(|t| {
                t.frame.is_none()
                    && status
                        .get(t.id.as_str())
                        .is_none_or(|s| *s == TemplateStatus::Published)
            })
            .collect()
    }

    /// Loads every template the database records (uploads, edits and status changes made
    /// here or on another node). Returns the ids of the templates whose pictures changed,
    /// so cached pictures of them can be dropped.
    pub async fn load_stored_templates(&self) -> Result<Vec<String>, RemixError> {
        let mut changed = Vec::new();
        for row in self.db.list_templates().await? {
            let id = row.id.clone();
            match self.load_row(row).await {
                Ok(true) => changed.push(id),
                Ok(false) => {}
                // One bad template must not keep the others away.
                Err(e) => tracing::warn!(template = %id, error = %e, "template not loaded"),
            }
        }
        Ok(changed)
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

    /// Stores a template's photo under its hash (once) and makes the row that records it.
    async fn store_photo(
        &self,
        template: &Template,
        photo: Bytes,
        extension: &str,
        status: TemplateStatus,
    ) -> Result<TemplateRow, RemixError> {
        let key = store::template_key(&template.photo_hash, extension);
        if !self.blobs.exists(&key).await? {
            self.blobs.put(&key, photo).await?;
        }
        let (width, height) = template.size();
        Ok(TemplateRow {
            id: template.id.to_string(),
            title: template.spec.title.clone(),
            alt: template.spec.alt.clone(),
            title_ur: template.spec.title_ur.clone(),
            alt_ur: template.spec.alt_ur.clone(),
            hashtags: template.spec.hashtags.clone(),
            boxes: serde_json::to_value(&template.spec.boxes).map_err(DbError::from)?,
            photo_hash: template.photo_hash.to_hex().to_string(),
            photo_key: key,
            width,
            height,
            status,
            bundled: false,
            source: String::new(),
            edited_at: None,
            created_at: now_ms(),
            frame: template.spec.frame,
        })
    }

    /// Makes a row's template current here; `true` if its pictures change.
    async fn load_row(&self, row: TemplateRow) -> Result<bool, RemixError> {
        let bad = |why: String| RemixError::BadTemplate {
            id: row.id.clone(),
            why,
        };
        let boxes: Vec<TextBox> =
            serde_json::from_value(row.boxes.clone()).map_err(|e| bad(format!("boxes: {e}")))?;
        self.set_status_here(&row.id, row.status);
        let spec = |photo: String| TemplateSpec {
            title: row.title.clone(),
            alt: row.alt.clone(),
            title_ur: row.title_ur.clone(),
            alt_ur: row.alt_ur.clone(),
            hashtags: row.hashtags.clone(),
            photo,
            boxes: boxes.clone(),
            frame: row.frame,
        };
        let updated = match self.template(&row.id) {
            // The same photo: only the words and boxes may have changed.
            Some(t) if t.photo_hash.to_hex().as_str() == row.photo_hash => {
                let spec = spec(t.spec.photo.clone());
                (t.spec != spec).then(|| Template {
                    spec,
                    ..(*t).clone()
                })
            }
            // New here, or a new photo: fetch and decode it (off the executor).
            _ => {
                let Some(photo) = self.blobs.get(&row.photo_key).await? else {
                    return Err(bad(format!(
                        "its photo {} is missing from storage",
                        row.photo_key
                    )));
                };
                let spec = spec(row.photo_key.clone());
                let id = row.id.parse().map_err(bad)?;
                let template = tokio::task::spawn_blocking(move || Template::new(id, spec, &photo))
                    .await
                    .map_err(|e| RemixError::Crashed(e.to_string()))?
                    .map_err(bad)?;
                Some(template)
            }
        };
        let changed = updated.is_some();
        if let Some(template) = updated {
            self.remember(Arc::new(template));
        }
        Ok(changed)
    }

    fn remember(&self, template: Arc<Template>) {
        self.templates
            .write()
            .expect("templates lock")
            .insert(template.id.to_string(), template);
    }

    fn set_status_here(&self, id: &str, status: TemplateStatus) {
        self.template_status
            .write()
            .expect("status lock")
            .insert(id.to_owned(), status);
    }
}

/// What identifies a bundled template's folder as recorded: its `template.toml` as read and
/// its photo.
fn fingerprint(spec: &TemplateSpec, photo_hash: &blake3::Hash) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&serde_json::to_vec(spec).expect("a template spec serialises"));
    hasher.update(photo_hash.as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// A photo file's extension, lowercased (`jpg` when it has none).
fn extension(file: &str) -> String {
    file.rsplit_once('.')
        .map_or("jpg", |(_, ext)| ext)
        .to_ascii_lowercase()
}
