//! Drawing laid-out captions onto photo pixels: glyph coverage through ab_glyph, a true
//! outline grown from that coverage by distance, and colour emoji bitmaps.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use ab_glyph::{Font as _, GlyphId, point};
use image::{RgbaImage, imageops};

use super::color::Color;
use super::fit::{Layout, Rect};
use super::fonts::{self, FaceId};

/// A horizontal band of an RGB image: rows `y0 .. y0 + height` of an image `width` wide.
/// Drawing clips to the band, so the JPEG path can draw into just the rows it re-encodes.
pub struct Canvas<'a> {
    /// RGB pixels of the band, row-major.
    pub pixels: &'a mut [u8],
    /// Image width.
    pub width: u32,
    /// First image row held.
    pub y0: u32,
    /// Rows held.
    pub height: u32,
}

/// Colours for one caption.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    /// Fill.
    pub fill: Color,
    /// Outline, if any.
    pub outline: Option<Color>,
}

/// An integer pixel rectangle, end-exclusive.
#[derive(Clone, Copy, Debug)]
struct Area {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Area {
    fn width(&self) -> usize {
        (self.x1 - self.x0).max(0) as usize
    }
    fn height(&self) -> usize {
        (self.y1 - self.y0).max(0) as usize
    }
}

/// Pixels a caption's ink may touch, whole pixels, clipped to the image.
pub fn ink_rows(ink: &Rect, image_height: u32) -> (u32, u32) {
    let y0 = ink.y0.floor().max(0.0) as u32;
    let y1 = (ink.y1.ceil().max(0.0) as u32 + 1).min(image_height);
    (y0.min(y1), y1)
}

/// Draws one caption: outline first, then fill, then emoji on top.
pub fn draw(canvas: &mut Canvas<'_>, layout: &Layout, paint: Paint) {
    let band = Area {
        x0: 0,
        y0: canvas.y0 as i32,
        x1: canvas.width as i32,
        y1: (canvas.y0 + canvas.height) as i32,
    };
    let area = Area {
        x0: (layout.ink.x0.floor() as i32 - 1).max(band.x0),
        y0: (layout.ink.y0.floor() as i32 - 1).max(band.y0),
        x1: (layout.ink.x1.ceil() as i32 + 1).min(band.x1),
        y1: (layout.ink.y1.ceil() as i32 + 1).min(band.y1),
    };
    if area.width() == 0 || area.height() == 0 {
        return;
    }
    let coverage = rasterize(layout, area);
    let outline = match paint.outline {
        Some(color) if layout.outline > 0.0 => Some((
            color,
            grow(&coverage, area.width(), area.height(), layout.outline),
        )),
        _ => None,
    };
    composite(canvas, area, &coverage, outline, paint.fill);
    for g in layout.glyphs.iter().filter(|g| g.face == FaceId::Emoji) {
        draw_emoji(canvas, g.id, g.x, g.y, layout.size);
    }
}

/// Coverage (0-255) of every outline glyph over `area`.
fn rasterize(layout: &Layout, area: Area) -> Vec<u8> {
    let (w, h) = (area.width(), area.height());
    let mut coverage = vec![0u8; w * h];
    let book = fonts::book();
    for g in layout.glyphs.iter().filter(|g| g.face != FaceId::Emoji) {
        let face = book.face(g.face);
        let glyph =
            GlyphId(g.id).with_scale_and_position(face.px_scale(layout.size), point(g.x, g.y));
        let Some(outlined) = face.glyphs.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outlined.px_bounds();
        let (gx, gy) = (bounds.min.x as i32 - area.x0, bounds.min.y as i32 - area.y0);
        outlined.draw(|x, y, c| {
            let (px, py) = (gx + x as i32, gy + y as i32);
            if px >= 0 && py >= 0 && (px as usize) < w && (py as usize) < h {
                let cell = &mut coverage[py as usize * w + px as usize];
                *cell = cell.saturating_add((c.clamp(0.0, 1.0) * 255.0 + 0.5) as u8);
            }
        });
    }
    coverage
}

/// The outline's alpha: every pixel within `radius` of the glyphs' ink, anti-aliased at the
/// rim. Distances are exact Euclidean ones, found in two passes: the nearest ink pixel up or
/// down each column, then the nearest of those along each row.
fn grow(coverage: &[u8], w: usize, h: usize, radius: f32) -> Vec<u8> {
    let reach = radius.ceil() as usize + 1;
    let far = (reach + 1) as u16;
    // Column pass: vertical distance to the nearest ink pixel, capped at `far`.
    let mut vertical = vec![far; w * h];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            vertical[i] = if coverage[i] >= 128 {
                0
            } else if y > 0 {
                (vertical[i - w] + 1).min(far)
            } else {
                far
            };
        }
    }
    for y in (0..h.saturating_sub(1)).rev() {
        for x in 0..w {
            let i = y * w + x;
            vertical[i] = vertical[i].min(vertical[i + w] + 1);
        }
    }
    // Alpha by squared distance: the rim is a one-pixel ramp at `radius` from the ink edge
    // (the ink edge lies half a pixel beyond the centre of the last inked pixel).
    let max_d2 = reach * reach + reach * reach;
    let ramp: Vec<u8> = (0..=max_d2)
        .map(|d2| {
            let d = (d2 as f32).sqrt() - 0.5;
            ((radius - d + 0.5).clamp(0.0, 1.0) * 255.0 + 0.5) as u8
        })
        .collect();
    let mut alpha = vec![0u8; w * h];
    let reach = reach as isize;
    for y in 0..h {
        let row = &vertical[y * w..(y + 1) * w];
        if row.iter().all(|&v| v == far) {
            continue;
        }
        for x in 0..w {
            let mut best = max_d2;
            let lo = (x as isize - reach).max(0) as usize;
            let hi = ((x as isize + reach) as usize).min(w - 1);
            for (xx, &v) in row.iter().enumerate().take(hi + 1).skip(lo) {
                if v < far {
                    let dx = xx.abs_diff(x);
                    let d2 = dx * dx + usize::from(v) * usize::from(v);
                    best = best.min(d2);
                }
            }
            alpha[y * w + x] = ramp[best];
        }
    }
    // Inside the ink the outline is solid, so the fill's soft edge lies over outline colour.
    for (a, &c) in alpha.iter_mut().zip(coverage) {
        *a = (*a).max(c);
    }
    alpha
}

