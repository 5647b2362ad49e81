//! Photos staff upload as new templates: the checks they must pass and the stored form
//! they are made into, and the id and hashtags a new template gets. Pure (no I/O), so the
//! web layer only carries bytes here and results back.

pub mod hostile;
mod read;
mod refusal;

use image::RgbImage;

use read::read_raw;
use refusal::first_checks;
pub use refusal::{
    MAX_BLOCK_SCANS, MAX_DECODE_BYTES, MAX_JPEG_SCANS, MAX_UPLOAD_BYTES, MAX_WEBP_PIXELS,
    MIN_PHOTO_SIDE, TooCostly, UploadError, is_cut_short,
};

use crate::render::template::PhotoError;
#[cfg(test)]
use crate::render::template::decode_photo;

/// Uploaded photos are scaled to at most this many pixels on the long side.
pub const MAX_PHOTO_SIDE: u32 = 1600;
/// The quality uploaded photos are stored at: high, since every remix starts from it.
const STORED_QUALITY: u8 = 90;

/// Checks an uploaded photo and makes it the stored form: JPEG, PNG or WebP by its bytes
/// (whatever its name says), at most 20 MB and 40 megapixels (read from the header before
/// any decoding), within what it may cost to read (see [`read`]), upright by its EXIF
/// orientation, at most 1600 px on the long side, and re-encoded as JPEG without any
/// metadata.
pub fn accept_photo(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    let (raw, orientation) = read_raw(bytes, |width, height, _| {
        f64::from(MAX_PHOTO_SIDE) / f64::from(width.max(height).max(1))
    })?;
    let mut photo = image::DynamicImage::ImageRgb8(raw);
    photo.apply_orientation(orientation);
    Ok(crate::render::encode::jpeg(
        &fit(photo.into_rgb8()),
        STORED_QUALITY,
    ))
}

/// Checks an uploaded frame and makes it the stored form: a PNG by its bytes (whatever
/// its name says), at most 20 MB, 1080x1080 or 1080x1920 read from the header, with a
/// transparent part for the supporter's photo, re-encoded without any metadata.
pub fn accept_frame(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    first_checks(bytes)?;
    let frame = crate::render::template::decode_frame(bytes).map_err(UploadError::BadFrame)?;
    let mut out = std::io::Cursor::new(Vec::new());
    frame
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG encodes to memory");
    Ok(out.into_inner())
}

/// A supporter's own photo, read for a picture that needs `needed` pixels on its long
/// side: JPEG, PNG or WebP by its bytes, at most 20 MB and 40 megapixels (read from the
/// header before any decoding), upright by its EXIF orientation. A JPEG is decoded
/// straight to 1/2, 1/4 or 1/8 of its size where that still gives `needed` pixels, which
/// makes a 12-megapixel phone photo several times cheaper to read. Nothing of the file but
/// its pixels comes out: no EXIF, no GPS, no XMP.
pub fn read_supporter_photo(bytes: &[u8], needed: u32) -> Result<RgbImage, UploadError> {
    let (raw, orientation) = read_raw(bytes, |width, height, _| {
        f64::from(needed) / f64::from(width.max(height).max(1))
    })?;
    let mut image = image::DynamicImage::ImageRgb8(raw);
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

/// The part of a supporter's photo a frame shows, as fractions of the photo as seen
/// (after its EXIF orientation): what `crop` in `POST /api/frames/{frame}/pictures` says.
#[derive(Clone, Copy, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Crop {
    /// Left edge, 0 to 1.
    pub x: f64,
    /// Top edge, 0 to 1.
    pub y: f64,
    /// Width, a fraction of the photo's width.
    pub width: f64,
    /// Height, a fraction of the photo's height.
    pub height: f64,
}

impl Crop {
    /// Checks that the rectangle lies inside the photo and is not empty.
    pub fn check(&self) -> Result<(), UploadError> {
        let bad = |why: String| Err(UploadError::BadCrop(why));
        crate::render::template::fractions(self.x, self.y, self.width, self.height)
            .map_err(UploadError::BadCrop)?;
        if self.width < 0.01 || self.height < 0.01 {
            return bad("width and height must each be at least 0.01 of the photo".into());
        }
        if self.x + self.width > 1.001 || self.y + self.height > 1.001 {
            return bad(
                "the rectangle must lie inside the photo (x + width and y + height at most 1)"
                    .into(),
            );
        }
        Ok(())
    }

