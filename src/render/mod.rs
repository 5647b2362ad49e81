//! The renderer: an official photo and captions become image bytes.
//!
//! Pure and synchronous: no I/O, no async, no HTTP. The same template, captions, style and
//! options always give the same bytes in a build, which content-hash deduplication relies
//! on. The only state is a cache of template photos scaled to the widths asked for, with
//! their JPEG encodings for strip splicing (`scaled`).

/// Serde for a type written as text: its `Display` out, its `FromStr` in (the error as
/// the message).
macro_rules! serde_as_text {
    ($type:ty) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(d)?
                    .parse()
                    .map_err(serde::de::Error::custom)
            }
        }
    };
}

pub mod color;
pub mod draw;
pub mod encode;
pub mod fit;
pub mod fonts;
pub mod jpeg;
mod outline;
mod scaled;
pub mod shape;
pub mod template;

use image::{RgbImage, RgbaImage, imageops};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use color::{Color, Outline};
pub use encode::Format;
pub use fonts::FontChoice;
pub use template::{Template, TemplateId, TemplateSpec, TextBox};

use draw::{Canvas, Paint};
pub use fit::Layout;
use fit::{FitError, Placement, Rect};
use jpeg::{JpegBase, MCU_ROWS};
use scaled::{Scaled, ScaledPhotos};
use shape::TextError;

/// Changes whenever the same request would give different bytes: part of every request key.
/// 4: JPEG Huffman tables made for white and yellow sample captions (3: for white ones
/// alone; [`Renderer::render_as_version_3`] still draws a JPEG as version 3 did).
pub const RENDERER_VERSION: u32 = 4;
/// The longest caption, in characters.
pub const MAX_CAPTION_CHARS: usize = 200;
/// The widest output, in pixels.
pub const MAX_WIDTH: u32 = 2048;
/// The narrowest output, in pixels.
pub const MIN_WIDTH: u32 = 64;
/// The link-preview card's size, as Facebook and X ask for.
pub const CARD_SIZE: (u32, u32) = (1200, 630);
/// The largest card, in bytes: half of what every share crawler accepts, to spare
/// supporters' prepaid data.
pub const CARD_MAX_BYTES: usize = 150_000;
/// The largest live preview, in bytes: it is fetched at every pause in typing.
pub const PREVIEW_MAX_BYTES: usize = 40_000;
/// The profile-picture rendition: square, as Facebook and WhatsApp crop a profile photo.
pub const SQUARE_SIZE: (u32, u32) = (1080, 1080);
/// The story rendition: WhatsApp Status and Instagram Stories, 9:16.
pub const STORY_SIZE: (u32, u32) = (1080, 1920);
/// The most a square or story rendition weighs (quality steps down to fit).
pub const POSTED_MAX_BYTES: usize = 600_000;

/// Style asked for by a remix; anything left out (or null) is the box's own default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Style {
    /// Caption fill.
    pub color: Option<Color>,
    /// Caption outline, or none.
    pub outline: Option<Outline>,
    /// Faces.
    pub font: Option<FontChoice>,
    /// Whether cased scripts are uppercased.
    pub uppercase: Option<bool>,
}

/// Everything that decides a remix's picture, apart from the template.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Remix {
    /// One caption per text box, in box order; fewer captions leave boxes empty.
    pub captions: Vec<String>,
    /// Style asked for.
    pub style: Style,
    /// Output format.
    pub format: Format,
    /// Output width in pixels; `None` keeps the photo's width.
    pub width: Option<u32>,
}

