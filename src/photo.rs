//! Photos staff upload as new templates: the checks they must pass and the stored form
//! they are made into, and the id and hashtags a new template gets. Pure (no I/O), so the
//! web layer only carries bytes here and results back.

use image::RgbImage;

use crate::render::template::{MAX_PHOTO_PIXELS, PhotoError, decode_photo};

/// The largest photo upload, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// The smallest side an uploaded photo may have: smaller ones cannot carry a caption (and
/// every remix of them would fail).
pub const MIN_PHOTO_SIDE: u32 = 64;
/// Uploaded photos are scaled to at most this many pixels on the long side.
pub const MAX_PHOTO_SIDE: u32 = 1600;
/// The quality uploaded photos are stored at: high, since every remix starts from it.
const STORED_QUALITY: u8 = 90;

/// Why an uploaded photo is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// Over [`MAX_UPLOAD_BYTES`].
    #[error("the photo is {:.1} MB; the limit is 20 MB", *.bytes as f64 / 1_048_576.0)]
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// Nothing was sent.
    #[error("no photo was sent")]
    Empty,
    /// A JPEG without its end marker: cut short in transit.
    #[error("the JPEG is damaged or cut short (it has no end marker)")]
    Truncated,
    /// Smaller than [`MIN_PHOTO_SIDE`] on a side.
    #[error("the photo is {width}x{height} pixels; each side needs at least {MIN_PHOTO_SIDE}")]
    TooSmall {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
    /// An iPhone's HEIC (or another HEIF) photo, which this does not read.
    #[error(
        "this is a HEIC photo, which cannot be read here; choose a JPEG, PNG or WebP \
         (on an iPhone: Settings, Camera, Formats, Most Compatible)"
    )]
    Heic,
    /// A drawing (SVG), not a photo.
    #[error("this is an SVG drawing, not a photo; choose a JPEG, PNG or WebP")]
    Svg,
    /// Not a photo we can read.
    #[error(transparent)]
    Photo(#[from] PhotoError),
}

/// Checks an uploaded photo and makes it the stored form: JPEG, PNG or WebP by its bytes
/// (whatever its name says), at most 20 MB and 40 megapixels (read from the header before
/// any decoding), upright by its EXIF orientation, at most 1600 px on the long side, and
/// re-encoded as JPEG without any metadata.
pub fn accept_photo(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    first_checks(bytes)?;
    let photo = decode_photo(bytes)?;
    let (width, height) = photo.dimensions();
    if width.min(height) < MIN_PHOTO_SIDE {
        return Err(UploadError::TooSmall { width, height });
    }
    debug_assert!(u64::from(width) * u64::from(height) <= MAX_PHOTO_PIXELS);
    Ok(crate::render::encode::jpeg(&fit(photo), STORED_QUALITY))
}

/// Refusals every upload shares: size, emptiness, and formats people send by mistake
/// (HEIC from an iPhone, an SVG), named so they know what to send instead.
fn first_checks(bytes: &[u8]) -> Result<(), UploadError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge { bytes: bytes.len() });
    }
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    // HEIF: an ISO box `ftyp` first, with a HEIF brand.
    if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1"
        )
    {
        return Err(UploadError::Heic);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    if head.contains("<svg") {
        return Err(UploadError::Svg);
    }
    if image::guess_format(bytes).ok() == Some(image::ImageFormat::Jpeg) && !jpeg_is_whole(bytes) {
        return Err(UploadError::Truncated);
    }
    Ok(())
}

/// Whether a JPEG has its end marker after its image data. The header segments are
/// walked by their lengths, so an end marker inside them (the EXIF thumbnail's) does not
/// count; data after the end (the trailers some phones append) is allowed.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        // Fill bytes before a marker.
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if marker == 0xDA {
            // Start of scan: the image data follows; its end marker must too.
            let data = (at + 2 + length).min(bytes.len());
            return bytes[data..].windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        at += 2 + length;
    }
    false
}

