//! From a caption to shaped runs: text hygiene, bidi levels, a face for every run of text,
//! OpenType shaping, and where lines may break.
//!
//! Everything here is measured in ems at size 1, so a caption is shaped once and the size
//! search only multiplies.

use std::ops::Range;

use ab_glyph::{Font as _, GlyphId};
use unicode_bidi::{BidiInfo, Level};
use unicode_linebreak::BreakOpportunity;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{EmojiStatus, UnicodeEmoji, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_segmentation::UnicodeSegmentation;

use super::fonts::{self, FaceId, FontChoice};

/// Ink extents of a glyph in ems, relative to its origin, y pointing up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ink {
    /// Left edge.
    pub x0: f32,
    /// Bottom edge (negative below the baseline).
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Top edge.
    pub y1: f32,
}

/// One glyph out of the shaper, in ems.
#[derive(Clone, Copy, Debug)]
pub struct ShapedGlyph {
    /// Glyph id in its run's face.
    pub id: u16,
    /// Byte offset in the caption of the cluster this glyph belongs to.
    pub cluster: usize,
    /// Horizontal advance.
    pub advance: f32,
    /// Offset from the pen position, y up.
    pub dx: f32,
    /// Offset from the baseline, y up.
    pub dy: f32,
    /// Ink extents; `None` for a blank glyph such as a space.
    pub ink: Option<Ink>,
}

/// A run of text in one face and one direction, shaped. Glyphs are in visual order.
#[derive(Clone, Debug)]
pub struct Run {
    /// Bytes of the caption this run covers.
    pub range: Range<usize>,
    /// Bidi embedding level: odd is right to left.
    pub level: Level,
    /// The face its glyphs come from.
    pub face: FaceId,
    /// The shaped glyphs, left to right on the page.
    pub glyphs: Vec<ShapedGlyph>,
}

/// A caption ready for line breaking and drawing.
#[derive(Clone, Debug)]
pub struct ShapedText {
    /// The caption after hygiene, normalisation and uppercasing.
    pub text: String,
    /// Shaped runs in logical order.
    pub runs: Vec<Run>,
    /// `prefix[i]` is the advance of all glyphs whose cluster starts before byte `i`.
    prefix: Vec<f32>,
    /// Where a line may (or must) start: byte offsets after a break opportunity.
    pub breaks: Vec<(usize, BreakOpportunity)>,
    /// Grapheme boundaries, for breaking a word that cannot fit at the smallest size.
    pub graphemes: Vec<usize>,
    /// Each paragraph (text between newlines) and whether it reads right to left.
    pub paragraphs: Vec<(Range<usize>, bool)>,
}

/// Why a caption cannot be shaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// A character no bundled face has a glyph for.
    Uncovered(char),
}

/// Cleans a caption as typed: line endings become `\n`, tabs spaces, other control
/// characters are dropped, the text is NFC-normalised and, if asked, uppercased (which only
/// touches cased scripts). Leading and trailing blank space is trimmed.
pub fn clean(raw: &str, uppercase: bool) -> String {
    let unified = raw.replace("\r\n", "\n");
    let filtered: String = unified
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\r' | '\u{2028}' | '\u{2029}' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let cased = if uppercase {
        filtered.to_uppercase()
    } else {
        filtered
    };
    let normal: String = cased.nfc().collect();
    normal.trim().to_owned()
}

/// Characters that shape to nothing visible and need no glyph of their own: joiners,
/// variation selectors, bidi marks, emoji tags.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{E0000}'..='\u{E007F}' | '\u{FEFF}' | '\u{061C}')
        || c.general_category() == unicode_properties::GeneralCategory::Format
}

fn is_emoji_cluster(g: &str) -> bool {
    if g.contains('\u{FE0E}') {
        return false;
    }
    g.chars().any(|c| {
        matches!(c, '\u{FE0F}' | '\u{20E3}' | '\u{1F1E6}'..='\u{1F1FF}')
            || matches!(
                c.emoji_status(),
                EmojiStatus::EmojiPresentation
                    | EmojiStatus::EmojiPresentationAndModifierBase
                    | EmojiStatus::EmojiPresentationAndEmojiComponent
                    | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
            )
    })
}

fn covers_all(face: FaceId, g: &str) -> bool {
    let face = fonts::book().face(face);
    g.chars().all(|c| is_invisible(c) || face.covers(c))
}

fn first_visible(g: &str) -> Option<char> {
    g.chars().find(|&c| !is_invisible(c))
}

