//! The supporter pages, one file each: home, the remix form, the share page, the delete
//! link, the gallery. This file holds what they share (tiles, captions as text). They work
//! without JavaScript; `app.js` adds the live preview and copy-to-clipboard.

mod delete;
mod form;
mod gallery;
mod home;
mod share;

pub(crate) use delete::{delete, delete_page};
pub(crate) use form::{Choice, area_choices, draft, form, submit, to_share_page, wants_json};
pub(crate) use gallery::gallery;
pub(crate) use home::home;
pub(crate) use share::{copied, report, share, share_on};

use super::AppState;
use super::i18n::Locale;
use super::images::{PHONE_PHOTO_WIDTH, PHOTO_WIDTHS};
use crate::db::{RemixRow, RenditionKind};
use crate::render::Template;

/// A remix as a card in a grid.
pub(crate) struct Tile {
    id: String,
    image: String,
    srcset: String,
    alt: String,
    width: u32,
    height: u32,
    /// Its width in CSS pixels in the home page's strip, where it is 140 px tall.
    strip_width: u32,
}

pub(crate) fn tile(state: &AppState, l: &Locale, row: &RemixRow) -> Tile {
    let image = format!("/i/{}.{}", row.id, row.format.extension());
    Tile {
        id: row.id.to_string(),
        srcset: remix_srcset(row, &image),
        image,
        alt: alt_text(state, l, row),
        width: row.width,
        height: row.height,
        strip_width: (140 * row.width).div_ceil(row.height.max(1)),
    }
}

/// `srcset` for a remix's picture: its narrower copies (made once, stored) and itself.
pub(crate) fn remix_srcset(row: &RemixRow, image: &str) -> String {
    let mut widths = vec![];
    let mut set: Vec<String> = RenditionKind::SIZES
        .iter()
        .filter_map(|kind| {
            let w = kind.width_for(row.width)?;
            (w < row.width && !widths.contains(&w)).then(|| {
                widths.push(w);
                format!("/i/{}/{}.jpg {w}w", row.id, kind.as_str())
            })
        })
        .collect();
    set.push(format!("{image} {}w", row.width));
    set.join(", ")
}

/// An official photo on the home page, offered at the widths a grid cell needs.
pub(crate) struct PhotoTile {
    id: String,
    title: String,
    alt: String,
    src: String,
    srcset: String,
    /// The copy a phone's home page shows, whatever its pixel density.
    phone: String,
    width: u32,
    height: u32,
}

pub(crate) fn photo_tile(l: &Locale, t: &Template) -> PhotoTile {
    let (width, height) = t.size();
    let url = |w: Option<u32>| match w {
        Some(w) => format!("/photos/{}?v={}&w={w}", t.id, t.photo_version()),
        None => format!("/photos/{}?v={}", t.id, t.photo_version()),
    };
    let mut set: Vec<String> = PHOTO_WIDTHS
        .iter()
        .filter(|&&w| w < width && w != PHONE_PHOTO_WIDTH)
        .map(|&w| format!("{} {w}w", url(Some(w))))
        .collect();
    set.push(format!("{} {width}w", url(None)));
    PhotoTile {
        id: t.id.to_string(),
        title: l.photo_title(&t.spec).to_owned(),
        alt: l.photo_alt(&t.spec).to_owned(),
        src: url(PHOTO_WIDTHS[1..].iter().copied().find(|&w| w < width)),
        phone: url(Some(PHONE_PHOTO_WIDTH).filter(|&w| w < width)),
        srcset: set.join(", "),
        width,
        height,
    }
}

/// The captions a remix shows in text (titles, share tags, alt text): as plain text,
/// empty boxes left out.
pub(crate) fn shown_captions(row: &RemixRow) -> Vec<String> {
    row.captions
        .iter()
        .map(|c| plain_text(c))
        .filter(|c| !c.is_empty())
        .collect()
}

/// A caption made safe to put in a title or a tag: control characters (NUL, line breaks)
/// and the bidi embedding, override and isolate controls removed, since a crawler or a
/// browser tab would show them raw or let them reorder the text around them; runs of space
/// made one. Joiners stay: emoji and Urdu need them.
pub fn plain_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| {
            !c.is_control()
                && !matches!(
                    c,
                    '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}'
                        | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
                )
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Captions joined for plain text (a title, a tag, alt text, a share message), each one
/// isolated between FSI and PDI: an Urdu caption beside an English one ("8 Feb - be
/// there!") keeps its own order instead of being reordered by its neighbour's direction.
/// HTML shows each caption in its own `<bdi>` instead.
pub fn isolated(captions: &[String]) -> String {
    captions
        .iter()
        .map(|c| format!("\u{2068}{c}\u{2069}"))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Alt text made from the captions and the photo's own description.
pub(crate) fn alt_text(state: &AppState, l: &Locale, row: &RemixRow) -> String {
    let captions = shown_captions(row);
    let photo = state
        .remixer
        .template(&row.template)
        .map(|t| l.photo_alt(&t.spec).to_owned())
        .unwrap_or_default();
    match (captions.is_empty(), photo.is_empty()) {
        (true, _) => photo,
        (false, true) => isolated(&captions),
        (false, false) => l.t2(
            "remix-alt",
            "captions",
            isolated(&captions),
            "photo",
            lowercase_first(&photo),
        ),
    }
}

pub(crate) fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The cookie that carries a new remix's delete link from the form to its share page:
/// `{id}.{token}`, for that page only, for ten minutes.
pub(crate) const MADE_COOKIE: &str = "jalsa_made";
