//! Reading a photo someone sent, with what it may cost settled before any pixel is decoded.
//!
//! The 40-megapixel check alone let small files through that take a gigabyte (a colour
//! profile that inflates without end, a 16-bit PNG, a lossless WebP, a progressive JPEG's
//! coefficients) or minutes (a progressive JPEG whose one tiny scan is repeated thousands of
//! times: each repeat walks every block of the picture). So each format's structure is read
//! first and its cost bounded, and a photo past a bound is refused with the reason:
//! - JPEG: every marker is walked (a linear pass, no decoding). At most [`MAX_JPEG_SCANS`]
//!   scans and [`MAX_BLOCK_SCANS`] blocks decoded over all scans; the decoder's memory (a
//!   progressive JPEG keeps every coefficient of the whole picture) within
//!   [`MAX_DECODE_BYTES`]; the kinds no camera writes (arithmetic-coded, lossless,
//!   hierarchical) refused by name.
//! - PNG: decoded a row at a time, 16-bit samples cut to 8 as they come, and binned down to
//!   the size needed on the way, so memory is a row and the result; colour profiles and
//!   text chunks are skipped unread. An interlaced PNG needs the whole picture at once, so
//!   it is held to [`MAX_DECODE_BYTES`].
//! - WebP: the decoder needs the whole picture twice over, so at most [`MAX_WEBP_PIXELS`].

use std::io::Cursor;

use image::RgbImage;
use image::metadata::Orientation;

use super::refusal::{
    MAX_BLOCK_SCANS, MAX_DECODE_BYTES, MAX_JPEG_SCANS, MAX_WEBP_PIXELS, MIN_PHOTO_SIDE, TooCostly,
    UploadError, first_checks,
};
use crate::render::template::{MAX_PHOTO_PIXELS, PhotoError, photo_format};

/// A photo's pixels as stored (not yet turned upright) and the orientation that turns
/// them, refusing one under [`MIN_PHOTO_SIDE`] on a side or one that would cost too much to
/// read. `scale` says, from the stored size and the orientation, what fraction of it is
/// needed; the photo comes out at least that large where its memory bound allows (a JPEG
/// at 1/8, 1/4, 1/2 or all of its size; a PNG binned down by a whole factor; a WebP whole).
pub fn read_raw(
    bytes: &[u8],
    scale: impl FnOnce(u32, u32, Orientation) -> f64,
) -> Result<(RgbImage, Orientation), UploadError> {
    first_checks(bytes)?;
    match photo_format(bytes)? {
        image::ImageFormat::Jpeg => read_jpeg(bytes, scale),
        image::ImageFormat::Png => read_png(bytes, scale),
        _ => read_webp(bytes),
    }
}

fn damaged(why: impl Into<String>) -> UploadError {
    UploadError::Photo(PhotoError::Damaged(why.into()))
}

/// Refuses a photo over the pixel limit, from its header.
fn check_pixels(width: u32, height: u32) -> Result<(), UploadError> {
    if u64::from(width) * u64::from(height) > MAX_PHOTO_PIXELS {
        return Err(PhotoError::TooManyPixels { width, height }.into());
    }
    Ok(())
}

/// Refuses a photo over the pixel limit or under the side limit, from its header.
fn check_size(width: u32, height: u32) -> Result<(), UploadError> {
    check_pixels(width, height)?;
    if width.min(height) < MIN_PHOTO_SIDE {
        return Err(UploadError::TooSmall { width, height });
    }
    Ok(())
}

/// One component of a JPEG frame: its sampling factors.
#[derive(Clone, Copy, Debug)]
struct Component {
    id: u8,
    h: u32,
    v: u32,
}

/// What a JPEG's markers say decoding it will take, read without decoding it.
#[derive(Debug)]
struct JpegPlan {
    width: u32,
    height: u32,
    progressive: bool,
    components: Vec<Component>,
    scans: usize,
    block_scans: u64,
}

impl JpegPlan {
    fn max_h(&self) -> u32 {
        self.components.iter().map(|c| c.h).max().unwrap_or(1)
    }

