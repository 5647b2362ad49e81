//! The campaign's areas: recorded once from the starter list, then staff's to change.

use sqlx::Row;

use super::{Db, DbError, now_ms};
use crate::areas::Area;

impl Db {
    /// Every area, by English name; retired ones too when `retired`.
    pub async fn list_areas(&self, retired: bool) -> Result<Vec<Area>, DbError> {
        let rows = sqlx::query(
            "SELECT id, name_en, name_ur, retired, parent_id FROM areas \
             WHERE retired = 0 OR $1 = 1 ORDER BY name_en, id",
        )
        .bind(i64::from(retired))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(area_from_row).collect()
    }

    /// Records `areas` if there are none yet (the first start); `true` if it did.
    pub async fn seed_areas(&self, areas: &[Area]) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let count: i64 = sqlx::query("SELECT COUNT(*) FROM areas")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if count > 0 {
            return Ok(false);
        }
        for area in areas {
            upsert(area).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Adds areas or changes them (names, retired), all in one transaction: an import.
    pub async fn put_areas(&self, areas: &[Area]) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        for area in areas {
            upsert(area).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds one area; `false` if its id is taken.
    pub async fn add_area(&self, area: &Area) -> Result<bool, DbError> {
        let now = now_ms();
        let done = sqlx::query(
            "INSERT INTO areas (id, name_en, name_ur, retired, created_at, updated_at, parent_id) \
             VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&area.id)
        .bind(&area.name_en)
        .bind(&area.name_ur)
        .bind(i64::from(area.retired))
        .bind(now)
        .bind(&area.parent)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Renames an area and retires or restores it; `false` if there is no such area.
    pub async fn change_area(&self, area: &Area) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE areas SET name_en = $2, name_ur = $3, retired = $4, updated_at = $5, \
             parent_id = $6 WHERE id = $1",
        )
        .bind(&area.id)
        .bind(&area.name_en)
        .bind(&area.name_ur)
        .bind(i64::from(area.retired))
        .bind(now_ms())
        .bind(&area.parent)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// An area by id, retired or not.
    pub async fn get_area(&self, id: &str) -> Result<Option<Area>, DbError> {
        let row =
            sqlx::query("SELECT id, name_en, name_ur, retired, parent_id FROM areas WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| area_from_row(&r)).transpose()
    }
}

fn area_from_row(r: &sqlx::any::AnyRow) -> Result<Area, DbError> {
    Ok(Area {
        id: r.try_get("id")?,
        name_en: r.try_get("name_en")?,
        name_ur: r.try_get("name_ur")?,
        retired: r.try_get::<i64, _>("retired")? != 0,
        parent: r.try_get("parent_id")?,
    })
}

fn upsert(area: &Area) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(
        "INSERT INTO areas (id, name_en, name_ur, retired, created_at, updated_at, parent_id) \
         VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (id) DO UPDATE SET \
         name_en = excluded.name_en, name_ur = excluded.name_ur, \
         retired = excluded.retired, updated_at = excluded.updated_at, \
         parent_id = excluded.parent_id",
    )
    .bind(&area.id)
    .bind(&area.name_en)
    .bind(&area.name_ur)
    .bind(i64::from(area.retired))
    .bind(now_ms())
    .bind(&area.parent)
}
