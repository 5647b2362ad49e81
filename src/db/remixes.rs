//! Remixes, the request keys that found them, their renditions and counters.

use std::collections::HashSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, Page, cursor_after, cursor_bounds, now_ms};
use crate::render::{Format, Style};

/// The columns `remix_from_row` reads, as a literal for `concat!`.
macro_rules! remix_columns {
    () => {
        "id, hash, template_id, captions, style, format, width, height, bytes, blob_key, \
         parent_id, status, requests, reports, created_at, area_id, constituency_id, held_for"
    };
}

/// Where a remix stands with the campaign's curators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
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

/// A remix id: the first 16 hex digits (64 bits) of its picture's blake3 hash.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RemixId(String);

impl RemixId {
    /// The id of the picture with this hash.
    pub fn of(hash: &blake3::Hash) -> RemixId {
        RemixId(hash.to_hex()[..16].to_owned())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for RemixId {
    type Err = String;

    /// Only 16 lowercase hex digits are an id, so a bad one is refused before any lookup.
    fn from_str(s: &str) -> Result<RemixId, String> {
        let ok = s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(RemixId(s.to_owned()))
        } else {
            Err(format!("{s:?} is not a remix id (16 hex digits)"))
        }
    }
}

impl std::ops::Deref for RemixId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RemixId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for RemixId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RemixId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A stored remix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RemixRow {
    /// Short id: the first 16 hex digits of `hash`.
    pub id: RemixId,
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
    pub parent: Option<RemixId>,
    /// Curation status.
    pub status: Status,
    /// How many times it was asked for (creates and repeats).
    pub requests: i64,
    /// Reports from supporters.
    pub reports: i64,
    /// When it was first made, Unix milliseconds.
    pub created_at: i64,
    /// The area its maker said they are in, if any.
    pub area: Option<String>,
    /// The constituency its maker said they are in, if any (within `area`).
    pub constituency: Option<String>,
    /// The blocked phrase that held it for review, and how it was written.
    pub held_for: Option<crate::blocklist::Held>,
}

/// What another picture of a remix is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RenditionKind {
    /// The 1200x630 share card.
    Card,
    /// The 240 px thumbnail of the moderation queue and the smallest in a grid's `srcset`.
    Thumb,
    /// A 480 px copy for grids and phones (`srcset`).
    Small,
    /// An 800 px copy for phones with dense screens (`srcset`).
    Medium,
    /// The 1080x1080 profile picture.
    Square,
    /// The 1080x1920 story (WhatsApp Status, Instagram Stories).
    Story,
    /// The same picture in another format.
    Format(Format),
}

impl RenditionKind {
    /// The narrower copies of a remix, for `srcset`, narrowest first.
    pub const SIZES: [RenditionKind; 3] = [
        RenditionKind::Thumb,
        RenditionKind::Small,
        RenditionKind::Medium,
    ];

    /// The width of a narrower copy of a picture `width` pixels wide: its own width where
    /// the picture is narrower still (never wider than the picture, never below the
    /// renderer's minimum). `None` for kinds that are not narrower copies.
    pub fn width_for(self, width: u32) -> Option<u32> {
        let target = match self {
            RenditionKind::Thumb => 240,
            RenditionKind::Small => 480,
            RenditionKind::Medium => 800,
            RenditionKind::Card
            | RenditionKind::Square
            | RenditionKind::Story
            | RenditionKind::Format(_) => return None,
        };
        Some(crate::render::MIN_WIDTH.max(target.min(width)))
    }

    /// The fixed size of a shape people post; `None` for the others.
    pub fn size(self) -> Option<(u32, u32)> {
        match self {
            RenditionKind::Square => Some(crate::render::SQUARE_SIZE),
            RenditionKind::Story => Some(crate::render::STORY_SIZE),
            _ => None,
        }
    }

    /// The word stored.
    pub fn as_str(self) -> &'static str {
        match self {
            RenditionKind::Card => "card",
            RenditionKind::Thumb => "thumb",
            RenditionKind::Small => "small",
            RenditionKind::Medium => "medium",
            RenditionKind::Square => "square",
            RenditionKind::Story => "story",
            RenditionKind::Format(f) => f.extension(),
        }
    }
}