/// A supporter's own photo, read for a picture that needs `needed` pixels on its long
/// side: JPEG, PNG or WebP by its bytes, at most 20 MB and 40 megapixels (read from the
/// header before any decoding), upright by its EXIF orientation. A JPEG is decoded
/// straight to 1/2, 1/4 or 1/8 of its size where that still gives `needed` pixels, which
/// makes a 12-megapixel phone photo several times cheaper to read. Nothing of the file but
/// its pixels comes out: no EXIF, no GPS, no XMP.
pub fn read_supporter_photo(bytes: &[u8], needed: u32) -> Result<RgbImage, UploadError> {
    first_checks(bytes)?;
    if image::guess_format(bytes).ok() != Some(image::ImageFormat::Jpeg) {
        return Ok(decode_photo(bytes)?);
    }
    use image::ImageDecoder;
    let damaged = |e: String| UploadError::Photo(PhotoError::Damaged(e));
    // The header only: the size and the orientation, before any pixel is decoded.
    let header = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(bytes))
        .map_err(|e| damaged(e.to_string()))?;
    let (width, height) = header.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PHOTO_PIXELS {
        return Err(PhotoError::TooManyPixels { width, height }.into());
    }
    let mut header = header;
    let orientation = header
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let long = width.max(height).max(1);
    let scale = |side: u32| {
        (u64::from(side) * u64::from(needed.min(long)))
            .div_ceil(u64::from(long))
            .clamp(1, u64::from(u16::MAX)) as u16
    };
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    let (w, h) = decoder
        .scale(scale(width), scale(height))
        .map_err(|e| damaged(e.to_string()))?;
    let pixels = decoder.decode().map_err(|e| damaged(e.to_string()))?;
    let info = decoder
        .info()
        .ok_or_else(|| damaged("no frame in the JPEG".into()))?;
    let (w, h) = (u32::from(w), u32::from(h));
    let rgb: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::L16 => pixels
            .chunks_exact(2)
            .flat_map(|l| [l[0], l[0], l[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let k = u16::from(p[3]);
                [0, 1, 2].map(|i| ((u16::from(p[i]) * k) / 255) as u8)
            })
            .collect(),
    };
    let image = RgbImage::from_raw(w, h, rgb)
        .ok_or_else(|| damaged("the JPEG decoded to fewer pixels than it declares".into()))?;
    let mut image = image::DynamicImage::ImageRgb8(image);
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
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
        format!("{slug}-{}", crate::staff::random_hex(3))
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
        // PNG and WebP are read whole.
        let png = crate::render::encode::png(&RgbImage::new(300, 200));
        assert_eq!(
            read_supporter_photo(&png, 100).unwrap().dimensions(),
            (300, 200)
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
    fn a_jpeg_is_whole_with_its_end_marker_after_the_image_data() {
        let photo = jpeg_of(64, 48);
        assert!(jpeg_is_whole(&photo));
        // A phone's trailer after the end marker is fine.
        let trailer = [&photo[..], b"SEFHtrailer data\0\x01\x02"].concat();
        assert!(jpeg_is_whole(&trailer));
        assert_eq!(
            read_supporter_photo(&trailer, 64).unwrap().dimensions(),
            (64, 48)
        );
        // Cut anywhere in the image data: not whole, even with an end marker earlier in
        // the file (an EXIF thumbnail's).
        let mut thumbnail_exif = vec![0xFF, 0xE1, 0x00, 0x0A];
        thumbnail_exif.extend_from_slice(b"Exif\xFF\xD9\0\0");
        let with_thumbnail = [&photo[..2], &thumbnail_exif, &photo[2..]].concat();
        assert!(jpeg_is_whole(&with_thumbnail));
        for cut in [with_thumbnail.len() - 2, with_thumbnail.len() - 100, 40] {
            assert!(!jpeg_is_whole(&with_thumbnail[..cut]), "cut at {cut}");
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
