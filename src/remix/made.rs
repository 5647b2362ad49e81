//! What a new remix's row records besides its picture: filled in by the renders of each
//! source (captions, a frame) and stored by the create pipeline.

use super::RemixId;
use crate::db::Status;

/// What a new remix's row records besides its picture.
pub(super) struct Made {
    /// Its template or frame.
    pub template: String,
    /// The remix it remixes.
    pub parent: Option<RemixId>,
    /// Its status.
    pub status: Status,
    /// Its maker's area.
    pub area: Option<String>,
    /// Its maker's constituency.
    pub constituency: Option<String>,
    /// The blocked phrase that held it, if one did.
    pub held: Option<crate::blocklist::Held>,
}