/// A finished picture.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// Encoded image.
    pub bytes: Vec<u8>,
    /// Format of `bytes`.
    pub format: Format,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Why a remix cannot be rendered. Each names the caption (counting from 1) and the limit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    /// More captions than boxes.
    #[error("{given} captions were given; this photo has {boxes} text box{}", if *boxes == 1 { "" } else { "es" })]
    TooManyCaptions {
        /// Captions given.
        given: usize,
        /// Boxes in the template.
        boxes: usize,
    },
    /// A caption over the character limit.
    #[error("caption {index} has {chars} characters; the limit is {MAX_CAPTION_CHARS}")]
    CaptionTooLong {
        /// Which caption.
        index: usize,
        /// Its length.
        chars: usize,
    },
    /// A caption that cannot fit at a legible size.
    #[error(
        "caption {index} does not fit its box even at the smallest legible size ({min_size} px); shorten it"
    )]
    DoesNotFit {
        /// Which caption.
        index: usize,
        /// The smallest size tried.
        min_size: u32,
    },
    /// A caption with more lines than its box allows.
    #[error("caption {index} has {lines} lines; its box takes at most {max}")]
    TooManyLines {
        /// Which caption.
        index: usize,
        /// Lines asked for.
        lines: usize,
        /// The limit.
        max: usize,
    },
    /// A character no bundled font can draw.
    #[error("caption {index} contains {} ({ch:?}), which no bundled font can draw", codepoint(*ch))]
    Unsupported {
        /// Which caption.
        index: usize,
        /// The character.
        ch: char,
    },
    /// An output width outside the limits.
    #[error("width {width} is out of range; use {MIN_WIDTH} to {MAX_WIDTH} pixels")]
    BadWidth {
        /// The width asked for.
        width: u32,
    },
    /// An output whose height would be unreasonable for the photo's shape.
    #[error("the output would be {height} pixels tall; the limit is {MAX_HEIGHT}")]
    TooTall {
        /// The height it would have.
        height: u32,
    },
}

/// Widths besides a photo's own that are asked for often: the narrower copies of a remix,
/// the form's preview, and common sizes for sharing. Their JPEG encodings are worth
/// keeping in the blob store (see `Remixer::ready_jpeg`); at any other width one is made
/// in memory on first need.
pub const COMMON_WIDTHS: [u32; 5] = [240, 480, 800, 1200, 2048];

/// Whether `width` is the template photo's own or one of [`COMMON_WIDTHS`].
pub fn common_width(template: &Template, width: u32) -> bool {
    width == template.size().0.min(MAX_WIDTH) || COMMON_WIDTHS.contains(&width)
}

/// The tallest output, in pixels.
pub const MAX_HEIGHT: u32 = 4096;

pub(crate) fn codepoint(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

impl RenderError {
    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::TooManyCaptions { .. } => "too_many_captions",
            RenderError::CaptionTooLong { .. } => "caption_too_long",
            RenderError::DoesNotFit { .. } => "caption_does_not_fit",
            RenderError::TooManyLines { .. } => "too_many_lines",
            RenderError::Unsupported { .. } => "unsupported_character",
            RenderError::BadWidth { .. } => "bad_width",
            RenderError::TooTall { .. } => "bad_width",
        }
    }
}

/// The JPEG encoding of a scaled photo, prepared on first need.
fn jpeg_base(scaled: &Scaled) -> &JpegBase {
    scaled.jpeg.get_or_init(|| {
        JpegBase::prepare(
            &scaled.image,
            typical_remixes(&scaled.image, &TYPICAL_COLOURS),
        )
    })
}

/// The encoding renderer version 3 made of a scaled photo: its Huffman tables were made
/// for white sample captions alone.
fn version_3_jpeg_base(scaled: &Scaled) -> &JpegBase {
    scaled
        .version_3_jpeg
        .get_or_init(|| JpegBase::prepare(&scaled.image, typical_remixes(&scaled.image, &[None])))
}

/// The fills of the sample captions a photo's JPEG Huffman tables are made for: the
/// default (white) and yellow. Coloured captions carry chroma edges that white ones do
/// not: with tables made for white captions alone (renderer version 3), remixes in yellow
/// or the campaign's red took about 1% more bytes (up to 2.6% on one photo) than tables
/// made for them would give, against under 0.7% now.
const TYPICAL_COLOURS: [Option<Color>; 2] = [None, Some(Color::YELLOW)];

