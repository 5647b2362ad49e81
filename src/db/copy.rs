//! `jalsa migrate`: copy a single-machine install (SQLite and local files) to the scale-out
//! backends (PostgreSQL and an S3-compatible store), idempotently and verifiably.
//!
//! Blobs go first, so a row never arrives before its picture. Every copied blob is read
//! back from the target and its blake3 hash checked against its key; every table is
//! counted on both sides. Running it again copies only what is missing.

use serde::Serialize;
use sqlx::Row;

use super::Db;
use crate::store::Blobs;

/// A column's type, as the shared schema declares it.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// TEXT NOT NULL.
    Text,
    /// BIGINT NOT NULL.
    Int,
    /// TEXT.
    OptText,
    /// BIGINT.
    OptInt,
}

use Kind::{Int, OptInt, OptText, Text};

/// Tables `migrate` leaves behind on purpose, and why: each node rebuilds them.
pub const NOT_COPIED: &[(&str, &str)] = &[
    (
        "health",
        "each node writes its own row at start and on every health check",
    ),
    (
        "rate_limits",
        "windows of a minute or an hour: a fresh start only forgives one",
    ),
];

/// Every table, in an order that keeps references pointing backwards, with its columns.
/// A test compares it with the live schema, and `migrate` refuses to start when the source
/// holds a table or column missing here, so nothing is dropped in silence.
pub const TABLES: &[(&str, &[(&str, Kind)])] = &[
    (
        "templates",
        &[
            ("id", Text),
            ("title", Text),
            ("alt", Text),
            ("title_ur", Text),
            ("alt_ur", Text),
            ("hashtags", Text),
            ("boxes", Text),
            ("photo_hash", Text),
            ("photo_key", Text),
            ("width", Int),
            ("height", Int),
            ("status", Text),
            ("bundled", Int),
            ("created_at", Int),
            ("updated_at", Int),
            ("source_hash", Text),
            ("edited_at", Int),
            ("kind", Text),
        ],
    ),
    (
        "areas",
        &[
            ("id", Text),
            ("name_en", Text),
            ("name_ur", Text),
            ("retired", Int),
            ("created_at", Int),
            ("updated_at", Int),
            ("parent_id", Text),
        ],
    ),
    (
        "remixes",
        &[
            ("id", Text),
            ("hash", Text),
            ("template_id", Text),
            ("captions", Text),
            ("style", Text),
            ("format", Text),
            ("width", Int),
            ("height", Int),
            ("bytes", Int),
            ("blob_key", Text),
            ("parent_id", OptText),
            ("status", Text),
            ("reports", Int),
            ("requests", Int),
            ("created_at", Int),
            ("delete_hash", Text),
            ("area_id", Text),
            ("constituency_id", Text),
            ("held_for", OptText),
        ],
    ),
    (
        "reach_hourly",
        &[
            ("remix_id", Text),
            ("hour", Int),
            ("metric", Text),
            ("count", Int),
        ],
    ),
    (
        "reach_rollup",
        &[
            ("dim", Text),
            ("span", Text),
            ("at", Int),
            ("key", Text),
            ("metric", Text),
            ("count", Int),
        ],
    ),
    (
        "reach_series",
        &[
            ("span", Text),
            ("at", Int),
            ("made", Int),
            ("page_views", Int),
            ("picture_views", Int),
            ("previews", Int),
            ("shares", Int),
            ("copies", Int),
            ("downloads", Int),
            ("children", Int),
        ],
    ),
    (
        "request_keys",
        &[("key", Text), ("remix_id", Text), ("created_at", Int)],
    ),
    (
        "renditions",
        &[
            ("remix_id", Text),
            ("kind", Text),
            ("hash", Text),
            ("blob_key", Text),
            ("bytes", Int),
            ("created_at", Int),
        ],
    ),
    (
        "staff",
        &[("name", Text), ("password_hash", Text), ("created_at", Int)],
    ),
    (
        "sessions",
        &[
            ("token_hash", Text),
            ("staff", Text),
            ("csrf", Text),
            ("created_at", Int),
            ("expires_at", Int),
        ],
    ),
    (
        "staff_devices",
        &[("name", Text), ("device", Text), ("seen_at", Int)],
    ),
    (
        "api_tokens",
        &[
            ("id", Text),
            ("token_hash", Text),
            ("staff", Text),
            ("created_at", Int),
            ("revoked_at", OptInt),
        ],
    ),
    (
        "audit_log",
        &[
            ("id", Text),
            ("at", Int),
            ("staff", Text),
            ("action", Text),
            ("item", Text),
            ("detail", Text),
        ],
    ),
    (
        "blocklist",
        &[
            ("phrase", Text),
            ("staff", Text),
            ("created_at", Int),
            ("variant_of", Text),
        ],
    ),
    (
        "reports",
        &[("remix_id", Text), ("reason", Text), ("at", Int)],
    ),
];

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

