//! Every script our supporters write: Urdu and Arabic shaped as HarfBuzz shapes them, mixed
//! lines in the right visual order, colour emoji, fallback for other alphabets.

mod common;

use std::process::Command;

use common::{decode, flat_template, remix};
use image::{GrayImage, Luma, imageops};
use jalsa::render::fonts::{FaceId, FontChoice};
use jalsa::render::template::{Align, Anchor, BoxStyle};
use jalsa::render::{
    Color, Format, Outline, Remix, RenderError, Rendered, Renderer, Style, Template, TextBox,
    layouts,
};

fn wide_box() -> TextBox {
    TextBox {
        x: 0.02,
        y: 0.04,
        width: 0.96,
        height: 0.92,
        align: Align::Center,
        anchor: Anchor::Middle,
        max_lines: 1,
        style: BoxStyle::default(),
    }
}

/// Black text on white, no outline: what a reference rendering looks like.
fn plain(caption: &str, font: FontChoice) -> Remix {
    let mut r = remix(&[caption], Format::Png, None);
    r.style = Style {
        color: Some(Color::BLACK),
        outline: Some(Outline(None)),
        font: Some(font),
        uppercase: Some(false),
    };
    r
}

/// A white photo with one [`wide_box`].
fn on_white(width: u32, height: u32) -> Template {
    flat_template(width, height, [255, 255, 255], vec![wide_box()])
}

/// `text` drawn on `t` in the fonts chosen for it.
fn draw(t: &Template, text: &str) -> Result<Rendered, RenderError> {
    Renderer::new().render(t, &plain(text, FontChoice::Auto))
}

/// Ink (dark pixels) cropped to its bounding box, scaled to `size`, binarised.
fn ink_mask(image: &GrayImage, size: Option<(u32, u32)>) -> GrayImage {
    let inked: Vec<(u32, u32)> = image
        .enumerate_pixels()
        .filter(|(_, _, p)| p.0[0] < 128)
        .map(|(x, y, _)| (x, y))
        .collect();
    assert!(!inked.is_empty(), "no ink at all");
    let x0 = inked.iter().map(|p| p.0).min().unwrap();
    let x1 = inked.iter().map(|p| p.0).max().unwrap();
    let y0 = inked.iter().map(|p| p.1).min().unwrap();
    let y1 = inked.iter().map(|p| p.1).max().unwrap();
    let crop = imageops::crop_imm(image, x0, y0, x1 - x0 + 1, y1 - y0 + 1).to_image();
    // About 40 px tall, keeping the shape, unless told to match another mask.
    let (width, height) = size.unwrap_or_else(|| {
        (
            ((crop.width() as f32 * 40.0 / crop.height() as f32).round() as u32).max(1),
            40,
        )
    });
    let small = imageops::resize(&crop, width, height, imageops::FilterType::Triangle);
    GrayImage::from_fn(width, height, |x, y| {
        Luma([u8::from(small.get_pixel(x, y).0[0] < 128)])
    })
}

fn iou(a: &GrayImage, b: &GrayImage) -> f64 {
    let w = a.width().max(b.width());
    let at = |m: &GrayImage, x: u32, y: u32| x < m.width() && m.get_pixel(x, y).0[0] == 1;
    let (mut inter, mut union) = (0u32, 0u32);
    for y in 0..a.height() {
        for x in 0..w {
            let (p, q) = (at(a, x, y), at(b, x, y));
            inter += u32::from(p && q);
            union += u32::from(p || q);
        }
    }
    f64::from(inter) / f64::from(union.max(1))
}

fn hb_view(font: &str, text: &str, size: u32, language: Option<&str>) -> Option<GrayImage> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hb.png");
    let mut cmd = Command::new("hb-view");
    cmd.arg(format!("--font-size={size}"))
        .args([
            "--margin=16",
            "--background=FFFFFF",
            "--foreground=000000",
            "-O",
            "png",
            "-o",
        ])
        .arg(&out)
        .arg(common::repo().join("fonts").join(font))
        .arg(text);
    if let Some(lang) = language {
        cmd.arg(format!("--language={lang}"));
    }
    let status = cmd.status().ok()?;
    assert!(status.success(), "hb-view failed");
    Some(image::open(&out).unwrap().into_luma8())
}