/// The face a grapheme cluster asks for by itself, or `None` for a cluster of common
/// characters (spaces, digits, punctuation) that should follow its neighbours.
fn face_for(g: &str, choice: FontChoice) -> Result<Option<FaceId>, TextError> {
    let Some(first) = first_visible(g) else {
        return Ok(None);
    };
    if is_emoji_cluster(g) && covers_all(FaceId::Emoji, g) {
        return Ok(Some(FaceId::Emoji));
    }
    let preferred: &[FaceId] = match first.script() {
        Script::Common | Script::Inherited => return Ok(None),
        Script::Arabic => &[
            choice.arabic_face(),
            FaceId::Nastaliq,
            FaceId::Naskh,
            FaceId::SansArabic,
        ],
        _ => &[choice.latin_face(), FaceId::NotoSans],
    };
    preferred
        .iter()
        .chain(FaceId::ALL.iter())
        .copied()
        .find(|&f| covers_all(f, g))
        .map(Some)
        .ok_or_else(|| uncovered(g))
}

fn uncovered(g: &str) -> TextError {
    let book = fonts::book();
    let c = g
        .chars()
        .find(|&c| !is_invisible(c) && !FaceId::ALL.iter().any(|&f| book.face(f).covers(c)))
        .or_else(|| first_visible(g))
        .unwrap_or('\u{FFFD}');
    TextError::Uncovered(c)
}

/// Shapes a cleaned caption: bidi levels, a face per run, OpenType shaping.
pub fn shape(text: &str, choice: FontChoice) -> Result<ShapedText, TextError> {
    let bidi = BidiInfo::new(text, None);
    let paragraphs: Vec<(Range<usize>, bool)> = bidi
        .paragraphs
        .iter()
        .map(|p| {
            let mut r = p.range.clone();
            if text[r.clone()].ends_with('\n') {
                r.end -= 1;
            }
            (r, p.level.is_rtl())
        })
        .collect();

    // A face for every grapheme cluster; common characters follow their neighbours so that
    // a space inside an Urdu phrase is shaped with the Urdu around it.
    let clusters: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
    let mut faces: Vec<Option<FaceId>> = clusters
        .iter()
        .map(|(_, g)| face_for(g, choice))
        .collect::<Result<_, _>>()?;
    let level_at = |i: usize| bidi.levels[clusters[i].0];
    for i in 0..clusters.len() {
        if faces[i].is_some() || clusters[i].1 == "\n" {
            continue;
        }
        let g = clusters[i].1;
        let prev = (0..i).rev().find_map(|j| faces[j].map(|f| (j, f)));
        let next = (i + 1..clusters.len()).find_map(|j| faces[j].map(|f| (j, f)));
        let fits = |n: Option<(usize, FaceId)>, same_level: bool| {
            n.filter(|&(j, f)| {
                f != FaceId::Emoji
                    && covers_all(f, g)
                    && (!same_level || level_at(j) == level_at(i))
            })
            .map(|(_, f)| f)
        };
        let fallback = [choice.latin_face(), FaceId::NotoSans, choice.arabic_face()]
            .into_iter()
            .chain(FaceId::ALL)
            .find(|&f| covers_all(f, g));
        // Across a change of direction, punctuation and digits take the paragraph's own
        // face: the "!" ending "Imran Khan زندہ باد!" belongs to the English sentence.
        let across = fits(prev, false).or(fits(next, false));
        let rtl_paragraph = bidi.levels[clusters[i].0].is_rtl()
            || paragraphs
                .iter()
                .any(|(r, rtl)| *rtl && r.contains(&clusters[i].0));
        faces[i] = fits(prev, true).or(fits(next, true)).or(if rtl_paragraph {
            across.or(fallback)
        } else {
            fallback.or(across)
        });
        if faces[i].is_none() {
            return Err(uncovered(g));
        }
    }

    let mut runs = runs_of(&clusters, &faces, &bidi.levels);

    let mut advance_at = vec![0.0f32; text.len() + 1];
    for run in &mut runs {
        run.glyphs = shape_run(&text[run.range.clone()], run.face, run.level);
        for g in &mut run.glyphs {
            g.cluster += run.range.start;
            advance_at[g.cluster] += g.advance;
        }
    }
    let mut prefix = Vec::with_capacity(text.len() + 1);
    let mut sum = 0.0f32;
    for a in &advance_at {
        prefix.push(sum);
        sum += a;
    }

    Ok(ShapedText {
        text: text.to_owned(),
        runs,
        prefix,
        breaks: unicode_linebreak::linebreaks(text).collect(),
        graphemes: clusters.iter().map(|(i, _)| *i).skip(1).collect(),
        paragraphs,
    })
}

/// Runs: maximal stretches of one face and one level, never across a newline.
fn runs_of(clusters: &[(usize, &str)], faces: &[Option<FaceId>], levels: &[Level]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (i, &(start, g)) in clusters.iter().enumerate() {
        if g == "\n" {
            continue;
        }
        let face = faces[i].expect("every cluster has a face");
        let level = levels[start];
        let end = start + g.len();
        match runs.last_mut() {
            Some(r) if r.range.end == start && r.face == face && r.level == level => {
                r.range.end = end
            }
            _ => runs.push(Run {
                range: start..end,
                level,
                face,
                glyphs: Vec::new(),
            }),
        }
    }
    runs
}

