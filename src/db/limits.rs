//! Rate-limit windows and node health rows.

use super::{Db, DbError, now_ms};

impl Db {
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
}
