//! Copying tables between two databases, for `jalsa migrate` ([`crate::jobs::migrate`]):
//! every table and column this version knows, so nothing is dropped in silence, and the
//! rows of one table at a time, counted on both sides.

use sqlx::Row;

use super::Db;

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

enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

impl Db {
    /// Copies every row of `table` (its `columns`, as [`TABLES`] names them) into `to`,
    /// keeping what is there already, then counts both sides: (source rows, target rows).
    pub async fn copy_table(
        &self,
        to: &Db,
        table: &str,
        columns: &[(&str, Kind)],
    ) -> Result<(i64, i64), String> {
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let select = format!("SELECT {} FROM {table}", names.join(", "));
        let rows = sqlx::query(sqlx::AssertSqlSafe(select))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| format!("reading {table}: {e}"))?;
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        // reports has no key of its own: a row already copied is recognised by its values.
        let insert = if table == "reports" {
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
        let mut tx = to.pool.begin().await.map_err(|e| e.to_string())?;
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
        let (source, target) = (count(self).await?, count(to).await?);
        if target < source {
            return Err(format!(
                "{table}: {source} rows in the source but only {target} in the target"
            ));
        }
        Ok((source, target))
    }
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
