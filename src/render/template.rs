//! An official photo and its text boxes, validated.
//!
//! `template.toml` describes the boxes as fractions of the photo, so one description serves
//! every output width. Everything is checked when a template is built: a template that
//! exists is one the renderer can draw on.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use image::{RgbImage, RgbaImage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::color::{Color, Outline};
use super::fonts::FontChoice;

/// The most boxes a template or a remix may have.
pub const MAX_BOXES: usize = 6;

/// A template's id: its folder name, 1 to 40 of `a-z`, `0-9` and `-`, starting with a letter
/// or digit. One that parsed is safe in a path and a URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TemplateId(String);

impl TemplateId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TemplateId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (1..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if ok {
            Ok(TemplateId(s.to_owned()))
        } else {
            Err(format!(
                "template id {s:?} must be 1 to 40 of a-z, 0-9 and '-', not starting with '-'"
            ))
        }
    }
}

impl fmt::Display for TemplateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// Where a line sits across its box. `Start` and `End` follow the paragraph's direction:
/// start is the right edge for an Urdu line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Left edge.
    Left,
    /// Centred.
    #[default]
    Center,
    /// Right edge.
    Right,
    /// Left for left-to-right text, right for right-to-left.
    Start,
    /// Right for left-to-right text, left for right-to-left.
    End,
}

/// Where the block of lines sits up and down its box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Anchor {
    /// Against the top edge.
    Top,
    /// Centred.
    #[default]
    Middle,
    /// Against the bottom edge.
    Bottom,
}

/// How a box draws its caption unless the remix asks otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BoxStyle {
    /// Uppercase cased scripts (Latin, Cyrillic, Greek); Urdu has no case and is untouched.
    pub uppercase: bool,
    /// Fill colour.
    pub color: Color,
    /// Outline colour, or none.
    pub outline: Outline,
    /// Faces to use.
    pub font: FontChoice,
}

impl Default for BoxStyle {
    fn default() -> Self {
        BoxStyle {
            uppercase: true,
            color: Color::WHITE,
            outline: Outline(Some(Color::BLACK)),
            font: FontChoice::Auto,
        }
    }
}

/// A text box, as fractions of the photo's width and height.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Box)]
pub struct TextBox {
    /// Left edge, 0 to 1.
    pub x: f64,
    /// Top edge, 0 to 1.
    pub y: f64,
    /// Width, fraction of the photo's width.
    pub width: f64,
    /// Height, fraction of the photo's height.
    pub height: f64,
    /// Horizontal alignment of each line.
    #[serde(default)]
    pub align: Align,
    /// Vertical position of the block of lines.
    #[serde(default)]
    pub anchor: Anchor,
    /// The most lines a caption may take in this box.
    #[serde(default = "default_max_lines")]
    pub max_lines: u32,
    /// The box's default style.
    #[serde(default)]
    pub style: BoxStyle,
}

fn default_max_lines() -> u32 {
    3
}

impl TextBox {
    /// The classic meme layout for a photo with no description of its own: a caption across
    /// the top and one across the bottom.
    pub fn top_and_bottom() -> Vec<TextBox> {
        let make = |y, anchor| TextBox {
            x: 0.04,
            y,
            width: 0.92,
            height: 0.24,
            align: Align::Center,
            anchor,
            max_lines: 3,
            style: BoxStyle::default(),
        };
        vec![make(0.03, Anchor::Top), make(0.73, Anchor::Bottom)]
    }

    fn validate(&self) -> Result<(), String> {
        fractions(self.x, self.y, self.width, self.height)?;
        if self.width < 0.05 || self.height < 0.03 {
            return Err(format!(
                "the box is {} x {} of the photo; at least 0.05 x 0.03 is needed for a caption",
                self.width, self.height
            ));
        }
        if self.x + self.width > 1.0001 {
            return Err(format!(
                "x + width is {}; the box must lie inside the photo (at most 1)",
                self.x + self.width
            ));
        }
        if self.y + self.height > 1.0001 {
            return Err(format!(
                "y + height is {}; the box must lie inside the photo (at most 1)",
                self.y + self.height
            ));
        }
        if !(1..=20).contains(&self.max_lines) {
            return Err(format!(
                "max_lines is {}; it must be from 1 to 20",
                self.max_lines
            ));
        }
        Ok(())
    }
}

/// Checks that the four numbers of a rectangle given as fractions of a picture (a text
/// box, a crop) are each from 0 to 1; the error names the one that is not.
pub fn fractions(x: f64, y: f64, width: f64, height: f64) -> Result<(), String> {
    for (name, v) in [("x", x), ("y", y), ("width", width), ("height", height)] {
        if !v.is_finite() || !(0.0..=1.0).contains(&v) {
            return Err(format!("{name} is {v}; it must be a fraction from 0 to 1"));
        }
    }
    Ok(())
}

