//! Templates: the bundled ones, recorded at start-up, and those staff upload and edit.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, now_ms};

/// Whether supporters can remix a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TemplateStatus {
    /// Uploaded, not yet shown to supporters.
    Draft,
    /// Listed and open for remixes.
    Published,
    /// Off the list; takes no new remixes, its remixes stay.
    Retired,
}

impl TemplateStatus {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateStatus::Draft => "draft",
            TemplateStatus::Published => "published",
            TemplateStatus::Retired => "retired",
        }
    }
}

impl FromStr for TemplateStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<TemplateStatus, String> {
        let all = [
            TemplateStatus::Published,
            TemplateStatus::Retired,
            TemplateStatus::Draft,
        ];
        all.into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                format!("unknown template status {s:?}; use published, retired or draft")
            })
    }
}

impl std::fmt::Display for TemplateStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// Title in Urdu, or empty.
    pub title_ur: String,
    /// Alt text in Urdu, or empty.
    pub alt_ur: String,
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
    /// Whether supporters can remix it.
    pub status: TemplateStatus,
    /// Whether it came from the bundled templates folder.
    pub bundled: bool,
    /// For a bundled template, a fingerprint of the folder it was recorded from; empty for
    /// uploads.
    pub source: String,
    /// When staff last edited its words or boxes (Unix ms), if ever.
    pub edited_at: Option<i64>,
    /// A frame (a PNG with transparency for supporters' own photos), not a photo.
    pub frame: bool,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A template's words as staff edit them: the title and alt text, and their Urdu (empty
/// where there is none).
#[derive(Clone, Copy, Debug)]
pub struct TemplateWords<'a> {
    /// Title.
    pub title: &'a str,
    /// Alt text.
    pub alt: &'a str,
    /// Title in Urdu, or empty.
    pub title_ur: &'a str,
    /// Alt text in Urdu, or empty.
    pub alt_ur: &'a str,
}

/// What recording a bundled template did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// It was not in the database: recorded.
    New,
    /// Its folder is as recorded: the row (and any staff edit) kept.
    Kept,
    /// Its folder changed: the row now follows the folder.
    Updated,
    /// Its folder changed after staff edited it: the folder won, the edit is gone.
    EditReplaced,
}

/// The insert of a row, up to its conflict clause.
macro_rules! template_insert {
    () => {
        "INSERT INTO templates (id, title, alt, hashtags, boxes, photo_hash, photo_key, width, \
         height, status, bundled, source_hash, edited_at, created_at, updated_at, kind, \
         title_ur, alt_ur) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18) \
         ON CONFLICT (id) "
    };
}

const TEMPLATE_COLUMNS: &str = "id, title, alt, hashtags, boxes, photo_hash, photo_key, width, \
     height, status, bundled, source_hash, edited_at, created_at, kind, title_ur, alt_ur";

