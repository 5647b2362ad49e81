//! Metadata in SQL through sqlx: SQLite by default, PostgreSQL for many nodes, one schema
//! and one set of queries for both (`$N` parameters, TEXT and BIGINT columns).

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Connection, Row};

use crate::render::{Format, Style};

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The `--database` URL could not be used.
    #[error("database URL {url:?}: {reason}")]
    BadUrl {
        /// The URL given (without its password).
        url: String,
        /// Why.
        reason: String,
    },
    /// Two different pictures whose ids (hash prefixes) are the same: refused rather than mixed.
    #[error("remix id {id} already names a different picture")]
    Collision {
        /// The id both pictures would have.
        id: String,
    },
    /// A query failed.
    #[error("database: {0}")]
    Query(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A listing cursor this server did not give out.
    #[error("the cursor is not one this server gave out")]
    BadCursor,
    /// A stored JSON column did not parse.
    #[error("database holds bad JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Where a remix stands with the campaign's curators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not yet looked at.
    New,
    /// Shown in the gallery.
    Approved,
    /// Shown first in the gallery and on the home page.
    Featured,
    /// Off the gallery; its link still works.
    Hidden,
    /// Gone: the share page answers 410 and the image is not served.
    Removed,
}

impl Status {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Approved => "approved",
            Status::Featured => "featured",
            Status::Hidden => "hidden",
            Status::Removed => "removed",
        }
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(Status::New),
            "approved" => Ok(Status::Approved),
            "featured" => Ok(Status::Featured),
            "hidden" => Ok(Status::Hidden),
            "removed" => Ok(Status::Removed),
            other => Err(format!(
                "unknown status {other:?}; use new, approved, featured, hidden or removed"
            )),
        }
    }
}

/// A stored remix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RemixRow {
    /// Short id: the first 16 hex digits of `hash`.
    pub id: String,
    /// blake3 of the image bytes, hex.
    pub hash: String,
    /// The template remixed.
    pub template: String,
    /// Captions as the supporter typed them.
    pub captions: Vec<String>,
    /// Style asked for.
    pub style: Style,
    /// Format of the stored picture.
    pub format: Format,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size of the stored picture in bytes.
    pub bytes: u64,
    /// Object store key of the picture.
    pub blob_key: String,
    /// The remix this one was made from, if any.
    pub parent: Option<String>,
    /// Curation status.
    pub status: Status,
    /// How many times it was asked for (creates and repeats).
    pub requests: i64,
    /// Reports from supporters.
    pub reports: i64,
    /// When it was first made, Unix milliseconds.
    pub created_at: i64,
}

/// Another picture of a remix: its card, or the same picture in another format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendition {
    /// `card`, `jpg`, `png` or `webp`.
    pub kind: String,
    /// blake3 of the bytes, hex.
    pub hash: String,
    /// Object store key.
    pub blob_key: String,
    /// Size.
    pub bytes: u64,
}

/// A template as the database knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateRow {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Alt text.
    pub alt: String,
    /// Hashtags.
    pub hashtags: Vec<String>,
    /// Boxes, as JSON.
    pub boxes: serde_json::Value,
    /// blake3 of the photo file, hex.
    pub photo_hash: String,
    /// Object store key of the photo.
    pub photo_key: String,
    /// Photo width.
    pub width: u32,
    /// Photo height.
    pub height: u32,
    /// `published` or `retired`.
    pub status: String,
    /// Whether it came from the bundled templates folder.
    pub bundled: bool,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A page of a listing and where the next one starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Opaque cursor for the next page, if there is one.
    pub next: Option<String>,
}

/// The metadata repository.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
}

/// The current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// SQLite settings for every connection. WAL lets readers go on while one writer writes; a
/// writer waits for another rather than failing.
const SQLITE_PRAGMAS: [&str; 3] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = NORMAL",
];

