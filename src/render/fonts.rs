//! The bundled faces, parsed once per process, and the choice of face for each run of text.
//!
//! Fonts are compiled into the binary so the renderer needs no files at run time and a
//! release build is one self-contained program.

use std::sync::LazyLock;

use ab_glyph::{Font as _, FontRef, GlyphId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One bundled face. The discriminant indexes [`FontBook::faces`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaceId {
    /// Anton: the condensed heavy meme face, Latin.
    Anton,
    /// Noto Sans Black: Latin, Greek, Cyrillic, Vietnamese.
    NotoSans,
    /// Noto Nastaliq Urdu Bold: Urdu as a calligrapher writes it.
    Nastaliq,
    /// Noto Naskh Arabic Bold.
    Naskh,
    /// Noto Sans Arabic Black: the Arabic partner of Noto Sans.
    SansArabic,
    /// Noto Color Emoji: CBDT colour bitmaps.
    Emoji,
}

impl FaceId {
    /// Every face, in [`FontBook::faces`] order.
    pub const ALL: [FaceId; 6] = [
        FaceId::Anton,
        FaceId::NotoSans,
        FaceId::Nastaliq,
        FaceId::Naskh,
        FaceId::SansArabic,
        FaceId::Emoji,
    ];
}

/// Which faces a caption asks for. `Auto` picks by the script of each run of text; the others
/// choose the face for the scripts they cover and leave the rest to `Auto`'s choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FontChoice {
    /// Anton for Latin, Nastaliq for Arabic script, Noto Sans for the rest.
    #[default]
    Auto,
    /// Anton for Latin.
    Anton,
    /// Noto Sans for Latin and the other alphabets, Noto Sans Arabic for Arabic script.
    NotoSans,
    /// Noto Nastaliq Urdu for Arabic script.
    Nastaliq,
    /// Noto Naskh Arabic for Arabic script.
    Naskh,
}

impl FontChoice {
    /// The names accepted on the command line and in template files.
    pub const NAMES: &'static str = "auto, anton, noto-sans, nastaliq, naskh";

    /// The face for Latin-like text (Latin and the other cased alphabets it covers).
    pub fn latin_face(self) -> FaceId {
        match self {
            FontChoice::NotoSans => FaceId::NotoSans,
            _ => FaceId::Anton,
        }
    }

    /// The face for Arabic-script text.
    pub fn arabic_face(self) -> FaceId {
        match self {
            FontChoice::Naskh => FaceId::Naskh,
            FontChoice::NotoSans => FaceId::SansArabic,
            _ => FaceId::Nastaliq,
        }
    }
}

impl std::str::FromStr for FontChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(FontChoice::Auto),
            "anton" => Ok(FontChoice::Anton),
            "noto-sans" | "noto_sans" | "notosans" => Ok(FontChoice::NotoSans),
            "nastaliq" => Ok(FontChoice::Nastaliq),
            "naskh" => Ok(FontChoice::Naskh),
            other => Err(format!(
                "unknown font {other:?}; choose one of {}",
                FontChoice::NAMES
            )),
        }
    }
}

impl std::fmt::Display for FontChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FontChoice::Auto => "auto",
            FontChoice::Anton => "anton",
            FontChoice::NotoSans => "noto-sans",
            FontChoice::Nastaliq => "nastaliq",
            FontChoice::Naskh => "naskh",
        })
    }
}

/// A parsed face: the same bytes seen by the shaper and by the rasteriser.
pub struct Face {
    /// Which face this is.
    pub id: FaceId,
    /// Glyph outlines, metrics and colour bitmaps.
    pub glyphs: FontRef<'static>,
    /// OpenType shaping tables.
    pub shaper: rustybuzz::Face<'static>,
    /// Font units per em: every shaped advance is divided by this.
    pub units_per_em: f32,
    /// ascent - descent in font units; ab_glyph's `PxScale` is measured in these.
    pub height_unscaled: f32,
}

impl Face {
    fn parse(id: FaceId, data: &'static [u8]) -> Face {
        // The bytes are compiled in, so a parse failure is a build defect, not bad input.
        let glyphs = FontRef::try_from_slice(data).expect("bundled font parses");
        let shaper = rustybuzz::Face::from_slice(data, 0).expect("bundled font parses");
        Face {
            id,
            units_per_em: glyphs.units_per_em().unwrap_or(1000.0),
            height_unscaled: glyphs.height_unscaled(),
            glyphs,
            shaper,
        }
    }

    /// Whether this face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.glyphs.glyph_id(c) != GlyphId(0)
    }

    /// ab_glyph scale for an em size in pixels.
    pub fn px_scale(&self, em_px: f32) -> ab_glyph::PxScale {
        ab_glyph::PxScale::from(em_px * self.height_unscaled / self.units_per_em)
    }

    /// Whether glyphs are colour bitmaps rather than outlines.
    pub fn is_bitmap(&self) -> bool {
        self.id == FaceId::Emoji
    }
}

/// Every bundled face, parsed once.
pub struct FontBook {
    faces: Vec<Face>,
}

impl FontBook {
    /// The face with this id.
    pub fn face(&self, id: FaceId) -> &Face {
        &self.faces[id as usize]
    }
}

/// The process-wide font book: parsing happens on first use and never again.
pub fn book() -> &'static FontBook {
    static BOOK: LazyLock<FontBook> = LazyLock::new(|| FontBook {
        faces: FaceId::ALL
            .iter()
            .map(|&id| Face::parse(id, font_bytes(id)))
            .collect(),
    });
    &BOOK
}

/// The bytes of a bundled face (the web pages serve Naskh for Urdu in the interface).
pub fn font_bytes(id: FaceId) -> &'static [u8] {
    match id {
        FaceId::Anton => include_bytes!("../../fonts/Anton-Regular.ttf"),
        FaceId::NotoSans => include_bytes!("../../fonts/NotoSans-Black.ttf"),
        FaceId::Nastaliq => include_bytes!("../../fonts/NotoNastaliqUrdu-Bold.ttf"),
        FaceId::Naskh => include_bytes!("../../fonts/NotoNaskhArabic-Bold.ttf"),
        FaceId::SansArabic => include_bytes!("../../fonts/NotoSansArabic-Black.ttf"),
        FaceId::Emoji => include_bytes!("../../fonts/NotoColorEmoji.ttf"),
    }
}
