//! Moderation policy: what status a new remix gets, which texts are refused, and the
//! blocklist they are checked against.

use super::{RemixError, Remixer};
use crate::blocklist::Blocklist;
use crate::db::{RemixId, Status};

/// Whether remixes reach the gallery before staff look at them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Moderation {
    /// Nothing reaches the gallery until staff approve it.
    #[default]
    Pre,
    /// Remixes are approved at once; staff take down what they must.
    Post,
}

/// What a blocked phrase in a caption does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum BlockAction {
    /// The remix is made but held for review, whatever the moderation mode.
    #[default]
    Hold,
    /// The remix is refused.
    Refuse,
}

/// The curation rules new remixes meet.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Pre- or post-moderation.
    pub moderation: Moderation,
    /// Hold or refuse blocked captions.
    pub block_action: BlockAction,
    /// The blocked phrases.
    pub blocklist: Blocklist,
}

/// The longest report reason kept, in characters.
pub const MAX_REASON_CHARS: usize = 500;

impl Remixer {
    /// Replaces the curation rules.
    pub fn set_policy(&self, policy: Policy) {
        *self.policy.write().expect("policy lock") = policy;
    }

    /// Replaces the blocklist, keeping the rest of the policy.
    pub fn set_blocklist(&self, blocklist: Blocklist) {
        self.policy.write().expect("policy lock").blocklist = blocklist;
    }

    /// Whether the campaign refuses this text (a report reason, an alt text): it holds a
    /// blocked phrase, matched after folding, and blocked phrases are refused, not held.
    pub fn refuses(&self, text: &str) -> bool {
        let policy = self.policy.read().expect("policy lock");
        policy.block_action == BlockAction::Refuse && policy.blocklist.matches(text)
    }

    /// Reloads the blocklist from the database (after an edit here or on another node).
    pub async fn reload_blocklist(&self) -> Result<(), RemixError> {
        let phrases = self.db.blocked_phrases().await?;
        self.set_blocklist(Blocklist::new(phrases.iter().map(String::as_str)));
        Ok(())
    }

    /// The status a new remix with these captions starts in, or the refusal of a blocked
    /// caption when the campaign refuses them.
    pub(super) fn status_for(&self, captions: &[String]) -> Result<Status, RemixError> {
        let policy = self.policy.read().expect("policy lock");
        match policy.blocklist.first_match(captions) {
            Some(index) if policy.block_action == BlockAction::Refuse => {
                Err(RemixError::Blocked(index))
            }
            Some(_) => Ok(Status::New),
            None if policy.moderation == Moderation::Post => Ok(Status::Approved),
            None => Ok(Status::New),
        }
    }

    /// Records a supporter's report of a remix (the reason is kept for staff); `false` if
    /// there is no such remix.
    pub async fn report(&self, id: &RemixId, reason: &str) -> Result<bool, RemixError> {
        if self.remix(id).await?.is_none() {
            return Ok(false);
        }
        // Kept for staff to read, not stored without bound.
        let reason: String = reason.chars().take(MAX_REASON_CHARS).collect();
        self.db.report(id, &reason).await?;
        self.rows.invalidate(id.as_str());
        Ok(true)
    }
}