/// The columns `remix_from_row` reads, in its order, as a literal for `concat!`.
macro_rules! remix_columns {
    () => {
        "id, hash, template_id, captions, style, format, width, height, bytes, blob_key, \
         parent_id, status, requests, reports, created_at"
    };
}

impl Db {
    /// Connects, creating the SQLite file (WAL mode) if need be, and applies migrations.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let bad = |reason: String| DbError::BadUrl {
            url: redact(url),
            reason,
        };
        let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = if postgres {
            options.max_connections(16).connect(url).await?
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Err(bad("name a file: sqlite://FILE".into()));
            }
            if let Some(dir) = std::path::Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| bad(format!("cannot create {}: {e}", dir.display())))?;
            }
            // One connection first, outside the pool: a pool whose connections fail their
            // set-up retries until it times out, and the real cause (not a database, disk
            // I/O error, read-only) would be lost behind "pool timed out".
            let file_url = format!("sqlite://{path}?mode=rwc");
            let unusable = |e: sqlx::Error| bad(format!("{path}: {e}"));
            let mut probe = sqlx::AnyConnection::connect(&file_url)
                .await
                .map_err(unusable)?;
            for pragma in SQLITE_PRAGMAS {
                sqlx::query(pragma)
                    .execute(&mut probe)
                    .await
                    .map_err(unusable)?;
            }
            sqlx::query("SELECT count(*) FROM sqlite_master")
                .fetch_one(&mut probe)
                .await
                .map_err(unusable)?;
            let _ = probe.close().await;
            options
                .max_connections(8)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        for pragma in SQLITE_PRAGMAS {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                        Ok(())
                    })
                })
                .connect(&file_url)
                .await?
        } else {
            return Err(bad("use sqlite://FILE or postgres://...".into()));
        };
        sqlx::migrate!("./migrations").run(&pool).await?;
        let db = Db { pool };
        // A database that opens but takes no writes (a read-only file or mount) would
        // start and then fail every remix: refuse to start instead, saying why.
        db.write_health("startup")
            .await
            .map_err(|e| DbError::BadUrl {
                url: redact(url),
                reason: format!("it does not take writes: {e}"),
            })?;
        Ok(db)
    }

    /// The connection pool, for the staff queries beside this module.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Answers if the database is reachable.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The remix a request key was answered with before.
    pub async fn find_request(&self, key: &str) -> Result<Option<String>, DbError> {
        let row = sqlx::query("SELECT remix_id FROM request_keys WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get::<String, _>(0)))
    }

    /// A remix by id.
    pub async fn get_remix(&self, id: &str) -> Result<Option<RemixRow>, DbError> {
        let sql = concat!("SELECT ", remix_columns!(), " FROM remixes WHERE id = $1");
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| remix_from_row(&r)).transpose()
    }

    /// Stores a remix and the request key that made it, in one transaction. Returns the stored
    /// row and whether it is new; a picture already stored under the same hash is found, not
    /// duplicated, and a different picture under the same id is refused.
    pub async fn insert_remix(
        &self,
        remix: &RemixRow,
        key: &str,
    ) -> Result<(RemixRow, bool), DbError> {
        let mut tx = self.pool.begin().await?;
        // The write comes first so SQLite takes its write lock at once and waits for another
        // writer instead of failing to upgrade a read lock.
        let inserted = sqlx::query(
            "INSERT INTO remixes (id, hash, template_id, captions, style, format, width, height, \
             bytes, blob_key, parent_id, status, requests, reports, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&remix.id)
        .bind(&remix.hash)
        .bind(&remix.template)
        .bind(serde_json::to_string(&remix.captions)?)
        .bind(serde_json::to_string(&remix.style)?)
        .bind(remix.format.extension())
        .bind(i64::from(remix.width))
        .bind(i64::from(remix.height))
        .bind(remix.bytes as i64)
        .bind(&remix.blob_key)
        .bind(remix.parent.clone())
        .bind(remix.status.as_str())
        .bind(remix.requests)
        .bind(remix.reports)
        .bind(remix.created_at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let sql = concat!("SELECT ", remix_columns!(), " FROM remixes WHERE id = $1");
        let stored = match sqlx::query(sql)
            .bind(&remix.id)
            .fetch_optional(&mut *tx)
            .await?
        {
            Some(row) => remix_from_row(&row)?,
            // Same hash stored under... no other id is possible: the id is the hash's prefix.
            None => {
                return Err(DbError::Collision {
                    id: remix.id.clone(),
                });
            }
        };
        if stored.hash != remix.hash {
            return Err(DbError::Collision {
                id: remix.id.clone(),
            });
        }
        sqlx::query(
            "INSERT INTO request_keys (key, remix_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(&stored.id)
        .bind(remix.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((stored, inserted))
    }

    /// Counts one hit on a rate-limit key in the window starting at `window_start`, and
    /// returns the hits of the previous window and of this one (this hit included).
    pub async fn hit_limit(
        &self,
        key: &str,
        window_start: i64,
        window_ms: i64,
    ) -> Result<(i64, i64), DbError> {
        let current: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limits (key, window_start, hits, expires_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
             RETURNING hits",
        )
        .bind(key)
        .bind(window_start)
        .bind(window_start + 2 * window_ms)
        .fetch_one(&self.pool)
        .await?;
        let previous: Option<i64> =
            sqlx::query_scalar("SELECT hits FROM rate_limits WHERE key = $1 AND window_start = $2")
                .bind(key)
                .bind(window_start - window_ms)
                .fetch_optional(&self.pool)
                .await?;
        Ok((previous.unwrap_or(0), current))
    }

    /// Takes back a hit that was refused, so refusals do not push the limit further out.
    pub async fn unhit_limit(&self, key: &str, window_start: i64) -> Result<(), DbError> {
        sqlx::query(
            "UPDATE rate_limits SET hits = hits - 1 WHERE key = $1 AND window_start = $2 AND hits > 0",
        )
        .bind(key)
        .bind(window_start)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets rate-limit windows that no longer count.
    pub async fn prune_limits(&self, now: i64) -> Result<u64, DbError> {
        let done = sqlx::query("DELETE FROM rate_limits WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Writes this node's health row: proof that the database takes writes.
    pub async fn write_health(&self, node: &str) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO health (node, at) VALUES ($1, $2) ON CONFLICT (node) DO UPDATE SET at = $2",
        )
        .bind(node)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds to the request counters (batched by the caller, so repeats cost no write each).
    pub async fn add_requests(&self, counts: &[(String, i64)]) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        for (id, n) in counts {
            sqlx::query("UPDATE remixes SET requests = requests + $1 WHERE id = $2")
                .bind(*n)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Remixes with one of `statuses`, newest first, `limit` at a time.
    pub async fn list_remixes(
        &self,
        statuses: &[Status],
        template: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<RemixRow>, DbError> {
        let (before_ms, before_id) = cursor_bounds(cursor)?;
        let mut sql = concat!(
            "SELECT ",
            remix_columns!(),
            " FROM remixes WHERE status IN ("
        )
        .to_owned();
        let mut n = 0;
        for _ in statuses {
            n += 1;
            sql += &format!("{}${n}", if n > 1 { ", " } else { "" });
        }
        sql += &format!(
            ") AND (created_at < ${} OR (created_at = ${} AND (${} = '' OR id < ${})))",
            n + 1,
            n + 1,
            n + 2,
            n + 2
        );
        n += 2;
        if template.is_some() {
            n += 1;
            sql += &format!(" AND template_id = ${n}");
        }
        sql += &format!(" ORDER BY created_at DESC, id DESC LIMIT ${}", n + 1);
        // Audited: the dynamic parts are only numbered placeholders; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for s in statuses {
            query = query.bind(s.as_str());
        }
        query = query.bind(before_ms).bind(before_id);
        if let Some(t) = template {
            query = query.bind(t);
        }
        let rows = query
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        remix_page(&rows, limit)
    }

    /// Changes a remix's status and clears its reports (staff have looked at it); `false` if
    /// there is no such remix.
    pub async fn set_status(&self, id: &str, status: Status) -> Result<bool, DbError> {
        let done = sqlx::query("UPDATE remixes SET status = $1, reports = 0 WHERE id = $2")
            .bind(status.as_str())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The moderation queue: new remixes and reported ones not yet removed, newest first.
    pub async fn list_queue(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<RemixRow>, DbError> {
        let (before_ms, before_id) = cursor_bounds(cursor)?;
        let sql = concat!(
            "SELECT ",
            remix_columns!(),
            " FROM remixes WHERE (status = 'new' OR (reports > 0 AND status <> 'removed')) \
             AND (created_at < $1 OR (created_at = $1 AND ($2 = '' OR id < $2))) \
             ORDER BY created_at DESC, id DESC LIMIT $3"
        );
        let rows = sqlx::query(sql)
            .bind(before_ms)
            .bind(before_id)
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        remix_page(&rows, limit)
    }

    /// Changes a template's status (`draft`, `published`, `retired`); `false` if unknown.
    pub async fn set_template_status(&self, id: &str, status: &str) -> Result<bool, DbError> {
        let done = sqlx::query("UPDATE templates SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status)
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A rendition of a remix.
    pub async fn get_rendition(
        &self,
        remix: &str,
        kind: &str,
    ) -> Result<Option<Rendition>, DbError> {
        let row = sqlx::query(
            "SELECT kind, hash, blob_key, bytes FROM renditions WHERE remix_id = $1 AND kind = $2",
        )
        .bind(remix)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| Rendition {
            kind: r.get(0),
            hash: r.get(1),
            blob_key: r.get(2),
            bytes: r.get::<i64, _>(3) as u64,
        }))
    }

    /// Records a rendition (after its blob is written); a second record of the same kind is
    /// ignored.
    pub async fn put_rendition(&self, remix: &str, r: &Rendition) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO renditions (remix_id, kind, hash, blob_key, bytes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (remix_id, kind) DO UPDATE \
             SET hash = $3, blob_key = $4, bytes = $5",
        )
        .bind(remix)
        .bind(&r.kind)
        .bind(&r.hash)
        .bind(&r.blob_key)
        .bind(r.bytes as i64)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a template (bundled at start-up, or uploaded by staff); an existing row with
    /// the same id is updated unless it was retired.
    pub async fn upsert_template(&self, t: &TemplateRow) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO templates (id, title, alt, hashtags, boxes, photo_hash, photo_key, width, \
             height, status, bundled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
             ON CONFLICT (id) DO UPDATE SET title = $2, alt = $3, hashtags = $4, boxes = $5, \
             photo_hash = $6, photo_key = $7, width = $8, height = $9, updated_at = $12",
        )
        .bind(&t.id)
        .bind(&t.title)
        .bind(&t.alt)
        .bind(serde_json::to_string(&t.hashtags)?)
        .bind(t.boxes.to_string())
        .bind(&t.photo_hash)
        .bind(&t.photo_key)
        .bind(i64::from(t.width))
        .bind(i64::from(t.height))
        .bind(&t.status)
        .bind(i64::from(t.bundled))
        .bind(t.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every template, newest first.
    pub async fn list_templates(&self) -> Result<Vec<TemplateRow>, DbError> {
        let rows = sqlx::query(
            "SELECT id, title, alt, hashtags, boxes, photo_hash, photo_key, width, height, status, \
             bundled, created_at FROM templates ORDER BY created_at DESC, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TemplateRow {
                    id: r.get(0),
                    title: r.get(1),
                    alt: r.get(2),
                    hashtags: serde_json::from_str(&r.get::<String, _>(3))?,
                    boxes: serde_json::from_str(&r.get::<String, _>(4))?,
                    photo_hash: r.get(5),
                    photo_key: r.get(6),
                    width: r.get::<i64, _>(7) as u32,
                    height: r.get::<i64, _>(8) as u32,
                    status: r.get(9),
                    bundled: r.get::<i64, _>(10) != 0,
                    created_at: r.get(11),
                })
            })
            .collect()
    }

    /// Up to `limit` remixes with ids after `after`, in id order: a walk over every row.
    pub async fn remixes_after(&self, after: &str, limit: u32) -> Result<Vec<RemixRow>, DbError> {
        let sql = concat!(
            "SELECT ",
            remix_columns!(),
            " FROM remixes WHERE id > $1 ORDER BY id LIMIT $2"
        );
        let rows = sqlx::query(sql)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(remix_from_row).collect()
    }

    /// Every rendition, with the remix it belongs to.
    pub async fn all_renditions(&self) -> Result<Vec<(String, Rendition)>, DbError> {
        let rows = sqlx::query(
            "SELECT remix_id, kind, hash, blob_key, bytes FROM renditions ORDER BY remix_id, kind",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    Rendition {
                        kind: r.try_get(1)?,
                        hash: r.try_get(2)?,
                        blob_key: r.try_get(3)?,
                        bytes: r.try_get::<i64, _>(4)? as u64,
                    },
                ))
            })
            .collect()
    }

    /// Forgets a rendition, so it is drawn again on its next request.
    pub async fn delete_rendition(&self, remix: &str, kind: &str) -> Result<(), DbError> {
        sqlx::query("DELETE FROM renditions WHERE remix_id = $1 AND kind = $2")
            .bind(remix)
            .bind(kind)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every blob key a row refers to: what `gc` must keep.
    pub async fn referenced_blobs(&self) -> Result<HashSet<String>, DbError> {
        let mut keys = HashSet::new();
        for sql in [
            "SELECT blob_key FROM remixes",
            "SELECT blob_key FROM renditions",
            "SELECT photo_key FROM templates",
        ] {
            for row in sqlx::query(sql).fetch_all(&self.pool).await? {
                keys.insert(row.get::<String, _>(0));
            }
        }
        Ok(keys)
    }
}

/// A page of remixes from `limit + 1` rows: the extra row only says there is a next page.
fn remix_page(rows: &[AnyRow], limit: u32) -> Result<Page<RemixRow>, DbError> {
    let mut items = rows
        .iter()
        .map(remix_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|r| format!("{}.{}", r.created_at, r.id))
    } else {
        None
    };
    Ok(Page { items, next })
}

/// Where a page starts: strictly before this time and id; the top when there is no cursor.
fn cursor_bounds(cursor: Option<&str>) -> Result<(i64, String), DbError> {
    match cursor.filter(|c| !c.is_empty()) {
        None => Ok((i64::MAX, String::new())),
        Some(c) => parse_cursor(c).ok_or(DbError::BadCursor),
    }
}

fn parse_cursor(cursor: &str) -> Option<(i64, String)> {
    let (ms, id) = cursor.split_once('.')?;
    let id_ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric());
    Some((ms.parse().ok()?, id.to_owned())).filter(|_| id_ok)
}

fn remix_from_row(r: &AnyRow) -> Result<RemixRow, DbError> {
    let format: String = r.try_get(5)?;
    let status: String = r.try_get(11)?;
    Ok(RemixRow {
        id: r.try_get(0)?,
        hash: r.try_get(1)?,
        template: r.try_get(2)?,
        captions: serde_json::from_str(&r.try_get::<String, _>(3)?)?,
        style: serde_json::from_str(&r.try_get::<String, _>(4)?)?,
        format: format.parse().unwrap_or(Format::Jpeg),
        width: r.try_get::<i64, _>(6)? as u32,
        height: r.try_get::<i64, _>(7)? as u32,
        bytes: r.try_get::<i64, _>(8)? as u64,
        blob_key: r.try_get(9)?,
        parent: r.try_get(10)?,
        status: status.parse().unwrap_or(Status::New),
        requests: r.try_get(12)?,
        reports: r.try_get(13)?,
        created_at: r.try_get(14)?,
    })
}
