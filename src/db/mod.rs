//! Metadata in SQL through sqlx: SQLite by default, PostgreSQL for many nodes, one schema
//! and one set of queries for both (`$N` parameters, TEXT and BIGINT columns).
//!
//! Every query lives in this module, one file per concern; the pool is private to it, so
//! the rest of the program asks for what it needs by name.

mod areas;
mod copy;
mod limits;
mod reach;
mod remixes;
mod staff;
mod templates;

pub use copy::{Kind, NOT_COPIED, TABLES, not_copied};
pub use reach::{Dim, ReachCount, RemixDims, Rollup, Span, Sums, is_seen, roll_up};
pub use remixes::{RemixId, RemixRow, Rendition, RenditionKind, Status};
pub use staff::{AuditEntry, TokenInfo};
pub use templates::{Recorded, TemplateRow, TemplateStatus, TemplateWords};

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Connection, Row};

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
        id: RemixId,
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
    /// A stored value is not one this program writes.
    #[error("database holds a bad {what}: {why}")]
    Corrupt {
        /// Table and column.
        what: String,
        /// What is wrong with it.
        why: String,
    },
    /// A stored JSON column did not parse.
    #[error("database holds bad JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// A page of a listing and where the next one starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Opaque cursor for the next page, if there is one.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A page from `limit + 1` rows read in order: the extra row only says there is a next
    /// page, which starts after the last item kept (`cursor` names it).
    fn of_rows(
        rows: &[AnyRow],
        limit: u32,
        read: impl Fn(&AnyRow) -> Result<T, DbError>,
        cursor: impl Fn(&T) -> String,
    ) -> Result<Page<T>, DbError> {
        let mut items = rows.iter().map(read).collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(cursor)
        } else {
            None
        };
        Ok(Page { items, next })
    }
}

/// The metadata repository.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    postgres: bool,
}

impl Db {
    /// How many rows of `columns` values one multi-row statement should carry. sqlx looks
    /// each SQLite parameter up by name, which costs as many steps as there are
    /// parameters, so a statement of thousands is quadratic there: SQLite gets a few
    /// hundred values a statement, PostgreSQL (a round trip each) up to 4,000.
    fn rows_per_statement(&self, columns: usize) -> usize {
        let values = if self.postgres { 4_000 } else { 240 };
        (values / columns).max(1)
    }
}

/// `($1, $2, ...), (...)`: `rows` rows of `columns` numbered placeholders, for a multi-row
/// `VALUES`.
fn values(columns: usize, rows: usize) -> String {
    let row = |i: usize| {
        let places: Vec<String> = (1..=columns)
            .map(|c| format!("${}", i * columns + c))
            .collect();
        format!("({})", places.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
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
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = NORMAL",
    // staff_devices refers to staff (migration 0004): enforced here as PostgreSQL does.
    "PRAGMA foreign_keys = ON",
];

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
                // A connection to a local file does not go stale as a network one may: no
                // ping before each use (it was a third of a fresh remix's round trips to
                // the database's threads).
                .test_before_acquire(false)
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
        let db = Db { pool, postgres };
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

    /// Closes every connection: queries after this fail (a shutdown, or a test of what a
    /// page does when the database is gone).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Answers if the database is reachable.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The tables of the live schema and their columns (migration bookkeeping left out):
    /// what `jalsa migrate` must copy.
    pub async fn schema(&self) -> Result<BTreeMap<String, BTreeSet<String>>, DbError> {
        let sqlite = "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                      WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'";
        let postgres = "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) \
                        FROM information_schema.columns WHERE table_schema = current_schema()";
        let sql = if self.postgres { postgres } else { sqlite };
        let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for row in sqlx::query(sql).fetch_all(&self.pool).await? {
            let table: String = row.try_get(0)?;
            if table.starts_with("_sqlx") {
                continue;
            }
            tables.entry(table).or_default().insert(row.try_get(1)?);
        }
        Ok(tables)
    }
}

/// Where a page starts: strictly before this time and id; the top when there is no cursor.
fn cursor_bounds(cursor: Option<&str>) -> Result<(i64, String), DbError> {
    match cursor.filter(|c| !c.is_empty()) {
        None => Ok((i64::MAX, String::new())),
        Some(c) => parse_cursor(c).ok_or(DbError::BadCursor),
    }
}

/// A cursor for the page after the item made at `created_at` with `id`.
fn cursor_after(created_at: i64, id: &str) -> String {
    format!("{created_at}.{id}")
}

fn parse_cursor(cursor: &str) -> Option<(i64, String)> {
    let (ms, id) = cursor.split_once('.')?;
    let ms_ok = (1..=18).contains(&ms.len()) && ms.bytes().all(|b| b.is_ascii_digit());
    let id_ok =
        ms_ok && !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric());
    Some((ms.parse().ok()?, id.to_owned())).filter(|_| id_ok)
}