impl std::fmt::Display for RenditionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RenditionKind {
    type Err = String;

    fn from_str(s: &str) -> Result<RenditionKind, String> {
        match s {
            "card" => Ok(RenditionKind::Card),
            "thumb" => Ok(RenditionKind::Thumb),
            "small" => Ok(RenditionKind::Small),
            "medium" => Ok(RenditionKind::Medium),
            "square" => Ok(RenditionKind::Square),
            "story" => Ok(RenditionKind::Story),
            other => other
                .parse()
                .map(RenditionKind::Format)
                .map_err(|_| format!("unknown rendition kind {other:?}")),
        }
    }
}

/// Another picture of a remix: its card, or the same picture in another format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendition {
    /// What it is.
    pub kind: RenditionKind,
    /// blake3 of the bytes, hex.
    pub hash: String,
    /// Object store key.
    pub blob_key: String,
    /// Size.
    pub bytes: u64,
}

impl Db {
    /// The remix a request key was answered with before.
    pub async fn find_request(&self, key: &str) -> Result<Option<RemixId>, DbError> {
        let row = sqlx::query("SELECT remix_id FROM request_keys WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            r.try_get::<String, _>(0)?
                .parse()
                .map_err(|why| DbError::Corrupt {
                    what: "request_keys.remix_id".into(),
                    why,
                })
        })
        .transpose()
    }

    /// A remix by id.
    pub async fn get_remix(&self, id: &str) -> Result<Option<RemixRow>, DbError> {
        let sql = concat!("SELECT ", remix_columns!(), " FROM remixes WHERE id = $1");
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| remix_from_row(&r)).transpose()
    }

    /// Stores a remix, the request key that made it and the hash of its maker's delete token,
    /// in one transaction. Returns the stored row and whether it is new (the token's hash
    /// is kept only then); a picture already stored under the same hash is found, not
    /// duplicated, and a different picture under the same id is refused.
    pub async fn insert_remix(
        &self,
        remix: &RemixRow,
        key: &str,
        delete_hash: &str,
    ) -> Result<(RemixRow, bool), DbError> {
        let mut tx = self.pool.begin().await?;
        // The write comes first so SQLite takes its write lock at once and waits for another
        // writer instead of failing to upgrade a read lock.
        let query = sqlx::query(
            "INSERT INTO remixes (id, hash, template_id, captions, style, format, width, height, \
             bytes, blob_key, parent_id, status, requests, reports, created_at, area_id, \
             constituency_id, held_for, delete_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19) ON CONFLICT DO NOTHING",
        );
        let inserted = bind_remix(query, remix)?
            .bind(delete_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        let stored = if inserted {
            remix.clone()
        } else {
            let sql = concat!("SELECT ", remix_columns!(), " FROM remixes WHERE id = $1");
            match sqlx::query(sql)
                .bind(remix.id.as_str())
                .fetch_optional(&mut *tx)
                .await?
            {
                Some(row) => remix_from_row(&row)?,
                // Same hash stored under... no other id is possible: the id is the hash's
                // prefix.
                None => {
                    return Err(DbError::Collision {
                        id: remix.id.clone(),
                    });
                }
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
        .bind(stored.id.as_str())
        .bind(remix.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((stored, inserted))
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

    /// The public gallery: featured remixes first, then approved ones, each newest first,
    /// `limit` at a time. Its cursor says which part a page is in: `f:` then the featured
    /// list's cursor, or `a:` then the approved list's.
    pub async fn gallery(
        &self,
        template: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<RemixRow>, DbError> {
        let (phase, inner) = match cursor.filter(|c| !c.is_empty()) {
            None => ("f", None),
            Some(c) => {
                let (phase, rest) = c.split_once(':').ok_or(DbError::BadCursor)?;
                if !matches!(phase, "f" | "a") || rest.len() > 100 {
                    return Err(DbError::BadCursor);
                }
                (phase, Some(rest).filter(|r| !r.is_empty()))
            }
        };
        let approved =
            |inner, limit| self.list_remixes(&[Status::Approved], template, inner, limit);
        if phase == "a" {
            let page = approved(inner, limit).await?;
            return Ok(Page {
                items: page.items,
                next: page.next.map(|n| format!("a:{n}")),
            });
        }
        let featured = self
            .list_remixes(&[Status::Featured], template, inner, limit)
            .await?;
        if let Some(next) = featured.next {
            return Ok(Page {
                items: featured.items,
                next: Some(format!("f:{next}")),
            });
        }
        let mut items = featured.items;
        let room = limit - items.len() as u32;
        if room == 0 {
            return Ok(Page {
                items,
                next: Some("a:".into()),
            });
        }
        let page = approved(None, room).await?;
        items.extend(page.items);
        Ok(Page {
            items,
            next: page.next.map(|n| format!("a:{n}")),
        })
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

    /// A rendition of a remix.
    pub async fn get_rendition(
        &self,
        remix: &str,
        kind: RenditionKind,
    ) -> Result<Option<Rendition>, DbError> {
        let row = sqlx::query(
            "SELECT kind, hash, blob_key, bytes FROM renditions WHERE remix_id = $1 AND kind = $2",
        )
        .bind(remix)
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| rendition_from_row(&r)).transpose()
    }

    /// Records a rendition (after its blob is written), replacing one of the same kind;
    /// nothing for a remix its maker deleted (a blob written meanwhile is an orphan for
    /// `gc`).
    pub async fn put_rendition(&self, remix: &str, r: &Rendition) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO renditions (remix_id, kind, hash, blob_key, bytes, created_at) \
             SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), \
                    CAST($5 AS BIGINT), CAST($6 AS BIGINT) \
             WHERE EXISTS (SELECT 1 FROM remixes WHERE id = $1 AND blob_key <> '') \
             ON CONFLICT (remix_id, kind) DO UPDATE \
             SET hash = excluded.hash, blob_key = excluded.blob_key, bytes = excluded.bytes",
        )
        .bind(remix)
        .bind(r.kind.as_str())
        .bind(&r.hash)
        .bind(&r.blob_key)
        .bind(r.bytes as i64)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
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
            .map(|r| Ok((r.try_get("remix_id")?, rendition_from_row(r)?)))
            .collect()
    }

    /// The hash of a remix's delete token; `None` for no such remix, `""` for none given.
    pub async fn delete_hash(&self, id: &str) -> Result<Option<String>, DbError> {
        let row = sqlx::query("SELECT delete_hash FROM remixes WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("delete_hash")).transpose()?)
    }

    /// A remix's renditions.
    pub async fn renditions_of(&self, id: &str) -> Result<Vec<Rendition>, DbError> {
        let rows = sqlx::query(
            "SELECT kind, hash, blob_key, bytes FROM renditions WHERE remix_id = $1 ORDER BY kind",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rendition_from_row).collect()
    }

    /// Erases a remix, keeping only its row as a tombstone: removed, no captions, no
    /// picture (`blob_key` ''), no renditions, no delete token. The blobs are the caller's
    /// to delete.
    pub async fn erase_remix(&self, id: &str) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE remixes SET status = 'removed', captions = '[]', blob_key = '', \
             delete_hash = '' WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM renditions WHERE remix_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets a rendition, so it is drawn again on its next request.
    pub async fn delete_rendition(&self, remix: &str, kind: RenditionKind) -> Result<(), DbError> {
        sqlx::query("DELETE FROM renditions WHERE remix_id = $1 AND kind = $2")
            .bind(remix)
            .bind(kind.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a supporter's report on a remix: its count goes up and the reason is kept.
    pub async fn report(&self, remix: &str, reason: &str) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE remixes SET reports = reports + 1 WHERE id = $1")
            .bind(remix)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO reports (remix_id, reason, at) VALUES ($1, $2, $3)")
            .bind(remix)
            .bind(reason)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
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
    Page::of_rows(rows, limit, remix_from_row, |r| {
        cursor_after(r.created_at, &r.id)
    })
}

fn remix_from_row(r: &AnyRow) -> Result<RemixRow, DbError> {
    let corrupt = |column: &str, why: String| DbError::Corrupt {
        what: format!("remixes.{column}"),
        why,
    };
    let format: String = r.try_get("format")?;
    let status: String = r.try_get("status")?;
    let parent: Option<String> = r.try_get("parent_id")?;
    Ok(RemixRow {
        id: r
            .try_get::<String, _>("id")?
            .parse()
            .map_err(|e| corrupt("id", e))?,
        hash: r.try_get("hash")?,
        template: r.try_get("template_id")?,
        captions: serde_json::from_str(&r.try_get::<String, _>("captions")?)?,
        style: serde_json::from_str(&r.try_get::<String, _>("style")?)?,
        format: format.parse().map_err(|e| corrupt("format", e))?,
        width: r.try_get::<i64, _>("width")? as u32,
        height: r.try_get::<i64, _>("height")? as u32,
        bytes: r.try_get::<i64, _>("bytes")? as u64,
        blob_key: r.try_get("blob_key")?,
        parent: parent
            .map(|p| p.parse().map_err(|e| corrupt("parent_id", e)))
            .transpose()?,
        status: status.parse().map_err(|e| corrupt("status", e))?,
        requests: r.try_get("requests")?,
        reports: r.try_get("reports")?,
        created_at: r.try_get("created_at")?,
        area: Some(r.try_get::<String, _>("area_id")?).filter(|a| !a.is_empty()),
        constituency: Some(r.try_get::<String, _>("constituency_id")?).filter(|c| !c.is_empty()),
        held_for: r
            .try_get::<Option<String>, _>("held_for")?
            .map(|h| serde_json::from_str(&h))
            .transpose()?,
    })
}

fn rendition_from_row(r: &AnyRow) -> Result<Rendition, DbError> {
    let kind: String = r.try_get("kind")?;
    Ok(Rendition {
        kind: kind.parse().map_err(|why| DbError::Corrupt {
            what: "renditions.kind".into(),
            why,
        })?,
        hash: r.try_get("hash")?,
        blob_key: r.try_get("blob_key")?,
        bytes: r.try_get::<i64, _>("bytes")? as u64,
    })
}

impl Db {
    /// How many remixes there are.
    pub async fn remix_count(&self) -> Result<i64, DbError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM remixes")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    /// Stores many remix rows at once, in one transaction, without request keys (made-up
    /// remixes of `jalsa fill-reach`); a row whose id is taken is left as it is.
    pub async fn insert_remix_rows(&self, rows: &[RemixRow]) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        for batch in rows.chunks(self.rows_per_statement(18)) {
            let sql = format!(
                "INSERT INTO remixes (id, hash, template_id, captions, style, format, width, \
                 height, bytes, blob_key, parent_id, status, requests, reports, created_at, \
                 area_id, constituency_id, held_for) VALUES {} ON CONFLICT DO NOTHING",
                super::values(18, batch.len())
            );
            // Audited: the dynamic part is only numbered placeholders; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for remix in batch {
                query = bind_remix(query, remix)?;
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Binds a remix row's 18 values, in the order of `INSERT INTO remixes` above.
fn bind_remix<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    remix: &'q RemixRow,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>, DbError> {
    Ok(query
        .bind(remix.id.as_str())
        .bind(&remix.hash)
        .bind(&remix.template)
        .bind(serde_json::to_string(&remix.captions)?)
        .bind(serde_json::to_string(&remix.style)?)
        .bind(remix.format.extension())
        .bind(i64::from(remix.width))
        .bind(i64::from(remix.height))
        .bind(remix.bytes as i64)
        .bind(&remix.blob_key)
        .bind(remix.parent.as_ref().map(|p| p.to_string()))
        .bind(remix.status.as_str())
        .bind(remix.requests)
        .bind(remix.reports)
        .bind(remix.created_at)
        .bind(remix.area.as_deref().unwrap_or(""))
        .bind(remix.constituency.as_deref().unwrap_or(""))
        .bind(
            remix
                .held_for
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        ))
}