    /// The same rectangle rounded to 1/10000 of the photo: what a picture's request key
    /// holds, so the same choice made on two screens is one picture.
    pub fn rounded(&self) -> [u32; 4] {
        [self.x, self.y, self.width, self.height].map(|v| (v * 10_000.0).round() as u32)
    }
}

/// A supporter's photo made ready for a frame `size` pixels large: read as
/// [`read_supporter_photo`] reads it (a JPEG at the smallest scale that still fills the
/// frame), cut to `crop` (the centre of the photo when there is none), and scaled to
/// exactly `size`. A rectangle of another shape than the frame's keeps its centre and is
/// narrowed to the frame's shape: a face is never stretched.
pub fn framed_photo(
    bytes: &[u8],
    crop: Option<Crop>,
    (width, height): (u32, u32),
) -> Result<RgbImage, UploadError> {
    if let Some(crop) = &crop {
        crop.check()?;
    }
    let seen = |(w, h): (u32, u32), orientation| if turns(orientation) { (h, w) } else { (w, h) };
    let (raw, orientation) = read_raw(bytes, |raw_w, raw_h, orientation| {
        let (seen_w, seen_h) = seen((raw_w, raw_h), orientation);
        let rect = shaped(crop, (seen_w, seen_h), (width, height));
        // The scale at which the rectangle still has the frame's pixels.
        (f64::from(width) / (rect.width * f64::from(seen_w)))
            .max(f64::from(height) / (rect.height * f64::from(seen_h)))
    })?;
    let rect = shaped(crop, seen(raw.dimensions(), orientation), (width, height));
    let turned = turns(orientation);
    // Cut and scale the photo as stored, then turn only the finished picture.
    let raw_rect = unturn(rect, orientation);
    let (out_w, out_h) = if turned {
        (height, width)
    } else {
        (width, height)
    };
    let (rw, rh) = raw.dimensions();
    use fast_image_resize as fr;
    let src = fr::images::ImageRef::new(rw, rh, raw.as_raw(), fr::PixelType::U8x3)
        .map_err(|e| UploadError::Photo(PhotoError::Damaged(e.to_string())))?;
    let mut dst = fr::images::Image::new(out_w, out_h, fr::PixelType::U8x3);
    let options = fr::ResizeOptions::new()
        .crop(
            raw_rect.x * f64::from(rw),
            raw_rect.y * f64::from(rh),
            (raw_rect.width * f64::from(rw)).max(1.0),
            (raw_rect.height * f64::from(rh)).max(1.0),
        )
        .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| UploadError::Photo(PhotoError::Damaged(e.to_string())))?;
    let out = RgbImage::from_raw(out_w, out_h, dst.into_vec()).expect("the resizer's size");
    let mut image = image::DynamicImage::ImageRgb8(out);
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

/// The rectangle a frame of `frame` size shows of a photo `seen` large: `crop` narrowed
/// about its centre to the frame's shape, or the largest centred one.
fn shaped(crop: Option<Crop>, seen: (u32, u32), frame: (u32, u32)) -> Crop {
    let crop = crop.unwrap_or(Crop {
        x: 0.0,
        y: 0.0,
        width: 1.0,
        height: 1.0,
    });
    let x1 = (crop.x + crop.width).min(1.0);
    let y1 = (crop.y + crop.height).min(1.0);
    let (mut w, mut h) = (x1 - crop.x, y1 - crop.y);
    // In pixels, the frame's shape is frame.0 / frame.1.
    let want = f64::from(frame.0) / f64::from(frame.1);
    let have = (w * f64::from(seen.0)) / (h * f64::from(seen.1));
    let (cx, cy) = (crop.x + w / 2.0, crop.y + h / 2.0);
    if have > want {
        w *= want / have;
    } else {
        h *= have / want;
    }
    Crop {
        x: cx - w / 2.0,
        y: cy - h / 2.0,
        width: w,
        height: h,
    }
}

