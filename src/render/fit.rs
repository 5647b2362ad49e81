//! Line breaking and the font size search: the largest size at which a caption fits its box.
//!
//! A caption is shaped once (in ems); every candidate size only rescales, so the search is
//! a bisection over sizes with a greedy line fill at each step.

use std::ops::Range;

use unicode_bidi::BidiInfo;
use unicode_linebreak::BreakOpportunity;

use super::fonts::FaceId;
use super::shape::{ShapedGlyph, ShapedText};
use super::template::{Align, Anchor};

/// Outline thickness as a fraction of the font size: heavy enough to read on any photo,
/// light enough to keep counters open in condensed capitals.
pub const OUTLINE_EM: f32 = 0.07;
/// Space between the ink of one line and the next.
const LINE_GAP_EM: f32 = 0.14;
/// Height given to a line with no ink (an empty line between two newlines).
const EMPTY_LINE_TOP_EM: f32 = 0.7;

/// A box in output pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f32,
    /// Top.
    pub y0: f32,
    /// Right.
    pub x1: f32,
    /// Bottom.
    pub y1: f32,
}

impl Rect {
    /// Width.
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    /// Height.
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

/// How a caption is to be placed.
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    /// The text box in output pixels.
    pub area: Rect,
    /// Horizontal alignment.
    pub align: Align,
    /// Vertical anchor.
    pub anchor: Anchor,
    /// Most lines allowed.
    pub max_lines: usize,
    /// Whether an outline is drawn (it needs room around the ink).
    pub outline: bool,
    /// The smallest size, in pixels, that is still legible at this output size.
    pub min_size: f32,
}

/// A glyph placed in output pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// Face.
    pub face: FaceId,
    /// Glyph id in that face.
    pub id: u16,
    /// Byte offset in the cleaned caption of the text this glyph draws.
    pub cluster: usize,
    /// Origin x (pen position plus offset).
    pub x: f32,
    /// Baseline y, pointing down.
    pub y: f32,
}

/// A caption laid out in its box.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Font size (em) in pixels.
    pub size: f32,
    /// Outline radius in pixels; 0 when there is no outline.
    pub outline: f32,
    /// Every glyph, in drawing order.
    pub glyphs: Vec<Placed>,
    /// Where ink may fall, outline included: always inside the text box.
    pub ink: Rect,
    /// The text box itself: drawing never leaves it.
    pub area: Rect,
    /// How many lines.
    pub lines: usize,
    /// Each line's text in the order its glyphs are drawn, left to right: what a reader
    /// sees, after bidi reordering and line breaking, for checking it (the blocklist).
    pub drawn: Vec<String>,
}

/// Why a caption could not be placed.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// It does not fit even at the smallest legible size.
    DoesNotFit {
        /// The smallest size tried, in pixels.
        min_size: f32,
    },
    /// It has more explicit lines than the box allows.
    TooManyLines {
        /// Lines the caption asks for.
        lines: usize,
        /// The box's limit.
        max: usize,
    },
}

/// One line, measured in ems with its glyphs in visual order.
struct Line {
    /// Face, glyph, pen position and whether its run reads right to left.
    glyphs: Vec<(FaceId, ShapedGlyph, f32, bool)>,
    /// Left and right extent of ink and advance together.
    x0: f32,
    x1: f32,
    /// Ink above and below the baseline.
    top: f32,
    bottom: f32,
    rtl: bool,
}

