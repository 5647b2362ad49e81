//! Matching: a text read one way ([`Reading`]) as words in canonical spelling with the
//! gaps between them, and the phrases' [`Form`]s found in it.

use std::collections::HashMap;

use super::held::{Disguise, Hows};
use super::pieces::{Gap, pieces};
use super::spelling::{Mode, canonical, plural};

/// One way of writing a phrase, as the matcher compares it: its words' canonical forms
/// run together, and where each word but the last ends.
#[derive(Clone, Debug)]
pub(super) struct Form {
    pub(super) entry: usize,
    pub(super) variant: Option<usize>,
    pub(super) compact: String,
    pub(super) bounds: Vec<usize>,
}

/// The phrases' forms in one reading mode, found by their first character.
#[derive(Clone, Debug, Default)]
pub(super) struct Forms {
    pub(super) forms: Vec<Form>,
    pub(super) by_first: HashMap<char, Vec<usize>>,
}

impl Forms {
    pub(super) fn push(&mut self, form: Form) {
        if let Some(first) = form.compact.chars().next() {
            self.by_first
                .entry(first)
                .or_default()
                .push(self.forms.len());
            self.forms.push(form);
        }
    }
}

/// The two readings, plain and glued, of one folded text.
pub(super) fn both(folded: &str, caption: usize) -> [Reading; 2] {
    [
        Reading::of(folded, Mode::Plain, caption),
        Reading::of(folded, Mode::Glued, caption),
    ]
}

/// A word of a reading, in canonical form.
#[derive(Clone, Debug)]
pub(super) struct Token {
    pub(super) text: String,
    pub(super) how: Hows,
    pub(super) caption: usize,
}

/// A text cut into tokens one way, with the gaps between them.
#[derive(Clone, Debug)]
pub(super) struct Reading {
    pub(super) mode: Mode,
    pub(super) tokens: Vec<Token>,
    /// `gaps[i]` lies between `tokens[i]` and `tokens[i + 1]`.
    gaps: Vec<Gap>,
}

impl Reading {
    fn of(folded: &str, mode: Mode, caption: usize) -> Reading {
        let pieces = pieces(folded, mode == Mode::Glued);
        let mut tokens = Vec::with_capacity(pieces.len());
        let mut gaps = Vec::with_capacity(pieces.len());
        for piece in pieces {
            let (text, mut how) = canonical(&piece.text, mode);
            if text.is_empty() {
                continue;
            }
            if piece.spaced {
                how.add(Disguise::Spaced);
            }
            tokens.push(Token { text, how, caption });
            gaps.push(piece.gap);
        }
        gaps.pop();
        Reading { mode, tokens, gaps }
    }

    /// The captions' readings one after another, each box's end a gap of its own.
    pub(super) fn across_boxes<'a>(readings: impl Iterator<Item = &'a Reading>) -> Reading {
        let mut joined = Reading {
            mode: Mode::Plain,
            tokens: Vec::new(),
            gaps: Vec::new(),
        };
        for r in readings {
            joined.mode = r.mode;
            if r.tokens.is_empty() {
                continue;
            }
            if !joined.tokens.is_empty() {
                joined.gaps.push(Gap::Boxes);
            }
            joined.tokens.extend(r.tokens.iter().cloned());
            joined.gaps.extend(r.gaps.iter().copied());
        }
        joined
    }

    /// Whether `gap` may fall inside one of a phrase's words in this reading.
    fn joins(&self, gap: Gap) -> bool {
        match gap {
            Gap::Unseen | Gap::Boxes => true,
            Gap::Marks | Gap::Single => self.mode == Mode::Glued,
            Gap::Seen | Gap::Line => false,
        }
    }

    /// Whether `form` is written from token `start` on, ending where a token ends; how
    /// it was disguised if it is.
    pub(super) fn match_at(&self, start: usize, form: &Form) -> Option<Hows> {
        let compact = form.compact.as_str();
        let mut how = Hows::default();
        let mut at = 0;
        let mut j = start;
        loop {
            let token = &self.tokens[j];
            let rest = &compact[at..];
            let mut t = token.text.as_str();
            // A letter doubled across a gap inside a word (gad dar) is one, as it is in a
            // word's loose spelling.
            if let Some(last) = compact[..at].chars().next_back()
                && last.is_ascii_alphabetic()
                && t.starts_with(last)
                && !rest.starts_with(t)
                && !form.bounds.contains(&at)
            {
                t = &t[last.len_utf8()..];
            }
            how |= token.how;
            if rest.len() < t.len() || !rest.starts_with(t) {
                return plural(rest, t).then(|| {
                    how.add(Disguise::Plural);
                    how
                });
            }
            if form.bounds.iter().any(|&b| b > at && b < at + t.len()) {
                how.add(Disguise::RunTogether);
            }
            at += t.len();
            if at == compact.len() {
                return Some(how);
            }
            let gap = *self.gaps.get(j)?;
            let between_words = form.bounds.contains(&at);
            match gap {
                Gap::Boxes => how.add(Disguise::AcrossBoxes),
                _ if between_words => {}
                _ if self.joins(gap) => how.add(Disguise::Spaced),
                _ => return None,
            }
            j += 1;
        }
    }
}
