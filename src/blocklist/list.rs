//! [`Blocklist`], the public way in: staff's [`Entry`]s compiled into forms for both
//! reading modes, and the checks of captions as typed, as drawn and of any other text.

use std::sync::Arc;

use super::display::{displayed, read_displayed};
use super::folding::fold;
use super::held::{Disguise, Held, Hows};
use super::matching::{Form, Forms, Reading, both};
use super::pieces::pieces;
use super::spelling::{Mode, canonical};
use crate::render::shape::clean;

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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn phrases_without_words_are_left_out() {
        let list = Blocklist::of_phrases(["chor", "chor hai", "!!!", "\u{200B}"]);
        assert_eq!(list.0.plain.forms.len(), 2);
        assert_eq!(list.check(&[]), None);
        assert!(!list.matches(""));
    }
}