/// The pictures a photo's JPEG encoding is given Huffman tables for: the photo with a
/// caption in each of the classic places, a short one in English at the top and one in
/// Urdu at the bottom, in the default style with each of these fills. They depend on the
/// photo alone, not on a template's boxes, so that templates sharing a photo share its
/// encoding too. Drawn one at a time, as they are counted.
fn typical_remixes<'a>(
    photo: &'a RgbImage,
    fills: &'a [Option<Color>],
) -> impl Iterator<Item = RgbImage> + 'a {
    let boxes = [
        (0.03, template::Anchor::Top),
        (0.73, template::Anchor::Bottom),
    ]
    .map(|(y, anchor)| TextBox {
        x: 0.05,
        y,
        width: 0.9,
        height: 0.24,
        align: template::Align::Center,
        anchor,
        max_lines: 3,
        style: template::BoxStyle::default(),
    });
    let (width, height) = photo.dimensions();
    fills.iter().map(move |&color| {
        let remix = Remix {
            captions: vec!["Vote for change".into(), "ووٹ دو، پاکستان بدلو".into()],
            style: Style {
                color,
                ..Style::default()
            },
            format: Format::Jpeg,
            width: None,
        };
        // Too small a photo for these captions keeps the photo's own tables.
        let layouts = lay_out(&boxes, &remix, width, height).unwrap_or_default();
        compose(photo, &layouts)
    })
}

/// Renders remixes. Cheap to share between threads; holds the scaled-photo cache.
pub struct Renderer {
    photos: ScaledPhotos,
}

impl Default for Renderer {
    fn default() -> Self {
        Renderer::new()
    }
}

impl Renderer {
    /// A renderer that keeps up to 32 scaled photos.
    pub fn new() -> Renderer {
        Renderer {
            photos: ScaledPhotos::new(32),
        }
    }

    /// Renders a remix.
    pub fn render(&self, template: &Template, remix: &Remix) -> Result<Rendered, RenderError> {
        self.render_with(template, remix, jpeg_base)
    }

    /// Renders a remix as renderer version 3 did: a JPEG's Huffman tables made for white
    /// sample captions alone, so that a picture stored then, and lost since, can be drawn
    /// again to the same bytes. That encoding is prepared in memory on first need (as
    /// long as [`JpegBase::prepare`] takes) and never stored. Other formats are as
    /// [`Renderer::render`] gives them.
    pub fn render_as_version_3(
        &self,
        template: &Template,
        remix: &Remix,
    ) -> Result<Rendered, RenderError> {
        self.render_with(template, remix, version_3_jpeg_base)
    }

    fn render_with(
        &self,
        template: &Template,
        remix: &Remix,
        base: fn(&Scaled) -> &JpegBase,
    ) -> Result<Rendered, RenderError> {
        let (width, height) = output_size(template, remix.width)?;
        let layouts = lay_out(&template.spec.boxes, remix, width, height)?;
        let scaled = self.photos.scaled(template, width, height);
        let bytes = match remix.format {
            Format::Jpeg => splice(base(&scaled), &scaled.image, &layouts),
            Format::Png => encode::png(&compose(&scaled.image, &layouts)),
            Format::WebP => encode::webp(&compose(&scaled.image, &layouts)),
        };
        Ok(Rendered {
            bytes,
            format: remix.format,
            width,
            height,
        })
    }

    /// Whether the template's JPEG encoding at this output width is ready in memory, so
    /// a JPEG render there only encodes its caption rows.
    pub fn has_jpeg_base(
        &self,
        template: &Template,
        width: Option<u32>,
    ) -> Result<bool, RenderError> {
        let (width, height) = output_size(template, width)?;
        Ok(self
            .photos
            .cached(template, width)
            .is_some_and(|scaled| scaled.jpeg.get().is_some_and(|b| b.height() == height)))
    }

    /// The template's JPEG encoding at this output width, prepared if it is not in memory
    /// (a few hundred milliseconds; see [`JpegBase::prepare`]). Its bytes are what
    /// [`Renderer::install_jpeg_base`] takes to skip preparing it again.
    pub fn prepare_jpeg_base(
        &self,
        template: &Template,
        width: Option<u32>,
    ) -> Result<Vec<u8>, RenderError> {
        let (width, height) = output_size(template, width)?;
        let scaled = self.photos.scaled(template, width, height);
        Ok(jpeg_base(&scaled).bytes().to_vec())
    }