    fn max_v(&self) -> u32 {
        self.components.iter().map(|c| c.v).max().unwrap_or(1)
    }

    /// A component's 8x8 blocks, padded to whole MCUs as decoders store them.
    fn blocks(&self, c: &Component) -> u64 {
        let mcus_x = u64::from(self.width.div_ceil(8 * self.max_h()));
        let mcus_y = u64::from(self.height.div_ceil(8 * self.max_v()));
        mcus_x * u64::from(c.h) * mcus_y * u64::from(c.v)
    }

    /// What a progressive JPEG's decoder keeps of every block of the picture whatever
    /// the scale: its coefficients, 16 bits each, 64 a block.
    fn coefficient_bytes(&self) -> u64 {
        if self.progressive {
            self.components.iter().map(|c| self.blocks(c) * 128).sum()
        } else {
            0
        }
    }

    /// The decoder's memory when it decodes at `1/denominator` of the size: a progressive
    /// JPEG's coefficients, each component's plane at the decoded size, and the RGB result.
    fn memory(&self, denominator: u32) -> u64 {
        let coefficients = self.coefficient_bytes();
        let pixels = |b: u64| b * 64 / u64::from(denominator * denominator);
        let planes: u64 = self.components.iter().map(|c| pixels(self.blocks(c))).sum();
        let out = u64::from(self.width.div_ceil(denominator))
            * u64::from(self.height.div_ceil(denominator))
            * 3;
        coefficients + planes + out
    }
}

/// Walks a JPEG's markers and its entropy-coded data (a linear pass that decodes nothing),
/// counting scans and the blocks each walks, and refusing as soon as a bound is passed.
fn plan_jpeg(bytes: &[u8]) -> Result<JpegPlan, UploadError> {
    let mut plan: Option<JpegPlan> = None;
    let mut at = 2;
    while at + 1 < bytes.len() {
        if bytes[at] != 0xFF {
            return Err(damaged("the JPEG's markers are out of place"));
        }
        let marker = bytes[at + 1];
        match marker {
            // Fill byte, markers without a length.
            0xFF => {
                at += 1;
                continue;
            }
            0x01 | 0xD0..=0xD8 => {
                at += 2;
                continue;
            }
            0xD9 => break,
            _ => {}
        }
        if at + 4 > bytes.len() {
            break;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if length < 2 {
            return Err(damaged("a JPEG segment of impossible length"));
        }
        let segment = &bytes[(at + 4).min(bytes.len())..(at + 2 + length).min(bytes.len())];
        match marker {
            0xC0..=0xC2 => {
                if plan.is_some() {
                    return Err(TooCostly::Kind("hierarchical").into());
                }
                let frame = frame_header(segment, marker == 0xC2)?;
                // What the header alone decides, before any scan is looked at.
                check_pixels(frame.width, frame.height)?;
                let coefficients = frame.coefficient_bytes();
                if coefficients > MAX_DECODE_BYTES {
                    return Err(TooCostly::Memory {
                        kind: "progressive JPEG",
                        width: frame.width,
                        height: frame.height,
                        megabytes: coefficients >> 20,
                    }
                    .into());
                }
                plan = Some(frame);
            }
            0xC3 | 0xC7 | 0xCB | 0xCF => return Err(TooCostly::Kind("lossless").into()),
            0xC5 | 0xC6 | 0xCD | 0xCE => return Err(TooCostly::Kind("hierarchical").into()),
            0xC9 | 0xCA => return Err(TooCostly::Kind("arithmetic-coded").into()),
            0xDA => {
                let plan = plan
                    .as_mut()
                    .ok_or_else(|| damaged("the JPEG has a scan before its frame header"))?;
                let count = usize::from(*segment.first().unwrap_or(&0));
                let blocks: u64 = segment
                    .get(1..1 + 2 * count)
                    .unwrap_or_default()
                    .chunks_exact(2)
                    .filter_map(|s| plan.components.iter().find(|c| c.id == s[0]))
                    .map(|c| plan.blocks(c))
                    .sum();
                plan.scans += 1;
                plan.block_scans += blocks;
                if plan.scans > MAX_JPEG_SCANS {
                    return Err(TooCostly::Scans { scans: plan.scans }.into());
                }
                if plan.block_scans > MAX_BLOCK_SCANS {
                    return Err(TooCostly::Work {
                        scans: plan.scans,
                        blocks: plan.block_scans,
                    }
                    .into());
                }
                at = skip_entropy_coded(bytes, at + 2 + length);
                continue;
            }
            _ => {}
        }
        at += 2 + length;
    }
    plan.ok_or_else(|| damaged("the JPEG has no frame header"))
}

/// Reads a frame header (SOF0, SOF1, SOF2).
fn frame_header(segment: &[u8], progressive: bool) -> Result<JpegPlan, UploadError> {
    if segment.len() < 6 {
        return Err(damaged("the JPEG's frame header is cut short"));
    }
    let height = u32::from(u16::from_be_bytes([segment[1], segment[2]]));
    let width = u32::from(u16::from_be_bytes([segment[3], segment[4]]));
    let count = usize::from(segment[5]);
    let components: Vec<Component> = segment[6..]
        .chunks_exact(3)
        .take(count)
        .map(|c| Component {
            id: c[0],
            h: u32::from(c[1] >> 4).clamp(1, 4),
            v: u32::from(c[1] & 0x0F).clamp(1, 4),
        })
        .collect();
    if components.len() != count || !matches!(count, 1 | 3 | 4) {
        return Err(damaged(
            "the JPEG's frame header names an impossible set of colours",
        ));
    }
    Ok(JpegPlan {
        width,
        height,
        progressive,
        components,
        scans: 0,
        block_scans: 0,
    })
}

/// Where the marker after a scan's entropy-coded data starts: its first 0xFF that is not a
/// stuffed zero, a restart marker or fill.
fn skip_entropy_coded(bytes: &[u8], mut at: usize) -> usize {
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|b| b.iter().position(|&x| x == 0xFF))
    {
        let ff = at + offset;
        match bytes.get(ff + 1) {
            Some(0x00 | 0xD0..=0xD7) => at = ff + 2,
            Some(0xFF) => at = ff + 1,
            Some(_) => return ff,
            None => return bytes.len(),
        }
    }
    bytes.len()
}