/// Fits `text` into `placement`: the largest size where every line fits the width, all lines
/// fit the height, and no more than `max_lines` are needed.
pub fn fit(text: &ShapedText, placement: &Placement) -> Result<Layout, FitError> {
    let explicit = text.text.split('\n').count();
    if explicit > placement.max_lines {
        return Err(FitError::TooManyLines {
            lines: explicit,
            max: placement.max_lines,
        });
    }
    let area = placement.area;
    let pad = if placement.outline { OUTLINE_EM } else { 0.0 };
    let attempt = |size: f32, emergency: bool| -> Option<(f32, Vec<Range<usize>>)> {
        let max_width = area.width() / size - 2.0 * pad;
        let ranges = break_lines(text, max_width, emergency)?;
        fits(text, &ranges, size, pad, placement).then_some((max_width, ranges))
    };

    let min = placement.min_size.min(area.height());
    let (size, (max_width, ranges)) = if let Some(found) = attempt(area.height(), false) {
        (area.height(), found)
    } else if let Some(found) = attempt(min, false) {
        // Bisection in quarter pixels: `lo` fits, `hi` does not.
        let (mut lo, mut hi, mut best) = (min, area.height(), found);
        while hi - lo > 0.25 {
            let mid = (lo + hi) / 2.0;
            match attempt(mid, false) {
                Some(found) => {
                    lo = mid;
                    best = found;
                }
                None => hi = mid,
            }
        }
        (lo, best)
    } else if let Some(found) = attempt(min, true) {
        // Only at the smallest size may a word be broken inside.
        (min, found)
    } else {
        return Err(FitError::DoesNotFit { min_size: min });
    };

    let ranges = balance(text, ranges, max_width, size, pad, placement);
    Ok(place(text, &ranges, size, pad, placement))
}

/// Fills lines greedily at break opportunities (and, in an emergency, between any two
/// graphemes). `None` if some piece between two opportunities is wider than `max_width`.
fn break_lines(text: &ShapedText, max_width: f32, emergency: bool) -> Option<Vec<Range<usize>>> {
    if max_width <= 0.0 {
        return None;
    }
    let mut opportunities: Vec<(usize, BreakOpportunity)> = text.breaks.clone();
    if emergency {
        opportunities.extend(
            text.graphemes
                .iter()
                .map(|&g| (g, BreakOpportunity::Allowed)),
        );
        opportunities.sort_by_key(|&(at, kind)| (at, kind == BreakOpportunity::Allowed));
        opportunities.dedup_by_key(|&mut (at, _)| at);
    }
    let mut lines = Vec::new();
    let mut start = 0;
    let mut last_allowed: Option<usize> = None;
    let too_wide =
        |start: usize, end: usize| text.width(start..text.trim_end(start, end)) > max_width;
    for (at, kind) in opportunities {
        if too_wide(start, at) {
            let allowed = last_allowed.take()?;
            lines.push(start..text.trim_end(start, allowed));
            start = allowed;
            if too_wide(start, at) {
                return None;
            }
        }
        match kind {
            BreakOpportunity::Mandatory => {
                lines.push(start..text.trim_end(start, at));
                start = at;
                last_allowed = None;
            }
            BreakOpportunity::Allowed => last_allowed = Some(at),
        }
    }
    Some(lines)
}

/// Whether these lines fit at `size`, judged by their ink as well as their advances.
fn fits(
    text: &ShapedText,
    ranges: &[Range<usize>],
    size: f32,
    pad: f32,
    placement: &Placement,
) -> bool {
    if ranges.len() > placement.max_lines {
        return false;
    }
    let max_width = placement.area.width() / size - 2.0 * pad;
    let lines: Vec<Line> = ranges.iter().map(|r| measure(text, r.clone())).collect();
    lines.iter().all(|l| l.x1 - l.x0 <= max_width)
        && block_height(&lines) + 2.0 * pad <= placement.area.height() / size
}

/// Evens out the lines: the narrowest width that still needs no more lines than found.
fn balance(
    text: &ShapedText,
    ranges: Vec<Range<usize>>,
    max_width: f32,
    size: f32,
    pad: f32,
    placement: &Placement,
) -> Vec<Range<usize>> {
    if ranges.len() < 2 {
        return ranges;
    }
    let count = ranges.len();
    let (mut lo, mut hi, mut best) = (max_width / count as f32, max_width, ranges);
    for _ in 0..10 {
        let mid = (lo + hi) / 2.0;
        match break_lines(text, mid, false) {
            Some(r) if r.len() <= count && fits(text, &r, size, pad, placement) => {
                hi = mid;
                best = r;
            }
            _ => lo = mid,
        }
    }
    best
}