    /// Puts a stored JPEG encoding of the template at this output width in memory;
    /// `false` (and nothing changed) if it is not one this renderer would make there.
    pub fn install_jpeg_base(
        &self,
        template: &Template,
        width: Option<u32>,
        bytes: Vec<u8>,
    ) -> Result<bool, RenderError> {
        let (width, height) = output_size(template, width)?;
        let base = match JpegBase::from_bytes(bytes, width, height) {
            Ok(base) => base,
            Err(e) => {
                tracing::warn!(template = %template.id, width, "stored JPEG encoding refused: {e}");
                return Ok(false);
            }
        };
        let scaled = self.photos.scaled(template, width, height);
        let _ = scaled.jpeg.set(base);
        Ok(true)
    }

    /// Renders the form's live preview: as [`Renderer::render`], but a JPEG is encoded in
    /// one piece and within [`PREVIEW_MAX_BYTES`], with coarser steps where the picture
    /// needs them. Never stored, so no template encoding is kept for it.
    pub fn render_preview(
        &self,
        template: &Template,
        remix: &Remix,
    ) -> Result<Rendered, RenderError> {
        if remix.format != Format::Jpeg {
            return self.render(template, remix);
        }
        let (width, height) = output_size(template, remix.width)?;
        let layouts = lay_out(&template.spec.boxes, remix, width, height)?;
        let scaled = self.photos.scaled(template, width, height);
        Ok(Rendered {
            bytes: jpeg::encode_within(&compose(&scaled.image, &layouts), PREVIEW_MAX_BYTES),
            format: Format::Jpeg,
            width,
            height,
        })
    }

    /// Renders the 1200x630 link-preview card: the whole remix fitted inside, on a blurred,
    /// darkened copy of itself. A JPEG under [`CARD_MAX_BYTES`].
    pub fn render_card(&self, template: &Template, remix: &Remix) -> Result<Rendered, RenderError> {
        self.render_fitted(template, remix, CARD_SIZE, CARD_MAX_BYTES)
    }

    /// Renders the remix for a shape people post (a 1080x1080 profile picture, a 1080x1920
    /// story): the whole remix fitted inside, on a blurred, darkened copy of itself, as
    /// the card is. A JPEG of at most `max_bytes` where quality 40 allows it.
    pub fn render_fitted(
        &self,
        template: &Template,
        remix: &Remix,
        (card_w, card_h): (u32, u32),
        max_bytes: usize,
    ) -> Result<Rendered, RenderError> {
        let (pw, ph) = template.size();
        let fit_scale = (card_w as f32 / pw as f32).min(card_h as f32 / ph as f32);
        let width = ((pw as f32 * fit_scale).round() as u32).clamp(MIN_WIDTH, card_w);
        let (width, height) = output_size(template, Some(width))?;
        let layouts = lay_out(&template.spec.boxes, remix, width, height)?;
        let scaled = self.photos.scaled(template, width, height);
        let remix_pixels = compose(&scaled.image, &layouts);
        Ok(fitted(&remix_pixels, (card_w, card_h), max_bytes))
    }

    /// Renders a framed picture: the supporter's photo, already cut and scaled to the
    /// frame's size (drawn on in place), with the frame drawn over it and the captions in the frame's boxes.
    /// A JPEG, like a caption remix at its full width.
    pub fn render_framed(
        &self,
        frame: &Template,
        mut photo: RgbImage,
        captions: &[String],
    ) -> Result<Rendered, RenderError> {
        let (width, height) = frame.size();
        let remix = Remix {
            captions: captions.to_vec(),
            style: Style::default(),
            format: Format::Jpeg,
            width: Some(width),
        };
        let layouts = lay_out(&frame.spec.boxes, &remix, width, height)?;
        if let Some(overlay) = &frame.frame {
            over(&mut photo, overlay);
        }
        draw_all(&mut photo, &layouts);
        Ok(Rendered {
            bytes: jpeg::encode(&photo),
            format: Format::Jpeg,
            width,
            height,
        })
    }
}