enum Value {
    Text(Option<String>),
    Int(Option<i64>),
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

    for folder in ["templates", "remixes", "cards"] {
        let listed = from_blobs.list(folder).await.map_err(|e| e.to_string())?;
        for blob in listed {
            report.blobs += 1;
            if !to_blobs
                .exists(&blob.key)
                .await
                .map_err(|e| e.to_string())?
            {
                let bytes = from_blobs
                    .get(&blob.key)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| {
                        format!("{} vanished from the source while copying", blob.key)
                    })?;
                to_blobs
                    .put(&blob.key, bytes)
                    .await
                    .map_err(|e| e.to_string())?;
                report.blobs_copied += 1;
            }
            // Read it back and check that its bytes are the ones its key names.
            let copied = to_blobs
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

    for (table, columns) in TABLES {
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let select = format!("SELECT {} FROM {table}", names.join(", "));
        let rows = sqlx::query(sqlx::AssertSqlSafe(select))
            .fetch_all(&from_db.pool)
            .await
            .map_err(|e| format!("reading {table}: {e}"))?;
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        // reports has no key of its own: a row already copied is recognised by its values.
        let insert = if *table == "reports" {
            "INSERT INTO reports (remix_id, reason, at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS BIGINT) \
             WHERE NOT EXISTS (SELECT 1 FROM reports WHERE remix_id = $1 AND reason = $2 AND at = $3)"
                .to_owned()
        } else {
            format!(
                "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT DO NOTHING",
                names.join(", "),
                placeholders.join(", ")
            )
        };
        let mut tx = to_db.pool.begin().await.map_err(|e| e.to_string())?;
        for row in &rows {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
            for (i, (name, kind)) in columns.iter().enumerate() {
                let value = match kind {
                    Text | OptText => Value::Text(
                        row.try_get::<Option<String>, _>(i)
                            .map_err(|e| format!("{table}.{name}: {e}"))?,
                    ),
                    Int | OptInt => Value::Int(
                        row.try_get::<Option<i64>, _>(i)
                            .map_err(|e| format!("{table}.{name}: {e}"))?,
                    ),
                };
                query = match value {
                    Value::Text(v) => query.bind(v),
                    Value::Int(v) => query.bind(v),
                };
            }
            query
                .execute(&mut *tx)
                .await
                .map_err(|e| format!("writing {table}: {e}"))?;
        }
        tx.commit().await.map_err(|e| e.to_string())?;

        let count = |db: &Db| {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let pool = db.pool.clone();
            async move {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&pool)
                    .await
                    .map(|r| r.get::<i64, _>(0))
                    .map_err(|e| e.to_string())
            }
        };
        let (source, target) = (count(from_db).await?, count(to_db).await?);
        if target < source {
            return Err(format!(
                "{table}: {source} rows in the source but only {target} in the target"
            ));
        }
        report.tables.push((table.to_string(), source, target));
    }
    Ok(report)
}

/// Tables and columns of `db`'s live schema that [`TABLES`] leaves out, as `table.column`.
pub async fn not_copied(db: &Db) -> Result<Vec<String>, super::DbError> {
    let mut missing = Vec::new();
    for (table, columns) in db.schema().await? {
        if NOT_COPIED.iter().any(|(t, _)| *t == table) {
            continue;
        }
        let known = TABLES.iter().find(|(t, _)| *t == table).map(|(_, c)| *c);
        for column in columns {
            if !known.is_some_and(|c| c.iter().any(|(name, _)| *name == column)) {
                missing.push(format!("{table}.{column}"));
            }
        }
    }
    Ok(missing)
}
