//! Garbage collection: blobs no row refers to.

use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::{RemixError, Remixer};

impl Remixer {
    /// Removes blobs no row refers to and older than `grace` (so a write in flight, whose
    /// row is not committed yet, is never touched).
    pub async fn gc(&self, grace: Duration, dry_run: bool) -> Result<GcReport, RemixError> {
        let cutoff = SystemTime::now() - grace;
        let mut report = GcReport::default();
        // Read the references after listing: a blob written and referenced in between is
        // then seen as referenced.
        let mut listed = Vec::new();
        for folder in ["remixes", "cards", "templates"] {
            listed.extend(self.blobs.list(folder).await?);
        }
        let referenced = self.db.referenced_blobs().await?;
        for blob in listed {
            report.examined += 1;
            if referenced.contains(&blob.key) {
                continue;
            }
            if blob.modified > cutoff {
                report.too_recent += 1;
                continue;
            }
            if !dry_run {
                self.blobs.delete(&blob.key).await?;
            }
            report.removed.push(blob.key);
            report.bytes += blob.size;
        }
        Ok(report)
    }
}

/// What `gc` found.
#[derive(Debug, Default, Serialize)]
pub struct GcReport {
    /// Blobs looked at.
    pub examined: usize,
    /// Unreferenced blobs kept because they are younger than the grace period.
    pub too_recent: usize,
    /// Unreferenced blobs removed (or, in a dry run, that would be).
    pub removed: Vec<String>,
    /// Their total size.
    pub bytes: u64,
}