fn read_jpeg(
    bytes: &[u8],
    scale: impl FnOnce(u32, u32, Orientation) -> f64,
) -> Result<(RgbImage, Orientation), UploadError> {
    let plan = plan_jpeg(bytes)?;
    let (width, height) = (plan.width, plan.height);
    check_size(width, height)?;
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(|e| damaged(e.to_string()))?;
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    // The smallest of 1/8, 1/4, 1/2 and 1 that gives the pixels needed, then smaller
    // again where that much would not fit the memory bound (a tiny crop of a huge photo
    // comes out softer rather than taking a gigabyte).
    let fraction = scale(width, height, orientation).clamp(1.0 / 8.0, 1.0);
    let mut denominator = [8, 4, 2, 1]
        .into_iter()
        .find(|&d| 1.0 / f64::from(d) >= fraction - 1e-9)
        .unwrap_or(1);
    while plan.memory(denominator) > MAX_DECODE_BYTES && denominator < 8 {
        denominator *= 2;
    }
    let megabytes = plan.memory(denominator) >> 20;
    if plan.memory(denominator) > MAX_DECODE_BYTES {
        return Err(TooCostly::Memory {
            kind: if plan.progressive {
                "progressive JPEG"
            } else {
                "JPEG"
            },
            width,
            height,
            megabytes,
        }
        .into());
    }
    let side = |s: u32| s.div_ceil(denominator).clamp(1, u32::from(u16::MAX)) as u16;
    let (w, h) = decoder
        .scale(side(width), side(height))
        .map_err(|e| damaged(e.to_string()))?;
    decoder.set_max_decoding_buffer_size(MAX_DECODE_BYTES as usize);
    let pixels = decoder.decode().map_err(|e| damaged(e.to_string()))?;
    let info = decoder
        .info()
        .ok_or_else(|| damaged("no frame in the JPEG"))?;
    let (w, h) = (u32::from(w), u32::from(h));
    let rgb: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::L16 => pixels
            .chunks_exact(2)
            .flat_map(|l| [l[0], l[0], l[0]])
            .collect(),
        // The decoder gives ink amounts (Adobe's inverted CMYK and YCCK undone): each
        // channel's light is what its ink and the black ink both let through.
        jpeg_decoder::PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let through = |ink: u8| u32::from(255 - ink);
                [0, 1, 2].map(|i| ((through(p[i]) * through(p[3]) + 127) / 255) as u8)
            })
            .collect(),
    };
    let image = RgbImage::from_raw(w, h, rgb)
        .ok_or_else(|| damaged("the JPEG decoded to fewer pixels than it declares"))?;
    Ok((image, orientation))
}

