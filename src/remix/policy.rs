//! The curation rules new remixes meet, as the campaign sets them: pre- or
//! post-moderation, and what a blocked phrase does (applying them is `moderation`).

use crate::blocklist::Blocklist;

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
