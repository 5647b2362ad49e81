//! The caption blocklist, and the reading that makes disguised spellings of a blocked
//! phrase match it.
//!
//! A caption is judged as it will be drawn, not as it was typed: after the renderer's own
//! cleaning (so a control character it drops splits no word), and, once laid out, line by
//! line in the order the renderer draws it (so bidi overrides that show a reversed
//! spelling forwards hide nothing). Both the text and the staff's phrases go through
//! [`fold`] (invisible characters, look-alike letters, accents, Arabic forms of Urdu
//! letters) and are cut into words two ways:
//!
//! - *plain*: at every space and mark; digits are digits, so "100", "8 Feb" and "NA-127"
//!   stay numbers;
//! - *glued*: in a word that has Latin letters, digits and symbols are read as the
//!   letters they stand for (ch0r, l!ar, $cum) and Arabic-script letters as Latin ones
//!   they pass for; letters spaced or dotted apart (c h o r, c.h.o.r, c_h_o_r) are one
//!   word.
//!
//! A phrase matches whole words (never inside a longer word): its words may be run
//! together as one (chorhai), be split where the eye sees no gap (a space after an Urdu
//! letter that does not join the next, the end of one text box and the start of the
//! next), be spelled loosely as Roman Urdu is (doubled letters, ee/i, oo/u, w/v, q/k) and
//! take a plural ending. Staff add other spellings as variants of a phrase.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use unicode_bidi::{BidiClass, BidiInfo, bidi_class};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_security::skeleton;
use unicode_segmentation::UnicodeSegmentation;
use utoipa::ToSchema;

use crate::render::shape::clean;

/// Text as blocklist matching sees it; blocked phrases and the text checked against them
/// must both go through it.
///
/// In order:
/// 1. NFKC, so fullwidth, ligature, mathematical (𝐜𝐡𝐨𝐫), circled and Arabic
///    presentation forms become the plain letters they show; small capitals (ᴄʜᴏʀ),
///    regional indicators (🇨🇭🇴🇷) and negative squared or circled letters (🅲🅷🅾🆁), which
///    NFKC leaves, become the letters they show too (regional indicators as a word of
///    their own, since they draw as flags apart from their neighbours);
/// 2. every Default_Ignorable_Code_Point (zero-width spaces and joiners, soft hyphen,
///    bidi controls, variation selectors, tags, Hangul fillers) and every other format
///    character is dropped;
/// 3. Urdu spelling: the Arabic, Persian and Pashto forms of yeh, kaf and heh, and alef
///    or waw with hamza or madda, become the Urdu letter, and ت د ر with a small high
///    tah become ٹ ڈ ڑ; harakat and tatweel are dropped;
/// 4. lowercase, with ß as ss and ς as σ as in case folding;
/// 5. letters outside Arabic script become their UTS #39 confusable skeleton, lowercased
///    again: Cyrillic с and Greek ο become c and o, and m becomes rn. Digits stay digits
///    (which letters they pass for is decided per word, so that 100 is never loo);
/// 6. accents are dropped (chór is chor) where the script spells words without them.
///
/// The result is NFC. Punctuation and spaces are kept, so the result splits into words
/// where the text did.
pub fn fold(text: &str) -> String {
    let mut spelled = String::with_capacity(text.len());
    let mut scratch = String::new();
    if text.is_ascii() {
        // ASCII is its own NFKC and holds no ignorable, format or Arabic character and no
        // mark, so most Roman Urdu and English captions take this short way.
        for c in text.chars() {
            push_look_alike(c, &mut spelled, &mut scratch);
        }
        return spelled;
    }
    let mut in_flags = false;
    for c in text.nfkc() {
        if is_default_ignorable(c) || c.general_category() == GeneralCategory::Format {
            // Word segmentation skips format characters inside a word (UAX #29 rule WB4),
            // so one left in would keep the word whole but different from the phrase.
            continue;
        }
        if c == '\u{0615}' {
            // Urdu text from before Unicode had ٹ, ڈ and ڑ wrote ت, د and ر with a small
            // high tah, and fonts still draw the pair as the one letter.
            if let Some(r) = spelled.chars().next_back().and_then(retroflex) {
                spelled.pop();
                spelled.push(r);
            }
            continue;
        }
        let flag = regional_indicator(c);
        if flag.is_some() != in_flags && spelled.ends_with(char::is_alphanumeric) {
            spelled.push(' ');
        }
        in_flags = flag.is_some();
        if let Some(l) = flag.or_else(|| letter_like(c)) {
            push_look_alike(l, &mut spelled, &mut scratch);
            continue;
        }
        match urdu(c) {
            Some(Some(u)) => push_look_alike(u, &mut spelled, &mut scratch),
            Some(None) => {}
            None => push_look_alike(c, &mut spelled, &mut scratch),
        }
    }
    if spelled.is_ascii() {
        return spelled;
    }
    let mut base = None;
    spelled
        .nfd()
        .filter(|&c| {
            if matches!(
                c.general_category(),
                GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
            ) {
                base.is_some_and(spells_with_marks)
            } else {
                base = Some(c.script());
                true
            }
        })
        .nfc()
        .collect()
}

