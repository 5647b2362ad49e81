//! Encoding: JPEG by strip splicing, PNG and WebP in full.
//!
//! A template photo is JPEG-encoded once per output width with a restart marker after every
//! row of MCUs. A restart resets the DC predictors and byte-aligns the entropy coder, so a
//! row of MCUs encoded on its own (with the same tables) is exactly the segment a full
//! encode would write there. A remix re-encodes only the rows its captions touch and
//! splices them between the template's own, giving the same bytes as a full encode.

use std::ops::Range;

use image::RgbImage;
use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};

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
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Jpeg, Format::Png, Format::WebP];

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

serde_as_text!(Format);

impl utoipa::PartialSchema for Format {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Format::ALL.iter().map(|f| f.extension())))
            .into()
    }
}

impl utoipa::ToSchema for Format {}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

fn jpeg_encoder(out: &mut Vec<u8>, quality: u8, restart_interval: u16) -> Encoder<&mut Vec<u8>> {
    let mut encoder = Encoder::new(out, quality);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    // Each chroma sample the average of its 2x2 pixels, as libjpeg does; the crate's
    // default keeps the top-left pixel alone, which aliases fine colour detail (5 points
    // of SSIMULACRA2 on the astronaut photo at the same size).
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
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
/// segment per cell, a cell being a few MCUs of one MCU row (a restart interval).
pub struct JpegBase {
    bytes: Vec<u8>,
    header: Range<usize>,
    cells: Vec<Range<usize>>,
    width: u32,
    quality: u8,
    /// MCUs in one cell.
    cell_mcus: u32,
    cells_per_row: usize,
}

/// Splits the scan of a JPEG written with restart markers into its header and the
/// entropy-coded segments between markers.
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
    let mut segments = Vec::new();
    let mut start = at;
    let mut i = at;
    while i + 1 < bytes.len() {
        if bytes[i] != 0xFF {
            i += 1;
            continue;
        }
        match bytes[i + 1] {
            0x00 => i += 2,
            0xD0..=0xD7 => {
                segments.push(start..i);
                i += 2;
                start = i;
            }
            0xD9 => {
                segments.push(start..i);
                break;
            }
            _ => i += 1,
        }
    }
    (header, segments)
}

/// MCUs per restart interval: a divisor of the MCUs in a row near 4 (64 px), so a caption
/// re-encodes little beyond its own ink while the markers cost about 2% of the file.
fn cell_mcus(width: u32) -> u32 {
    let row = mcus_per_row(width);
    (2..=8u32)
        .filter(|&k| row.is_multiple_of(k))
        .min_by_key(|&k| (k.abs_diff(4), std::cmp::Reverse(k)))
        .unwrap_or(row)
}

impl JpegBase {
    /// Encodes `image` with a restart marker after every cell.
    pub fn new(image: &RgbImage, quality: u8) -> JpegBase {
        let (width, height) = image.dimensions();
        let cell_mcus = cell_mcus(width);
        let mut bytes = Vec::with_capacity(image.len() / 6);
        jpeg_encoder(&mut bytes, quality, cell_mcus as u16)
            .encode(image.as_raw(), width as u16, height as u16, ColorType::Rgb)
            .expect("JPEG encoding of a validated image into memory");
        let (header, cells) = split_scan(&bytes);
        let cells_per_row = (mcus_per_row(width) / cell_mcus) as usize;
        debug_assert_eq!(
            cells.len(),
            cells_per_row * height.div_ceil(MCU_ROWS) as usize
        );
        JpegBase {
            bytes,
            header,
            cells,
            width,
            quality,
            cell_mcus,
            cells_per_row,
        }
    }