fn read_png(
    bytes: &[u8],
    scale: impl FnOnce(u32, u32, Orientation) -> f64,
) -> Result<(RgbImage, Orientation), UploadError> {
    let png_error = |e: png::DecodingError| match e {
        png::DecodingError::LimitsExceeded => damaged("the PNG asks for more memory than it may"),
        e => damaged(e.to_string()),
    };
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: MAX_DECODE_BYTES as usize,
        },
    );
    // A colour profile or text can be compressed a thousandfold; neither is needed.
    decoder.set_ignore_iccp_chunk(true);
    decoder.set_ignore_text_chunk(true);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(png_error)?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    check_size(width, height)?;
    let orientation = info
        .exif_metadata
        .as_deref()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let interlaced = info.interlaced;
    let fraction = scale(width, height, orientation).clamp(1e-6, 1.0);
    let (color, _) = reader.output_color_type();
    let channels = color.samples();
    let mut bins = Bins::new(width, height, (1.0 / fraction).floor().max(1.0) as u32);
    if interlaced {
        // Adam7 delivers the picture in seven passes: it is put together whole first.
        let size = reader.output_buffer_size().map_or(u64::MAX, |s| s as u64);
        if size + bins.memory() > MAX_DECODE_BYTES {
            return Err(TooCostly::Memory {
                kind: "interlaced PNG",
                width,
                height,
                megabytes: (size + bins.memory()) >> 20,
            }
            .into());
        }
        let mut buffer = vec![0; size as usize];
        let frame = reader.next_frame(&mut buffer).map_err(png_error)?;
        for row in buffer[..frame.buffer_size()].chunks_exact(frame.line_size) {
            bins.add(row, channels);
        }
    } else {
        while let Some(row) = reader.next_row().map_err(png_error)? {
            bins.add(row.data(), channels);
        }
    }
    Ok((bins.finish()?, orientation))
}

/// A picture scaled down by a whole factor as its rows arrive: each `factor` x `factor`
/// square of the photo becomes one pixel, the mean of its colours (transparent parts over
/// white), so only one row of sums is held besides the result.
struct Bins {
    width: u32,
    height: u32,
    factor: u32,
    out_width: u32,
    sums: Vec<u32>,
    rows_in: u32,
    rows_seen: u32,
    out: Vec<u8>,
}

impl Bins {
    fn new(width: u32, height: u32, factor: u32) -> Bins {
        let factor = factor.min(width.min(height)).max(1);
        let out_width = width.div_ceil(factor);
        Bins {
            width,
            height,
            factor,
            out_width,
            sums: vec![0; out_width as usize * 3],
            rows_in: 0,
            rows_seen: 0,
            out: Vec::with_capacity(out_width as usize * height.div_ceil(factor) as usize * 3),
        }
    }

    /// The result's bytes.
    fn memory(&self) -> u64 {
        u64::from(self.out_width) * u64::from(self.height.div_ceil(self.factor)) * 3
    }

