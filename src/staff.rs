//! Campaign staff: accounts (argon2id), server-side sessions with CSRF tokens, API tokens
//! stored hashed, the audit log, the caption blocklist and supporters' reports.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use unicode_normalization::UnicodeNormalization;

pub use crate::blocklist::{Blocklist, Entry, words};
pub use crate::db::{AuditEntry, TokenInfo};
use crate::db::{Db, DbError, Page, now_ms};
use crate::limits::{self, Limit, Verdict};

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

use crate::secret::{hash_secret, random_hex};

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
    if !db.insert_staff(name, &hash, now_ms()).await? {
        return Err(StaffError::Invalid(format!(
            "there is already a staff account {name:?}"
        )));
    }
    Ok(())
}

/// Whether a staff account exists.
pub async fn staff_exists(db: &Db, name: &str) -> Result<bool, StaffError> {
    Ok(db.password_hash(name).await?.is_some())
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
    let row = db.password_hash(name).await?;
    // A fixed hash to verify against when the name is unknown, so timing tells nothing.
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5Nw3qGrprBpVZpPYjCBPLzwZpy1GdxX3bZbc7MD5iV4";
    let (hash, known) = match row {
        Some(hash) => (hash, true),
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
    Ok(db.known_device(name, devices, now_ms() - DEVICE_MS).await?)
}

/// Remembers that `name` signed in from `devices` (`client:<address>`, [`cookie_device`]),
/// and forgets places not seen for 90 days.
pub async fn remember_devices(db: &Db, name: &str, devices: &[String]) -> Result<(), StaffError> {
    let now = now_ms();
    Ok(db
        .remember_devices(name, devices, now, now - DEVICE_MS)
        .await?)
}

/// A sign-in attempt: who, with what, from where.
pub struct SignIn<'a> {
    /// The account name as typed.
    pub name: &'a str,
    /// The password as typed.
    pub password: &'a str,
    /// The client's key ([`crate::limits::client_key`]).
    pub client: &'a str,
    /// The device cookie the browser brought, if any.
    pub device_cookie: Option<&'a str>,
}

/// The password checks sign-ins queue for: one lane for accounts signing in from where
/// they did before, which a flood from elsewhere cannot fill, and one for the rest.
pub struct PasswordLanes<'a> {
    /// For sign-ins from a known device.
    pub known: &'a PasswordChecker,
    /// For every other sign-in.
    pub others: &'a PasswordChecker,
}

/// What a sign-in attempt came to.
#[derive(Debug)]
pub enum SignedIn {
    /// Too many attempts from this client, or for this account from it: try again after
    /// this many seconds.
    Limited {
        /// Seconds.
        retry_after: u64,
    },
    /// Not this account's password (or no such account): the two are not told apart.
    Refused,
    /// Signed in: the session cookie's value, and a fresh device cookie's (one the client
    /// brought is never adopted).
    Started {
        /// The session token.
        session: String,
        /// The device token.
        device: String,
    },
}

/// Signs a staff member in. Attempts count per client, and per account from that client:
/// a flood of wrong passwords from many addresses slows each of them, but cannot lock a
/// staff member out of their own account from their own address. Sign-ins from where the
/// account signed in before (its address, or the cookie left there) take the known lane of
/// password checks. A success starts a session, remembers the device and is audited.
pub async fn sign_in(
    db: &Db,
    lanes: PasswordLanes<'_>,
    limit: Limit,
    attempt: SignIn<'_>,
) -> Result<SignedIn, StaffError> {
    let name = attempt.name.to_lowercase();
    let client = attempt.client;
    for key in [format!("login:{client}"), format!("login:{name}@{client}")] {
        if let Verdict::Refused { retry_after } = limits::hit(db, &key, limit).await? {
            return Ok(SignedIn::Limited { retry_after });
        }
    }
    let mut devices = vec![format!("client:{client}")];
    devices.extend(attempt.device_cookie.map(cookie_device));
    let checks = if known_device(db, attempt.name, &devices).await? {
        lanes.known
    } else {
        lanes.others
    };
    if !check_password(db, checks, attempt.name, attempt.password).await? {
        return Ok(SignedIn::Refused);
    }
    let (session, _) = start_session(db, attempt.name).await?;
    audit(db, attempt.name, "staff.login", attempt.name, "").await?;
    let device = random_hex(32);
    devices.truncate(1);
    devices.push(cookie_device(&device));
    remember_devices(db, attempt.name, &devices).await?;
    Ok(SignedIn::Started { session, device })
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
    db.insert_session(&hash_secret(&token), staff, &csrf, now, now + SESSION_MS)
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
    let found = db.session(&hash_secret(token), now_ms()).await?;
    Ok(found.map(|(staff, csrf)| Session { staff, csrf }))
}

