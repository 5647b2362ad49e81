//! Encoding: JPEG by strip splicing, PNG and WebP in full.
//!
//! A template photo is JPEG-encoded once per output width with a restart marker after every
//! row of MCUs. A restart resets the DC predictors and byte-aligns the entropy coder, so a
//! row of MCUs encoded on its own (with the same tables) is exactly the segment a full
//! encode would write there. A remix re-encodes only the rows its captions touch and
//! splices them between the template's own, giving the same bytes as a full encode.

use std::ops::Range;

use image::RgbImage;
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

/// JPEG quality for remixes.
pub const JPEG_QUALITY: u8 = 85;
/// Rows of pixels in one MCU at 4:2:0 subsampling.
pub const MCU_ROWS: u32 = 16;

/// An output image format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Baseline JPEG, 4:2:0.
    Jpeg,
    /// PNG.
    Png,
    /// Lossless WebP.
    WebP,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
        }
    }

    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }

    /// The format a file name's extension asks for.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        path.extension()?.to_str()?.parse().ok()
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Ok(Format::Jpeg),
            "png" => Ok(Format::Png),
            "webp" => Ok(Format::WebP),
            other => Err(format!("unknown format {other:?}; use jpg, png or webp")),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

fn jpeg_encoder(out: &mut Vec<u8>, quality: u8, restart_interval: u16) -> Encoder<&mut Vec<u8>> {
    let mut encoder = Encoder::new(out, quality);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    encoder.set_restart_interval(restart_interval);
    encoder
}

/// Encodes RGB pixels as a JPEG with no restart markers.
pub fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(image.len() / 8);
    jpeg_encoder(&mut out, quality, 0)
        .encode(
            image.as_raw(),
            image.width() as u16,
            image.height() as u16,
            ColorType::Rgb,
        )
        .expect("JPEG encoding of a validated image into memory");
    out
}

/// Encodes RGB pixels as PNG.
pub fn png(image: &RgbImage) -> Vec<u8> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("PNG encoding into memory");
    out
}

/// Encodes RGB pixels as lossless WebP.
pub fn webp(image: &RgbImage) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("WebP encoding into memory");
    out
}

/// A template photo encoded once, ready for splicing: the header and one entropy-coded
/// segment per row of MCUs.
pub struct JpegBase {
    bytes: Vec<u8>,
    header: Range<usize>,
    rows: Vec<Range<usize>>,
    width: u32,
    height: u32,
    quality: u8,
}

/// Splits the scan of a JPEG written with a restart marker after every MCU row into its
/// header and the segments between markers.
fn split_scan(bytes: &[u8]) -> (Range<usize>, Vec<Range<usize>>) {
    // Walk marker segments to the start of scan; the encoder writes nothing unusual.
    let mut at = 2;
    loop {
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        at += 2 + length;
        if marker == 0xDA {
            break;
        }
    }
    let header = 0..at;
    let mut rows = Vec::new();
    let mut start = at;
    let mut i = at;
    while i + 1 < bytes.len() {
        if bytes[i] == 0xFF {
            match bytes[i + 1] {
                0x00 => i += 2,
                0xD0..=0xD7 | 0xD9 => {
                    rows.push(start..i);
                    if bytes[i + 1] == 0xD9 {
                        break;
                    }
                    i += 2;
                    start = i;
                }
                _ => i += 1,
            }
        } else {
            i += 1;
        }
    }
    (header, rows)
}

impl JpegBase {
    /// Encodes `image` with a restart marker after every row of MCUs.
    pub fn new(image: &RgbImage, quality: u8) -> JpegBase {
        let (width, height) = image.dimensions();
        let mut bytes = Vec::with_capacity(image.len() / 6);
        jpeg_encoder(&mut bytes, quality, mcus_per_row(width))
            .encode(image.as_raw(), width as u16, height as u16, ColorType::Rgb)
            .expect("JPEG encoding of a validated image into memory");
        let (header, rows) = split_scan(&bytes);
        debug_assert_eq!(rows.len() as u32, height.div_ceil(MCU_ROWS));
        JpegBase {
            bytes,
            header,
            rows,
            width,
            height,
            quality,
        }
    }

    /// Encodes a band of pixel rows (full width, starting at MCU row `first`, ending at an
    /// MCU boundary or the bottom of the image) into its row segments.
    pub fn encode_band(&self, pixels: &[u8], first: u32) -> Band {
        let rows = (pixels.len() / (self.width as usize * 3)) as u32;
        debug_assert!(first * MCU_ROWS + rows <= self.height);
        let mut bytes = Vec::with_capacity(pixels.len() / 6);
        jpeg_encoder(&mut bytes, self.quality, mcus_per_row(self.width))
            .encode(pixels, self.width as u16, rows as u16, ColorType::Rgb)
            .expect("JPEG encoding of a band into memory");
        let (_, segments) = split_scan(&bytes);
        Band {
            first: first as usize,
            bytes,
            segments,
        }
    }

    /// The whole picture: the template's rows with `bands` put in their place.
    pub fn splice(&self, bands: &[Band]) -> Vec<u8> {
        let extra: usize = bands.iter().map(|b| b.bytes.len()).sum();
        let mut out = Vec::with_capacity(self.bytes.len() + extra);
        out.extend_from_slice(&self.bytes[self.header.clone()]);
        let last = self.rows.len() - 1;
        for (row, range) in self.rows.iter().enumerate() {
            let replaced = bands
                .iter()
                .find(|b| (b.first..b.first + b.segments.len()).contains(&row));
            match replaced {
                Some(band) => {
                    out.extend_from_slice(&band.bytes[band.segments[row - band.first].clone()])
                }
                None => out.extend_from_slice(&self.bytes[range.clone()]),
            }
            if row < last {
                out.extend_from_slice(&[0xFF, 0xD0 + (row % 8) as u8]);
            }
        }
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    /// The template as it is, with no captions.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Rows of MCUs encoded on their own, to be spliced into a [`JpegBase`].
pub struct Band {
    first: usize,
    bytes: Vec<u8>,
    segments: Vec<Range<usize>>,
}

fn mcus_per_row(width: u32) -> u16 {
    width.div_ceil(MCU_ROWS) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8])
        })
    }

    #[test]
    fn spliced_bands_equal_a_full_encode() {
        // Odd sizes: the last MCU column and row are partial.
        let base_image = gradient(203, 117);
        let base = JpegBase::new(&base_image, JPEG_QUALITY);
        let mut changed = base_image.clone();
        for y in 20..40 {
            for x in 10..150 {
                changed.put_pixel(x, y, image::Rgb([255, 255, 255]));
            }
        }
        for y in 100..117 {
            changed.put_pixel(5, y, image::Rgb([0, 0, 0]));
        }
        let stride = 203 * 3;
        let band = |first: u32, last_row: u32| {
            let rows =
                &changed.as_raw()[(first * MCU_ROWS) as usize * stride..last_row as usize * stride];
            base.encode_band(rows, first)
        };
        let spliced = base.splice(&[band(1, 48), band(6, 117)]);

        let mut full = Vec::new();
        jpeg_encoder(&mut full, JPEG_QUALITY, mcus_per_row(203))
            .encode(changed.as_raw(), 203, 117, ColorType::Rgb)
            .unwrap();
        assert_eq!(spliced, full);
        let decoded = image::load_from_memory(&spliced).unwrap().into_rgb8();
        assert_eq!(decoded.dimensions(), (203, 117));
    }
}