/// What `template.toml` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// Shown to supporters.
    pub title: String,
    /// Describes the photo for screen readers and share previews.
    pub alt: String,
    /// The title in Urdu, for Urdu pages; empty where there is none (they show `title`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title_ur: String,
    /// The alt text in Urdu, likewise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alt_ur: String,
    /// Suggested with every share, without the `#`.
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// The photo's file name inside the template's folder.
    pub photo: String,
    /// The text boxes, in caption order.
    #[serde(rename = "box", default)]
    pub boxes: Vec<TextBox>,
    /// A frame: `photo` is a PNG with transparency that supporters put their own photo
    /// under, rather than an official photo they caption.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub frame: bool,
}

impl TemplateSpec {
    /// Checks every field; the error names the field that failed.
    pub fn validate(&self) -> Result<(), String> {
        if self.title.trim().is_empty() {
            return Err("title: must not be empty".into());
        }
        if self.alt.trim().is_empty() {
            return Err("alt: must not be empty (it describes the photo to screen readers)".into());
        }
        for (i, tag) in self.hashtags.iter().enumerate() {
            if tag.is_empty() || !tag.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(format!(
                    "hashtags[{i}]: {tag:?} must be letters, digits and '_' only, without '#'"
                ));
            }
        }
        if self.frame && self.boxes.len() > MAX_BOXES {
            return Err(format!(
                "box: a frame takes 0 to {MAX_BOXES} boxes, not {}",
                self.boxes.len()
            ));
        }
        if !self.frame && (self.boxes.is_empty() || self.boxes.len() > MAX_BOXES) {
            return Err(format!(
                "box: a template needs 1 to {MAX_BOXES} boxes, not {}",
                self.boxes.len()
            ));
        }
        for (i, b) in self.boxes.iter().enumerate() {
            b.validate().map_err(|e| format!("box {}: {e}", i + 1))?;
        }
        Ok(())
    }
}

/// An official photo ready to render on: decoded once, upright, with its boxes.
#[derive(Clone)]
pub struct Template {
    /// Its id.
    pub id: TemplateId,
    /// What its `template.toml` says.
    pub spec: TemplateSpec,
    /// The decoded photo, EXIF orientation applied, no metadata. For a frame, the frame
    /// over a plain grey, as it shows before a supporter's photo is under it.
    pub photo: Arc<RgbImage>,
    /// For a frame, the frame itself, with its transparency.
    pub frame: Option<Arc<RgbaImage>>,
    /// blake3 of the photo file as stored: part of every remix's request key.
    pub photo_hash: blake3::Hash,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("id", &self.id)
            .field("title", &self.spec.title)
            .field("size", &self.photo.dimensions())
            .finish()
    }
}

impl Template {
    /// Builds a template from its description and the photo file's bytes.
    pub fn new(id: TemplateId, spec: TemplateSpec, photo_bytes: &[u8]) -> Result<Template, String> {
        spec.validate()?;
        let (photo, frame) = if spec.frame {
            let frame = decode_frame(photo_bytes).map_err(|e| format!("frame: {e}"))?;
            (flatten(&frame), Some(Arc::new(frame)))
        } else {
            let photo = decode_photo(photo_bytes).map_err(|e| format!("photo: {e}"))?;
            (photo, None)
        };
        Ok(Template {
            id,
            spec,
            photo: Arc::new(photo),
            frame,
            photo_hash: blake3::hash(photo_bytes),
        })
    }

    /// Any photo with the default top and bottom boxes, as `jalsa render --photo` uses.
    pub fn from_photo(photo_bytes: &[u8]) -> Result<Template, String> {
        let spec = TemplateSpec {
            title: "Photo".into(),
            alt: "A photo".into(),
            title_ur: String::new(),
            alt_ur: String::new(),
            hashtags: vec![],
            photo: "photo".into(),
            boxes: TextBox::top_and_bottom(),
            frame: false,
        };
        Template::new("photo".parse()?, spec, photo_bytes)
    }

    /// The photo's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        self.photo.dimensions()
    }

    /// A short name for this photo's version (the start of its hash), for URLs that may be
    /// cached for good.
    pub fn photo_version(&self) -> String {
        self.photo_hash.to_hex()[..8].to_owned()
    }
}