    /// Adds one row of 8-bit grey, grey and alpha, RGB or RGBA samples.
    fn add(&mut self, row: &[u8], channels: usize) {
        if self.rows_seen >= self.height {
            return;
        }
        for (x, pixel) in row
            .chunks_exact(channels)
            .take(self.width as usize)
            .enumerate()
        {
            let rgb = match *pixel {
                [l] => [l; 3],
                [l, a] => [over_white(l, a); 3],
                [r, g, b] => [r, g, b],
                [r, g, b, a] => [over_white(r, a), over_white(g, a), over_white(b, a)],
                _ => [0; 3],
            };
            let at = x / self.factor as usize * 3;
            for (sum, c) in self.sums[at..at + 3].iter_mut().zip(rgb) {
                *sum += u32::from(c);
            }
        }
        self.rows_in += 1;
        self.rows_seen += 1;
        if self.rows_in == self.factor || self.rows_seen == self.height {
            self.emit();
        }
    }

    fn emit(&mut self) {
        for (column, sums) in self.sums.chunks_exact_mut(3).enumerate() {
            let first = column as u32 * self.factor;
            let across = self.factor.min(self.width - first);
            let count = across * self.rows_in;
            for sum in sums.iter_mut() {
                self.out.push(((*sum + count / 2) / count) as u8);
                *sum = 0;
            }
        }
        self.rows_in = 0;
    }

    fn finish(self) -> Result<RgbImage, UploadError> {
        let rows = self.height.div_ceil(self.factor);
        RgbImage::from_raw(self.out_width, rows, self.out)
            .ok_or_else(|| damaged("the PNG has fewer rows than it declares"))
    }
}

/// A colour with its alpha, over white.
fn over_white(c: u8, a: u8) -> u8 {
    ((u32::from(c) * u32::from(a) + 255 * u32::from(255 - a) + 127) / 255) as u8
}

