//! The official photos bundled in a folder: `templates/<id>/template.toml` and its photo.
//!
//! Read once at start-up. Every problem is an error naming the file and the field, so a
//! campaign never discovers a broken template in front of supporters.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::render::{Template, TemplateId, TemplateSpec};

/// A template folder that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct CatalogError {
    /// The file (or folder) at fault.
    pub path: PathBuf,
    /// What is wrong with it, naming the field.
    pub message: String,
}

fn fail(path: &Path, message: impl Into<String>) -> CatalogError {
    CatalogError {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// The templates, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    templates: Vec<Arc<Template>>,
}

impl Catalog {
    /// Reads every `<id>/template.toml` under `dir`.
    pub fn load(dir: &Path) -> Result<Catalog, CatalogError> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| fail(dir, format!("cannot read the templates folder: {e}")))?;
        let mut folders: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        let templates = folders
            .iter()
            .map(|folder| load_one(folder).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Catalog { templates })
    }

    /// Every template, sorted by id.
    pub fn all(&self) -> &[Arc<Template>] {
        &self.templates
    }

    /// The template with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<Template>> {
        self.templates.iter().find(|t| t.id.as_str() == id)
    }
}

fn load_one(folder: &Path) -> Result<Template, CatalogError> {
    let name = folder
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let id: TemplateId = name.parse().map_err(|e: String| fail(folder, e))?;
    let spec_path = folder.join("template.toml");
    let text = std::fs::read_to_string(&spec_path)
        .map_err(|e| fail(&spec_path, format!("cannot read: {e}")))?;
    let spec: TemplateSpec = toml::from_str(&text).map_err(|e| {
        fail(
            &spec_path,
            e.message().to_owned() + &location(&text, e.span()),
        )
    })?;
    if spec.photo.is_empty() || spec.photo.contains(['/', '\\']) || spec.photo.starts_with('.') {
        return Err(fail(
            &spec_path,
            format!(
                "photo: {:?} must be a file name in the template's folder",
                spec.photo
            ),
        ));
    }
    let photo_path = folder.join(&spec.photo);
    let bytes = std::fs::read(&photo_path).map_err(|e| {
        fail(
            &spec_path,
            format!("photo: cannot read {}: {e}", photo_path.display()),
        )
    })?;
    Template::new(id, spec, &bytes).map_err(|e| fail(&spec_path, e))
}

/// " (line L)" for a toml error's span, so the message points at the field.
fn location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map(|s| {
        format!(
            " (line {})",
            text[..s.start.min(text.len())].lines().count().max(1)
        )
    })
    .unwrap_or_default()
}