/// The output size for a requested width, keeping the photo's aspect ratio.
pub fn output_size(template: &Template, width: Option<u32>) -> Result<(u32, u32), RenderError> {
    let (pw, ph) = template.size();
    let width = width.unwrap_or(pw.min(MAX_WIDTH));
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&width) {
        return Err(RenderError::BadWidth { width });
    }
    let height = ((u64::from(width) * u64::from(ph) + u64::from(pw) / 2) / u64::from(pw)).max(1);
    if height > u64::from(MAX_HEIGHT) {
        return Err(RenderError::TooTall {
            height: height.min(u64::from(u32::MAX)) as u32,
        });
    }
    Ok((width, height as u32))
}

/// The cheap checks of a remix against its template, made before it waits for a render
/// slot: the output size, the number of captions and their lengths. Returns the size.
pub fn check(template: &Template, remix: &Remix) -> Result<(u32, u32), RenderError> {
    let size = output_size(template, remix.width)?;
    let boxes = template.spec.boxes.len();
    if remix.captions.len() > boxes {
        return Err(RenderError::TooManyCaptions {
            given: remix.captions.len(),
            boxes,
        });
    }
    for (i, caption) in remix.captions.iter().enumerate() {
        let chars = caption.chars().count();
        if chars > MAX_CAPTION_CHARS {
            return Err(RenderError::CaptionTooLong {
                index: i + 1,
                chars,
            });
        }
    }
    Ok(size)
}

/// Where every glyph of every caption goes, at the remix's output size: what `render`
/// draws, for callers that want to inspect the layout rather than the pixels.
pub fn layouts(template: &Template, remix: &Remix) -> Result<Vec<Layout>, RenderError> {
    let (width, height) = output_size(template, remix.width)?;
    Ok(lay_out(&template.spec.boxes, remix, width, height)?
        .into_iter()
        .map(|(layout, _)| layout)
        .collect())
}

/// What every caption draws, line by line, in the order its glyphs are drawn (left to
/// right, after cleaning, bidi reordering and line breaking), one entry per caption (an
/// empty one for a caption that draws nothing): the text a reader of the picture sees,
/// for checks that must judge that rather than the text as typed.
pub fn drawn(template: &Template, remix: &Remix) -> Result<Vec<Vec<String>>, RenderError> {
    let (width, height) = output_size(template, remix.width)?;
    let boxes = &template.spec.boxes;
    check_count(boxes, remix)?;
    let min_size = min_size(width, height);
    let mut drawn = Vec::with_capacity(remix.captions.len());
    for (i, (caption, text_box)) in remix.captions.iter().zip(boxes).enumerate() {
        let laid = lay_out_caption(i + 1, caption, text_box, remix, (width, height), min_size)?;
        drawn.push(laid.map(|(layout, _)| layout.drawn).unwrap_or_default());
    }
    Ok(drawn)
}

/// More captions than boxes.
fn check_count(boxes: &[TextBox], remix: &Remix) -> Result<(), RenderError> {
    if remix.captions.len() > boxes.len() {
        return Err(RenderError::TooManyCaptions {
            given: remix.captions.len(),
            boxes: boxes.len(),
        });
    }
    Ok(())
}

/// The smallest legible font size at this output size, in pixels.
fn min_size(width: u32, height: u32) -> f32 {
    (0.025 * width.min(height) as f32).max(9.0).round()
}

/// Cleans, shapes and fits every caption into its box at this output size.
fn lay_out(
    boxes: &[TextBox],
    remix: &Remix,
    width: u32,
    height: u32,
) -> Result<Vec<(Layout, Paint)>, RenderError> {
    check_count(boxes, remix)?;
    let min_size = min_size(width, height);
    let mut layouts = Vec::new();
    for (i, (caption, text_box)) in remix.captions.iter().zip(boxes).enumerate() {
        let size = (width, height);
        if let Some(laid) = lay_out_caption(i + 1, caption, text_box, remix, size, min_size)? {
            layouts.push(laid);
        }
    }
    Ok(layouts)
}