impl Db {
    /// Changes a template's status; `false` if there is no such template.
    pub async fn set_template_status(
        &self,
        id: &str,
        status: TemplateStatus,
    ) -> Result<bool, DbError> {
        let done = sqlx::query("UPDATE templates SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a bundled template from its folder. The row follows the folder only when the
    /// folder changed since it was last recorded (`source` differs), so staff edits survive
    /// restarts on every node, and a changed file still reaches the database. The status a
    /// template has is never changed here.
    pub async fn record_bundled(&self, t: &TemplateRow) -> Result<Recorded, DbError> {
        let mut tx = self.pool.begin().await?;
        // The write comes first so SQLite takes its write lock at once.
        if write(t, Conflict::Keep)?
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1
        {
            tx.commit().await?;
            return Ok(Recorded::New);
        }
        let row = sqlx::query("SELECT source_hash, edited_at FROM templates WHERE id = $1")
            .bind(&t.id)
            .fetch_one(&mut *tx)
            .await?;
        let (source, edited_at): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
        if source == t.source {
            tx.commit().await?;
            return Ok(Recorded::Kept);
        }
        write(t, Conflict::FollowFolder)?.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(if edited_at > 0 {
            Recorded::EditReplaced
        } else {
            Recorded::Updated
        })
    }

    /// Records a template staff uploaded; `false` if the id is taken.
    pub async fn insert_template(&self, t: &TemplateRow) -> Result<bool, DbError> {
        Ok(write(t, Conflict::Keep)?
            .execute(&self.pool)
            .await?
            .rows_affected()
            == 1)
    }

    /// A staff edit of a template's words and boxes (the photo stays as it is); `false` if
    /// there is no such template.
    pub async fn edit_template(
        &self,
        id: &str,
        words: &TemplateWords<'_>,
        hashtags: &[String],
        boxes: &serde_json::Value,
    ) -> Result<bool, DbError> {
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE templates SET title = $2, alt = $3, hashtags = $4, boxes = $5, \
             edited_at = $6, updated_at = $6, title_ur = $7, alt_ur = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(words.title)
        .bind(words.alt)
        .bind(serde_json::to_string(hashtags)?)
        .bind(boxes.to_string())
        .bind(now)
        .bind(words.title_ur)
        .bind(words.alt_ur)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A template by id.
    pub async fn get_template(&self, id: &str) -> Result<Option<TemplateRow>, DbError> {
        let sql = format!("SELECT {TEMPLATE_COLUMNS} FROM templates WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| template_from_row(&r)).transpose()
    }

    /// Every template, newest first.
    pub async fn list_templates(&self) -> Result<Vec<TemplateRow>, DbError> {
        let sql = format!("SELECT {TEMPLATE_COLUMNS} FROM templates ORDER BY created_at DESC, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(template_from_row).collect()
    }
}

/// What writing a row does when its id is taken.
#[derive(Clone, Copy)]
enum Conflict {
    /// Nothing: the row there stays.
    Keep,
    /// The row follows its folder: everything but its status and creation time, and no
    /// staff edit is left.
    FollowFolder,
}

/// The write of a row.
fn write(
    t: &TemplateRow,
    conflict: Conflict,
) -> Result<sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>, DbError> {
    let sql = match conflict {
        Conflict::Keep => concat!(template_insert!(), "DO NOTHING"),
        Conflict::FollowFolder => concat!(
            template_insert!(),
            "DO UPDATE SET title = excluded.title, alt = excluded.alt, \
             hashtags = excluded.hashtags, boxes = excluded.boxes, \
             photo_hash = excluded.photo_hash, photo_key = excluded.photo_key, \
             width = excluded.width, height = excluded.height, bundled = excluded.bundled, \
             source_hash = excluded.source_hash, kind = excluded.kind, edited_at = 0, \
             updated_at = $15, title_ur = excluded.title_ur, alt_ur = excluded.alt_ur"
        ),
    };
    Ok(sqlx::query(sql)
        .bind(&t.id)
        .bind(&t.title)
        .bind(&t.alt)
        .bind(serde_json::to_string(&t.hashtags)?)
        .bind(t.boxes.to_string())
        .bind(&t.photo_hash)
        .bind(&t.photo_key)
        .bind(i64::from(t.width))
        .bind(i64::from(t.height))
        .bind(t.status.as_str())
        .bind(i64::from(t.bundled))
        .bind(&t.source)
        .bind(t.edited_at.unwrap_or(0))
        .bind(t.created_at)
        .bind(now_ms())
        .bind(if t.frame { "frame" } else { "photo" })
        .bind(&t.title_ur)
        .bind(&t.alt_ur))
}

fn template_from_row(r: &AnyRow) -> Result<TemplateRow, DbError> {
    let status: String = r.try_get("status")?;
    let edited_at: i64 = r.try_get("edited_at")?;
    Ok(TemplateRow {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        alt: r.try_get("alt")?,
        title_ur: r.try_get("title_ur")?,
        alt_ur: r.try_get("alt_ur")?,
        hashtags: serde_json::from_str(&r.try_get::<String, _>("hashtags")?)?,
        boxes: serde_json::from_str(&r.try_get::<String, _>("boxes")?)?,
        photo_hash: r.try_get("photo_hash")?,
        photo_key: r.try_get("photo_key")?,
        width: r.try_get::<i64, _>("width")? as u32,
        height: r.try_get::<i64, _>("height")? as u32,
        status: status.parse().map_err(|why| DbError::Corrupt {
            what: "templates.status".into(),
            why,
        })?,
        bundled: r.try_get::<i64, _>("bundled")? != 0,
        source: r.try_get("source_hash")?,
        edited_at: Some(edited_at).filter(|&t| t > 0),
        created_at: r.try_get("created_at")?,
        frame: r.try_get::<String, _>("kind")? == "frame",
    })
}