fn shape_run(text: &str, face_id: FaceId, level: Level) -> Vec<ShapedGlyph> {
    let face = fonts::book().face(face_id);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if level.is_rtl() {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    });
    if matches!(face_id, FaceId::Nastaliq) {
        buffer.set_language("ur".parse().expect("valid language tag"));
    }
    let output = rustybuzz::shape(&face.shaper, &[], buffer);
    let em = face.units_per_em;
    output
        .glyph_infos()
        .iter()
        .zip(output.glyph_positions())
        .map(|(info, pos)| {
            let id = info.glyph_id as u16;
            ShapedGlyph {
                id,
                cluster: info.cluster as usize,
                advance: pos.x_advance as f32 / em,
                dx: pos.x_offset as f32 / em,
                dy: pos.y_offset as f32 / em,
                ink: glyph_ink(face, id),
            }
        })
        .collect()
}

fn glyph_ink(face: &fonts::Face, id: u16) -> Option<Ink> {
    let em = face.units_per_em;
    if face.is_bitmap() {
        let img = face.glyphs.glyph_raster_image2(GlyphId(id), u16::MAX)?;
        let ppem = f32::from(img.pixels_per_em);
        return Some(Ink {
            x0: img.origin.x / ppem,
            y0: img.origin.y / ppem,
            x1: (img.origin.x + f32::from(img.width)) / ppem,
            y1: (img.origin.y + f32::from(img.height)) / ppem,
        });
    }
    // ab_glyph keeps the top (y_max) in `min.y` and the bottom (y_min) in `max.y`.
    let b = face.glyphs.outline(GlyphId(id))?.bounds;
    Some(Ink {
        x0: b.min.x / em,
        y0: b.max.y / em,
        x1: b.max.x / em,
        y1: b.min.y / em,
    })
}

impl ShapedText {
    /// The advance width in ems of the bytes `range`.
    pub fn width(&self, range: Range<usize>) -> f32 {
        self.prefix[range.end] - self.prefix[range.start]
    }

    /// `end` moved back over trailing white space and newlines.
    pub fn trim_end(&self, start: usize, end: usize) -> usize {
        let trimmed = self.text[start..end].trim_end();
        start + trimmed.len()
    }

    /// Whether the paragraph holding byte `at` reads right to left.
    pub fn is_rtl_at(&self, at: usize) -> bool {
        self.paragraphs
            .iter()
            .find(|(r, _)| r.start <= at && at <= r.end)
            .is_some_and(|&(_, rtl)| rtl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_controls_and_normalises() {
        assert_eq!(clean(" a\u{0007}b\r\nc\t ", false), "ab\nc");
        // e + combining acute becomes one NFC character.
        assert_eq!(clean("e\u{0301}", false), "\u{e9}");
        assert_eq!(clean("vote", true), "VOTE");
    }

    #[test]
    fn uppercasing_leaves_urdu_untouched() {
        let urdu = "پاکستان زندہ باد";
        assert_eq!(clean(urdu, true), urdu);
        assert_eq!(clean("Imran Khan زندہ باد", true), "IMRAN KHAN زندہ باد");
    }

    #[test]
    fn faces_follow_script() {
        let s = shape("VOTE زندہ باد 🇵🇰", FontChoice::Auto).unwrap();
        let faces: Vec<_> = s.runs.iter().map(|r| r.face).collect();
        assert_eq!(faces.first(), Some(&FaceId::Anton));
        assert!(faces.contains(&FaceId::Nastaliq));
        assert_eq!(faces.last(), Some(&FaceId::Emoji));
        let s = shape("ПРИВЕТ", FontChoice::Auto).unwrap();
        assert!(
            s.runs
                .iter()
                .all(|r| covers_all(r.face, &s.text[r.range.clone()]))
        );
    }

    #[test]
    fn uncovered_character_is_named() {
        // U+E000 is in the private use area: no bundled face has it.
        assert_eq!(
            shape("A\u{E000}", FontChoice::Auto).unwrap_err(),
            TextError::Uncovered('\u{E000}')
        );
    }

    #[test]
    fn flags_and_skin_tones_are_one_glyph() {
        for emoji in ["🇵🇰", "✊🏽", "👨‍👩‍👧", "1️⃣"] {
            let s = shape(emoji, FontChoice::Auto).unwrap();
            let glyphs: usize = s.runs.iter().map(|r| r.glyphs.len()).sum();
            assert_eq!(glyphs, 1, "{emoji} became {glyphs} glyphs");
            assert_eq!(s.runs[0].face, FaceId::Emoji);
        }
    }
}