/// Cleans, shapes and fits caption `index` (counting from 1) into its box; `None` if it
/// draws nothing.
fn lay_out_caption(
    index: usize,
    caption: &str,
    text_box: &TextBox,
    remix: &Remix,
    (width, height): (u32, u32),
    min_size: f32,
) -> Result<Option<(Layout, Paint)>, RenderError> {
    let chars = caption.chars().count();
    if chars > MAX_CAPTION_CHARS {
        return Err(RenderError::CaptionTooLong { index, chars });
    }
    let defaults = text_box.style;
    let uppercase = remix.style.uppercase.unwrap_or(defaults.uppercase);
    let text = shape::clean(caption, uppercase);
    if text.is_empty() {
        return Ok(None);
    }
    let font = remix.style.font.unwrap_or(defaults.font);
    let shaped = shape::shape(&text, font).map_err(|e| match e {
        TextError::Uncovered(ch) => RenderError::Unsupported { index, ch },
    })?;
    let outline = remix.style.outline.unwrap_or(defaults.outline).0;
    let (w, h) = (f64::from(width), f64::from(height));
    let placement = Placement {
        area: Rect {
            x0: (text_box.x * w) as f32,
            y0: (text_box.y * h) as f32,
            x1: ((text_box.x + text_box.width) * w).min(w) as f32,
            y1: ((text_box.y + text_box.height) * h).min(h) as f32,
        },
        align: text_box.align,
        anchor: text_box.anchor,
        max_lines: text_box.max_lines as usize,
        outline: outline.is_some(),
        min_size,
    };
    let layout = fit::fit(&shaped, &placement).map_err(|e| match e {
        FitError::DoesNotFit { min_size } => RenderError::DoesNotFit {
            index,
            min_size: min_size.round() as u32,
        },
        FitError::TooManyLines { lines, max } => RenderError::TooManyLines { index, lines, max },
    })?;
    let paint = Paint {
        fill: remix.style.color.unwrap_or(defaults.color),
        outline,
    };
    Ok(Some((layout, paint)))
}

/// The photo with every caption drawn, all pixels.
fn compose(photo: &RgbImage, layouts: &[(Layout, Paint)]) -> RgbImage {
    let mut image = photo.clone();
    draw_all(&mut image, layouts);
    image
}

/// Draws every caption on `image` itself.
fn draw_all(image: &mut RgbImage, layouts: &[(Layout, Paint)]) {
    let (width, height) = image.dimensions();
    let mut canvas = Canvas {
        pixels: image,
        width,
        y0: 0,
        height,
    };
    for (layout, paint) in layouts {
        draw::draw(&mut canvas, layout, *paint);
    }
}

/// A JPEG of the photo with captions, re-encoding only the MCU rows the captions touch.
fn splice(base: &JpegBase, photo: &RgbImage, layouts: &[(Layout, Paint)]) -> Vec<u8> {
    let (width, height) = photo.dimensions();
    // MCU rows each caption touches, merged where they meet.
    let mut spans: Vec<(u32, u32, Vec<usize>)> = Vec::new();
    let mut order: Vec<usize> = (0..layouts.len()).collect();
    order.sort_by(|&a, &b| layouts[a].0.ink.y0.total_cmp(&layouts[b].0.ink.y0));
    for i in order {
        let (y0, y1) = draw::ink_rows(&layouts[i].0.ink, height);
        if y0 >= y1 {
            continue;
        }
        let (first, end) = (y0 / MCU_ROWS, y1.div_ceil(MCU_ROWS));
        match spans.last_mut() {
            Some(span) if first <= span.1 => {
                span.1 = span.1.max(end);
                span.2.push(i);
            }
            _ => spans.push((first, end, vec![i])),
        }
    }
    let stride = width as usize * 3;
    let bands: Vec<_> = spans
        .iter()
        .map(|(first, end, members)| {
            let (top, bottom) = (first * MCU_ROWS, (end * MCU_ROWS).min(height));
            let mut pixels =
                photo.as_raw()[top as usize * stride..bottom as usize * stride].to_vec();
            let mut canvas = Canvas {
                pixels: &mut pixels,
                width,
                y0: top,
                height: bottom - top,
            };
            for &i in members {
                draw::draw(&mut canvas, &layouts[i].0, layouts[i].1);
            }
            base.encode_band(photo, &pixels, *first)
        })
        .collect();
    base.splice(&bands)
}

