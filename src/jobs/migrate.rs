//! `jalsa migrate`: copy a single-machine install (SQLite and local files) to the scale-out
//! backends (PostgreSQL and an S3-compatible store), idempotently and verifiably.
//!
//! Blobs go first, so a row never arrives before its picture. Every copied blob is read
//! back from the target and its blake3 hash checked against its key; every table is
//! counted on both sides. Running it again copies only what is missing.

use serde::Serialize;

use crate::db::{Db, TABLES, not_copied};
use crate::store::Blobs;

/// What a migration did and found.
#[derive(Debug, Default, Serialize)]
pub struct MigrateReport {
    /// Blobs in the source store.
    pub blobs: usize,
    /// Blobs copied this run (the rest were already there).
    pub blobs_copied: usize,
    /// Rows per table: (table, in the source, in the target after copying).
    pub tables: Vec<(String, i64, i64)>,
}

/// Copies every blob and row from one install to another, then checks the copy.
pub async fn migrate(
    from_db: &Db,
    from_blobs: &Blobs,
    to_db: &Db,
    to_blobs: &Blobs,
) -> Result<MigrateReport, String> {
    let mut report = MigrateReport::default();
    for (side, db) in [("source", from_db), ("target", to_db)] {
        let unknown = not_copied(db).await.map_err(|e| e.to_string())?;
        if !unknown.is_empty() {
            return Err(format!(
                "the {side} database has {} that this version does not know how to copy; \
                 use the jalsa release that made it",
                unknown.join(", ")
            ));
        }
    }
    copy_blobs(from_blobs, to_blobs, &mut report).await?;
    for (table, columns) in TABLES {
        let (source, target) = from_db.copy_table(to_db, table, columns).await?;
        report.tables.push((table.to_string(), source, target));
    }
    Ok(report)
}

/// Copies the blobs the target lacks, and reads every one back to check that its bytes
/// are the ones its key names.
async fn copy_blobs(from: &Blobs, to: &Blobs, report: &mut MigrateReport) -> Result<(), String> {
    for folder in ["templates", "remixes", "cards"] {
        let listed = from.list(folder).await.map_err(|e| e.to_string())?;
        for blob in listed {
            report.blobs += 1;
            if !to.exists(&blob.key).await.map_err(|e| e.to_string())? {
                let bytes = from
                    .get(&blob.key)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| {
                        format!("{} vanished from the source while copying", blob.key)
                    })?;
                to.put(&blob.key, bytes).await.map_err(|e| e.to_string())?;
                report.blobs_copied += 1;
            }
            let copied = to
                .get(&blob.key)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{} is missing from the target after copying", blob.key))?;
            let named = blob
                .key
                .rsplit('/')
                .next()
                .and_then(|f| f.split('.').next())
                .unwrap_or_default();
            if blake3::hash(&copied).to_hex().as_str() != named {
                return Err(format!(
                    "{} in the target does not match its hash",
                    blob.key
                ));
            }
        }
    }
    Ok(())
}