/// Lays out one line: its runs in visual order (Unicode bidi, rule L2) and their extents.
fn measure(text: &ShapedText, range: Range<usize>) -> Line {
    let pieces: Vec<_> = text
        .runs
        .iter()
        .filter(|r| r.range.start < range.end && range.start < r.range.end)
        .map(|r| {
            let glyphs: Vec<ShapedGlyph> = r
                .glyphs
                .iter()
                .filter(|g| range.contains(&g.cluster))
                .copied()
                .collect();
            (r.face, r.level, glyphs)
        })
        .collect();
    let levels: Vec<_> = pieces.iter().map(|p| p.1).collect();
    let order = BidiInfo::reorder_visual(&levels);

    let mut line = Line {
        glyphs: Vec::new(),
        x0: 0.0,
        x1: 0.0,
        top: 0.0,
        bottom: 0.0,
        rtl: text.is_rtl_at(range.start),
    };
    let mut pen = 0.0f32;
    let mut inked = false;
    for i in order {
        let (face, level, glyphs) = &pieces[i];
        for g in glyphs {
            if let Some(ink) = g.ink {
                let x = pen + g.dx;
                line.x0 = line.x0.min(x + ink.x0);
                line.x1 = line.x1.max(x + ink.x1);
                line.top = line.top.max(ink.y1 + g.dy);
                line.bottom = line.bottom.max(-(ink.y0 + g.dy));
                inked = true;
            }
            line.glyphs.push((*face, *g, pen, level.is_rtl()));
            pen += g.advance;
        }
    }
    line.x1 = line.x1.max(pen);
    if !inked {
        line.top = EMPTY_LINE_TOP_EM;
    }
    line
}

/// Height of a block of lines, first ink top to last ink bottom, in ems.
fn block_height(lines: &[Line]) -> f32 {
    let Some(first) = lines.first() else {
        return 0.0;
    };
    let between: f32 = lines
        .windows(2)
        .map(|w| w[0].bottom + LINE_GAP_EM + w[1].top)
        .sum();
    first.top + between + lines[lines.len() - 1].bottom
}

fn place(
    text: &ShapedText,
    ranges: &[Range<usize>],
    size: f32,
    pad: f32,
    placement: &Placement,
) -> Layout {
    let area = placement.area;
    let lines: Vec<Line> = ranges.iter().map(|r| measure(text, r.clone())).collect();
    let height = block_height(&lines) * size;
    let pad_px = pad * size;
    let top = match placement.anchor {
        Anchor::Top => area.y0 + pad_px,
        Anchor::Middle => area.y0 + (area.height() - height) / 2.0,
        Anchor::Bottom => area.y1 - pad_px - height,
    };

    let mut glyphs = Vec::new();
    let mut ink = Rect {
        x0: f32::MAX,
        y0: top - pad_px,
        x1: f32::MIN,
        y1: top + height + pad_px,
    };
    let mut baseline = top;
    for (i, line) in lines.iter().enumerate() {
        baseline += if i == 0 {
            line.top
        } else {
            lines[i - 1].bottom + LINE_GAP_EM + line.top
        } * size;
        let width = (line.x1 - line.x0) * size;
        let align = match (placement.align, line.rtl) {
            (Align::Start, false) | (Align::End, true) => Align::Left,
            (Align::Start, true) | (Align::End, false) => Align::Right,
            (other, _) => other,
        };
        let left = match align {
            Align::Left => area.x0 + pad_px,
            Align::Right => area.x1 - pad_px - width,
            _ => area.x0 + (area.width() - width) / 2.0,
        };
        let origin = left - line.x0 * size;
        ink.x0 = ink.x0.min(left - pad_px);
        ink.x1 = ink.x1.max(left + width + pad_px);
        glyphs.extend(line.glyphs.iter().map(|&(face, g, pen, _)| Placed {
            face,
            id: g.id,
            cluster: g.cluster,
            x: origin + (pen + g.dx) * size,
            y: baseline - g.dy * size,
        }));
    }
    if glyphs.is_empty() {
        ink.x0 = area.x0;
        ink.x1 = area.x0;
    }
    Layout {
        size,
        outline: pad_px,
        glyphs,
        ink,
        area,
        lines: lines.len(),
        drawn: lines
            .iter()
            .zip(ranges)
            .map(|(line, range)| drawn_text(text, line, range.end))
            .collect(),
    }
}