/// A finished picture's pixels fitted whole inside `size`, on a blurred, darkened copy of
/// itself: the share card and the shapes people post. A JPEG of at most `max_bytes` where
/// quality 40 allows it.
pub fn fitted(picture: &RgbImage, (card_w, card_h): (u32, u32), max_bytes: usize) -> Rendered {
    let (pw, ph) = picture.dimensions();
    let scale = (card_w as f32 / pw as f32).min(card_h as f32 / ph as f32);
    let (width, height) = (
        ((pw as f32 * scale).round() as u32).clamp(1, card_w),
        ((ph as f32 * scale).round() as u32).clamp(1, card_h),
    );
    // A picture already drawn to fit (a caption remix's card) is placed as it is.
    let fits = pw <= card_w && ph <= card_h + 1 && (pw + 1 >= card_w || ph + 1 >= card_h);
    let scaled;
    let inner = if fits {
        picture
    } else {
        scaled = imageops::resize(picture, width, height, imageops::FilterType::Lanczos3);
        &scaled
    };
    let mut card = backdrop(inner, card_w, card_h);
    let (x, y) = (
        (card_w - inner.width().min(card_w)) / 2,
        (card_h - inner.height().min(card_h)) / 2,
    );
    imageops::replace(&mut card, inner, i64::from(x), i64::from(y));
    let bytes = jpeg::encode_within(&card, max_bytes);
    Rendered {
        bytes,
        format: Format::Jpeg,
        width: card_w,
        height: card_h,
    }
}

/// A finished picture's pixels in `format`, `width` pixels wide (its own width when
/// `None`): the other formats and narrower copies of a picture that cannot be drawn again.
pub fn reencoded(picture: &RgbImage, format: Format, width: Option<u32>) -> Rendered {
    let (pw, ph) = picture.dimensions();
    let width = width.unwrap_or(pw).clamp(1, pw);
    let height = ((u64::from(ph) * u64::from(width)).div_ceil(u64::from(pw)) as u32).max(1);
    let scaled;
    let image = if width == pw {
        picture
    } else {
        scaled = imageops::resize(picture, width, height, imageops::FilterType::Lanczos3);
        &scaled
    };
    let bytes = match format {
        Format::Jpeg => jpeg::encode(image),
        Format::Png => encode::png(image),
        Format::WebP => encode::webp(image),
    };
    Rendered {
        bytes,
        format,
        width: image.width(),
        height: image.height(),
    }
}

/// Draws a frame over a photo of its size, by the frame's transparency.
fn over(photo: &mut RgbImage, frame: &RgbaImage) {
    debug_assert_eq!(photo.dimensions(), frame.dimensions());
    for (p, f) in photo.pixels_mut().zip(frame.pixels()) {
        let a = u16::from(f.0[3]);
        match a {
            0 => continue,
            255 => {
                p.0 = [f.0[0], f.0[1], f.0[2]];
                continue;
            }
            _ => {}
        }
        for c in 0..3 {
            p.0[c] = ((u16::from(f.0[c]) * a + u16::from(p.0[c]) * (255 - a) + 127) / 255) as u8;
        }
    }
}

/// The card's background: the remix scaled to cover the card, blurred and darkened.
fn backdrop(remix: &RgbImage, width: u32, height: u32) -> RgbImage {
    // Blur at a tenth of the size: the same look for a fraction of the work.
    let (sw, sh) = (width / 10, height / 10);
    let cover = (sw as f32 / remix.width() as f32).max(sh as f32 / remix.height() as f32);
    let (cw, ch) = (
        ((remix.width() as f32 * cover).ceil() as u32).max(sw),
        ((remix.height() as f32 * cover).ceil() as u32).max(sh),
    );
    let small = imageops::resize(remix, cw, ch, imageops::FilterType::Triangle);
    let small = imageops::crop_imm(&small, (cw - sw) / 2, (ch - sh) / 2, sw, sh).to_image();
    let mut small = imageops::blur(&small, 2.5);
    for p in small.pixels_mut() {
        for c in &mut p.0 {
            *c = (u32::from(*c) * 45 / 100) as u8;
        }
    }
    imageops::resize(&small, width, height, imageops::FilterType::Triangle)
}