    /// Encodes the cells of a band that differ from the photo. `band` holds full-width
    /// pixel rows starting at MCU row `first`, ending at an MCU boundary or the bottom of the
    /// image; `photo` is the image this base was made from.
    pub fn encode_band(&self, photo: &RgbImage, band: &[u8], first: u32) -> Vec<Patch> {
        let stride = self.width as usize * 3;
        let cell_px = (self.cell_mcus * MCU_ROWS) as usize;
        let rows = band.len() / stride;
        let mcu_rows = rows.div_ceil(MCU_ROWS as usize);
        let top = first as usize * MCU_ROWS as usize;
        let original = &photo.as_raw()[top * stride..(top + rows) * stride];

        // Which cells changed, as runs of columns per MCU row.
        let runs: Vec<Vec<(usize, usize)>> = (0..mcu_rows)
            .map(|r| {
                let ys = r * MCU_ROWS as usize..((r + 1) * MCU_ROWS as usize).min(rows);
                let changed: Vec<bool> = (0..self.cells_per_row)
                    .map(|c| {
                        let xs = c * cell_px * 3..((c + 1) * cell_px * 3).min(stride);
                        ys.clone().any(|y| {
                            let at = y * stride;
                            band[at + xs.start..at + xs.end] != original[at + xs.start..at + xs.end]
                        })
                    })
                    .collect();
                let mut runs = Vec::new();
                let mut c = 0;
                while c < changed.len() {
                    if changed[c] {
                        let start = c;
                        while c < changed.len() && changed[c] {
                            c += 1;
                        }
                        runs.push((start, c));
                    } else {
                        c += 1;
                    }
                }
                runs
            })
            .collect();

        // Rectangles: a run of columns carried down while the next row has the same run.
        let mut rects: Vec<(usize, usize, usize, usize)> = Vec::new(); // rows r0..r1, cells c0..c1
        let mut open: Vec<(usize, usize, usize)> = Vec::new(); // (r0, c0, c1) still growing
        for (r, row_runs) in runs.iter().enumerate() {
            let (carried, closed): (Vec<_>, Vec<_>) = open
                .drain(..)
                .partition(|&(_, c0, c1)| row_runs.contains(&(c0, c1)));
            rects.extend(closed.into_iter().map(|(r0, c0, c1)| (r0, r, c0, c1)));
            for &(c0, c1) in row_runs {
                if !carried.iter().any(|&(_, a, b)| (a, b) == (c0, c1)) {
                    open.push((r, c0, c1));
                }
            }
            open.extend(carried);
        }
        rects.extend(open.into_iter().map(|(r0, c0, c1)| (r0, mcu_rows, c0, c1)));

        rects
            .into_iter()
            .map(|(r0, r1, c0, c1)| {
                let x0 = c0 * cell_px;
                let x1 = (c1 * cell_px).min(self.width as usize);
                let y0 = r0 * MCU_ROWS as usize;
                let y1 = (r1 * MCU_ROWS as usize).min(rows);
                let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0) * 3);
                for y in y0..y1 {
                    pixels.extend_from_slice(&band[y * stride + x0 * 3..y * stride + x1 * 3]);
                }
                let mut bytes = Vec::with_capacity(pixels.len() / 6);
                jpeg_encoder(&mut bytes, self.quality, self.cell_mcus as u16)
                    .encode(&pixels, (x1 - x0) as u16, (y1 - y0) as u16, ColorType::Rgb)
                    .expect("JPEG encoding of a band into memory");
                let (_, segments) = split_scan(&bytes);
                let across = c1 - c0;
                let segments = segments
                    .into_iter()
                    .enumerate()
                    .map(|(j, range)| {
                        let row = first as usize + r0 + j / across;
                        (row * self.cells_per_row + c0 + j % across, range)
                    })
                    .collect();
                Patch { bytes, segments }
            })
            .collect()
    }

    /// The whole picture: the template's cells with `patches` put in their place.
    pub fn splice(&self, patches: &[Patch]) -> Vec<u8> {
        let mut replaced: Vec<Option<&[u8]>> = vec![None; self.cells.len()];
        let mut extra = 0;
        for patch in patches {
            for (cell, range) in &patch.segments {
                replaced[*cell] = Some(&patch.bytes[range.clone()]);
                extra += range.len();
            }
        }
        let mut out = Vec::with_capacity(self.bytes.len() + extra);
        out.extend_from_slice(&self.bytes[self.header.clone()]);
        let last = self.cells.len() - 1;
        for (i, range) in self.cells.iter().enumerate() {
            out.extend_from_slice(replaced[i].unwrap_or(&self.bytes[range.clone()]));
            if i < last {
                out.extend_from_slice(&[0xFF, 0xD0 + (i % 8) as u8]);
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

/// Cells encoded on their own, to be spliced into a [`JpegBase`].
pub struct Patch {
    bytes: Vec<u8>,
    /// (cell index in the whole picture, its bytes in `bytes`)
    segments: Vec<(usize, Range<usize>)>,
}

fn mcus_per_row(width: u32) -> u32 {
    width.div_ceil(MCU_ROWS)
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
        for width in [203u32, 1200, 160] {
            let base_image = gradient(width, 117);
            let base = JpegBase::new(&base_image, JPEG_QUALITY);
            let mut changed = base_image.clone();
            for y in 20..40 {
                for x in 10..width.min(150) {
                    changed.put_pixel(x, y, image::Rgb([255, 255, 255]));
                }
            }
            for y in 100..117 {
                changed.put_pixel(width - 5, y, image::Rgb([0, 0, 0]));
                changed.put_pixel(5, y, image::Rgb([0, 0, 0]));
            }
            let stride = width as usize * 3;
            let band = |first: u32, last_row: u32| {
                let rows = &changed.as_raw()
                    [(first * MCU_ROWS) as usize * stride..last_row as usize * stride];
                base.encode_band(&base_image, rows, first)
            };
            let mut patches = band(1, 48);
            patches.extend(band(6, 117));
            let spliced = base.splice(&patches);

            let mut full = Vec::new();
            jpeg_encoder(&mut full, JPEG_QUALITY, cell_mcus(width) as u16)
                .encode(changed.as_raw(), width as u16, 117, ColorType::Rgb)
                .unwrap();
            assert_eq!(spliced, full, "width {width}");
            let decoded = image::load_from_memory(&spliced).unwrap().into_rgb8();
            assert_eq!(decoded.dimensions(), (width, 117));
        }
    }

    #[test]
    fn fine_colour_detail_is_averaged_not_aliased() {
        // One-pixel stripes of red and blue: the chroma of each 2x2 block is their mean, so
        // the picture reads as an even purple, not as the top-left pixel's red.
        let stripes = RgbImage::from_fn(64, 64, |x, _| {
            if x % 2 == 0 {
                image::Rgb([220, 20, 60])
            } else {
                image::Rgb([40, 40, 220])
            }
        });
        let decoded = image::load_from_memory(&jpeg(&stripes, JPEG_QUALITY))
            .unwrap()
            .into_rgb8();
        let mean =
            |c: usize| decoded.pixels().map(|p| f64::from(p[c])).sum::<f64>() / (64.0 * 64.0);
        // The stripes' own means: red 130, blue 140.
        assert!((mean(0) - 130.0).abs() < 12.0, "red {}", mean(0));
        assert!((mean(2) - 140.0).abs() < 12.0, "blue {}", mean(2));
    }

    #[test]
    fn cells_divide_the_row() {
        assert_eq!(cell_mcus(1200), 5); // 75 MCUs
        assert_eq!(cell_mcus(1024), 4);
        assert_eq!(cell_mcus(16 * 67), 67); // prime: whole rows
    }
}