/// A line's text in drawing order, left to right: each cluster's characters once, where
/// its first glyph is drawn, and those of a right-to-left run last first (by grapheme). A
/// cluster runs from its first byte to the next cluster of the line (or the line's end),
/// so characters shaped into another's glyph are kept with it.
fn drawn_text(text: &ShapedText, line: &Line, end: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    let mut starts: Vec<usize> = line.glyphs.iter().map(|(_, g, _, _)| g.cluster).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut seen = vec![false; starts.len()];
    let mut out = String::new();
    for &(_, g, _, rtl) in &line.glyphs {
        let Ok(at) = starts.binary_search(&g.cluster) else {
            continue;
        };
        if std::mem::replace(&mut seen[at], true) {
            continue;
        }
        let next = starts.get(at + 1).copied().unwrap_or(end).max(g.cluster);
        let cluster = &text.text[g.cluster..next];
        if rtl {
            out.extend(cluster.graphemes(true).rev());
        } else {
            out.push_str(cluster);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fonts::FontChoice;
    use crate::render::shape::shape;

    fn placement(w: f32, h: f32) -> Placement {
        Placement {
            area: Rect {
                x0: 10.0,
                y0: 20.0,
                x1: 10.0 + w,
                y1: 20.0 + h,
            },
            align: Align::Center,
            anchor: Anchor::Top,
            max_lines: 3,
            outline: true,
            min_size: 12.0,
        }
    }

    #[test]
    fn longer_captions_get_smaller_type() {
        let p = placement(1000.0, 250.0);
        let short = fit(&shape("HOPE", FontChoice::Auto).unwrap(), &p).unwrap();
        let long = fit(
            &shape(
                "HOPE IS PRICELESS FOR EVERYTHING ELSE THERE IS THE BALLOT",
                FontChoice::Auto,
            )
            .unwrap(),
            &p,
        )
        .unwrap();
        assert!(
            short.size > long.size * 1.5,
            "{} vs {}",
            short.size,
            long.size
        );
        assert!(long.lines >= 2);
    }

    #[test]
    fn ink_stays_inside_the_box() {
        let p = placement(600.0, 180.0);
        let layout = fit(
            &shape("WHEN THE JALSA STARTS ON TIME", FontChoice::Auto).unwrap(),
            &p,
        )
        .unwrap();
        assert!(layout.ink.x0 >= p.area.x0 - 0.01 && layout.ink.x1 <= p.area.x1 + 0.01);
        assert!(layout.ink.y0 >= p.area.y0 - 0.01 && layout.ink.y1 <= p.area.y1 + 0.01);
    }

    #[test]
    fn explicit_newlines_are_kept_and_counted() {
        let p = placement(1000.0, 300.0);
        let two = fit(&shape("A\nB", FontChoice::Auto).unwrap(), &p).unwrap();
        assert_eq!(two.lines, 2);
        let four = fit(&shape("A\nB\nC\nD", FontChoice::Auto).unwrap(), &p);
        assert_eq!(
            four.unwrap_err(),
            FitError::TooManyLines { lines: 4, max: 3 }
        );
    }

    #[test]
    fn drawn_lines_are_in_display_order() {
        let p = placement(1000.0, 300.0);
        // A right-to-left override shows "rohc" as "chor"; the Urdu reads right to left,
        // so its letters are drawn last first.
        let layout = fit(
            &shape("\u{202E}ROHC\u{202C} \nوہ", FontChoice::Auto).unwrap(),
            &p,
        )
        .unwrap();
        let drawn: Vec<String> = layout
            .drawn
            .iter()
            .map(|l| {
                l.chars()
                    .filter(|c| !c.is_control() && c.is_alphabetic())
                    .collect()
            })
            .collect();
        assert_eq!(drawn, ["CHOR", "ہو"]);
    }

    #[test]
    fn a_long_word_shrinks_before_it_breaks() {
        let p = placement(400.0, 200.0);
        let layout = fit(
            &shape("SUPERCALIFRAGILISTIC", FontChoice::Auto).unwrap(),
            &p,
        )
        .unwrap();
        assert_eq!(layout.lines, 1);
        let endless = "X".repeat(400);
        let p = placement(100.0, 60.0);
        assert!(matches!(
            fit(&shape(&endless, FontChoice::Auto).unwrap(), &p),
            Err(FitError::DoesNotFit { .. })
        ));
    }
}
