//! The creator's private delete link: a random token shown once to whoever made a remix,
//! kept only as its hash. Using it erases the picture and every rendition from the store;
//! the row stays as a tombstone, so the remix answers 410 everywhere from then on.

use super::{RemixError, Remixer};
use crate::secret::{hash_secret, same_secret};

/// What a delete token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteLink {
    /// The token is this remix's: it may be deleted.
    Valid,
    /// No such remix, or not its token (the two are not told apart).
    Unknown,
    /// The remix is gone already.
    Gone,
}

impl Remixer {
    /// What `token` opens for remix `id`.
    pub async fn check_delete_token(
        &self,
        id: &str,
        token: &str,
    ) -> Result<DeleteLink, RemixError> {
        let Some(row) = self.db.get_remix(id).await? else {
            return Ok(DeleteLink::Unknown);
        };
        if row.blob_key.is_empty() {
            return Ok(DeleteLink::Gone);
        }
        let kept = self.db.delete_hash(id).await?.unwrap_or_default();
        if kept.is_empty() || !same_secret(&kept, &hash_secret(token)) {
            return Ok(DeleteLink::Unknown);
        }
        Ok(DeleteLink::Valid)
    }

    /// Erases remix `id` with its creator's `token`: its picture and every rendition leave
    /// the object store, its captions leave the database, and it answers 410 from then on
    /// on every node (other nodes' cached rows live a few seconds). What the token opened.
    pub async fn erase_with_token(&self, id: &str, token: &str) -> Result<DeleteLink, RemixError> {
        let link = self.check_delete_token(id, token).await?;
        if link != DeleteLink::Valid {
            return Ok(link);
        }
        let Some(row) = self.db.get_remix(id).await? else {
            return Ok(DeleteLink::Unknown);
        };
        let renditions = self.db.renditions_of(id).await?;
        // The row first: from this moment nothing serves or redraws the picture, so a
        // blob deleted below cannot be stored again behind our back.
        self.db.erase_remix(id).await?;
        self.forget_remix(id);
        for key in std::iter::once(row.blob_key).chain(renditions.into_iter().map(|r| r.blob_key)) {
            self.blobs.delete(&key).await?;
        }
        tracing::info!(remix = id, "deleted by its creator");
        Ok(DeleteLink::Valid)
    }
}
