//! A word's canonical spelling in each reading [`Mode`]: digits, symbols and Arabic-script
//! letters read as the Latin letters they pass for, Roman Urdu spelled loosely, and the
//! plural endings a phrase's last word may take.

use super::held::{Disguise, Hows};

/// Which way a reading of the text was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// Words cut at every space and mark.
    Plain,
    /// Letters strung together across punctuation and single spaces, digits and symbols
    /// read as letters.
    Glued,
}

/// The letter a symbol stands for in glued reading.
pub(super) fn stands_for(c: char) -> Option<char> {
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

/// A piece's canonical form in a reading mode, and the disguises undone to get it.
///
/// A piece with no letters (100, 2024, 8) is its digits' values, Arabic-Indic digits as
/// ASCII: numbers are never read as letters. Glued, a piece with Latin letters reads its
/// digits, symbols and Arabic-script look-alikes as the letters they pass for, and i and
/// l as one letter. Latin letters are then spelled loosely, as Roman Urdu is: ee as i, oo
/// as u, w as v, q as k, and a doubled letter as one.
pub(super) fn canonical(piece: &str, mode: Mode) -> (String, Hows) {
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
pub(super) fn plural(word: &str, token: &str) -> bool {
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
