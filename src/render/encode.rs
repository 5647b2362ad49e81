//! Encoding in one piece: JPEG (for pictures not made by splicing, see [`super::jpeg`]),
//! PNG and WebP.

use image::RgbImage;
use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};

/// JPEG quality for remixes.
pub const JPEG_QUALITY: u8 = 85;

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

fn jpeg_encoder(out: &mut Vec<u8>, quality: u8) -> Encoder<&mut Vec<u8>> {
    let mut encoder = Encoder::new(out, quality);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    // Each chroma sample the average of its 2x2 pixels, as libjpeg does; the crate's
    // default keeps the top-left pixel alone, which aliases fine colour detail (5 points
    // of SSIMULACRA2 on the astronaut photo at the same size).
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder
}

/// Encodes RGB pixels as a JPEG with no restart markers.
pub fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(image.len() / 8);
    jpeg_encoder(&mut out, quality)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
