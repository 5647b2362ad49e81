//! Upload bodies read with a bound on what all of them together hold in memory.
//!
//! A multipart field read whole before any check let ten 20 MB uploads held open by one
//! client take a quarter of a gigabyte, and thirty clients most of a small node. Here every
//! chunk of every upload takes its size from one node-wide [`UploadMemory`] as it arrives
//! and gives it back when the upload is done with (its picture made, or refused). When the
//! pool is empty a chunk waits a moment for room; then the upload is turned away with 503
//! and a `Retry-After`, before it can take more. Bodies are read before a render slot is
//! asked for, so a slow upload holds memory from this pool, never a slot.
//!
//! A supporter's upload is timed by its progress, not by its length: at 150 kbps a
//! phone photo may take minutes and still be moving, so it is never cut for taking long.
//! It is cut (408 `upload_stalled`) when a [`Progress`] window passes with less than
//! [`MIN_PROGRESS`] bytes arriving: a dropped connection, or a client dripping bytes to
//! hold memory.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use bytes::{Bytes, BytesMut};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{AppError, Code};

/// What upload bodies on one node may hold at once by default: two 20 MB photos, or a
/// dozen phone photos.
pub const DEFAULT_UPLOAD_MEMORY: usize = 40 << 20;

/// How long a chunk waits for room before its upload is turned away.
const WAIT_FOR_ROOM: Duration = Duration::from_secs(3);

/// The node's pool of memory for upload bodies.
#[derive(Clone, Debug)]
pub struct UploadMemory {
    pool: Arc<Semaphore>,
    size: usize,
}

impl UploadMemory {
    /// A pool of `bytes`.
    pub fn new(bytes: usize) -> UploadMemory {
        let size = bytes.clamp(1, Semaphore::MAX_PERMITS);
        UploadMemory {
            pool: Arc::new(Semaphore::new(size)),
            size,
        }
    }

    /// Bytes held by uploads now.
    pub fn held(&self) -> usize {
        self.size - self.pool.available_permits()
    }

    /// The pool's size.
    pub fn size(&self) -> usize {
        self.size
    }
}

/// Memory an upload holds from the pool; given back when dropped.
#[derive(Debug, Default)]
pub struct Held(Option<OwnedSemaphorePermit>);

impl Held {
    fn add(&mut self, permit: OwnedSemaphorePermit) {
        match &mut self.0 {
            Some(held) => held.merge(permit),
            None => self.0 = Some(permit),
        }
    }
}

/// The bytes an upload must move in each window of its stall timeout (16 KB: a second
/// of a crowded rally network, or 6 kbps over the default 20 s).
pub const MIN_PROGRESS: usize = 16 * 1024;

/// How long an upload may go without moving [`MIN_PROGRESS`] bytes by default.
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(20);

/// An upload's progress: each window of `stall` must move [`MIN_PROGRESS`] bytes (or
/// finish the body), however long the whole upload takes.
#[derive(Debug)]
pub struct Progress {
    stall: Duration,
    deadline: Instant,
    moved: usize,
}

impl Progress {
    /// Progress timed from now.
    pub fn new(stall: Duration) -> Progress {
        Progress {
            stall,
            deadline: Instant::now() + stall,
            moved: 0,
        }
    }

    /// `step` (reading the next piece of the body), or 408 when the window ends first.
    pub async fn wait<T>(&self, step: impl Future<Output = T>) -> Result<T, AppError> {
        tokio::time::timeout_at(self.deadline, step)
            .await
            .map_err(|_| stalled(self.stall))
    }

    /// `bytes` arrived: a window that has moved enough starts the next.
    pub fn moved(&mut self, bytes: usize) {
        self.moved += bytes;
        if self.moved >= MIN_PROGRESS {
            self.moved = 0;
            self.deadline = Instant::now() + self.stall;
        }
    }
}

fn stalled(stall: Duration) -> AppError {
    AppError::new(
        Code::UploadStalled,
        format!(
            "the upload stopped moving: less than {} KB arrived in {} s; send it again",
            MIN_PROGRESS / 1024,
            stall.as_secs()
        ),
    )
}

/// Reads one multipart field, at most `limit` bytes, taking its memory from `memory`
/// into `held` chunk by chunk, each chunk within `progress`. `too_big` is the error past
/// `limit`.
pub async fn read_field(
    mut field: Field<'_>,
    memory: &UploadMemory,
    held: &mut Held,
    progress: &mut Progress,
    limit: usize,
    too_big: impl Fn() -> AppError,
) -> Result<Bytes, AppError> {
    let mut data = BytesMut::new();
    while let Some(chunk) = progress
        .wait(field.chunk())
        .await?
        .map_err(|e| unreadable(e, &too_big))?
    {
        progress.moved(chunk.len());
        if data.len() + chunk.len() > limit {
            return Err(too_big());
        }
        let want = u32::try_from(chunk.len()).unwrap_or(u32::MAX);
        let permit = match memory.pool.clone().try_acquire_many_owned(want) {
            Ok(permit) => permit,
            Err(_) => {
                match tokio::time::timeout(
                    WAIT_FOR_ROOM,
                    memory.pool.clone().acquire_many_owned(want),
                )
                .await
                {
                    Ok(Ok(permit)) => permit,
                    _ => return Err(full(memory)),
                }
            }
        };
        held.add(permit);
        data.extend_from_slice(&chunk);
    }
    Ok(data.freeze())
}

/// A multipart error as the client should see it: 413 past the body limit, else 400.
pub fn unreadable(e: MultipartError, too_big: impl Fn() -> AppError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_big()
    } else {
        AppError::new(Code::BadUpload, e.body_text())
    }
}

fn full(memory: &UploadMemory) -> AppError {
    tracing::warn!(
        held = memory.held(),
        size = memory.size(),
        "upload memory full: turning an upload away with 503"
    );
    AppError::new(
        Code::Busy,
        "many photos are being sent to this server right now; try again in a few seconds",
    )
    .retry_after(5)
}
