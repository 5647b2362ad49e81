//! Drawing laid-out captions onto photo pixels: glyph coverage through ab_glyph, a true
//! outline grown from that coverage by distance (`outline`), and colour emoji bitmaps.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use ab_glyph::{Font as _, GlyphId, OutlineCurve, ScaleFont as _, point};
use ab_glyph_rasterizer::Rasterizer;
use image::{RgbaImage, imageops};

use super::color::Color;
use super::fit::{Layout, Rect};
use super::fonts::{self, FaceId};
use super::outline::grow;

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
    // The ink's pixels with a margin for anti-aliasing, clipped to the band and the box.
    let clip = layout.area;
    let area = Area {
        x0: (layout.ink.x0.floor() as i32 - 1)
            .max(band.x0)
            .max(clip.x0.floor() as i32),
        y0: (layout.ink.y0.floor() as i32 - 1)
            .max(band.y0)
            .max(clip.y0.floor() as i32),
        x1: (layout.ink.x1.ceil() as i32 + 1)
            .min(band.x1)
            .min(clip.x1.ceil() as i32),
        y1: (layout.ink.y1.ceil() as i32 + 1)
            .min(band.y1)
            .min(clip.y1.ceil() as i32),
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
    let layers = Layers {
        area,
        coverage: &coverage,
        outline,
        fill: paint.fill,
    };
    composite(canvas, layers);
    for g in layout.glyphs.iter().filter(|g| g.face == FaceId::Emoji) {
        draw_emoji(canvas, area, g.id, g.x, g.y, layout.size);
    }
}

/// Coverage (0-255) of every outline glyph over `area`: each glyph rasterised as
/// ab_glyph's `OutlinedGlyph::draw` does (same outline, scale, pixel bounds and curves),
/// into one reused rasteriser, and its coverage added row by row. `draw` allocates a
/// rasteriser per glyph and works out each pixel's x and y by division; doing without
/// both made a fresh 1200 px remix about 4% faster, with the same coverage (tested).
#[inline(never)]
fn rasterize(layout: &Layout, area: Area) -> Vec<u8> {
    let (w, h) = (area.width(), area.height());
    let mut coverage = vec![0u8; w * h];
    let book = fonts::book();
    let mut rasterizer = Rasterizer::new(0, 0);
    let mut glyph: Vec<f32> = Vec::new();
    for g in layout.glyphs.iter().filter(|g| g.face != FaceId::Emoji) {
        let face = book.face(g.face);
        let Some(outline) = face.glyphs.outline(GlyphId(g.id)) else {
            continue;
        };
        let factor = face
            .glyphs
            .as_scaled(face.px_scale(layout.size))
            .scale_factor();
        let position = point(g.x, g.y);
        let bounds = outline.px_bounds(factor, position);
        let (gw, gh) = (bounds.width() as usize, bounds.height() as usize);
        if gw == 0 || gh == 0 {
            continue;
        }
        rasterizer.reset(gw, gh);
        let offset = position - bounds.min;
        let at =
            |p: &ab_glyph::Point| point(p.x * factor.horizontal, -p.y * factor.vertical) + offset;
        for curve in &outline.curves {
            match curve {
                OutlineCurve::Line(p0, p1) => rasterizer.draw_line(at(p0), at(p1)),
                OutlineCurve::Quad(p0, p1, p2) => rasterizer.draw_quad(at(p0), at(p1), at(p2)),
                OutlineCurve::Cubic(p0, p1, p2, p3) => {
                    rasterizer.draw_cubic(at(p0), at(p1), at(p2), at(p3))
                }
            }
        }
        // The glyph's coverage as ab_glyph accumulates it, stored as it comes (a running
        // sum, one dependent addition per pixel), then turned into alpha and added to the
        // area row by row, in vector lanes, where the glyph's pixels land inside it.
        glyph.clear();
        glyph.resize(gw * gh, 0.0);
        rasterizer.for_each_pixel(|i, c| glyph[i] = c);
        let (gx, gy) = (
            bounds.min.x as i64 - i64::from(area.x0),
            bounds.min.y as i64 - i64::from(area.y0),
        );
        let columns = clip(gx, gw, w);
        if columns.is_empty() {
            continue;
        }
        for ry in clip(gy, gh, h) {
            let row = (gy + ry as i64) as usize * w;
            let x0 = (gx + columns.start as i64) as usize;
            let source = &glyph[ry * gw..][columns.clone()];
            for (cell, &c) in coverage[row + x0..].iter_mut().zip(source) {
                // `c.clamp(0.0, 1.0)`, but NaN goes to 0 as `as u8` takes it, so that the
                // value is finite and truncates as `as u8` would, in vector lanes.
                #[allow(clippy::manual_clamp)] // clamp keeps NaN
                let alpha = c.max(0.0).min(1.0) * 255.0 + 0.5;
                // SAFETY: alpha is finite, from 0.5 to 255.5.
                let alpha = unsafe { alpha.to_int_unchecked::<i32>() } as u8;
                *cell = cell.saturating_add(alpha);
            }
        }
    }
    coverage
}

