//! The blocklist judges captions as they are drawn: corpora of captions that must never be
//! held and of disguised phrases that must always be, in `tests/blocklist/`, so that more
//! can be added without code.

mod common;

use std::sync::Arc;

use common::template;
use jalsa::blocklist::{Blocklist, Entry, Held};
use jalsa::render::{self, Format, Remix, Style, Template};

/// A corpus file's lines, without comments and blank lines, with `\u{...}` escapes
/// written out.
fn lines(name: &str) -> Vec<String> {
    let path = format!("{}/tests/blocklist/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(unescape)
        .collect()
}

/// `\u{XXXX}` as the character, `\n` as a new line.
fn unescape(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("\\n") {
            out.push('\n');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("\\u{") {
            let end = after.find('}').expect("\\u{ closed");
            let code = u32::from_str_radix(&after[..end], 16).expect("hex code point");
            out.push(char::from_u32(code).expect("a character"));
            rest = &after[end + 1..];
        } else {
            out.push('\\');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The corpus blocklist, from `phrases.txt`.
fn blocklist() -> Blocklist {
    Blocklist::new(lines("phrases.txt").into_iter().map(|line| {
        let (phrase, variants) = line.split_once(':').unwrap_or((&line, ""));
        Entry {
            phrase: phrase.trim().to_owned(),
            variants: variants
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }))
}

/// What the service finds in a remix of `photo` with these captions: the captions as
/// typed, then as drawn. `Err` if the renderer refuses them (so nothing is drawn).
fn held(photo: &Template, list: &Blocklist, captions: &[String]) -> Result<Option<Held>, String> {
    if let Some(held) = list.check(captions) {
        return Ok(Some(held));
    }
    let remix = Remix {
        captions: captions.to_vec(),
        style: Style::default(),
        format: Format::Jpeg,
        width: Some(800),
    };
    let drawn = render::drawn(photo, &remix).map_err(|e| e.to_string())?;
    Ok(list.check_drawn(&drawn))
}

/// The photo the corpora are drawn on: two wide boxes, top and bottom.
fn rocket() -> Arc<Template> {
    template("rocket")
}

fn boxes(line: &str) -> Vec<String> {
    line.split(" | ").map(str::to_owned).collect()
}

#[test]
fn allowed_captions_are_never_held() {
    let (photo, list) = (rocket(), blocklist());
    let mut wrong = Vec::new();
    for line in lines("allowed.txt") {
        match held(&photo, &list, &boxes(&line)) {
            Ok(None) => {}
            Ok(Some(h)) => wrong.push(format!("{line:?} held: {h:?}")),
            Err(e) => wrong.push(format!("{line:?} not drawn: {e}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn disguised_phrases_are_always_held() {
    let (photo, list) = (rocket(), blocklist());
    let mut missed = Vec::new();
    for line in lines("disguised.txt") {
        let (class, caption) = line.split_once(": ").expect("class: caption");
        match held(&photo, &list, &boxes(caption)) {
            Ok(Some(_)) => {}
            Ok(None) => missed.push(format!("{class}: {caption:?}")),
            Err(e) => missed.push(format!("{class}: {caption:?} not drawn: {e}")),
        }
    }
    assert!(missed.is_empty(), "let through:\n{}", missed.join("\n"));
}

/// A phrase that only the order the renderer draws in shows is found by the drawn check,
/// and named as such.
#[test]
fn display_order_is_named() {
    let (photo, list) = (rocket(), blocklist());
    let captions = vec![String::from("wo to \u{202E}rohc\u{202C} hai")];
    assert_eq!(list.check(&captions), None, "not in the typed order");
    let found = held(&photo, &list, &captions)
        .unwrap()
        .expect("held as drawn");
    assert_eq!(found.phrase, "chor");
    assert!(
        found
            .how
            .contains(&jalsa::blocklist::Disguise::DisplayOrder)
    );
}

/// Numbers are never read as letters, however a blocked word might look in digits.
#[test]
fn numbers_are_not_words() {
    let (photo, list) = (
        rocket(),
        Blocklist::of_phrases(["loo", "lol", "bob", "zoo", "sos"]),
    );
    for caption in ["100", "101", "808", "200", "505", "1,001", "10 0", "٥٠٥"] {
        assert_eq!(
            held(&photo, &list, &[caption.to_owned()]),
            Ok(None),
            "{caption}"
        );
    }
    assert!(
        list.check(&["l00".to_owned()]).is_some(),
        "digits in a word are letters"
    );
}
