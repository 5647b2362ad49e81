//! Caption colours: a small named palette or `#RRGGBB`.

/// An opaque sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color(pub [u8; 3]);

/// The named colours, in the order the form offers them. Green and red are the campaign's.
pub const PALETTE: [(&str, Color); 10] = [
    ("white", Color([255, 255, 255])),
    ("black", Color([0, 0, 0])),
    ("yellow", Color::YELLOW),
    ("green", Color([0, 122, 61])),
    ("red", Color([213, 32, 39])),
    ("blue", Color([0, 82, 180])),
    ("orange", Color([255, 140, 0])),
    ("pink", Color([255, 105, 180])),
    ("grey", Color([128, 128, 128])),
    ("cyan", Color([0, 200, 220])),
];

impl Color {
    /// White, the default caption fill.
    pub const WHITE: Color = Color([255, 255, 255]);
    /// Black, the default outline.
    pub const BLACK: Color = Color([0, 0, 0]);
    /// The palette's yellow.
    pub const YELLOW: Color = Color([255, 221, 0]);
}

impl std::str::FromStr for Color {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(hex) = s.strip_prefix('#') {
            let digits: Option<Vec<u8>> = hex
                .chars()
                .map(|c| c.to_digit(16).map(|d| d as u8))
                .collect();
            match digits.as_deref() {
                Some(&[r1, r2, g1, g2, b1, b2]) => {
                    return Ok(Color([r1 << 4 | r2, g1 << 4 | g2, b1 << 4 | b2]));
                }
                // The CSS shorthand: #f80 is #ff8800.
                Some(&[r, g, b]) => return Ok(Color([r, g, b].map(|d| d << 4 | d))),
                _ => return Err(format!("colour {s:?} is not #RRGGBB (or #RGB)")),
            }
        }
        let lower = s.to_ascii_lowercase();
        let lower = if lower == "gray" {
            "grey".into()
        } else {
            lower
        };
        PALETTE
            .iter()
            .find(|(name, _)| *name == lower)
            .map(|&(_, c)| c)
            .ok_or_else(|| {
                let names: Vec<_> = PALETTE.iter().map(|(n, _)| *n).collect();
                format!(
                    "unknown colour {s:?}; use #RRGGBB or one of {}",
                    names.join(", ")
                )
            })
    }
}

impl std::fmt::Display for Color {
    /// The palette name where there is one, `#rrggbb` otherwise.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match PALETTE.iter().find(|(_, c)| c == self) {
            Some((name, _)) => f.write_str(name),
            None => write!(f, "#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2]),
        }
    }
}

serde_as_text!(Color);

/// `#RRGGBB`, `#RGB` or a palette name, as the API's schema says it.
pub const COLOR_PATTERN: &str = "^(#[0-9A-Fa-f]{6}|#[0-9A-Fa-f]{3}|white|black|yellow|green|red|blue|orange|pink|grey|gray|cyan)$";

fn string_schema(
    pattern: &str,
    description: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .into()
}

impl utoipa::PartialSchema for Color {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        string_schema(COLOR_PATTERN, "a palette name, #RRGGBB or #RGB")
    }
}

impl utoipa::ToSchema for Color {}

/// An outline colour, or none at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Outline(pub Option<Color>);

impl std::str::FromStr for Outline {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("none") {
            Ok(Outline(None))
        } else {
            s.parse().map(|c| Outline(Some(c)))
        }
    }
}

impl std::fmt::Display for Outline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(c) => c.fmt(f),
            None => f.write_str("none"),
        }
    }
}

serde_as_text!(Outline);

impl utoipa::PartialSchema for Outline {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let pattern = format!("{}|^none$", COLOR_PATTERN);
        string_schema(&pattern, "a palette name, #RRGGBB, or none")
    }
}

impl utoipa::ToSchema for Outline {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_hex() {
        assert_eq!("White".parse::<Color>(), Ok(Color::WHITE));
        assert_eq!("#00ff80".parse::<Color>(), Ok(Color([0, 255, 128])));
        assert_eq!("none".parse::<Outline>(), Ok(Outline(None)));
        assert!("#12345".parse::<Color>().is_err());
        // The CSS shorthand, as staff and supporters often type it.
        assert_eq!("#f80".parse::<Color>(), Ok(Color([255, 136, 0])));
        assert_eq!("#FFF".parse::<Color>(), Ok(Color::WHITE));
        assert!("#12g".parse::<Color>().is_err());
        assert!("#1234".parse::<Color>().is_err());
        assert!("mauve".parse::<Color>().unwrap_err().contains("white"));
        // The API's pattern names every palette colour.
        for (name, _) in PALETTE {
            assert!(COLOR_PATTERN.contains(&format!("|{name}")), "{name}");
        }
    }

    #[test]
    fn displays_names_then_hex() {
        assert_eq!(Color::BLACK.to_string(), "black");
        assert_eq!(Color([1, 2, 3]).to_string(), "#010203");
    }
}
