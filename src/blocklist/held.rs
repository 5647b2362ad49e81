//! What a match reports: the phrase found, where, and the [`Disguise`]s it was written
//! in, recorded as bits ([`Hows`]) while matching.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a caption disguised the blocked phrase it was held or refused for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Disguise {
    /// Characters that draw as nothing, or letters of other scripts and forms that look
    /// like the phrase's own (fullwidth, mathematical, small capitals, accents).
    HiddenCharacters,
    /// Bidi controls: the phrase shows only in the order the text is displayed in.
    DisplayOrder,
    /// Digits or symbols standing for letters (ch0r, l!ar, $cum).
    Digits,
    /// Arabic-script letters standing for Latin ones.
    LookAlike,
    /// Spaces, punctuation or underscores between the letters (c.h.o.r, c h o r), or
    /// spaces after Urdu letters that do not join the next, which the eye does not see.
    Spaced,
    /// The words of the phrase written as one.
    RunTogether,
    /// The phrase split across two text boxes.
    AcrossBoxes,
    /// Another spelling of the same sounds (doubled letters, ee for i, w for v).
    Spelling,
    /// A plural of the phrase's last word.
    Plural,
}

impl Disguise {
    /// Every disguise, in the order of the bits that record them while matching.
    const ALL: [Disguise; 9] = [
        Disguise::HiddenCharacters,
        Disguise::DisplayOrder,
        Disguise::Digits,
        Disguise::LookAlike,
        Disguise::Spaced,
        Disguise::RunTogether,
        Disguise::AcrossBoxes,
        Disguise::Spelling,
        Disguise::Plural,
    ];

    /// A stable name, as in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Disguise::HiddenCharacters => "hidden_characters",
            Disguise::DisplayOrder => "display_order",
            Disguise::Digits => "digits",
            Disguise::LookAlike => "look_alike",
            Disguise::Spaced => "spaced",
            Disguise::RunTogether => "run_together",
            Disguise::AcrossBoxes => "across_boxes",
            Disguise::Spelling => "spelling",
            Disguise::Plural => "plural",
        }
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// Disguises seen while matching, one bit each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Hows(u16);

impl Hows {
    pub(super) fn add(&mut self, how: Disguise) {
        self.0 |= how.bit();
    }

    pub(super) fn list(self) -> Vec<Disguise> {
        Disguise::ALL
            .into_iter()
            .filter(|d| self.0 & d.bit() != 0)
            .collect()
    }
}

impl std::ops::BitOrAssign for Hows {
    fn bitor_assign(&mut self, other: Hows) {
        self.0 |= other.0;
    }
}

/// Why a remix's captions were held or refused: the phrase found and how it was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Held {
    /// The blocked phrase, as stored.
    pub phrase: String,
    /// The spelling variant of it that was found, if not the phrase itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The caption it was found in, counting from 1 (the first of the two for a phrase
    /// across text boxes).
    pub caption: usize,
    /// How it was disguised; empty if it was written plainly.
    #[serde(default)]
    pub how: Vec<Disguise>,
}
