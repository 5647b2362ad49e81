//! Reach counters: per remix, per hour, per metric, added to in batches.

use sqlx::Row;

use super::{Db, DbError};

/// One counter to add to: a remix, an hour (its start, Unix ms), a metric, how many.
pub type ReachCount = (String, i64, String, i64);

/// Rows per statement: SQLite takes at most 32,766 bound values, PostgreSQL 65,535.
const BATCH_ROWS: usize = 500;

impl Db {
    /// Adds counts to their hourly rows, all in one transaction, so two nodes adding to the
    /// same row at once both count.
    pub async fn add_reach(&self, counts: &[ReachCount]) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        for batch in counts.chunks(BATCH_ROWS) {
            let mut sql =
                String::from("INSERT INTO reach_hourly (remix_id, hour, metric, count) VALUES ");
            for i in 0..batch.len() {
                let n = i * 4;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
            }
            sql.push_str(
                " ON CONFLICT (remix_id, hour, metric) \
                 DO UPDATE SET count = reach_hourly.count + excluded.count",
            );
            // Audited: the dynamic part is only numbered placeholders; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (remix, hour, metric, count) in batch {
                query = query.bind(remix).bind(*hour).bind(metric).bind(*count);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Each metric's total over `[from, to)` (Unix ms), for one remix or all.
    pub async fn reach_totals(
        &self,
        remix: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, i64)>, DbError> {
        let rows = sqlx::query(
            "SELECT metric, CAST(SUM(count) AS BIGINT) AS total FROM reach_hourly \
             WHERE hour >= $1 AND hour < $2 AND ($3 = '' OR remix_id = $3) \
             GROUP BY metric ORDER BY metric",
        )
        .bind(from)
        .bind(to)
        .bind(remix.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("metric")?, r.try_get("total")?)))
            .collect()
    }

    /// Each metric per hour over `[from, to)`, for one remix or all, oldest first.
    pub async fn reach_by_hour(
        &self,
        remix: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, String, i64)>, DbError> {
        let rows = sqlx::query(
            "SELECT hour, metric, CAST(SUM(count) AS BIGINT) AS total FROM reach_hourly \
             WHERE hour >= $1 AND hour < $2 AND ($3 = '' OR remix_id = $3) \
             GROUP BY hour, metric ORDER BY hour, metric",
        )
        .bind(from)
        .bind(to)
        .bind(remix.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("hour")?,
                    r.try_get("metric")?,
                    r.try_get("total")?,
                ))
            })
            .collect()
    }
}

/// What a breakdown of reach groups remixes by.
#[derive(Clone, Copy, Debug)]
pub enum ReachBy {
    /// Their template or frame.
    Template,
    /// Their maker's area ('' for none).
    Area,
}

impl ReachBy {
    /// The column of `remixes` it groups by.
    fn column(self) -> &'static str {
        match self {
            ReachBy::Template => "template_id",
            ReachBy::Area => "area_id",
        }
    }
}

impl Db {
    /// Each metric's total over `[from, to)` per template or per area.
    pub async fn reach_by(
        &self,
        by: ReachBy,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, String, i64)>, DbError> {
        let column = by.column();
        let sql = format!(
            "SELECT r.{column} AS key, h.metric, CAST(SUM(h.count) AS BIGINT) AS total \
             FROM reach_hourly h JOIN remixes r ON r.id = h.remix_id \
             WHERE h.hour >= $1 AND h.hour < $2 GROUP BY r.{column}, h.metric"
        );
        // Audited: the column is one of two constant names; every value is bound.
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("metric")?, r.try_get("total")?)))
            .collect()
    }

    /// Remixes made over `[from, to)`, per template or per area.
    pub async fn remixes_by(
        &self,
        by: ReachBy,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, i64)>, DbError> {
        let column = by.column();
        let sql = format!(
            "SELECT {column} AS key, COUNT(*) AS made FROM remixes \
             WHERE created_at >= $1 AND created_at < $2 GROUP BY {column}"
        );
        // Audited: the column is one of two constant names; every value is bound.
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("made")?)))
            .collect()
    }

    /// Remixes made per hour over `[from, to)` (the hour's start, Unix ms), oldest first.
    pub async fn remixes_by_hour(&self, from: i64, to: i64) -> Result<Vec<(i64, i64)>, DbError> {
        let rows = sqlx::query(
            "SELECT (created_at / 3600000) * 3600000 AS hour, COUNT(*) AS made FROM remixes \
             WHERE created_at >= $1 AND created_at < $2 GROUP BY hour ORDER BY hour",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("hour")?, r.try_get("made")?)))
            .collect()
    }
}

impl Db {
    /// The remixes most seen since `since` (Unix ms): page views, pictures seen and
    /// previews together, most first.
    pub async fn top_remixes(&self, since: i64, limit: u32) -> Result<Vec<(String, i64)>, DbError> {
        let rows = sqlx::query(
            "SELECT remix_id, CAST(SUM(count) AS BIGINT) AS seen FROM reach_hourly \
             WHERE hour >= $1 AND metric IN ('page_view', 'picture_view', 'preview') \
             GROUP BY remix_id ORDER BY seen DESC, remix_id LIMIT $2",
        )
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("remix_id")?, r.try_get("seen")?)))
            .collect()
    }
}

impl Db {
    /// A remix's lineage: itself (depth 0) and everything remixed from it, its children's
    /// children and on, at most `limit` remixes and 100 generations: (id, parent, depth),
    /// by depth.
    pub async fn lineage(
        &self,
        id: &str,
        limit: u32,
    ) -> Result<Vec<(String, String, i64)>, DbError> {
        let rows = sqlx::query(
            "WITH RECURSIVE tree (id, parent_id, depth) AS ( \
               SELECT id, COALESCE(parent_id, ''), CAST(0 AS BIGINT) FROM remixes WHERE id = $1 \
               UNION ALL \
               SELECT r.id, r.parent_id, t.depth + 1 FROM remixes r \
               JOIN tree t ON r.parent_id = t.id WHERE t.depth < 100 \
             ) SELECT id, parent_id, depth FROM tree ORDER BY depth, id LIMIT $2",
        )
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("parent_id")?,
                    r.try_get::<i64, _>("depth")?,
                ))
            })
            .collect()
    }
}