fn blend(under: u8, over: u8, alpha: u8) -> u8 {
    let (u, o, a) = (u32::from(under), u32::from(over), u32::from(alpha));
    ((u * (255 - a) + o * a + 127) / 255) as u8
}

fn blend_pixel(px: &mut [u8], color: [u8; 3], alpha: u8) {
    for (p, c) in px.iter_mut().zip(color) {
        *p = blend(*p, c, alpha);
    }
}

fn composite(
    canvas: &mut Canvas<'_>,
    area: Area,
    coverage: &[u8],
    outline: Option<(Color, Vec<u8>)>,
    fill: Color,
) {
    let w = area.width();
    for row in 0..area.height() {
        let y = area.y0 as usize + row - canvas.y0 as usize;
        let line =
            &mut canvas.pixels[(y * canvas.width as usize + area.x0 as usize) * 3..][..w * 3];
        for (col, px) in line.chunks_exact_mut(3).enumerate() {
            let i = row * w + col;
            if let Some((color, alpha)) = &outline {
                let a = alpha[i];
                if a != 0 {
                    blend_pixel(px, color.0, a);
                }
            }
            let f = coverage[i];
            if f != 0 {
                blend_pixel(px, fill.0, f);
            }
        }
    }
}

/// Decoded emoji bitmaps, by glyph id: the PNG in the font is decoded once per process.
fn emoji_bitmap(id: u16) -> Option<(Arc<RgbaImage>, ab_glyph::Point, f32)> {
    type Cache = Mutex<HashMap<u16, Option<(Arc<RgbaImage>, ab_glyph::Point, f32)>>>;
    static CACHE: LazyLock<Cache> = LazyLock::new(Default::default);
    if let Some(hit) = CACHE.lock().expect("emoji cache").get(&id) {
        return hit.clone();
    }
    let face = fonts::book().face(FaceId::Emoji);
    let decoded = face
        .glyphs
        .glyph_raster_image2(GlyphId(id), u16::MAX)
        .and_then(|img| {
            let bitmap =
                image::load_from_memory_with_format(img.data, image::ImageFormat::Png).ok()?;
            Some((
                Arc::new(bitmap.into_rgba8()),
                img.origin,
                f32::from(img.pixels_per_em),
            ))
        });
    CACHE
        .lock()
        .expect("emoji cache")
        .insert(id, decoded.clone());
    decoded
}

fn draw_emoji(canvas: &mut Canvas<'_>, id: u16, x: f32, baseline: f32, size: f32) {
    let Some((bitmap, origin, ppem)) = emoji_bitmap(id) else {
        return;
    };
    let scale = size / ppem;
    let w = (bitmap.width() as f32 * scale).round().max(1.0) as u32;
    let h = (bitmap.height() as f32 * scale).round().max(1.0) as u32;
    let scaled = imageops::resize(&*bitmap, w, h, imageops::FilterType::Triangle);
    let left = (x + origin.x * scale).round() as i64;
    let top = (baseline - (origin.y * scale) - h as f32).round() as i64;
    for (sx, sy, p) in scaled.enumerate_pixels() {
        let (px, py) = (left + i64::from(sx), top + i64::from(sy));
        let a = p.0[3];
        if a == 0 || px < 0 || px >= i64::from(canvas.width) {
            continue;
        }
        let row = py - i64::from(canvas.y0);
        if row < 0 || row >= i64::from(canvas.height) {
            continue;
        }
        let at = (row as usize * canvas.width as usize + px as usize) * 3;
        blend_pixel(&mut canvas.pixels[at..at + 3], [p.0[0], p.0[1], p.0[2]], a);
    }
}
