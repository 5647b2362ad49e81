//! Campaign staff: accounts (argon2id), server-side sessions with CSRF tokens, API tokens
//! stored hashed, the audit log, the caption blocklist and supporters' reports.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use serde::Serialize;
use sqlx::Row;
use unicode_normalization::UnicodeNormalization;

pub use crate::blocklist::{Blocklist, words};
use crate::db::{Db, DbError, Page, now_ms};

/// How long a staff session lasts.
pub const SESSION_MS: i64 = 7 * 24 * 3600 * 1000;

/// A failure of the staff area.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// Bad input, with the reason.
    #[error("{0}")]
    Invalid(String),
    /// Too many password checks are waiting; try again in a few seconds.
    #[error("many people are signing in right now; try again in a few seconds")]
    Busy,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for StaffError {
    fn from(e: sqlx::Error) -> StaffError {
        StaffError::Db(DbError::Query(e))
    }
}

/// Random bytes as hex, from the operating system.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system gives random bytes");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_secret(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

/// Constant-time comparison of two secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Checks a staff name: 1 to 40 of letters, digits, `.`, `_`, `-`.
pub fn valid_name(name: &str) -> Result<(), StaffError> {
    let ok = (1..=40).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StaffError::Invalid(format!(
            "staff name {name:?} must be 1 to 40 of letters, digits, '.', '_' and '-'"
        )))
    }
}

/// Creates a staff account; the password is stored as an argon2id hash.
pub async fn add_staff(db: &Db, name: &str, password: &str) -> Result<(), StaffError> {
    valid_name(name)?;
    if password.chars().count() < 10 {
        return Err(StaffError::Invalid(
            "the password needs at least 10 characters".into(),
        ));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system gives random bytes");
    let hash = Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(|e| StaffError::Invalid(format!("cannot hash the password: {e}")))?
        .to_string();
    let done = sqlx::query("INSERT INTO staff (name, password_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(name)
        .bind(hash)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StaffError::Invalid(format!(
            "there is already a staff account {name:?}"
        )));
    }
    Ok(())
}

/// Whether a staff account exists.
pub async fn staff_exists(db: &Db, name: &str) -> Result<bool, StaffError> {
    Ok(sqlx::query("SELECT 1 FROM staff WHERE name = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await?
        .is_some())
}

/// Password checks on a few threads of their own. An argon2id check holds 19 MiB while it
/// runs; on the runtime's blocking pool a flood of sign-ins spread the checks over fresh
/// threads, each keeping its own 19 MiB in its malloc arena afterwards, so memory grew by
/// hundreds of MB. Here memory is bounded by the number of threads, and a short queue turns
/// the rest of a flood away at once.
pub struct PasswordChecker {
    jobs: std::sync::mpsc::SyncSender<PasswordJob>,
}

struct PasswordJob {
    hash: String,
    password: String,
    answer: tokio::sync::oneshot::Sender<bool>,
}

impl PasswordChecker {
    /// `threads` checks at a time, `queue` more waiting. The threads end when the checker
    /// is dropped.
    pub fn new(threads: usize, queue: usize) -> PasswordChecker {
        let (jobs, waiting) = std::sync::mpsc::sync_channel::<PasswordJob>(queue);
        let waiting = std::sync::Arc::new(std::sync::Mutex::new(waiting));
        for i in 0..threads.max(1) {
            let waiting = waiting.clone();
            std::thread::Builder::new()
                .name(format!("password-check-{i}"))
                .spawn(move || {
                    loop {
                        let job = waiting
                            .lock()
                            .map_err(|_| ())
                            .and_then(|w| w.recv().map_err(|_| ()));
                        let Ok(job) = job else { break };
                        // The one who asked has gone: skip the work.
                        if job.answer.is_closed() {
                            continue;
                        }
                        let verified = PasswordVerifier::<str>::verify_password(
                            &Argon2::default(),
                            job.password.as_bytes(),
                            &job.hash,
                        )
                        .is_ok();
                        let _ = job.answer.send(verified);
                    }
                })
                .expect("the operating system starts a thread");
        }
        PasswordChecker { jobs }
    }

    /// Whether `password` matches the PHC-format `hash`; `None` when the queue is full.
    pub async fn verify(&self, hash: String, password: String) -> Option<bool> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .try_send(PasswordJob {
                hash,
                password,
                answer,
            })
            .ok()?;
        Some(answered.await.unwrap_or(false))
    }
}