/// Whether an orientation swaps width and height.
fn turns(orientation: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(
        orientation,
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH
    )
}

/// A rectangle of the photo as seen, as the same rectangle of the photo as stored (before
/// `orientation` turns it upright).
fn unturn(seen: Crop, orientation: image::metadata::Orientation) -> Crop {
    use image::metadata::Orientation::*;
    // A point of the picture as seen, (u, v) in fractions, and where it is stored.
    let stored = |u: f64, v: f64| match orientation {
        NoTransforms => (u, v),
        Rotate90 => (v, 1.0 - u),
        Rotate180 => (1.0 - u, 1.0 - v),
        Rotate270 => (1.0 - v, u),
        FlipHorizontal => (1.0 - u, v),
        FlipVertical => (u, 1.0 - v),
        Rotate90FlipH => (v, u),
        Rotate270FlipH => (1.0 - v, 1.0 - u),
    };
    let (ax, ay) = stored(seen.x, seen.y);
    let (bx, by) = stored(seen.x + seen.width, seen.y + seen.height);
    Crop {
        x: ax.min(bx).max(0.0),
        y: ay.min(by).max(0.0),
        width: (ax - bx).abs(),
        height: (ay - by).abs(),
    }
}

/// A stand-in for a 12-megapixel phone photo (4032x3024, JPEG quality 92, 4:2:0, as phone
/// cameras write them): soft light, shapes with edges, and sensor grain, so it costs a
/// decoder what a real photo does. For benchmarks (`jalsa bench --frame`, `cargo bench`).
pub fn sample_phone_photo() -> Vec<u8> {
    let (width, height) = (4032u32, 3024u32);
    let photo = RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        // Sky and ground, a sun, a crowd of blocks.
        let mut rgb = if fy < 0.45 {
            [90.0 + 80.0 * fy, 140.0 + 60.0 * fy, 220.0 - 40.0 * fy]
        } else {
            [70.0 + 60.0 * fx, 110.0 - 30.0 * fy, 50.0 + 20.0 * fx]
        };
        let (dx, dy) = (fx - 0.7, fy - 0.2);
        if dx * dx + dy * dy < 0.004 {
            rgb = [250.0, 230.0, 160.0];
        }
        let (column, row) = (x / 96, y / 140);
        if fy > 0.55 && (column * 7 + row * 3) % 5 < 2 {
            let shade = ((column * 37 + row * 11) % 120) as f32;
            rgb = [90.0 + shade, 60.0 + shade / 2.0, 40.0 + shade / 3.0];
        }
        let grain = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503))
            .wrapping_mul(2_246_822_519)
            >> 28) as f32
            - 8.0;
        image::Rgb(rgb.map(|c| (c + grain).clamp(0.0, 255.0) as u8))
    });
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 92);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(
            photo.as_raw(),
            width as u16,
            height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("a JPEG encodes to memory");
    out
}

/// The photo scaled down to at most [`MAX_PHOTO_SIDE`] on its long side.
fn fit(photo: RgbImage) -> RgbImage {
    let (w, h) = photo.dimensions();
    let scale = (MAX_PHOTO_SIDE as f32 / w.max(h) as f32).min(1.0);
    if scale >= 1.0 {
        return photo;
    }
    let (nw, nh) = (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    );
    image::imageops::resize(&photo, nw, nh, image::imageops::FilterType::Lanczos3)
}

/// A template id from a title: lowercase letters, digits and dashes, at most 30, made
/// unique against `taken` with a random suffix.
pub fn new_template_id(title: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut slug: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    let slug: String = slug.trim_matches('-').chars().take(30).collect();
    let slug = if slug.is_empty() {
        "photo".to_owned()
    } else {
        slug
    };
    if taken(&slug) {
        format!("{slug}-{}", crate::secret::random_hex(3))
    } else {
        slug
    }
}