/// The offsets `0..len` of a run starting at `start` that fall within `0..bound`.
fn clip(start: i64, len: usize, bound: usize) -> std::ops::Range<usize> {
    let from = (-start).clamp(0, len as i64) as usize;
    let to = (bound as i64 - start).clamp(from as i64, len as i64) as usize;
    from..to
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

/// What [`composite`] lays over an area: the fill's coverage and colour, and the outline's
/// alpha and colour if there is one, row-major over the area.
struct Layers<'a> {
    area: Area,
    coverage: &'a [u8],
    outline: Option<(Color, Vec<u8>)>,
    fill: Color,
}

/// Lays the outline, then the fill, over the area's pixels, row by row.
///
/// Each row is blended as bytes: the colours repeated along the row and each pixel's alpha
/// spread over its three bytes, so that the blend runs in vector lanes without a branch.
/// That is the per-pixel rule exactly: alpha 0 leaves a byte, 255 replaces it, and a fill
/// at 255 hides the outline beneath it. Blending pixel by pixel with a branch for each of
/// those cases took 3 times as long.
fn composite(canvas: &mut Canvas<'_>, layers: Layers<'_>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: this CPU has AVX2, checked just above.
        return unsafe { composite_avx2(canvas, layers) };
    }
    composite_in(canvas, layers)
}

/// [`composite_in`] compiled for AVX2: integers only, so the same pixels.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn composite_avx2(canvas: &mut Canvas<'_>, layers: Layers<'_>) {
    composite_in(canvas, layers)
}

#[inline(always)]
fn composite_in(canvas: &mut Canvas<'_>, layers: Layers<'_>) {
    let Layers {
        area,
        coverage,
        outline,
        fill,
    } = layers;
    let w = area.width();
    let along = |c: Color| -> Vec<u8> { c.0.iter().copied().cycle().take(w * 3).collect() };
    let fill_row = along(fill);
    let outline = outline.map(|(color, alpha)| (along(color), alpha));
    let mut spread = vec![0u8; w * 3];
    for row in 0..area.height() {
        let y = area.y0 as usize + row - canvas.y0 as usize;
        let line =
            &mut canvas.pixels[(y * canvas.width as usize + area.x0 as usize) * 3..][..w * 3];
        if let Some((color_row, alpha)) = &outline {
            spread_over_bytes(&alpha[row * w..(row + 1) * w], &mut spread);
            blend_row(line, color_row, &spread);
        }
        spread_over_bytes(&coverage[row * w..(row + 1) * w], &mut spread);
        blend_row(line, &fill_row, &spread);
    }
}

/// Each pixel's alpha, once for each of its three bytes: 16 pixels at a time as one
/// constant shuffle, which the compiler turns into byte shuffle instructions.
#[inline(always)]
fn spread_over_bytes(alpha: &[u8], bytes: &mut [u8]) {
    let mut wide = bytes.chunks_exact_mut(48);
    let mut sixteens = alpha.chunks_exact(16);
    for (b, a) in (&mut wide).zip(&mut sixteens) {
        let a: &[u8; 16] = a.try_into().expect("16 alphas");
        let spread: [u8; 48] = std::array::from_fn(|i| a[i / 3]);
        b.copy_from_slice(&spread);
    }
    for (b, &a) in wide
        .into_remainder()
        .chunks_exact_mut(3)
        .zip(sixteens.remainder())
    {
        b.fill(a);
    }
}

