//! Text in the order a reader reads it once displayed: bidi reordering as a browser does
//! it, then each right-to-left stretch read from its right end.

use unicode_bidi::{BidiClass, BidiInfo, bidi_class};
use unicode_segmentation::UnicodeSegmentation;

/// A text's paragraphs as a browser displays them, each as one line in the order its
/// characters are shown, left to right.
pub(super) fn displayed(text: &str) -> Vec<String> {
    let bidi = BidiInfo::new(text, None);
    bidi.paragraphs
        .iter()
        .map(|p| bidi.reorder_line(p, p.range.clone()).into_owned())
        .collect()
}

/// A displayed line (characters left to right) in the order a reader reads it: each
/// stretch of right-to-left letters, with the spaces and punctuation between them, is
/// read from its right end; everything else from the left.
pub(super) fn read_displayed(line: &str) -> String {
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
