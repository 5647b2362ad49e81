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
    /// Not a photo we can read.
    #[error(transparent)]
    Photo(#[from] PhotoError),
}

/// Checks an uploaded photo and makes it the stored form: JPEG, PNG or WebP by its bytes
/// (whatever its name says), at most 20 MB and 40 megapixels (read from the header before
/// any decoding), upright by its EXIF orientation, at most 1600 px on the long side, and
/// re-encoded as JPEG without any metadata.
pub fn accept_photo(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge { bytes: bytes.len() });
    }
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if image::guess_format(bytes).ok() == Some(image::ImageFormat::Jpeg)
        && !bytes.ends_with(&[0xFF, 0xD9])
    {
        return Err(UploadError::Truncated);
    }
    let photo = decode_photo(bytes)?;
    let (width, height) = photo.dimensions();
    if width.min(height) < MIN_PHOTO_SIDE {
        return Err(UploadError::TooSmall { width, height });
    }
    debug_assert!(u64::from(width) * u64::from(height) <= MAX_PHOTO_PIXELS);
    Ok(crate::render::encode::jpeg(&fit(photo), STORED_QUALITY))
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