/// The letter a regional indicator symbol (🇦 to 🇿) shows.
fn regional_indicator(c: char) -> Option<char> {
    let n = (c as u32).checked_sub(0x1F1E6).filter(|&n| n < 26)?;
    Some(char::from(b'a' + n as u8))
}

/// The lowercase Latin letter a form that NFKC leaves alone shows: small capitals and
/// negative circled or squared letters.
fn letter_like(c: char) -> Option<char> {
    let l = match c {
        '\u{1F150}'..='\u{1F169}' => return Some(char::from(b'a' + (c as u32 - 0x1F150) as u8)),
        '\u{1F170}'..='\u{1F189}' => return Some(char::from(b'a' + (c as u32 - 0x1F170) as u8)),
        'ᴀ' => 'a',
        'ʙ' => 'b',
        'ᴄ' => 'c',
        'ᴅ' => 'd',
        'ᴇ' => 'e',
        'ꜰ' => 'f',
        'ɢ' => 'g',
        'ʜ' => 'h',
        'ɪ' => 'i',
        'ᴊ' => 'j',
        'ᴋ' => 'k',
        'ʟ' => 'l',
        'ᴍ' => 'm',
        'ɴ' => 'n',
        'ᴏ' => 'o',
        'ᴘ' => 'p',
        'ꞯ' => 'q',
        'ʀ' => 'r',
        'ꜱ' => 's',
        'ᴛ' => 't',
        'ᴜ' => 'u',
        'ᴠ' => 'v',
        'ᴡ' => 'w',
        'ʏ' => 'y',
        'ᴢ' => 'z',
        _ => return None,
    };
    Some(l)
}

/// `text`'s words for blocklist matching: [`fold`]ed, then cut at every character that is
/// not part of a word (a letter, digit or mark).
pub fn words(text: &str) -> Vec<String> {
    pieces(&fold(text), false)
        .into_iter()
        .map(|p| p.text)
        .collect()
}

/// A blocked phrase and the other spellings of it that staff added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// The phrase, as staff wrote it.
    pub phrase: String,
    /// Its spelling variants, each matched as the phrase itself is.
    pub variants: Vec<String>,
}

impl Entry {
    /// A phrase with no variants.
    pub fn phrase(phrase: impl Into<String>) -> Entry {
        Entry {
            phrase: phrase.into(),
            variants: Vec::new(),
        }
    }
}

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
struct Hows(u16);

impl Hows {
    fn add(&mut self, how: Disguise) {
        self.0 |= how.bit();
    }