/// [`blend`] over a row of bytes, in 16-bit lanes: `under * (255 - a) + over * a + 127` is
/// at most 65,152.
#[inline(always)]
fn blend_row(under: &mut [u8], over: &[u8], alpha: &[u8]) {
    for ((u, &o), &a) in under.iter_mut().zip(over).zip(alpha) {
        let (uu, oo, aa) = (u16::from(*u), u16::from(o), u16::from(a));
        *u = ((uu * (255 - aa) + oo * aa + 127) / 255) as u8;
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

fn draw_emoji(canvas: &mut Canvas<'_>, area: Area, id: u16, x: f32, baseline: f32, size: f32) {
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
        let inside = px >= i64::from(area.x0)
            && px < i64::from(area.x1)
            && py >= i64::from(area.y0)
            && py < i64::from(area.y1);
        if a == 0 || !inside {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Coverage as ab_glyph draws each glyph itself (`OutlinedGlyph::draw`).
    fn rasterize_by_ab_glyph(layout: &Layout, area: Area) -> Vec<u8> {
        let (w, h) = (area.width(), area.height());
        let mut coverage = vec![0u8; w * h];
        for g in layout.glyphs.iter().filter(|g| g.face != FaceId::Emoji) {
            let face = fonts::book().face(g.face);
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

    #[test]
    fn glyphs_are_rasterised_as_ab_glyph_draws_them() {
        use super::super::fit::{Placement, fit};
        use super::super::shape::shape;
        use super::super::template::{Align, Anchor};
        // Latin, Urdu (overlapping Nastaliq strokes) and Cyrillic, over the whole ink and
        // over areas that cut glyphs on every side.
        for text in ["HOPE IS PRICELESS", "پاکستان زندہ باد", "ПРИВЕТ, МИР 2026"]
        {
            let shaped = shape(text, fonts::FontChoice::Auto).unwrap();
            let placement = Placement {
                area: Rect {
                    x0: 13.3,
                    y0: 7.6,
                    x1: 613.3,
                    y1: 207.6,
                },
                align: Align::Center,
                anchor: Anchor::Middle,
                max_lines: 2,
                outline: true,
                min_size: 12.0,
            };
            let layout = fit(&shaped, &placement).unwrap();
            let ink = Area {
                x0: layout.ink.x0.floor() as i32 - 1,
                y0: layout.ink.y0.floor() as i32 - 1,
                x1: layout.ink.x1.ceil() as i32 + 1,
                y1: layout.ink.y1.ceil() as i32 + 1,
            };
            let (mx, my) = (ink.width() as i32 / 3, ink.height() as i32 / 3);
            // The ink's area less these from its left, top, right and bottom.
            let less = |l, t, r, b| Area {
                x0: ink.x0 + l,
                y0: ink.y0 + t,
                x1: ink.x1 - r,
                y1: ink.y1 - b,
            };
            let cut = [
                less(0, 0, 0, 0),
                less(mx, 0, 0, 0),
                less(0, 0, mx, 0),
                less(0, my, 0, 0),
                less(0, 0, 0, my),
                less(mx, my, mx, my),
            ];
            for area in cut {
                let got = rasterize(&layout, area);
                assert!(got.contains(&255), "{text}: no ink in {area:?}");
                assert!(
                    got == rasterize_by_ab_glyph(&layout, area),
                    "{text} over {area:?}"
                );
            }
        }
    }

    #[test]
    fn the_compositor_lays_outline_then_fill_as_each_pixel_would() {
        // Alphas mostly at 0 and 255, as glyphs have them, with soft edges between; an
        // area cut from inside a wider band, and captions with and without an outline.
        let mut rng = fastrand::Rng::with_seed(9);
        let alpha = |rng: &mut fastrand::Rng| match rng.u8(0..4) {
            0 => 0,
            1 => 255,
            _ => rng.u8(..),
        };
        let (width, rows) = (83u32, 19u32);
        let area = Area {
            x0: 5,
            y0: 13,
            x1: 76,
            y1: 29,
        };
        let (w, h) = (area.width(), area.height());
        for with_outline in [true, false] {
            let photo: Vec<u8> = (0..width * rows * 3).map(|_| rng.u8(..)).collect();
            let coverage: Vec<u8> = (0..w * h).map(|_| alpha(&mut rng)).collect();
            let rim: Vec<u8> = (0..w * h).map(|_| alpha(&mut rng)).collect();
            let (fill, edge) = (Color([250, 20, 7]), Color([0, 128, 255]));
            let mut expected = photo.clone();
            for (i, (&f, &r)) in coverage.iter().zip(&rim).enumerate() {
                let (x, y) = (area.x0 as usize + i % w, area.y0 as usize - 12 + i / w);
                let px = &mut expected[(y * width as usize + x) * 3..][..3];
                if f == 255 {
                    px.copy_from_slice(&fill.0);
                    continue;
                }
                if with_outline {
                    blend_pixel(px, edge.0, r);
                }
                blend_pixel(px, fill.0, f);
            }
            // The build this CPU runs, and the portable one.
            for portable in [false, true] {
                let mut pixels = photo.clone();
                let mut canvas = Canvas {
                    pixels: &mut pixels,
                    width,
                    y0: 12,
                    height: rows,
                };
                let outline = with_outline.then(|| (edge, rim.clone()));
                let layers = Layers {
                    area,
                    coverage: &coverage,
                    outline,
                    fill,
                };
                if portable {
                    composite_in(&mut canvas, layers);
                } else {
                    composite(&mut canvas, layers);
                }
                assert!(
                    pixels == expected,
                    "outline {with_outline}, portable {portable}"
                );
            }
        }
    }
}
