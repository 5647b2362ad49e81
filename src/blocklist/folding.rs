//! [`fold`]: text as blocklist matching sees it, with invisible characters dropped and
//! look-alike letters, accents and the Arabic forms of Urdu letters undone, so that a
//! disguised spelling of a phrase reads as the phrase.

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_security::skeleton;

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
    use crate::blocklist::Blocklist;
    use proptest::prelude::*;

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
