//! Folded text cut into pieces of word characters, and how far apart each is from the
//! next ([`Gap`]): a space the eye sees, one it barely sees after a non-joining Urdu
//! letter, punctuation between letters, or a new line.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

use super::folding::fold;
use super::spelling::stands_for;

/// `text`'s words for blocklist matching: [`fold`]ed, then cut at every character that is
/// not part of a word (a letter, digit or mark).
pub fn words(text: &str) -> Vec<String> {
    pieces(&fold(text), false)
        .into_iter()
        .map(|p| p.text)
        .collect()
}

/// How two neighbouring pieces of a text are apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Gap {
    /// By a new line.
    Line,
    /// Visibly: a space after a Latin letter or a joining one.
    Seen,
    /// Only by spaces after an Arabic-script letter that does not join the next, which
    /// show as little or nothing.
    Unseen,
    /// Only by punctuation or symbols: c.h.o.r, ch_or.
    Marks,
    /// By a single letter's spacing: c h o r.
    Single,
    /// By the end of one text box and the start of the next.
    Boxes,
}

/// A run of word characters, and how it is apart from the next.
#[derive(Clone, Debug)]
pub(super) struct Piece {
    pub(super) text: String,
    pub(super) gap: Gap,
    /// Whether it was single letters spaced apart.
    pub(super) spaced: bool,
}

/// Cuts folded text into pieces of word characters (letters, digits, marks). Glued, a
/// symbol that stands for a letter is part of a word when a word character follows it
/// ($cum, l!ar) or, for $, when one precedes it; and single letters spaced apart are one
/// piece (c h o r).
pub(super) fn pieces(folded: &str, glued: bool) -> Vec<Piece> {
    let chars: Vec<char> = folded.chars().collect();
    let is_word = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c.general_category(),
                GeneralCategory::NonspacingMark
                    | GeneralCategory::SpacingMark
                    | GeneralCategory::EnclosingMark
            )
    };
    // Whether a word character follows position i, past symbols that stand for letters.
    let mut word_follows = vec![false; chars.len() + 1];
    for i in (0..chars.len()).rev() {
        let next = chars.get(i + 1).copied();
        word_follows[i] =
            next.is_some_and(|n| is_word(n) || (stands_for(n).is_some() && word_follows[i + 1]));
    }
    let in_word = |i: usize| {
        let c = chars[i];
        if is_word(c) {
            return true;
        }
        glued
            && stands_for(c).is_some()
            && (word_follows[i] || (c == '$' && i > 0 && is_word(chars[i - 1])))
    };
    let mut pieces: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !in_word(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && in_word(i) {
            i += 1;
        }
        let text: String = chars[start..i].iter().collect();
        let gap_start = i;
        while i < chars.len() && !in_word(i) {
            i += 1;
        }
        let gap = &chars[gap_start..i];
        let last = chars[start..gap_start]
            .iter()
            .rev()
            .find(|c| c.is_alphabetic())
            .copied();
        let gap = if gap.contains(&'\n') {
            Gap::Line
        } else if gap.iter().any(|c| c.is_whitespace()) {
            if gap.iter().all(|c| c.is_whitespace()) && last.is_some_and(non_joining) {
                Gap::Unseen
            } else {
                Gap::Seen
            }
        } else {
            Gap::Marks
        };
        // A symbol-only word, such as a lone $, is no word.
        if text.chars().any(is_word) {
            pieces.push(Piece {
                text,
                gap,
                spaced: false,
            });
        } else if let Some(p) = pieces.last_mut() {
            p.gap = p.gap.max_seen(gap);
        }
    }
    if glued {
        join_single_letters(&mut pieces);
    }
    pieces
}

impl Gap {
    /// The more visible of two gaps that follow one another.
    fn max_seen(self, other: Gap) -> Gap {
        let rank = |g: Gap| match g {
            Gap::Line => 4,
            Gap::Seen => 3,
            Gap::Marks => 2,
            Gap::Single => 1,
            Gap::Unseen | Gap::Boxes => 0,
        };
        if rank(self) >= rank(other) {
            self
        } else {
            other
        }
    }
}

/// Glued reading: single letters spaced or dotted apart on one line (c h o r, c.h.o.r)
/// become one piece, and a single letter a space away from a longer piece (c hor) is only
/// a [`Gap::Single`] apart from it.
fn join_single_letters(pieces: &mut Vec<Piece>) {
    let single = |p: &Piece| p.text.graphemes(true).nth(1).is_none();
    let mut joined: Vec<Piece> = Vec::with_capacity(pieces.len());
    // Whether the last piece joined so far is single letters only.
    let mut letters_only = false;
    for piece in pieces.drain(..) {
        let one = single(&piece);
        match joined.last_mut() {
            Some(prev) if one && letters_only && prev.gap != Gap::Line => {
                prev.text.push_str(&piece.text);
                prev.gap = piece.gap;
                prev.spaced = true;
            }
            _ => {
                letters_only = one;
                joined.push(piece);
            }
        }
    }
    for i in 1..joined.len() {
        let prev = &joined[i - 1];
        if prev.gap == Gap::Seen && (single(prev) || single(&joined[i])) {
            joined[i - 1].gap = Gap::Single;
        }
    }
    *pieces = joined;
}

/// Urdu letters that do not join the letter after them, so a space after one is barely
/// seen.
fn non_joining(c: char) -> bool {
    matches!(
        c,
        'ا' | 'آ' | 'د' | 'ڈ' | 'ذ' | 'ر' | 'ڑ' | 'ز' | 'ژ' | 'و' | 'ے' | 'ۓ' | 'ء' | 'ۀ'
    )
}