#[test]
fn urdu_and_arabic_match_harfbuzz() {
    if Command::new("hb-view").arg("--version").output().is_err() {
        common::skipped(
            "SKIPPED urdu_and_arabic_match_harfbuzz: hb-view not installed (apt-get install libharfbuzz-bin)",
        );
        return;
    }
    // hb-view cuts every glyph off 1 em above its own origin, which crops the tall stroke of
    // Nastaliq's kaf and gaf when the cascade raises them; the Urdu phrases here avoid those
    // two letters so the reference is whole (kaf is checked on its own below).
    let cases = [
        (
            "زندہ باد",
            FontChoice::Auto,
            "NotoNastaliqUrdu-Bold.ttf",
            Some("ur"),
        ),
        (
            "عمران خان",
            FontChoice::Nastaliq,
            "NotoNastaliqUrdu-Bold.ttf",
            Some("ur"),
        ),
        (
            "ووٹ دو",
            FontChoice::Auto,
            "NotoNastaliqUrdu-Bold.ttf",
            Some("ur"),
        ),
        (
            "انصاف اور عزت",
            FontChoice::Auto,
            "NotoNastaliqUrdu-Bold.ttf",
            Some("ur"),
        ),
        (
            "تحریک انصاف",
            FontChoice::Auto,
            "NotoNastaliqUrdu-Bold.ttf",
            Some("ur"),
        ),
        (
            "السلام عليكم",
            FontChoice::Naskh,
            "NotoNaskhArabic-Bold.ttf",
            None,
        ),
        (
            "الحرية والعدالة",
            FontChoice::Naskh,
            "NotoNaskhArabic-Bold.ttf",
            None,
        ),
        (
            "تحریک انصاف",
            FontChoice::NotoSans,
            "NotoSansArabic-Black.ttf",
            None,
        ),
    ];
    let t = on_white(1400, 260);
    let renderer = Renderer::new();
    for (text, font, file, language) in cases {
        let r = plain(text, font);
        let size = layouts(&t, &r).unwrap()[0].size;
        assert!(
            size >= 72.0,
            "{text}: rendered at {size} px, below the 72 px the comparison needs"
        );
        let ours = decode(&renderer.render(&t, &r).unwrap().bytes);
        let ours = imageops::grayscale(&ours);
        let reference = hb_view(file, text, size.round() as u32, language).unwrap();
        let reference = ink_mask(&reference, None);
        let score = iou(&ink_mask(&ours, Some(reference.dimensions())), &reference);
        if let Some(dir) = std::env::var_os("JALSA_DEBUG_DIR") {
            let dir = std::path::PathBuf::from(dir);
            ours.save(dir.join(format!("{text}-ours.png"))).unwrap();
        }
        assert!(
            score >= 0.85,
            "{text} in {file}: IoU {score:.3} against HarfBuzz"
        );
    }
    // The measure tells shaped text from unjoined letters: the same letters with spaces
    // between them score far below the bar.
    let r = plain("ز ن د ہ ب ا د", FontChoice::Auto);
    let size = layouts(&t, &r).unwrap()[0].size;
    let unjoined = imageops::grayscale(&decode(&renderer.render(&t, &r).unwrap().bytes));
    let reference = ink_mask(
        &hb_view(
            "NotoNastaliqUrdu-Bold.ttf",
            "زندہ باد",
            size.round() as u32,
            Some("ur"),
        )
        .unwrap(),
        None,
    );
    let score = iou(
        &ink_mask(&unjoined, Some(reference.dimensions())),
        &reference,
    );
    assert!(score < 0.6, "unjoined letters scored {score:.3}");
}

/// The x of the first glyph drawn for the text starting at byte `at`.
fn x_of(caption: &str, needle: &str) -> f32 {
    let t = on_white(1400, 260);
    let layout = &layouts(&t, &plain(caption, FontChoice::Auto)).unwrap()[0];
    let at = caption.find(needle).unwrap();
    let range = at..at + needle.len();
    layout
        .glyphs
        .iter()
        .filter(|g| range.contains(&g.cluster))
        .map(|g| g.x)
        .fold(f32::NAN, f32::min)
}

