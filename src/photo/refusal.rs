//! Why a photo someone sends is refused: the limits an upload is held to, what reading
//! one may cost (see `read`), the errors that name each limit, and the checks every upload
//! passes before a byte of it is decoded. The readers and the makers of stored forms both
//! use these, and this file uses neither.

use crate::render::template::PhotoError;

/// The largest photo upload, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// The smallest side an uploaded photo may have: smaller ones cannot carry a caption (and
/// every remix of them would fail).
pub const MIN_PHOTO_SIDE: u32 = 64;
/// The most memory one photo's decoder may take, result included. Two render slots reading
/// photos at once stay well inside a small node's memory.
pub const MAX_DECODE_BYTES: u64 = 48 << 20;

/// The most scans a JPEG may have. Cameras and phones write one; progressive encoders
/// about ten (libjpeg's default script), and the most careful scan optimisers under 30.
pub const MAX_JPEG_SCANS: usize = 64;

/// The most 8x8 blocks decoding may walk, summed over a JPEG's scans: a 40-megapixel
/// baseline photo walks about 0.94 million, a 12-megapixel progressive one about 2 million.
/// Each repeat of a scan walks its blocks again, whatever few bytes it takes in the file.
pub const MAX_BLOCK_SCANS: u64 = 6_000_000;

/// The largest WebP photo, in pixels (its decoder holds the picture as 32-bit pixels and
/// then as the result).
pub const MAX_WEBP_PIXELS: u64 = MAX_DECODE_BYTES / 11;

/// Why a photo would cost too much to read, or is of a kind no camera writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TooCostly {
    /// Too many scans.
    #[error(
        "the JPEG has {scans} or more scans; a photo has at most {MAX_JPEG_SCANS}. Save it \
         again as an ordinary (baseline) JPEG"
    )]
    Scans {
        /// How many were counted before giving up.
        scans: usize,
    },
    /// Its scans would walk too many blocks.
    #[error(
        "the JPEG's {scans} scans would decode {:.1} million blocks; the limit is {} \
         million. Save it again as an ordinary (baseline) JPEG",
        *.blocks as f64 / 1e6,
        MAX_BLOCK_SCANS / 1_000_000
    )]
    Work {
        /// Scans counted.
        scans: usize,
        /// Blocks their decoding would walk, counted so far.
        blocks: u64,
    },
    /// Its decoder would need too much memory.
    #[error(
        "a {kind} of {width}x{height} needs {megabytes} MB to read; the limit is {} MB. \
         Send a smaller photo, or save it as an ordinary JPEG",
        MAX_DECODE_BYTES >> 20
    )]
    Memory {
        /// "progressive JPEG", "interlaced PNG", "WebP".
        kind: &'static str,
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
        /// What reading it would take.
        megabytes: u64,
    },
    /// A kind of JPEG no camera or phone writes.
    #[error(
        "this is a {0} JPEG, which cameras and phones do not write; save it again as an ordinary JPEG"
    )]
    Kind(&'static str),
}

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
    /// A file that is a photo and something else at once (a web page, a script, an
    /// archive, a PDF): refused rather than passed on.
    #[error("this file is a photo and {0} at once; send the photo alone")]
    Polyglot(&'static str),
    /// A frame that cannot be used (not a PNG, the wrong size, no transparency).
    #[error("{0}")]
    BadFrame(String),
    /// The chosen part of the photo is no rectangle inside it.
    #[error("crop: {0}")]
    BadCrop(String),
    /// Not a photo we can read.
    #[error(transparent)]
    Photo(#[from] PhotoError),
    /// A photo that would take too much memory or time to read, or a kind of JPEG no
    /// camera writes.
    #[error(transparent)]
    TooCostly(#[from] TooCostly),
}

/// Refusals every upload shares: size, emptiness, and formats people send by mistake
/// (HEIC from an iPhone, an SVG), named so they know what to send instead.
pub(super) fn first_checks(bytes: &[u8]) -> Result<(), UploadError> {
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
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
    if head.contains("<svg") {
        return Err(UploadError::Svg);
    }
    if image::guess_format(bytes).is_ok()
        && let Some(other) = also(bytes, &head)
    {
        return Err(UploadError::Polyglot(other));
    }
    if is_cut_short(bytes) {
        return Err(UploadError::Truncated);
    }
    Ok(())
}

/// Whether these bytes are a JPEG cut short (no end marker after its image data), as a
/// copy or a transfer that stopped halfway leaves it: decoders draw the missing part grey.
pub fn is_cut_short(bytes: &[u8]) -> bool {
    image::guess_format(bytes).ok() == Some(image::ImageFormat::Jpeg) && !jpeg_is_whole(bytes)
}

/// What else a file is, besides perhaps a photo: a web page or script (markup in its
/// first kilobyte, where a browser sniffing it would look), a PDF, or a ZIP archive (its
/// directory at the end, as archive tools find it). Phones' own trailers (a motion photo's
/// video, a maker's notes) are none of these.
fn also(bytes: &[u8], head: &str) -> Option<&'static str> {
    if ["<html", "<script", "<!doctype", "<?php", "<body", "<iframe"]
        .iter()
        .any(|m| head.contains(m))
    {
        return Some("a web page");
    }
    if head.contains("%pdf-") {
        return Some("a PDF");
    }
    // A ZIP's end-of-directory record lies in its last 64 KB + 22 bytes.
    let tail = &bytes[bytes.len().saturating_sub(65_557)..];
    if tail.windows(4).any(|w| w == b"PK\x05\x06") {
        return Some("a ZIP archive");
    }
    None
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
            // From the end: the end marker is the last two bytes of most files.
            return bytes[data..].windows(2).rev().any(|w| w == [0xFF, 0xD9]);
        }
        at += 2 + length;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::read_supporter_photo;

    fn jpeg_of(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        crate::render::encode::jpeg(&image, 85)
    }

    #[test]
    fn a_jpeg_is_whole_with_its_end_marker_after_the_image_data() {
        let photo = jpeg_of(128, 96);
        assert!(jpeg_is_whole(&photo));
        // A phone's trailer after the end marker is fine.
        let trailer = [&photo[..], b"SEFHtrailer data\0\x01\x02"].concat();
        assert!(jpeg_is_whole(&trailer));
        assert_eq!(
            read_supporter_photo(&trailer, 128).unwrap().dimensions(),
            (128, 96)
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
}