/// Checks a name and password. Unknown names cost as much as wrong passwords.
/// [`StaffError::Busy`] when too many checks are waiting already.
pub async fn check_password(
    db: &Db,
    checker: &PasswordChecker,
    name: &str,
    password: &str,
) -> Result<bool, StaffError> {
    let row = sqlx::query("SELECT password_hash FROM staff WHERE name = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await?;
    // A fixed hash to verify against when the name is unknown, so timing tells nothing.
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5Nw3qGrprBpVZpPYjCBPLzwZpy1GdxX3bZbc7MD5iV4";
    let (hash, known) = match row {
        Some(r) => (r.get::<String, _>(0), true),
        None => (DUMMY.to_owned(), false),
    };
    let verified = checker
        .verify(hash, password.to_owned())
        .await
        .ok_or(StaffError::Busy)?;
    Ok(known && verified)
}

/// How long a place a staff member signed in from stays known: 90 days.
pub const DEVICE_MS: i64 = 90 * 24 * 3600 * 1000;

/// The device name of a sign-in cookie's value: only its hash is stored.
pub fn cookie_device(cookie: &str) -> String {
    format!("cookie:{}", hash_secret(cookie))
}

/// Whether `name` signed in from any of `devices` (see [`remember_devices`]) in the last
/// 90 days.
pub async fn known_device(db: &Db, name: &str, devices: &[String]) -> Result<bool, StaffError> {
    let since = now_ms() - DEVICE_MS;
    for device in devices {
        let row = sqlx::query(
            "SELECT 1 FROM staff_devices WHERE name = $1 AND device = $2 AND seen_at > $3",
        )
        .bind(name)
        .bind(device)
        .bind(since)
        .fetch_optional(db.pool())
        .await?;
        if row.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Remembers that `name` signed in from `devices` (`client:<address>`, [`cookie_device`]),
/// and forgets places not seen for 90 days.
pub async fn remember_devices(db: &Db, name: &str, devices: &[String]) -> Result<(), StaffError> {
    let now = now_ms();
    for device in devices {
        sqlx::query(
            "INSERT INTO staff_devices (name, device, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name, device) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(name)
        .bind(device)
        .bind(now)
        .execute(db.pool())
        .await?;
    }
    sqlx::query("DELETE FROM staff_devices WHERE seen_at < $1")
        .bind(now - DEVICE_MS)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A signed-in staff member.
#[derive(Clone, Debug)]
pub struct Session {
    /// Who.
    pub staff: String,
    /// The CSRF token every form of this session carries.
    pub csrf: String,
}

/// Starts a session; returns the cookie value.
pub async fn start_session(db: &Db, staff: &str) -> Result<(String, Session), StaffError> {
    let token = random_hex(32);
    let csrf = random_hex(16);
    let now = now_ms();
    sqlx::query("INSERT INTO sessions (token_hash, staff, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash_secret(&token))
        .bind(staff)
        .bind(&csrf)
        .bind(now)
        .bind(now + SESSION_MS)
        .execute(db.pool())
        .await?;
    Ok((
        token,
        Session {
            staff: staff.to_owned(),
            csrf,
        },
    ))
}

/// The session a cookie names, if it is live.
pub async fn session(db: &Db, token: &str) -> Result<Option<Session>, StaffError> {
    let row =
        sqlx::query("SELECT staff, csrf FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(hash_secret(token))
            .bind(now_ms())
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|r| Session {
        staff: r.get(0),
        csrf: r.get(1),
    }))
}

/// Ends a session.
pub async fn end_session(db: &Db, token: &str) -> Result<(), StaffError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash_secret(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

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

/// Creates an API token for `staff`; the secret is returned once and stored hashed.
pub async fn create_token(db: &Db, staff: &str) -> Result<(String, TokenInfo), StaffError> {
    if !staff_exists(db, staff).await? {
        return Err(StaffError::Invalid(format!(
            "there is no staff account {staff:?}"
        )));
    }
    let id = random_hex(4);
    let secret = format!("jst_{id}_{}", random_hex(24));
    let now = now_ms();
    sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, staff, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(hash_secret(&secret))
    .bind(staff)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok((
        secret,
        TokenInfo {
            id,
            staff: staff.to_owned(),
            created_at: now,
            revoked_at: None,
        },
    ))
}

/// The staff member a bearer token belongs to, if it is live.
pub async fn token_staff(db: &Db, secret: &str) -> Result<Option<String>, StaffError> {
    let row =
        sqlx::query("SELECT staff FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(hash_secret(secret))
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Revokes a token by id; `false` if there was no live token with that id.
pub async fn revoke_token(db: &Db, id: &str) -> Result<bool, StaffError> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(db.pool())
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Every token, newest first.
pub async fn list_tokens(db: &Db) -> Result<Vec<TokenInfo>, StaffError> {
    let rows = sqlx::query(
        "SELECT id, staff, created_at, revoked_at FROM api_tokens ORDER BY created_at DESC",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| TokenInfo {
            id: r.get(0),
            staff: r.get(1),
            created_at: r.get(2),
            revoked_at: r.get(3),
        })
        .collect())
}

/// One line of the audit log.
#[derive(Clone, Debug, Serialize, PartialEq)]
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

/// Records a staff action.
pub async fn audit(
    db: &Db,
    staff: &str,
    action: &str,
    item: &str,
    detail: &str,
) -> Result<(), StaffError> {
    let at = now_ms();
    sqlx::query("INSERT INTO audit_log (id, at, staff, action, item, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(format!("{at:015}{}", random_hex(4)))
        .bind(at)
        .bind(staff)
        .bind(action)
        .bind(item)
        .bind(detail)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The audit log, newest first.
pub async fn audit_log(
    db: &Db,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<AuditEntry>, StaffError> {
    let before = cursor.filter(|c| !c.is_empty()).unwrap_or("~");
    if before.len() > 64
        || !before
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'~')
    {
        return Err(StaffError::Invalid(
            "the cursor is not one this server gave out".into(),
        ));
    }
    let rows = sqlx::query("SELECT id, at, staff, action, item, detail FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2")
        .bind(before)
        .bind(i64::from(limit) + 1)
        .fetch_all(db.pool())
        .await?;
    let mut items: Vec<AuditEntry> = rows
        .iter()
        .map(|r| AuditEntry {
            id: r.get(0),
            at: r.get(1),
            staff: r.get(2),
            action: r.get(3),
            item: r.get(4),
            detail: r.get(5),
        })
        .collect();
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|e| e.id.clone())
    } else {
        None
    };
    Ok(Page { items, next })
}

/// Every blocked phrase, as staff typed them (normalised).
pub async fn blocked_phrases(db: &Db) -> Result<Vec<String>, StaffError> {
    let rows = sqlx::query("SELECT phrase FROM blocklist ORDER BY phrase")
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Adds a phrase to the blocklist; the stored form is NFC and lowercase.
pub async fn block_phrase(db: &Db, staff: &str, phrase: &str) -> Result<String, StaffError> {
    let normal: String = phrase.trim().nfc().collect::<String>().to_lowercase();
    if words(&normal).is_empty() || normal.chars().count() > 100 {
        return Err(StaffError::Invalid(
            "a blocked phrase needs 1 to 100 characters with at least one word".into(),
        ));
    }
    sqlx::query("INSERT INTO blocklist (phrase, staff, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(&normal)
        .bind(staff)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(normal)
}

/// Removes a phrase; `false` if it was not there.
pub async fn unblock_phrase(db: &Db, phrase: &str) -> Result<bool, StaffError> {
    let normal: String = phrase.trim().nfc().collect::<String>().to_lowercase();
    let done = sqlx::query("DELETE FROM blocklist WHERE phrase = $1")
        .bind(normal)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a supporter's report on a remix.
pub async fn report(db: &Db, remix: &str, reason: &str) -> Result<(), StaffError> {
    let reason: String = reason.chars().take(500).collect();
    let mut tx = db.pool().begin().await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }

    fn hash(password: &str) -> String {
        Argon2::default()
            .hash_password_with_salt(password.as_bytes(), b"sixteen byte salt")
            .unwrap()
            .to_string()
    }

    #[tokio::test]
    async fn password_checks_answer_right_and_turn_a_flood_away() {
        let checker = PasswordChecker::new(1, 2);
        let hash = hash("the right password");
        assert_eq!(
            checker
                .verify(hash.clone(), "the right password".into())
                .await,
            Some(true)
        );
        assert_eq!(
            checker
                .verify(hash.clone(), "the wrong password".into())
                .await,
            Some(false)
        );
        assert_eq!(
            checker.verify("not a hash".into(), "x".into()).await,
            Some(false)
        );

        // One running, two waiting: of twelve at once, the rest are told "busy" at once.
        let flood = (0..12).map(|_| checker.verify(hash.clone(), "the right password".into()));
        let answers = futures::future::join_all(flood).await;
        let busy = answers.iter().filter(|a| a.is_none()).count();
        assert!(busy >= 8, "{answers:?}");
        assert!(answers.iter().flatten().all(|&ok| ok), "{answers:?}");
    }
}
