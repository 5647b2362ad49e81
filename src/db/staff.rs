//! Staff accounts, sessions, API tokens, the places staff sign in from, the audit log and
//! the blocklist. Secrets arrive here already hashed.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, Page};
use crate::blocklist::Entry;

/// An API token as staff see it (never the secret after creation).
#[derive(Clone, Debug, Serialize)]
pub struct TokenInfo {
    /// Public id, to revoke it by.
    pub id: String,
    /// Whose it is.
    pub staff: String,
    /// When it was made.
    pub created_at: i64,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

/// One line of the audit log.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Id, time-ordered.
    pub id: String,
    /// When, Unix milliseconds.
    pub at: i64,
    /// Who.
    pub staff: String,
    /// What, e.g. `remix.status`.
    pub action: String,
    /// On which item, e.g. a remix id.
    pub item: String,
    /// Details, e.g. `approved`.
    pub detail: String,
}

impl Db {
    /// Creates a staff account; `false` if the name is taken.
    pub async fn insert_staff(
        &self,
        name: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<bool, DbError> {
        let done = sqlx::query(
            "INSERT INTO staff (name, password_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The password hash of a staff account, if there is one by that name.
    pub async fn password_hash(&self, name: &str) -> Result<Option<String>, DbError> {
        let row = sqlx::query("SELECT password_hash FROM staff WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Whether `name` signed in from any of `devices` after `since`.
    pub async fn known_device(
        &self,
        name: &str,
        devices: &[String],
        since: i64,
    ) -> Result<bool, DbError> {
        for device in devices {
            let row = sqlx::query(
                "SELECT 1 FROM staff_devices WHERE name = $1 AND device = $2 AND seen_at > $3",
            )
            .bind(name)
            .bind(device)
            .bind(since)
            .fetch_optional(&self.pool)
            .await?;
            if row.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Records that `name` signed in from `devices` now, and forgets places not seen since
    /// `forget_before`.
    pub async fn remember_devices(
        &self,
        name: &str,
        devices: &[String],
        now: i64,
        forget_before: i64,
    ) -> Result<(), DbError> {
        for device in devices {
            sqlx::query(
                "INSERT INTO staff_devices (name, device, seen_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name, device) DO UPDATE SET seen_at = excluded.seen_at",
            )
            .bind(name)
            .bind(device)
            .bind(now)
            .execute(&self.pool)
            .await?;
        }
        sqlx::query("DELETE FROM staff_devices WHERE seen_at < $1")
            .bind(forget_before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a session under the hash of its cookie.
    pub async fn insert_session(
        &self,
        token_hash: &str,
        staff: &str,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, staff, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(staff)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The staff member and CSRF token of a session live at `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(String, String)>, DbError> {
        let row = sqlx::query(
            "SELECT staff, csrf FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok::<_, DbError>((r.try_get("staff")?, r.try_get("csrf")?)))
            .transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), DbError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores an API token under the hash of its secret.
    pub async fn insert_token(&self, token: &TokenInfo, token_hash: &str) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, staff, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&token.id)
        .bind(token_hash)
        .bind(&token.staff)
        .bind(token.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The staff member a live token belongs to.
    pub async fn token_staff(&self, token_hash: &str) -> Result<Option<String>, DbError> {
        let row = sqlx::query(
            "SELECT staff FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Revokes a live token; `false` if there was none with that id.
    pub async fn revoke_token(&self, id: &str, now: i64) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every token, newest first.
    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>, DbError> {
        let rows = sqlx::query(
            "SELECT id, staff, created_at, revoked_at FROM api_tokens ORDER BY created_at DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    staff: r.try_get("staff")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// Appends a line to the audit log.
    pub async fn insert_audit(&self, entry: &AuditEntry) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO audit_log (id, at, staff, action, item, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&entry.id)
        .bind(entry.at)
        .bind(&entry.staff)
        .bind(&entry.action)
        .bind(&entry.item)
        .bind(&entry.detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The audit log, newest first, from the line after `cursor` (an entry id).
    pub async fn audit_log(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<AuditEntry>, DbError> {
        // A cursor is an entry's id: digits and lowercase hex. `~` sorts after every id.
        let before = match cursor.filter(|c| !c.is_empty()) {
            None => "~",
            Some(c)
                if c.len() <= 64 && c.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
            {
                c
            }
            Some(_) => return Err(DbError::BadCursor),
        };
        let rows = sqlx::query(
            "SELECT id, at, staff, action, item, detail FROM audit_log WHERE id < $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(before)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        Page::of_rows(&rows, limit, audit_from_row, |e| e.id.clone())
    }

    /// Every blocked phrase with its spelling variants, in order.
    pub async fn blocklist_entries(&self) -> Result<Vec<Entry>, DbError> {
        let rows = sqlx::query("SELECT phrase, variant_of FROM blocklist ORDER BY phrase")
            .fetch_all(&self.pool)
            .await?;
        let mut entries: Vec<Entry> = Vec::new();
        let mut variants: Vec<(String, String)> = Vec::new();
        for r in &rows {
            let phrase: String = r.try_get(0)?;
            let variant_of: String = r.try_get(1)?;
            if variant_of.is_empty() {
                entries.push(Entry::phrase(phrase));
            } else {
                variants.push((variant_of, phrase));
            }
        }
        // (PostgreSQL's collation may order phrases otherwise than Rust does, so they are
        // looked up, not searched for.) A variant whose phrase is gone matches nothing.
        let at: std::collections::HashMap<String, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.phrase.clone(), i))
            .collect();
        for (of, variant) in variants {
            if let Some(&i) = at.get(&of) {
                entries[i].variants.push(variant);
            }
        }
        Ok(entries)
    }

    /// Adds a phrase to the blocklist, or a spelling variant of the phrase `variant_of`
    /// (`""` for a phrase of its own). A phrase already there stays as it was.
    pub async fn insert_phrase(
        &self,
        phrase: &str,
        variant_of: &str,
        staff: &str,
        now: i64,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO blocklist (phrase, variant_of, staff, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(phrase)
        .bind(variant_of)
        .bind(staff)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes a phrase with its variants, or one variant; `false` if it was not there.
    pub async fn delete_phrase(&self, phrase: &str) -> Result<bool, DbError> {
        // A phrase's own row has `variant_of` '': an empty phrase would name them all.
        if phrase.is_empty() {
            return Ok(false);
        }
        let done = sqlx::query("DELETE FROM blocklist WHERE phrase = $1 OR variant_of = $1")
            .bind(phrase)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() >= 1)
    }
}

fn audit_from_row(r: &AnyRow) -> Result<AuditEntry, DbError> {
    Ok(AuditEntry {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        staff: r.try_get("staff")?,
        action: r.try_get("action")?,
        item: r.try_get("item")?,
        detail: r.try_get("detail")?,
    })
}