/// Ends a session.
pub async fn end_session(db: &Db, token: &str) -> Result<(), StaffError> {
    Ok(db.delete_session(&hash_secret(token)).await?)
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
    let token = TokenInfo {
        id,
        staff: staff.to_owned(),
        created_at: now_ms(),
        revoked_at: None,
    };
    db.insert_token(&token, &hash_secret(&secret)).await?;
    Ok((secret, token))
}

/// The staff member a bearer token belongs to, if it is live.
pub async fn token_staff(db: &Db, secret: &str) -> Result<Option<String>, StaffError> {
    Ok(db.token_staff(&hash_secret(secret)).await?)
}

/// Revokes a token by id; `false` if there was no live token with that id.
pub async fn revoke_token(db: &Db, id: &str) -> Result<bool, StaffError> {
    Ok(db.revoke_token(id, now_ms()).await?)
}

/// Every token, newest first.
pub async fn list_tokens(db: &Db) -> Result<Vec<TokenInfo>, StaffError> {
    Ok(db.list_tokens().await?)
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
    let entry = AuditEntry {
        id: format!("{at:015}{}", random_hex(4)),
        at,
        staff: staff.to_owned(),
        action: action.to_owned(),
        item: item.to_owned(),
        detail: detail.to_owned(),
    };
    Ok(db.insert_audit(&entry).await?)
}

/// The audit log, newest first.
pub async fn audit_log(
    db: &Db,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<AuditEntry>, StaffError> {
    Ok(db.audit_log(cursor, limit).await?)
}

/// Every blocked phrase with its spelling variants, as staff typed them (normalised).
pub async fn blocklist(db: &Db) -> Result<Vec<Entry>, StaffError> {
    Ok(db.blocklist_entries().await?)
}

/// A phrase as stored: trimmed, NFC and lowercase.
fn stored_form(phrase: &str) -> String {
    phrase.trim().nfc().collect::<String>().to_lowercase()
}

/// Adds a phrase to the blocklist with spelling variants of it (to a phrase already
/// there, its variants are added); each is stored NFC and lowercase.
pub async fn block_phrase(
    db: &Db,
    staff: &str,
    phrase: &str,
    variants: &[String],
) -> Result<Entry, StaffError> {
    let valid = |p: &str| !words(p).is_empty() && p.chars().count() <= 100;
    let entry = Entry {
        phrase: stored_form(phrase),
        variants: variants
            .iter()
            .map(|v| stored_form(v))
            .filter(|v| !v.is_empty())
            .collect(),
    };
    if !valid(&entry.phrase) || !entry.variants.iter().all(|v| valid(v)) {
        return Err(StaffError::Invalid(
            "a blocked phrase or spelling needs 1 to 100 characters with at least one word".into(),
        ));
    }
    if entry.variants.len() > 50 {
        return Err(StaffError::Invalid(
            "a phrase takes at most 50 spellings at a time".into(),
        ));
    }
    let now = now_ms();
    db.insert_phrase(&entry.phrase, "", staff, now).await?;
    for variant in &entry.variants {
        if *variant != entry.phrase {
            db.insert_phrase(variant, &entry.phrase, staff, now).await?;
        }
    }
    Ok(entry)
}

/// Removes a phrase with its variants, or one variant; `false` if it was not there.
pub async fn unblock_phrase(db: &Db, phrase: &str) -> Result<bool, StaffError> {
    Ok(db.delete_phrase(&stored_form(phrase)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

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
