//! `jalsa verify [--repair]`: walks every row and every blob, on any backend, and says what
//! is missing, damaged or left over.
//!
//! Remixes are deterministic, so a lost or damaged picture can be drawn again from its row
//! and checked against its hash; renditions (cards, thumbnails, other formats) are derived
//! and simply drawn again; a bundled photo is stored again from `templates/` at every start.
//! Only a staff upload whose photo is gone cannot be repaired here.

use std::time::Duration;

use serde::Serialize;

use crate::db::RenditionKind;
use crate::remix::{RemixError, Remixer};

/// What `verify` found and did.
#[derive(Debug, Default, Serialize)]
pub struct VerifyReport {
    /// Remix rows looked at.
    pub remixes: usize,
    /// Renditions looked at.
    pub renditions: usize,
    /// Templates looked at.
    pub templates: usize,
    /// Blobs looked at for orphans.
    pub blobs: usize,
    /// Every problem found, one line each, with what was done about it.
    pub problems: Vec<String>,
    /// Problems fixed (with `--repair`).
    pub repaired: usize,
    /// Problems left as they were.
    pub unrepaired: usize,
}

impl VerifyReport {
    fn found(&mut self, problem: String, fixed: Option<Result<(), String>>) {
        let line = match fixed {
            None => {
                self.unrepaired += 1;
                problem
            }
            Some(Ok(())) => {
                self.repaired += 1;
                format!("{problem}: repaired")
            }
            Some(Err(why)) => {
                self.unrepaired += 1;
                format!("{problem}: cannot repair: {why}")
            }
        };
        self.problems.push(line);
    }
}

/// Walks every remix, rendition and template, and every blob; with `repair`, draws lost or
/// damaged pictures again and removes orphan blobs older than `grace`.
pub async fn verify(
    remixer: &Remixer,
    repair: bool,
    grace: Duration,
) -> Result<VerifyReport, RemixError> {
    let mut report = VerifyReport::default();
    let blobs = remixer.blobs();
    let db = remixer.db();

    let mut after = String::new();
    loop {
        let rows = db.remixes_after(&after, 200).await?;
        let Some(last) = rows.last() else { break };
        after = last.id.to_string();
        for row in rows {
            report.remixes += 1;
            // Deleted by its creator: a tombstone with no picture, by design.
            if row.blob_key.is_empty() {
                continue;
            }
            let Some(state) = blob_state(blobs, &row.blob_key, &row.hash).await? else {
                continue;
            };
            let problem = format!("remix {}: picture {} is {state}", row.id, row.blob_key);
            let fixed = if repair {
                Some(
                    remixer
                        .stored_picture(&row)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                )
            } else {
                None
            };
            report.found(problem, fixed);
        }
    }

    for (id, rendition) in db.all_renditions().await? {
        report.renditions += 1;
        let (key, kind) = (&rendition.blob_key, rendition.kind);
        let Some(state) = blob_state(blobs, key, &rendition.hash).await? else {
            continue;
        };
        let problem = format!("remix {id}: {kind} rendition {key} is {state}");
        let fixed = if repair {
            Some(redraw_rendition(remixer, &id, rendition.kind).await)
        } else {
            None
        };
        report.found(problem, fixed);
    }

    for template in db.list_templates().await? {
        report.templates += 1;
        let (id, key) = (&template.id, &template.photo_key);
        let Some(state) = blob_state(blobs, key, &template.photo_hash).await? else {
            continue;
        };
        let problem = format!("template {id}: photo {key} is {state}");
        let fixed = repair.then(|| {
            Err(if template.bundled {
                "a bundled photo is stored again from templates/ when the service starts".into()
            } else {
                "upload the photo again in the photo manager".into()
            })
        });
        report.found(problem, fixed);
    }

    let gc = remixer.gc(grace, !repair).await?;
    report.blobs = gc.examined;
    for key in gc.removed {
        let problem = format!("blob {key}: no row refers to it");
        report.found(problem, repair.then_some(Ok(())));
    }
    Ok(report)
}

/// `missing` or `damaged` (its bytes do not hash to `hash`) for a blob that is not as its
/// row says; `None` for one that is.
async fn blob_state(
    blobs: &crate::store::Blobs,
    key: &str,
    hash: &str,
) -> Result<Option<&'static str>, RemixError> {
    Ok(match blobs.get(key).await? {
        None => Some("missing"),
        Some(b) if blake3::hash(&b).to_hex().as_str() != hash => Some("damaged"),
        Some(_) => None,
    })
}

async fn redraw_rendition(remixer: &Remixer, id: &str, kind: RenditionKind) -> Result<(), String> {
    let row = remixer
        .remix(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "its remix row is gone".to_owned())?;
    match remixer.rendition_of(&row, kind).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err("its template is not loaded".into()),
        Err(e) => Err(e.to_string()),
    }
}
