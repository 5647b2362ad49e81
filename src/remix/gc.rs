//! Garbage collection: blobs no row refers to, and copies of template photos made for an
//! encoder no longer in use or from photos no longer stored.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::{RemixError, Remixer};

impl Remixer {
    /// Removes blobs no row refers to, and template photos' copies and encodings that
    /// nothing will read again, older than `grace` (so a write in flight, whose row is not
    /// committed yet, is never touched).
    pub async fn gc(&self, grace: Duration, dry_run: bool) -> Result<GcReport, RemixError> {
        let cutoff = SystemTime::now() - grace;
        let mut report = GcReport::default();
        // Read the references after listing: a blob written and referenced in between is
        // then seen as referenced.
        let mut listed = Vec::new();
        for folder in ["remixes", "cards", "templates", "photos", "bases"] {
            listed.extend(self.blobs.list(folder).await?);
        }
        let referenced = self.db.referenced_blobs().await?;
        let photos: HashSet<&str> = referenced
            .iter()
            .filter_map(|key| key.strip_prefix("templates/")?.split('.').next())
            .collect();
        for blob in listed {
            report.examined += 1;
            if referenced.contains(&blob.key) || made_from_a_photo(&blob.key, &photos) {
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

/// Whether a blob is made from a template photo still stored and is of use: a narrower
/// copy of it (`photos/{hash}/{width}.jpg`), or its JPEG encoding at one width
/// (`bases/{hash}/{width}-v{n}.jpg`) by this encoder or a later one. An earlier encoder's is
/// never read again (see [`crate::store::base_key`]); a later one's is read by the newer
/// nodes sharing this store in a rolling upgrade, so an older node's `gc` leaves it.
fn made_from_a_photo(key: &str, photos: &HashSet<&str>) -> bool {
    let of_a_photo = |rest: &str| {
        rest.split_once('/')
            .is_some_and(|(hash, _)| photos.contains(hash))
    };
    if let Some(rest) = key.strip_prefix("photos/") {
        return of_a_photo(rest);
    }
    if let Some(rest) = key.strip_prefix("bases/") {
        let current = encoding_version(crate::render::jpeg::ENCODING_VERSION);
        let version = rest
            .strip_suffix(".jpg")
            .and_then(|name| name.rsplit_once('-'))
            .and_then(|(_, version)| encoding_version(version));
        return of_a_photo(rest) && matches!((version, current), (Some(v), Some(c)) if v >= c);
    }
    false
}

/// The number of an encoding version (`v3`: 3).
fn encoding_version(name: &str) -> Option<u32> {
    name.strip_prefix('v')?.parse().ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_by_this_encoder_or_a_later_one_are_kept() {
        let photos = HashSet::from(["abc"]);
        let current = encoding_version(crate::render::jpeg::ENCODING_VERSION).unwrap();
        let base = |photo: &str, version: String| format!("bases/{photo}/1200-{version}.jpg");
        for (key, kept) in [
            (base("abc", format!("v{current}")), true),
            (base("abc", format!("v{}", current + 1)), true),
            (base("abc", format!("v{}", current - 1)), false),
            (base("abc", "vx".into()), false),
            (base("abc", "".into()), false),
            (base("gone", format!("v{current}")), false),
            (base("gone", format!("v{}", current + 1)), false),
            ("photos/abc/480.jpg".into(), true),
            ("photos/gone/480.jpg".into(), false),
        ] {
            assert_eq!(made_from_a_photo(&key, &photos), kept, "{key}");
        }
    }
}