fn read_webp(bytes: &[u8]) -> Result<(RgbImage, Orientation), UploadError> {
    use image::ImageDecoder;
    let image_error = |e: image::ImageError| damaged(e.to_string());
    let mut decoder =
        image::codecs::webp::WebPDecoder::new(Cursor::new(bytes)).map_err(image_error)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_WEBP_PIXELS {
        return Err(TooCostly::Memory {
            kind: "WebP",
            width,
            height,
            megabytes: (pixels * 11) >> 20,
        }
        .into());
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    decoder.set_limits(limits).map_err(image_error)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = image::DynamicImage::from_decoder(decoder).map_err(image_error)?;
    Ok((image.into_rgb8(), orientation))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::photo::hostile;
    use jpeg_encoder::SamplingFactor;

    #[test]
    fn an_ordinary_progressive_jpeg_is_read() {
        let jpeg = hostile::progressive_jpeg(640, 480, SamplingFactor::R_4_2_0);
        let plan = plan_jpeg(&jpeg).unwrap();
        assert!(
            plan.progressive && plan.scans > 1 && plan.scans <= 12,
            "{plan:?}"
        );
        let (image, _) = read_raw(&jpeg, |_, _, _| 1.0).unwrap();
        assert_eq!(image.dimensions(), (640, 480));
        let grey = image.get_pixel(300, 200).0;
        assert!(grey.iter().all(|&c| c.abs_diff(128) < 4), "{grey:?}");
    }

    #[test]
    fn a_repeated_scan_is_refused_before_decoding() {
        let bomb = hostile::scan_bomb(320, 500_000);
        let err = read_raw(&bomb, |_, _, _| 1.0).unwrap_err();
        assert!(
            matches!(err, UploadError::TooCostly(TooCostly::Scans { .. })),
            "{err:?}"
        );
        assert!(err.to_string().contains("ordinary"), "{err}");
    }

    #[test]
    fn scans_within_the_count_can_still_walk_too_many_blocks() {
        // A baseline 8000x5000 grey frame: 625,000 blocks a scan.
        let frame = [8, 0x13, 0x88, 0x1F, 0x40, 1, 1, 0x11, 0];
        let plan = frame_header(&frame, false).unwrap();
        assert_eq!(plan.blocks(&plan.components[0]), 625_000);
        let header = [&[0xFF, 0xD8, 0xFF, 0xC0, 0, 11][..], &frame].concat();
        let scan = [0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34];
        let with_scans = |n: usize| [header.clone(), scan.repeat(n), vec![0xFF, 0xD9]].concat();
        assert!(matches!(
            plan_jpeg(&with_scans(10)),
            Err(UploadError::TooCostly(TooCostly::Work { scans: 10, .. }))
        ));
        assert_eq!(plan_jpeg(&with_scans(9)).unwrap().scans, 9);
    }

    #[test]
    fn a_large_progressive_jpeg_is_refused_for_its_memory() {
        // 40 megapixels, 4:4:4: every coefficient of three full planes, 240 MB.
        let jpeg = hostile::large_progressive_header(7300, 5470);
        let err = read_raw(&jpeg, |_, _, _| 0.1).unwrap_err();
        match err {
            UploadError::TooCostly(TooCostly::Memory {
                kind: "progressive JPEG",
                width: 7300,
                height: 5470,
                megabytes,
            }) => assert!(megabytes > 200, "{megabytes}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn kinds_no_camera_writes_are_named() {
        let mut jpeg = hostile::progressive_jpeg(64, 64, SamplingFactor::R_4_2_0);
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC2]).unwrap();
        for (marker, kind) in [
            (0xC3, "lossless"),
            (0xC9, "arithmetic-coded"),
            (0xC5, "hierarchical"),
        ] {
            jpeg[sof + 1] = marker;
            assert_eq!(
                read_raw(&jpeg, |_, _, _| 1.0),
                Err(UploadError::TooCostly(TooCostly::Kind(kind)))
            );
        }
    }

    #[test]
    fn a_png_is_binned_down_as_its_rows_come() {
        // 16-bit RGBA, half transparent: cut to 8 bits, over white, a quarter the size.
        let image = image::ImageBuffer::<image::Rgba<u16>, _>::from_fn(400, 300, |x, _| {
            if x < 200 {
                image::Rgba([65535, 0, 0, 65535])
            } else {
                image::Rgba([0, 0, 0, 0])
            }
        });
        let mut png = Cursor::new(Vec::new());
        image.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let (read, _) = read_raw(png.get_ref(), |_, _, _| 0.25).unwrap();
        assert_eq!(read.dimensions(), (100, 75));
        assert_eq!(read.get_pixel(10, 10).0, [255, 0, 0]);
        assert_eq!(read.get_pixel(90, 70).0, [255, 255, 255]);
        // An odd size: the last column and row of bins are narrower, not darker.
        let odd = image::RgbImage::from_pixel(203, 101, image::Rgb([10, 200, 30]));
        let png = crate::render::encode::png(&odd);
        let (read, _) = read_raw(&png, |_, _, _| 0.3).unwrap();
        assert_eq!(read.dimensions(), (68, 34));
        assert_eq!(read.get_pixel(67, 33).0, [10, 200, 30]);
    }

    #[test]
    fn a_large_webp_is_refused_from_its_header() {
        let webp = hostile::lossless_webp_header(6300, 6300);
        match read_raw(&webp, |_, _, _| 0.2) {
            Err(UploadError::TooCostly(TooCostly::Memory {
                kind: "WebP",
                width: 6300,
                height: 6300,
                ..
            })) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_colour_profile_that_inflates_without_end_is_never_inflated() {
        let bomb = hostile::profile_bomb(512 << 20);
        assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
        let (image, _) = read_raw(&bomb, |_, _, _| 1.0).unwrap();
        assert_eq!(image.dimensions(), (64, 64));
    }

    #[test]
    fn a_deep_png_is_read_in_rows_at_the_size_needed() {
        // 16-bit RGBA, 128 MB decoded whole: read a row at a time, binned by 4.
        let png = hostile::deep_png(4000, 4000);
        assert!(png.len() < 2 << 20, "{} bytes", png.len());
        let (image, _) = read_raw(&png, |_, _, _| 0.25).unwrap();
        assert_eq!(image.dimensions(), (1000, 1000));
        // Black and fully transparent: white, as it would show on a page.
        assert_eq!(image.get_pixel(500, 500).0, [255, 255, 255]);
    }
}