/// Hashtags from what staff typed: separated by commas or spaces, `#` optional.
pub fn hashtags(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(|t| t.trim().trim_start_matches('#').to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_slugs_of_the_title_and_unique() {
        assert_eq!(
            new_template_id("Minar-e-Pakistan rally!", |_| false),
            "minar-e-pakistan-rally"
        );
        assert_eq!(new_template_id("جلسہ", |_| false), "photo");
        let again = new_template_id("Rally", |id| id == "rally");
        assert!(
            again.starts_with("rally-") && again.len() == "rally-".len() + 6,
            "{again}"
        );
    }

    #[test]
    fn hashtags_take_commas_spaces_and_hashes() {
        assert_eq!(
            hashtags("#Jalsa, tabdeeli  #2011"),
            ["Jalsa", "tabdeeli", "2011"]
        );
        assert!(hashtags(" , # ").is_empty());
    }

    fn jpeg_of(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        crate::render::encode::jpeg(&image, 85)
    }

    /// `jpeg` with an EXIF block saying `orientation`, as a phone writes it.
    fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
        let mut exif = vec![0xFF, 0xE1, 0x00, 0x22];
        exif.extend_from_slice(b"Exif\0\0MM\0\x2a\0\0\0\x08");
        exif.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
        exif.extend_from_slice(&[0, 0, 0, 0]);
        [&jpeg[..2], &exif, &jpeg[2..]].concat()
    }

    /// A JPEG of one CMYK colour (ink amounts), as print designers' tools write them:
    /// Adobe's inverted CMYK, or YCCK.
    fn cmyk_jpeg(ink: [u8; 4], color: jpeg_encoder::ColorType) -> Vec<u8> {
        let (w, h) = (96u16, 80u16);
        let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h))
            .flat_map(|_| ink)
            .collect();
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 95)
            .encode(&pixels, w, h, color)
            .unwrap();
        out
    }

    #[test]
    fn a_cmyk_jpeg_shows_its_colours() {
        // Magenta-pink, a mid grey of black ink alone, and paper white.
        let cases = [
            ([10, 200, 30, 0], [245, 55, 225]),
            ([0, 0, 0, 128], [127, 127, 127]),
            ([0, 0, 0, 0], [255, 255, 255]),
            ([0, 255, 255, 51], [204, 0, 0]),
        ];
        for color in [
            jpeg_encoder::ColorType::Cmyk,
            jpeg_encoder::ColorType::CmykAsYcck,
        ] {
            for (ink, rgb) in cases {
                let photo = read_supporter_photo(&cmyk_jpeg(ink, color), 80).unwrap();
                let seen = mean(&photo);
                assert!(
                    seen.iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) <= 4),
                    "{color:?} ink {ink:?}: {seen:?}, not {rgb:?}"
                );
            }
        }
    }

    #[test]
    fn a_big_phone_jpeg_is_decoded_at_a_reduced_scale_and_upright() {
        let photo = jpeg_of(2400, 1800);
        // 1080 needed: half size is enough, and is what comes out.
        assert_eq!(
            read_supporter_photo(&photo, 1080).unwrap().dimensions(),
            (1200, 900)
        );
        // More needed than half gives: the whole photo.
        assert_eq!(
            read_supporter_photo(&photo, 1500).unwrap().dimensions(),
            (2400, 1800)
        );
        // A quarter, an eighth.
        assert_eq!(
            read_supporter_photo(&photo, 500).unwrap().dimensions(),
            (600, 450)
        );
        assert_eq!(
            read_supporter_photo(&photo, 100).unwrap().dimensions(),
            (300, 225)
        );
        // Turned by its EXIF orientation (6: the camera was held upright).
        let turned = with_orientation(&photo, 6);
        assert_eq!(
            read_supporter_photo(&turned, 1080).unwrap().dimensions(),
            (900, 1200)
        );
        // A PNG is binned down by a whole factor as it is read; a WebP is read whole.
        let png = crate::render::encode::png(&RgbImage::new(300, 200));
        assert_eq!(
            read_supporter_photo(&png, 100).unwrap().dimensions(),
            (100, 67)
        );
        assert_eq!(
            read_supporter_photo(&png, 200).unwrap().dimensions(),
            (300, 200)
        );
    }

    /// A photo of four coloured quarters (red, green / blue, white), as a phone stored it
    /// before turning it by `orientation`.
    fn quarters(width: u32, height: u32, orientation: u8) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb(match (x < width / 2, y < height / 2) {
                (true, true) => [220, 20, 20],
                (false, true) => [20, 200, 20],
                (true, false) => [20, 20, 220],
                (false, false) => [240, 240, 240],
            })
        });
        with_orientation(&crate::render::encode::jpeg(&image, 90), orientation)
    }

    fn mean(image: &RgbImage) -> [u8; 3] {
        let mut sum = [0u64; 3];
        for p in image.pixels() {
            for (total, value) in sum.iter_mut().zip(p.0) {
                *total += u64::from(value);
            }
        }
        sum.map(|s| (s / image.pixels().len() as u64) as u8)
    }

    #[test]
    fn a_framed_photo_shows_the_part_chosen_on_screen_whatever_the_orientation() {
        for orientation in 1..=8 {
            let photo = quarters(1600, 1200, orientation);
            let seen = decode_photo(&photo).unwrap();
            let (w, h) = seen.dimensions();
            // Each quarter as the supporter sees it, chosen with a square crop.
            for (qx, qy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let side = (w.min(h) / 2) as f64;
                let crop = Crop {
                    x: f64::from(qx) * 0.5 + 0.05,
                    y: f64::from(qy) * 0.5 + 0.05,
                    width: side * 0.8 / f64::from(w),
                    height: side * 0.8 / f64::from(h),
                };
                let framed = framed_photo(&photo, Some(crop), (200, 200)).unwrap();
                assert_eq!(framed.dimensions(), (200, 200));
                let centre = seen.get_pixel(
                    ((crop.x + crop.width / 2.0) * f64::from(w)) as u32,
                    ((crop.y + crop.height / 2.0) * f64::from(h)) as u32,
                );
                let got = mean(&framed);
                for c in 0..3 {
                    assert!(
                        got[c].abs_diff(centre.0[c]) < 24,
                        "orientation {orientation}, quarter {qx},{qy}: {got:?} against {centre:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_crop_of_another_shape_is_narrowed_about_its_centre_not_stretched() {
        let photo = quarters(1600, 1200, 1);
        // The whole top half: wider than a square, so narrowed to its middle, which
        // straddles red and green equally.
        let crop = Crop {
            x: 0.0,
            y: 0.0,
            width: 1.0,
            height: 0.5,
        };
        let framed = framed_photo(&photo, Some(crop), (300, 300)).unwrap();
        let left = mean(&image::imageops::crop_imm(&framed, 0, 0, 140, 300).to_image());
        let right = mean(&image::imageops::crop_imm(&framed, 160, 0, 140, 300).to_image());
        assert!(left[0] > 180 && left[1] < 60, "{left:?}");
        assert!(right[1] > 160 && right[0] < 60, "{right:?}");
        // No crop: the centre, a portrait frame from a landscape photo.
        let story = framed_photo(&photo, None, (108, 192)).unwrap();
        assert_eq!(story.dimensions(), (108, 192));
        for bad in [
            Crop {
                x: -0.1,
                y: 0.0,
                width: 0.5,
                height: 0.5,
            },
            Crop {
                x: 0.8,
                y: 0.0,
                width: 0.5,
                height: 0.5,
            },
            Crop {
                x: 0.0,
                y: 0.0,
                width: 0.0,
                height: 0.5,
            },
            Crop {
                x: f64::NAN,
                y: 0.0,
                width: 0.5,
                height: 0.5,
            },
        ] {
            assert!(
                matches!(
                    framed_photo(&photo, Some(bad), (100, 100)),
                    Err(UploadError::BadCrop(_))
                ),
                "{bad:?} accepted"
            );
        }
    }

    #[test]
    fn a_photo_that_is_also_a_page_an_archive_or_a_pdf_is_refused() {
        let photo = jpeg_of(320, 240);
        let zip = [
            &photo[..],
            b"PK\x03\x04rest of a zip",
            b"PK\x05\x06",
            &[0; 18],
        ]
        .concat();
        assert_eq!(
            read_supporter_photo(&zip, 1080),
            Err(UploadError::Polyglot("a ZIP archive"))
        );
        // A comment segment carrying a script, where a browser sniffing it would look.
        let comment = b"<script>alert(1)</script>";
        let mut segment = vec![0xFF, 0xFE, 0, (comment.len() + 2) as u8];
        segment.extend_from_slice(comment);
        let page = [&photo[..2], &segment, &photo[2..]].concat();
        assert_eq!(
            read_supporter_photo(&page, 1080),
            Err(UploadError::Polyglot("a web page"))
        );
        // A motion photo's video after the picture is a phone's own trailer: accepted.
        let motion = [&photo[..], &[0, 0, 0, 0x18], b"ftypmp42", &[0; 64]].concat();
        assert_eq!(
            read_supporter_photo(&motion, 1080).unwrap().dimensions(),
            (320, 240)
        );
    }

    #[test]
    fn hostile_supporter_photos_are_refused_with_the_reason() {
        let heic = [&[0, 0, 0, 0x18][..], b"ftypheic", &[0; 16]].concat();
        assert_eq!(read_supporter_photo(&heic, 1080), Err(UploadError::Heic));
        assert!(UploadError::Heic.to_string().contains("JPEG, PNG or WebP"));
        let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(read_supporter_photo(svg, 1080), Err(UploadError::Svg));
        let photo = jpeg_of(640, 480);
        assert_eq!(
            read_supporter_photo(&photo[..photo.len() / 2], 1080),
            Err(UploadError::Truncated)
        );
        // A header claiming 60000x60000 pixels: refused before any decoding.
        let mut bomb = photo.clone();
        let sof = bomb
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("a baseline frame header");
        bomb[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
        assert_eq!(
            read_supporter_photo(&bomb, 1080),
            Err(UploadError::Photo(PhotoError::TooManyPixels {
                width: 60000,
                height: 60000
            }))
        );
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
        assert!(matches!(
            read_supporter_photo(gif, 1080),
            Err(UploadError::Photo(PhotoError::NotAccepted { .. }))
        ));
        assert_eq!(
            read_supporter_photo(&vec![0; MAX_UPLOAD_BYTES + 1], 1080),
            Err(UploadError::TooLarge {
                bytes: MAX_UPLOAD_BYTES + 1
            })
        );
        // Garbage after a JPEG header: an error, never a panic.
        let mut garbage = photo[..600].to_vec();
        garbage.extend(std::iter::repeat_n(0x5A, 4000));
        garbage.extend_from_slice(&[0xFF, 0xD9]);
        assert!(read_supporter_photo(&garbage, 1080).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// A damaged phone photo (bytes flipped anywhere, or cut anywhere) is refused or
        /// read, never a panic.
        #[test]
        fn damaged_jpegs_never_panic(
            flips in proptest::collection::vec((0usize..4000, proptest::prelude::any::<u8>()), 1..12),
            cut in 0usize..4000,
        ) {
            let mut photo = jpeg_of(96, 64);
            for (at, byte) in flips {
                let at = at % photo.len();
                photo[at] = byte;
            }
            let _ = read_supporter_photo(&photo, 1080);
            let cut = cut % photo.len();
            let _ = read_supporter_photo(&photo[..cut], 1080);
        }
    }

    #[test]
    fn refusals_name_the_reason() {
        assert_eq!(accept_photo(b""), Err(UploadError::Empty));
        assert_eq!(
            accept_photo(b"GIF89a\x01\x00\x01\x00"),
            Err(UploadError::Photo(PhotoError::NotAccepted {
                format: "gif".into()
            }))
        );
        assert_eq!(
            accept_photo(b"%PDF-1.4 not a photo"),
            Err(UploadError::Photo(PhotoError::NotAnImage))
        );
        assert_eq!(
            accept_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Err(UploadError::Truncated)
        );
    }
}