/// A frame over the plain grey that stands for a photo not yet chosen.
fn flatten(frame: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(frame.width(), frame.height(), |x, y| {
        let [r, g, b, a] = frame.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 200 * u16::from(255 - a)) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// The largest photo the renderer accepts, in pixels, so a hostile file cannot take all the
/// memory before it is refused.
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;

/// Why a photo cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// Its bytes are no image format we know.
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    /// An image, but of a kind not accepted (GIF, BMP, TIFF...).
    #[error("{format} images are not accepted; use JPEG, PNG or WebP")]
    NotAccepted {
        /// Its format's usual extension.
        format: String,
    },
    /// Over the pixel limit (read from the header, before decoding).
    #[error("the photo is {width}x{height}; the limit is {} megapixels", MAX_PHOTO_PIXELS / 1_000_000)]
    TooManyPixels {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
    },
    /// The decoder failed: damaged or cut short.
    #[error("the photo is damaged or cut short: {0}")]
    Damaged(String),
}

/// Decodes a JPEG, PNG or WebP photo, upright by its EXIF orientation, refusing more than
/// [`MAX_PHOTO_PIXELS`] from the header before decoding.
pub fn decode_photo(bytes: &[u8]) -> Result<RgbImage, PhotoError> {
    let (photo, orientation) = decode_photo_as_stored(bytes)?;
    let mut image = image::DynamicImage::ImageRgb8(photo);
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

/// Decodes a JPEG, PNG or WebP photo as stored, with the EXIF orientation that turns it
/// upright, refusing more than [`MAX_PHOTO_PIXELS`] from the header before decoding.
pub fn decode_photo_as_stored(
    bytes: &[u8],
) -> Result<(RgbImage, image::metadata::Orientation), PhotoError> {
    let (image, orientation) = decode_any(bytes)?;
    Ok((image.into_rgb8(), orientation))
}

/// A photo's format by its bytes (whatever its name says): JPEG, PNG or WebP; any other
/// image is refused by name.
pub fn photo_format(bytes: &[u8]) -> Result<image::ImageFormat, PhotoError> {
    use image::ImageFormat;

    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAccepted {
            format: format
                .extensions_str()
                .first()
                .unwrap_or(&"this kind of")
                .to_string(),
        });
    }
    Ok(format)
}

/// The most a template photo's or a frame's decoder may allocate: far more than either
/// needs (a 1080x1920 frame is 8 MB), far less than a hostile PNG's colour profile asks.
const MAX_TEMPLATE_DECODE_BYTES: u64 = 96 << 20;

fn decode_any(
    bytes: &[u8],
) -> Result<(image::DynamicImage, image::metadata::Orientation), PhotoError> {
    use image::{ImageDecoder, ImageReader};

    let format = photo_format(bytes)?;
    let damaged = |e: image::ImageError| PhotoError::Damaged(e.to_string());
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_TEMPLATE_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PHOTO_PIXELS {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let image = image::DynamicImage::from_decoder(decoder).map_err(damaged)?;
    Ok((image, orientation))
}

/// The sizes a frame may have: square for a profile picture, portrait for a story.
pub const FRAME_SIZES: [(u32, u32); 2] = [(1080, 1080), (1080, 1920)];

/// Decodes a frame: a PNG of one of [`FRAME_SIZES`] with a transparent part for the
/// supporter's photo.
pub fn decode_frame(bytes: &[u8]) -> Result<RgbaImage, String> {
    if image::guess_format(bytes).ok() != Some(image::ImageFormat::Png) {
        return Err("a frame must be a PNG with transparency".into());
    }
    // The size from the header, before any pixel is decoded.
    let size =
        image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Png)
            .into_dimensions()
            .map_err(|e| PhotoError::Damaged(e.to_string()).to_string())?;
    if !FRAME_SIZES.contains(&size) {
        return Err(format!(
            "the frame is {}x{}; a frame is 1080x1080 (profile picture) or 1080x1920 (story)",
            size.0, size.1
        ));
    }
    let (image, _) = decode_any(bytes).map_err(|e| e.to_string())?;
    if !image.color().has_alpha() {
        return Err("the frame has no transparency; the supporter's photo shows through its transparent part".into());
    }
    let frame = image.into_rgba8();
    let clear = frame.pixels().filter(|p| p.0[3] < 128).count();
    if clear * 20 < frame.pixels().len() {
        return Err(format!(
            "only {:.1}% of the frame is transparent; at least 5% must be, for the supporter's photo to show",
            clear as f64 * 100.0 / frame.pixels().len() as f64
        ));
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_ids_are_path_safe() {
        assert!("astronaut".parse::<TemplateId>().is_ok());
        assert!("rally-2011".parse::<TemplateId>().is_ok());
        for bad in ["", "../etc", "A", "-x", "a b", "x/y", &"a".repeat(41)] {
            assert!(bad.parse::<TemplateId>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn boxes_outside_the_photo_are_named() {
        let mut b = TextBox::top_and_bottom().remove(0);
        b.x = 0.5;
        b.width = 0.7;
        assert!(b.validate().unwrap_err().contains("x + width"));
    }
}