    fn list(self) -> Vec<Disguise> {
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

/// One way of writing a phrase, as the matcher compares it: its words' canonical forms
/// run together, and where each word but the last ends.
#[derive(Clone, Debug)]
struct Form {
    entry: usize,
    variant: Option<usize>,
    compact: String,
    bounds: Vec<usize>,
}

/// The phrases' forms in one reading mode, found by their first character.
#[derive(Clone, Debug, Default)]
struct Forms {
    forms: Vec<Form>,
    by_first: HashMap<char, Vec<usize>>,
}

impl Forms {
    fn push(&mut self, form: Form) {
        if let Some(first) = form.compact.chars().next() {
            self.by_first
                .entry(first)
                .or_default()
                .push(self.forms.len());
            self.forms.push(form);
        }
    }
}

/// The blocklist: each entry's phrase and variants, compiled for both reading modes.
#[derive(Clone, Debug, Default)]
pub struct Blocklist(Arc<Compiled>);

#[derive(Debug, Default)]
struct Compiled {
    entries: Vec<Entry>,
    /// Forms as written, digits as digits.
    plain: Forms,
    /// Forms with digits and symbols read as the letters they stand for.
    glued: Forms,
}

/// Which way a reading of the text was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Words cut at every space and mark.
    Plain,
    /// Letters strung together across punctuation and single spaces, digits and symbols
    /// read as letters.
    Glued,
}

impl Blocklist {
    /// A blocklist of these entries; a phrase or variant with no words once folded is left
    /// out, as it could match nothing.
    pub fn new(entries: impl IntoIterator<Item = Entry>) -> Blocklist {
        let mut compiled = Compiled::default();
        for entry in entries {
            let index = compiled.entries.len();
            let spellings = std::iter::once((None, entry.phrase.as_str())).chain(
                entry
                    .variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Some(i), v.as_str())),
            );
            for (variant, spelling) in spellings {
                let folded = fold(spelling);
                for (mode, forms) in [
                    (Mode::Plain, &mut compiled.plain),
                    (Mode::Glued, &mut compiled.glued),
                ] {
                    let words: Vec<String> = pieces(&folded, false)
                        .iter()
                        .map(|p| canonical(&p.text, mode).0)
                        .filter(|w| !w.is_empty())
                        .collect();
                    let mut compact = String::new();
                    let mut bounds = Vec::new();
                    for w in &words {
                        if !compact.is_empty() {
                            bounds.push(compact.len());
                        }
                        compact.push_str(w);
                    }
                    forms.push(Form {
                        entry: index,
                        variant,
                        compact,
                        bounds,
                    });
                }
            }
            compiled.entries.push(entry);
        }
        Blocklist(Arc::new(compiled))
    }

    /// A blocklist of phrases without variants.
    pub fn of_phrases<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Blocklist {
        Blocklist::new(phrases.into_iter().map(Entry::phrase))
    }

    /// Whether there is nothing to match.
    pub fn is_empty(&self) -> bool {
        self.0.plain.forms.is_empty()
    }

    /// The first blocked phrase in these captions as typed: each caption after the
    /// renderer's cleaning (so characters it drops split nothing), and all of them read
    /// across their text boxes. What the captions draw once laid out is
    /// [`Blocklist::check_drawn`]'s to judge.
    pub fn check(&self, captions: &[String]) -> Option<Held> {
        if self.is_empty() {
            return None;
        }
        let readings: Vec<[Reading; 2]> = captions
            .iter()
            .enumerate()
            .map(|(i, c)| both(&fold(&clean(c, false)), i + 1))
            .collect();
        for reading in readings.iter().flatten() {
            if let Some(found) = self.find(reading, Hows::default()) {
                return Some(self.hidden_if_unseen(found, captions));
            }
        }
        if readings.len() > 1 {
            for mode in [0, 1] {
                let joined = Reading::across_boxes(readings.iter().map(|r| &r[mode]));
                if let Some(found) = self.find(&joined, Hows::default()) {
                    return Some(self.hidden_if_unseen(found, captions));
                }
            }
        }
        None
    }

    /// The first blocked phrase in what the captions draw: `drawn` holds each caption's
    /// lines in the order their glyphs are drawn, left to right (see
    /// [`crate::render::drawn`]). Each line is read as a reader of the picture reads it:
    /// Latin left to right, Arabic script right to left, whatever order the characters
    /// were typed in.
    pub fn check_drawn(&self, drawn: &[Vec<String>]) -> Option<Held> {
        if self.is_empty() {
            return None;
        }
        for (i, lines) in drawn.iter().enumerate() {
            let read: Vec<String> = lines.iter().map(|l| read_displayed(l)).collect();
            for reading in both(&fold(&read.join("\n")), i + 1) {
                let mut how = Hows::default();
                how.add(Disguise::DisplayOrder);
                if let Some(found) = self.find(&reading, how) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Whether `text` holds a blocked phrase, in the order it was typed or in the order a
    /// browser displays it; for any text supporters write, such as report reasons and alt
    /// texts.
    pub fn matches(&self, text: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        let captions = [text.to_owned()];
        self.check(&captions).is_some() || self.check_drawn(&[displayed(text)]).is_some()
    }

    /// The first form found in this reading.
    fn find(&self, reading: &Reading, how: Hows) -> Option<Held> {
        let forms = match reading.mode {
            Mode::Plain => &self.0.plain,
            Mode::Glued => &self.0.glued,
        };
        for start in 0..reading.tokens.len() {
            let Some(first) = reading.tokens[start].text.chars().next() else {
                continue;
            };
            for &f in forms.by_first.get(&first).into_iter().flatten() {
                let form = &forms.forms[f];
                if let Some(mut found) = reading.match_at(start, form) {
                    found |= how;
                    let entry = &self.0.entries[form.entry];
                    return Some(Held {
                        phrase: entry.phrase.clone(),
                        variant: form.variant.map(|v| entry.variants[v].clone()),
                        caption: reading.tokens[start].caption,
                        how: found.list(),
                    });
                }
            }
        }
        None
    }

    /// A phrase found in the captions with no disguise the matcher saw, but not as it is
    /// spelled in them, was hidden by what [`fold`] undoes: invisible characters, look-alike
    /// letters, accents.
    fn hidden_if_unseen(&self, mut found: Held, captions: &[String]) -> Held {
        if found.how.is_empty() {
            let spelled = found
                .variant
                .as_deref()
                .unwrap_or(&found.phrase)
                .to_lowercase();
            let caption = captions
                .get(found.caption - 1)
                .map(|c| c.to_lowercase())
                .unwrap_or_default();
            if !caption.contains(&spelled) {
                found.how.push(Disguise::HiddenCharacters);
            }
        }
        found
    }
}

/// A text's paragraphs as a browser displays them, each as one line in the order its
/// characters are shown, left to right.
fn displayed(text: &str) -> Vec<String> {
    let bidi = BidiInfo::new(text, None);
    bidi.paragraphs
        .iter()
        .map(|p| bidi.reorder_line(p, p.range.clone()).into_owned())
        .collect()
}

/// A displayed line (characters left to right) in the order a reader reads it: each
/// stretch of right-to-left letters, with the spaces and punctuation between them, is
/// read from its right end; everything else from the left.
fn read_displayed(line: &str) -> String {
    let graphemes: Vec<&str> = line.graphemes(true).collect();
    let rtl = |g: &str| {
        g.chars()
            .next()
            .is_some_and(|c| matches!(bidi_class(c), BidiClass::R | BidiClass::AL))
    };
    let neutral = |g: &str| {
        g.chars().next().is_some_and(|c| {
            matches!(
                bidi_class(c),
                BidiClass::WS | BidiClass::ON | BidiClass::CS | BidiClass::NSM | BidiClass::BN
            )
        })
    };
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < graphemes.len() {
        if !rtl(graphemes[i]) {
            out.push_str(graphemes[i]);
            i += 1;
            continue;
        }
        // The stretch ends at its last right-to-left grapheme before anything else.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < graphemes.len() && (rtl(graphemes[j]) || neutral(graphemes[j])) {
            if rtl(graphemes[j]) {
                end = j + 1;
            }
            j += 1;
        }
        out.extend(graphemes[i..end].iter().rev().copied());
        i = end;
    }
    out
}

/// The two readings, plain and glued, of one folded text.
fn both(folded: &str, caption: usize) -> [Reading; 2] {
    [
        Reading::of(folded, Mode::Plain, caption),
        Reading::of(folded, Mode::Glued, caption),
    ]
}

/// How two neighbouring pieces of a text are apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gap {
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
struct Piece {
    text: String,
    gap: Gap,
    /// Whether it was single letters spaced apart.
    spaced: bool,
}

/// A word of a reading, in canonical form.
#[derive(Clone, Debug)]
struct Token {
    text: String,
    how: Hows,
    caption: usize,
}

/// A text cut into tokens one way, with the gaps between them.
#[derive(Clone, Debug)]
struct Reading {
    mode: Mode,
    tokens: Vec<Token>,
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
    fn across_boxes<'a>(readings: impl Iterator<Item = &'a Reading>) -> Reading {
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
    fn match_at(&self, start: usize, form: &Form) -> Option<Hows> {
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

/// Cuts folded text into pieces of word characters (letters, digits, marks). Glued, a
/// symbol that stands for a letter is part of a word when a word character follows it
/// ($cum, l!ar) or, for $, when one precedes it; and single letters spaced apart are one
/// piece (c h o r).
fn pieces(folded: &str, glued: bool) -> Vec<Piece> {
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

/// The letter a symbol stands for in glued reading.
fn stands_for(c: char) -> Option<char> {
    Some(match c {
        '@' => 'a',
        '$' => 's',
        '!' | '|' => I_OR_L,
        '(' | '¢' => 'c',
        '+' => 't',
        '€' => 'e',
        _ => return None,
    })
}

/// The letter a digit stands for, in a word with Latin letters: by how it looks. 1 passes
/// for i and l alike, so it reads as [`I_OR_L`].
fn digit_letter(c: char) -> Option<char> {
    Some(match c {
        '0' | '\u{0660}' | '\u{06F0}' | '\u{0665}' => 'o',
        '1' | '\u{0661}' | '\u{06F1}' => I_OR_L,
        '2' => 'z',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '6' | '9' => 'g',
        '7' => 't',
        '\u{0667}' | '\u{06F7}' => 'v',
        '8' => 'b',
        _ => return None,
    })
}

/// i and l in glued reading, where they are one letter: 1, ! and | pass for either, and
/// a capital I is an l in most sans faces.
const I_OR_L: char = 'ı';

/// The Latin letter an Arabic-script letter passes for, in a word with Latin letters.
fn latin_look_alike(c: char) -> Option<char> {
    Some(match c {
        'ا' => I_OR_L,
        'ہ' | 'ۃ' | 'ھ' | 'ه' => 'o',
        'ں' => 'u',
        'ٯ' => 'q',
        _ => return None,
    })
}

/// The value of an Arabic-Indic digit, as an ASCII digit.
fn digit_value(c: char) -> Option<char> {
    match c {
        '\u{0660}'..='\u{0669}' => Some(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => Some(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        _ => None,
    }
}

/// Urdu letters that do not join the letter after them, so a space after one is barely
/// seen.
fn non_joining(c: char) -> bool {
    matches!(
        c,
        'ا' | 'آ' | 'د' | 'ڈ' | 'ذ' | 'ر' | 'ڑ' | 'ز' | 'ژ' | 'و' | 'ے' | 'ۓ' | 'ء' | 'ۀ'
    )
}

/// A piece's canonical form in a reading mode, and the disguises undone to get it.
///
/// A piece with no letters (100, 2024, 8) is its digits' values, Arabic-Indic digits as
/// ASCII: numbers are never read as letters. Glued, a piece with Latin letters reads its
/// digits, symbols and Arabic-script look-alikes as the letters they pass for, and i and
/// l as one letter. Latin letters are then spelled loosely, as Roman Urdu is: ee as i, oo
/// as u, w as v, q as k, and a doubled letter as one.
fn canonical(piece: &str, mode: Mode) -> (String, Hows) {
    let mut how = Hows::default();
    let letters = piece.chars().any(char::is_alphabetic);
    if !letters {
        let digits: String = piece
            .chars()
            .filter(|&c| stands_for(c).is_none())
            .map(|c| digit_value(c).unwrap_or(c))
            .collect();
        return (digits, how);
    }
    let latin = piece.chars().any(|c| c.is_ascii_lowercase());
    let mut out = String::with_capacity(piece.len());
    for c in piece.chars() {
        if mode == Mode::Glued && latin {
            if let Some(l) = digit_letter(c).or_else(|| stands_for(c)) {
                how.add(Disguise::Digits);
                out.push(l);
                continue;
            }
            if let Some(l) = latin_look_alike(c) {
                how.add(Disguise::LookAlike);
                out.push(l);
                continue;
            }
        }
        if !latin && let Some(d) = digit_value(c) {
            out.push(d);
            continue;
        }
        out.push(c);
    }
    if latin {
        let loose = loosely(&out, mode == Mode::Glued);
        if loose != out {
            how.add(Disguise::Spelling);
            out = loose;
        }
    }
    (out, how)
}

/// Latin letters spelled loosely: ee as i, oo as u, w as v, q as k, a doubled letter as
/// one; with `i_is_l`, i and l as [`I_OR_L`] (after doubled letters are undone, so that
/// "lar" does not become "liar").
fn loosely(word: &str, i_is_l: bool) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match (c, chars.peek()) {
            ('e', Some('e')) => {
                chars.next();
                'i'
            }
            ('o', Some('o')) => {
                chars.next();
                'u'
            }
            ('w', _) => 'v',
            ('q', _) => 'k',
            (c, _) => c,
        };
        if c.is_ascii_alphabetic() && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    if i_is_l {
        out = out
            .chars()
            .map(|c| if matches!(c, 'i' | 'l') { I_OR_L } else { c })
            .collect();
    }
    out
}

/// Whether `token` is `word` (the rest of a phrase: its last word, or more) with a plural
/// ending: Roman Urdu and English -s, -es, -on, -ein, -en, -a as -e, -ay, -ey; Urdu ـوں,
/// ـیں, ا and ہ as ے.
fn plural(word: &str, token: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    if let Some(ending) = token.strip_prefix(word) {
        let sibilant = ["s", "x", "z", "ch", "sh"]
            .iter()
            .any(|s| word.ends_with(s));
        let plural = match ending {
            "s" | "on" | "en" | "ein" | "eın" => !sibilant || ending != "s",
            "es" => sibilant,
            "وں" | "یں" => true,
            _ => false,
        };
        if plural {
            return true;
        }
    }
    let mut stem = word.chars();
    let last = stem.next_back();
    let Some(ending) = token.strip_prefix(stem.as_str()) else {
        return false;
    };
    match last {
        Some('a') => matches!(ending, "e" | "ay" | "ey" | "on" | "ae"),
        Some('ا' | 'ہ') => matches!(ending, "ے" | "وں"),
        _ => false,
    }
}
/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), as sorted ranges:
/// code points a renderer shows as nothing when it cannot show them. A unit test checks it
/// against the Unicode 18 table inside `unicode_security::skeleton`, which does not
/// export it.
const DEFAULT_IGNORABLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFF8}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

/// Whether `c` is a Default_Ignorable_Code_Point.
fn is_default_ignorable(c: char) -> bool {
    DEFAULT_IGNORABLE
        .binary_search_by(|&(first, last)| {
            if last < c {
                Ordering::Less
            } else if first > c {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// How Urdu spelling folds `c`: `Some(Some(letter))` for the letter it is written as,
/// `Some(None)` to drop it, `None` if Urdu spelling leaves it alone.
///
/// An explicit table rather than the confusable skeleton: the skeleton takes Arabic
/// letters to their undotted shapes (پ ٹ ث ں ی ے all become ى) and some to Latin (ا to l,
/// ہ to o), which would make many different Urdu words one and Urdu words match Roman
/// Urdu phrases.
fn urdu(c: char) -> Option<Option<char>> {
    let letter = match c {
        // Tatweel only stretches a joint; harakat, Quranic annotation marks and small
        // waw and yeh are optional in Urdu writing.
        '\u{0640}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}' => return Some(None),
        // Arabic yeh and alef maksura, Kurdish, Pashto and Uyghur yehs, yeh with hamza.
        '\u{064A}' | '\u{0649}' | '\u{06CE}' | '\u{06D0}' | '\u{06CD}' | '\u{0626}' => 'ی',
        // Arabic kaf (an Arabic keyboard's), Sindhi swash kaf.
        '\u{0643}' | '\u{06AA}' => 'ک',
        // Arabic heh and do-chashmi heh, ae, heh with hamza, teh marbuta and its Urdu form.
        '\u{0647}' | '\u{06BE}' | '\u{06D5}' | '\u{06C0}' | '\u{06C2}' | '\u{0629}'
        | '\u{06C3}' => 'ہ',
        '\u{06D3}' => 'ے',
        '\u{0624}' => 'و',
        // Alef with hamza above or below, wasla, madda.
        '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0622}' => 'ا',
        _ => return None,
    };
    Some(Some(letter))
}

/// The Urdu retroflex letter that `c` with a small high tah shows.
fn retroflex(c: char) -> Option<char> {
    match c {
        'ت' => Some('ٹ'),
        'د' => Some('ڈ'),
        'ر' => Some('ڑ'),
        _ => None,
    }
}

/// Pushes `c` lowercased and, if it is a letter outside Arabic script, as its confusable
/// skeleton. `scratch` is reused to save allocating per character.
fn push_look_alike(c: char, out: &mut String, scratch: &mut String) {
    if c.is_ascii() {
        // What the rest of this function does to ASCII (a unit test holds it to that),
        // without a skeleton lookup per character: most captions are ASCII.
        match c.to_ascii_lowercase() {
            'm' => out.push_str("rn"),
            l => out.push(l),
        }
        return;
    }
    // Punctuation keeps its own form: the skeleton takes some of it to letters (¡ to i,
    // and in ASCII | to l), which would join words that the text kept apart.
    if !c.is_alphanumeric() {
        out.extend(c.to_lowercase());
        return;
    }
    // Arabic letters were folded by `urdu`. Digits stay digits: which letter one passes
    // for, if any, is decided per word.
    if c.script() == Script::Arabic || (c.is_numeric() && !c.is_alphabetic()) {
        out.push(c);
        return;
    }
    // A capital of another script that looks like a Latin capital (Cyrillic Н, Greek Ν)
    // has that capital as its skeleton, while its small letter often looks like nothing
    // Latin (н, ν are skeletons of their own or of v). An l in the capital's skeleton
    // stands for the stroke of I, which is lowercased to i before its skeleton is taken,
    // so such capitals (Greek Ι, Cyrillic І) take the small letter's way as well.
    if c.is_uppercase() && c.script() != Script::Latin {
        skeleton_of(c, scratch);
        if scratch
            .chars()
            .all(|s| s.is_ascii_alphanumeric() && s != 'l')
        {
            out.push_str(scratch);
            return;
        }
    }
    for l in c.to_lowercase() {
        match l {
            // Full case folding would fold these; lowercasing leaves them.
            'ß' => out.push_str("ss"),
            'ς' => push_skeleton('σ', out, scratch),
            l => push_skeleton(l, out, scratch),
        }
    }
}

/// Pushes the lowercased skeleton of the letter or digit `c`, or `c` itself if the
/// skeleton holds something that is not part of a word (ð's is ∂), which would split the
/// word in two.
fn push_skeleton(c: char, out: &mut String, scratch: &mut String) {
    skeleton_of(c, scratch);
    let word_like = scratch.chars().all(|s| {
        s.is_alphanumeric()
            || matches!(
                s.general_category(),
                GeneralCategory::NonspacingMark
                    | GeneralCategory::SpacingMark
                    | GeneralCategory::EnclosingMark
            )
    });
    if word_like {
        out.push_str(scratch);
    } else {
        out.push(c);
    }
}

/// Puts the lowercased UTS #39 skeleton of `c` in `scratch`. The skeleton keeps case
/// (0's is O), so it is lowercased again.
fn skeleton_of(c: char, scratch: &mut String) {
    let mut buf = [0; 4];
    scratch.clear();
    scratch.extend(skeleton(c.encode_utf8(&mut buf)).flat_map(char::to_lowercase));
}

/// Whether text in `script` needs its combining marks to spell a word. Latin, Greek and
/// Cyrillic accents and Arabic harakat are dropped, so chór is chor; in Devanagari and
/// the other Indic scripts (and Hebrew, Thaana and the rest) a mark is mostly a vowel,
/// and dropping it would make different words one.
fn spells_with_marks(script: Script) -> bool {
    !matches!(
        script,
        Script::Latin
            | Script::Greek
            | Script::Cyrillic
            | Script::Arabic
            | Script::Common
            | Script::Inherited
            | Script::Unknown
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn blocklist_matches_whole_words_in_any_case_and_script() {
        let list = Blocklist::of_phrases(["crook", "chor hai", "چور"]);
        let m = |c: &str| {
            list.check(&[String::from("fine"), c.to_owned()])
                .map(|held| held.caption)
        };
        assert_eq!(m("He is a CROOK!"), Some(2));
        assert_eq!(m("crooked smile"), None, "not a whole word");
        assert_eq!(m("ye CHOR hai yaar"), Some(2));
        assert_eq!(
            m("chor nahi hai"),
            None,
            "the phrase's words must be together"
        );
        assert_eq!(m("وہ چور ہے"), Some(2));
        assert_eq!(m("چورن"), None);
    }

    /// Disguised spellings of `chor` that a reader sees as chor.
    #[test]
    fn disguised_latin_spellings_match() {
        let list = Blocklist::of_phrases(["chor"]);
        let rows = [
            ("zero-width space", "ch\u{200B}or"),
            ("soft hyphen", "c\u{00AD}hor"),
            ("word joiner", "ch\u{2060}or"),
            ("right-to-left override", "\u{202E}chor"),
            ("zero-width joiner", "c\u{200D}h\u{200C}or"),
            ("variation selector", "cho\u{FE0F}r"),
            ("tag character", "cho\u{E0041}r"),
            ("byte order mark", "\u{FEFF}chor"),
            ("Hangul filler", "ch\u{3164}or"),
            ("format character", "ch\u{0600}or"),
            ("fullwidth", "ｃｈｏｒ"),
            ("fullwidth capitals", "ＣＨＯＲ"),
            ("mathematical bold", "𝐜𝐡𝐨𝐫"),
            ("mathematical script", "𝒸𝒽ℴ𝓇"),
            ("circled", "ⓒⓗⓞⓡ"),
            ("Cyrillic es", "\u{0441}hor"),
            ("Cyrillic o and capital es", "\u{0421}H\u{043E}R"),
            ("Cyrillic capital en", "C\u{041D}OR"),
            ("Greek omicron", "ch\u{03BF}r"),
            ("Greek capital omicron", "CH\u{039F}R"),
            ("digit zero", "CH0R"),
            ("acute accent", "chór"),
            ("decomposed accent", "cho\u{0301}r"),
            ("stacked accents", "c\u{0300}\u{0301}\u{0302}hor"),
            ("harakat on Latin", "ch\u{064E}or"),
            ("in a sentence", "wo to bara Chór hai!"),
        ];
        for (name, text) in rows {
            assert!(
                list.matches(text),
                "{name}: {text:?} folds to {:?}",
                fold(text)
            );
        }
    }

    /// Urdu phrases written with the Arabic, Persian or decorated forms of their letters.
    #[test]
    fn urdu_letter_variants_match() {
        let rows = [
            ("Arabic kaf", "کرپٹ", "وہ كرپٹ ہے"),
            ("Arabic heh and yeh", "جھوٹی", "جهوٹي"),
            ("alef maksura", "جھوٹی", "جھوٹى"),
            ("yeh with hamza", "جھوٹی", "جھوٹئ"),
            ("harakat", "چور", "چُوَر"),
            ("shadda and sukun", "چور", "چّوْر"),
            ("tatweel", "چور", "چــور"),
            ("tatweel and harakat", "کرپٹ", "کـَرپـٹ"),
            ("superscript alef", "چور", "چوٰر"),
            ("teh with small high tah", "کرپٹ", "کرپت\u{0615}"),
            (
                "reh with small high tah and zabar",
                "چوڑ",
                "چور\u{064E}\u{0615}",
            ),
            ("presentation forms", "چور", "\u{FB7C}\u{FEEE}\u{FEAD}"),
            ("zero-width non-joiner", "چور", "چ\u{200C}ور"),
            ("Arabic letter mark", "چور", "\u{061C}چور"),
            ("teh marbuta", "جلسہ", "جلسة"),
            ("heh with hamza", "نغمۂ", "نغمۀ"),
            ("alef with madda", "آج", "اج"),
            ("alef with hamza", "آج", "أج"),
            ("waw with hamza", "ؤ", "و"),
            ("yeh barree with hamza", "ۓ", "ے"),
            ("Arabic-Indic digits", "420", "٤٢٠"),
            ("Extended Arabic-Indic digits", "420", "۴۲۰"),
        ];
        for (name, phrase, text) in rows {
            let list = Blocklist::of_phrases([phrase]);
            assert!(
                list.matches(text),
                "{name}: {text:?} folds to {:?}, {phrase:?} to {:?}",
                fold(text),
                fold(phrase)
            );
        }
    }

    /// Text that does not hold the phrase, though it looks a little like it.
    #[test]
    fn other_words_do_not_match() {
        let list = Blocklist::of_phrases(["chor", "چور", "کرپٹ", "جھوٹی", "chor hai"]);
        let rows = [
            ("longer word", "choro"),
            ("word ending in it", "anchor"),
            ("word starting with it", "chorus"),
            ("accented longer word", "chóro"),
            ("disguised longer word", "ch\u{200B}orus"),
            ("split by a space", "ch or"),
            (
                "English",
                "The chorus sang at the anchor point of the rally.",
            ),
            ("Roman Urdu", "Chaudhry sahab ne jalsa mein taqreer ki"),
            ("Urdu", "یہ جلسہ بہت اچھا تھا"),
            ("Urdu word holding it", "چورن"),
            ("Urdu with another yeh", "وہ جھوٹے ہیں"),
            ("Urdu lie without yeh", "جھوٹ نہ بولو"),
            ("Urdu with another letter", "چوڑ"),
        ];
        for (name, text) in rows {
            assert!(
                !list.matches(text),
                "{name}: {text:?} folds to {:?}",
                fold(text)
            );
        }
    }

    #[test]
    fn fold_gives_plain_lowercase_letters() {
        let rows = [
            ("ASCII", "Chor Hai", "chor hai"),
            ("digits stay digits", "CH0R 100", "ch0r 100"),
            ("m looks like rn", "Mat", "rnat"),
            ("fullwidth", "ＣＨ０Ｒ", "ch0r"),
            ("small capitals", "ᴄʜᴏʀ", "chor"),
            ("regional indicators, a word apart", "ok🇨🇭🇴🇷", "ok chor"),
            ("negative squared letters", "🅲🅷🅾🆁", "chor"),
            ("sharp s", "Straße", "strasse"),
            ("final sigma", "ς", "o"),
            ("Urdu kept", "وہ چور ہے", "وہ چور ہے"),
            ("Urdu letters folded", "جهوٹي", "جہوٹی"),
            ("punctuation kept", "a|b", "a|b"),
        ];
        for (name, text, folded) in rows {
            assert_eq!(fold(text), folded, "{name}: {text:?}");
        }
    }

    #[test]
    fn ascii_shortcut_is_the_skeleton() {
        let mut scratch = String::new();
        for c in (0..0x80u8).map(char::from) {
            let expected = if c.is_ascii_alphabetic() {
                skeleton_of(c.to_ascii_lowercase(), &mut scratch);
                scratch.clone()
            } else {
                c.to_string()
            };
            let mut out = String::new();
            push_look_alike(c, &mut out, &mut scratch);
            assert_eq!(out, expected, "{c:?}");
        }
    }

    /// The hand-written table is Unicode's: `skeleton` drops exactly the default
    /// ignorables, and every other code point leaves something behind.
    #[test]
    fn default_ignorables_are_unicodes() {
        let mut buf = [0; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let dropped = skeleton(c.encode_utf8(&mut buf)).next().is_none();
            assert_eq!(is_default_ignorable(c), dropped, "U+{:04X}", c as u32);
        }
    }

    /// In Devanagari a mark is mostly a vowel: dropping it would make different words one.
    #[test]
    fn indic_vowel_signs_are_kept() {
        let list = Blocklist::of_phrases(["चुरा"]);
        assert!(list.matches("उसने चुरा लिया"));
        assert!(!list.matches("गाय ने चरा"), "{:?}", fold("चरा"));
    }

    #[test]
    fn phrases_without_words_are_left_out() {
        let list = Blocklist::of_phrases(["chor", "chor hai", "!!!", "\u{200B}"]);
        assert_eq!(list.0.plain.forms.len(), 2);
        assert_eq!(list.check(&[]), None);
        assert!(!list.matches(""));
    }

    /// Any default-ignorable code point; a range is drawn first, so the short ones are
    /// drawn as often as the 4,096 tags.
    fn default_ignorable() -> impl Strategy<Value = char> {
        prop::sample::select(DEFAULT_IGNORABLE)
            .prop_flat_map(|(first, last)| prop::char::range(first, last))
    }

    const PHRASES: [&str; 5] = ["chor", "chor hai", "چور", "کرپٹ", "जूता चोर"];

    proptest! {
        #[test]
        fn default_ignorables_anywhere_in_a_phrase_still_match(
            phrase in prop::sample::select(&PHRASES[..]),
            inserts in prop::collection::vec((any::<prop::sample::Index>(), default_ignorable()), 1..4),
        ) {
            let list = Blocklist::of_phrases(PHRASES);
            let mut chars: Vec<char> = phrase.chars().collect();
            for (at, c) in inserts {
                chars.insert(at.index(chars.len() + 1), c);
            }
            let disguised: String = chars.into_iter().collect();
            let text = format!("ye {disguised} hai");
            prop_assert!(list.matches(&text), "{:?} folds to {:?}", text, fold(&text));
        }
    }
}