/// Asserts that `words` are drawn left to right in `line`, in this order; `why` names what
/// a failure means.
fn assert_left_to_right(line: &str, words: &[&str], why: &str) {
    for pair in words.windows(2) {
        assert!(
            x_of(line, pair[0]) < x_of(line, pair[1]),
            "{why}: in {line:?}, {:?} is not left of {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn mixed_lines_keep_their_words_in_visual_order() {
    // An English sentence with Urdu inside: English runs left to right, the Urdu words
    // right to left within it.
    assert_left_to_right(
        "Vote زندہ باد Khan",
        &["Vote", "باد", "زندہ", "Khan"],
        "Urdu words in the wrong order",
    );
    // An Urdu sentence with English inside: it starts at the right.
    assert_left_to_right(
        "زندہ Imran Khan باد",
        &["باد", "Imran", "Khan", "زندہ"],
        "English words reversed",
    );
    // The sentence of the brief: the "!" ends the English sentence, on the far right.
    assert_left_to_right(
        "Imran Khan زندہ باد!",
        &["Khan", "باد", "!"],
        "the \"!\" is not at the end",
    );
}

#[test]
fn start_alignment_follows_the_paragraph_direction() {
    let b = TextBox {
        align: Align::Start,
        max_lines: 1,
        ..wide_box()
    };
    let t = flat_template(1400, 260, [255, 255, 255], vec![b]);
    let urdu = &layouts(&t, &plain("زندہ باد", FontChoice::Auto)).unwrap()[0];
    let english = &layouts(&t, &plain("long live", FontChoice::Auto)).unwrap()[0];
    assert!(
        urdu.ink.x1 > 1300.0 && urdu.ink.x0 > 500.0,
        "Urdu start is not the right edge"
    );
    assert!(
        english.ink.x0 < 100.0 && english.ink.x1 < 900.0,
        "English start is not the left edge"
    );
}

#[test]
fn emoji_are_drawn_in_colour() {
    let t = on_white(600, 300);
    let out = draw(&t, "🇵🇰 ✊🏽").unwrap();
    let img = decode(&out.bytes);
    let green = img
        .pixels()
        .filter(|p| p.0[1] > 80 && p.0[0] < 60 && p.0[2] < 90)
        .count();
    let skin = img
        .pixels()
        .filter(|p| {
            p.0[0] > 150 && p.0[1] > 90 && p.0[1] < 190 && p.0[2] < 140 && p.0[0] > p.0[2] + 40
        })
        .count();
    assert!(green > 1000, "the flag is not green ({green} px)");
    assert!(
        skin > 1000,
        "the raised fist is not in a medium skin tone ({skin} px)"
    );
    let layout = &layouts(&t, &plain("🇵🇰 ✊🏽", FontChoice::Auto)).unwrap()[0];
    let emoji: Vec<_> = layout
        .glyphs
        .iter()
        .filter(|g| g.face == FaceId::Emoji)
        .collect();
    assert_eq!(emoji.len(), 2, "flag and fist should be one picture each");
}

#[test]
fn other_alphabets_fall_back_to_noto_sans() {
    let t = on_white(800, 200);
    for text in ["ПРИВЕТ МИР", "Ελλάδα", "Tiếng Việt"] {
        let layout = &layouts(&t, &plain(text, FontChoice::Auto)).unwrap()[0];
        assert!(
            layout.glyphs.iter().all(|g| g.id != 0),
            "{text}: a missing glyph"
        );
        // Anton has Vietnamese; Cyrillic and Greek come from Noto Sans.
        let face = if text.starts_with('T') {
            FaceId::Anton
        } else {
            FaceId::NotoSans
        };
        assert!(
            layout.glyphs.iter().all(|g| g.face == face),
            "{text}: not all in {face:?}"
        );
        let img = decode(&draw(&t, text).unwrap().bytes);
        assert!(
            img.pixels().filter(|p| p.0[0] < 100).count() > 2000,
            "{text}: too little ink"
        );
    }
}

#[test]
fn a_character_no_font_has_is_named() {
    let t = on_white(800, 200);
    let err = draw(&t, "زندہ \u{10FFFD}").unwrap_err();
    assert!(matches!(
        err,
        RenderError::Unsupported {
            index: 1,
            ch: '\u{10FFFD}'
        }
    ));
    assert!(err.to_string().contains("U+10FFFD"), "{err}");
}

#[test]
fn uppercasing_leaves_urdu_untouched() {
    let t = on_white(800, 200);
    let mut r = plain("پاکستان زندہ باد", FontChoice::Auto);
    let lower = Renderer::new().render(&t, &r).unwrap().bytes;
    r.style.uppercase = Some(true);
    assert_eq!(Renderer::new().render(&t, &r).unwrap().bytes, lower);
    let mut mixed = plain("vote زندہ باد", FontChoice::Auto);
    mixed.style.uppercase = Some(true);
    let upper = &layouts(&t, &mixed).unwrap()[0];
    mixed.style.uppercase = Some(false);
    let kept = &layouts(&t, &mixed).unwrap()[0];
    let anton_ids = |l: &jalsa::render::Layout| -> Vec<u16> {
        l.glyphs
            .iter()
            .filter(|g| g.face == FaceId::Anton)
            .map(|g| g.id)
            .collect()
    };
    assert_ne!(
        anton_ids(upper),
        anton_ids(kept),
        "English was not uppercased"
    );
}

#[test]
fn nastaliq_lines_never_collide() {
    let b = TextBox {
        max_lines: 3,
        ..wide_box()
    };
    let t = flat_template(700, 500, [255, 255, 255], vec![b]);
    let r = plain("پاکستان کا مطلب کیا\nلا الہ الا اللہ", FontChoice::Auto);
    let layout = &layouts(&t, &r).unwrap()[0];
    assert_eq!(layout.lines, 2);
    let img = imageops::grayscale(&decode(&Renderer::new().render(&t, &r).unwrap().bytes));
    let inked_rows: Vec<bool> = (0..img.height())
        .map(|y| (0..img.width()).any(|x| img.get_pixel(x, y).0[0] < 200))
        .collect();
    let first = inked_rows.iter().position(|&r| r).unwrap();
    let last = inked_rows.iter().rposition(|&r| r).unwrap();
    // Two lines mean a band of clean rows somewhere between the first ink and the last.
    let gap = inked_rows[first..=last].iter().filter(|&&r| !r).count();
    assert!(
        gap >= 3,
        "the two lines touch ({gap} clean rows between them)"
    );
}
