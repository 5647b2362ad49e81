//! The encoder of templates and caption rows alike: colour conversion and the DCT in
//! floating point, each coefficient rounded to the nearest step once. At the same
//! quantisation tables its pictures were about 5% smaller than mozjpeg-rs's integer
//! pipeline (which rounds twice) at a similar SSIMULACRA2. Blocks depend on their own
//! pixels alone, so a row re-encoded for a caption is the row a whole encode would give.
//!
//! Tried and left out: rounding busy blocks' coefficients towards zero (adaptive
//! quantisation as jpegli does it, by a block's eroded luma gradient) lost more
//! SSIMULACRA2 than a lower quality setting saving the same bytes; so did mozjpeg's trellis
//! quantisation.

use super::{Symbols, ZIGZAG};

/// Quantised coefficients of one 8x8 block, column by column: `block[u * 8 + v]` is the
/// coefficient of horizontal frequency `u` and vertical frequency `v` (natural index
/// `v * 8 + u`), the order the DCT leaves them in. [`BLOCK_ZIGZAG`] reads them in zigzag.
pub(super) type Block = [i16; 64];

/// Zigzag order (T.81 figure A.6) as indices into a [`Block`].
const BLOCK_ZIGZAG: [usize; 64] = {
    let mut order = [0; 64];
    let mut k = 0;
    while k < 64 {
        order[k] = ZIGZAG[k] % 8 * 8 + ZIGZAG[k] / 8;
        k += 1;
    }
    order
};

/// The forward DCT of JPEG (ITU T.81 A.3.3) by Arai, Agui and Nakajima's factorisation,
/// in floating point, down the columns of `d` (`d[y][x]`), all eight columns at once so
/// that the compiler can use vector instructions. Its outputs are the coefficients times
/// 8 and the scale factors in [`Quantiser`], which divides them out.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // one loop over lanes, for the vectoriser
fn aan_columns(d: &mut [[f32; 8]; 8]) {
    const R2: f32 = std::f32::consts::FRAC_1_SQRT_2;
    const C6: f32 = 0.382_683_43; // cos(6 pi / 16)
    const C2_MINUS_C6: f32 = 0.541_196_1;
    const C2_PLUS_C6: f32 = 1.306_563;
    for x in 0..8 {
        let (t0, t7) = (d[0][x] + d[7][x], d[0][x] - d[7][x]);
        let (t1, t6) = (d[1][x] + d[6][x], d[1][x] - d[6][x]);
        let (t2, t5) = (d[2][x] + d[5][x], d[2][x] - d[5][x]);
        let (t3, t4) = (d[3][x] + d[4][x], d[3][x] - d[4][x]);
        // Even part.
        let (e0, e3) = (t0 + t3, t0 - t3);
        let (e1, e2) = (t1 + t2, t1 - t2);
        let z1 = (e2 + e3) * R2;
        // Odd part.
        let (o0, o1, o2) = (t4 + t5, t5 + t6, t6 + t7);
        let z5 = (o0 - o2) * C6;
        let z2 = C2_MINUS_C6 * o0 + z5;
        let z4 = C2_PLUS_C6 * o2 + z5;
        let z3 = o1 * R2;
        let (z11, z13) = (t7 + z3, t7 - z3);
        d[0][x] = e0 + e1;
        d[1][x] = z11 + z4;
        d[2][x] = e3 + z1;
        d[3][x] = z13 - z2;
        d[4][x] = e0 - e1;
        d[5][x] = z13 + z2;
        d[6][x] = e3 - z1;
        d[7][x] = z11 - z4;
    }
}

#[inline(always)]
fn transpose(d: &mut [[f32; 8]; 8]) {
    *d = std::array::from_fn(|x| std::array::from_fn(|y| d[y][x]));
}

/// Divides [`forward`]'s outputs into quantised coefficients.
pub(super) struct Quantiser {
    /// 1 / (step * 8 * scale(u) * scale(v)), by table, in a [`Block`]'s order.
    by_column: [[f32; 64]; 2],
    /// The luma DC step, for [`dering`].
    dc_step: u16,
}

impl Quantiser {
    /// For quantisation tables in natural order (luma, chroma).
    pub(super) fn new(quant: &[[u16; 64]; 2]) -> Quantiser {
        // scale(0) = 1, scale(k) = cos(k pi / 16) * sqrt 2, written out so that every
        // machine computes the same (a platform's cos may differ in the last place).
        const SCALE: [f32; 8] = [
            1.0,
            1.387_039_8,
            1.306_563,
            1.175_875_6,
            1.0,
            0.785_694_96,
            0.541_196_1,
            0.275_899_38,
        ];
        let reciprocal: [[f32; 64]; 2] = quant.map(|table| {
            std::array::from_fn(|k| 1.0 / (f32::from(table[k]) * 8.0 * SCALE[k / 8] * SCALE[k % 8]))
        });
        let by_column = reciprocal.map(|r| std::array::from_fn(|i| r[i % 8 * 8 + i / 8]));
        Quantiser {
            by_column,
            dc_step: quant[0][0],
        }
    }

    /// The DCT coefficients of level-shifted samples, natural order, divided by the steps.
    #[cfg(test)]
    pub(super) fn block_coefficients(&self, mut samples: [[f32; 8]; 8], table: usize) -> [f32; 64] {
        aan_columns(&mut samples);
        transpose(&mut samples);
        aan_columns(&mut samples);
        let reciprocal = &self.by_column[table];
        std::array::from_fn(|k| samples[k % 8][k / 8] * reciprocal[k % 8 * 8 + k / 8])
    }

    /// Quantises level-shifted samples (`samples[y][x]`).
    #[inline(always)]
    fn block(&self, mut samples: [[f32; 8]; 8], table: usize) -> Block {
        aan_columns(&mut samples);
        transpose(&mut samples);
        aan_columns(&mut samples);
        // Now samples[u][v] holds the coefficient of natural index v * 8 + u: a Block's
        // order, so this runs down whole rows of vector lanes.
        let reciprocal = &self.by_column[table];
        let mut block = [0i16; 64];
        for (i, (b, &r)) in block.iter_mut().zip(reciprocal).enumerate() {
            let q = (samples[i / 8][i % 8] * r).clamp(-1023.0, 1023.0);
            // Half away from zero, as f32::round, without a call into libm; in range,
            // so the conversion through i32 loses nothing.
            *b = (q + 0.5f32.copysign(q)) as i32 as i16;
        }
        block
    }
}

/// Overshoot deringing, after mozjpeg: a block of luma where some samples are at white
/// and some are not (white lettering) rings after quantisation, and the rings above white
/// are clipped away by the decoder anyway. So each run of white samples (in zigzag order)
/// is lifted above white along a smooth curve continuing the slopes at its ends: the block
/// is smoother, costs fewer bits, and decodes to white there all the same. Measured on the
/// bundled photos with two captions: 5% fewer bytes and a better SSIMULACRA2.
#[inline(always)]
fn dering(samples: &mut [[f32; 8]; 8], dc_step: u16) {
    const WHITE: f32 = 127.0; // 255, level-shifted
    let at = |k: usize| (ZIGZAG[k] / 8, ZIGZAG[k] % 8);
    let white = |v: f32| v >= WHITE - 0.5;
    let (mut sum, mut count) = (0f32, 0usize);
    for row in samples.iter() {
        for &v in row {
            sum += v;
            count += usize::from(white(v));
        }
    }
    if count == 0 || count == 64 {
        return;
    }
    // Lifting costs bits too: no more than about the DC step, nor past what keeps the
    // block's mean (the DC) in range.
    let ceiling = WHITE
        + (2.0 * f32::from(dc_step))
            .min(31.0)
            .min((WHITE * 64.0 - sum) / count as f32);
    let value = |s: &[[f32; 8]; 8], k: usize| {
        let (y, x) = at(k);
        s[y][x]
    };
    let mut n = 0;
    while n < 64 {
        if !white(value(samples, n)) {
            n += 1;
            continue;
        }
        let start = n;
        while n < 64 && white(value(samples, n)) {
            n += 1;
        }
        let end = n;
        // How steeply the samples climb into the run at each end (at least as steep as
        // the last step up to white).
        let slope = |inner: usize, outer: usize| {
            let (a, b) = (value(samples, inner), value(samples, outer));
            (a - b).max(WHITE - a)
        };
        let mut rise = (start > 0).then(|| slope(start - 1, start.saturating_sub(2)));
        let mut fall = (end < 64).then(|| slope(end, (end + 1).min(63)));
        // A run reaching the block's first or last sample mirrors the other end.
        rise = rise.or(fall);
        fall = fall.or(rise);
        let (rise, fall) = (rise.unwrap_or(0.0), fall.unwrap_or(0.0));
        // Catmull-Rom through (white - rise, white, white, white - fall), inside the run.
        let (p0, p1, p2, p3) = (WHITE - rise, WHITE, WHITE, WHITE - fall);
        let step = 1.0 / (end - start + 1) as f32;
        for (i, k) in (start..end).enumerate() {
            let t = step * (i + 1) as f32;
            let curve = 0.5
                * (2.0 * p1
                    + (p2 - p0) * t
                    + (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3) * t * t
                    + (3.0 * p1 - p0 - 3.0 * p2 + p3) * t * t * t);
            let (y, x) = at(k);
            samples[y][x] = curve.ceil().min(ceiling);
        }
    }
}

/// Quantised blocks of RGB rows `width` pixels wide, in scan order: four luma blocks then
/// Cb and Cr for each MCU, MCUs row by row. The rows are padded to whole MCUs by repeating
/// the last column and row, as at a picture's edges; a band of whole MCU rows cut from a
/// picture gives the blocks the whole picture has there.
pub(super) fn quantise(rgb: &[u8], width: usize, quantiser: &Quantiser) -> Vec<Block> {
    let stride = width * 3;
    let columns: Vec<usize> = (0..width.div_ceil(16)).collect();
    let mut blocks = Vec::with_capacity(rgb.len().div_ceil(16 * stride) * columns.len() * 6);
    for rows in rgb.chunks(16 * stride) {
        quantise_mcus(rows, width, &columns, quantiser, &mut blocks);
    }
    blocks
}

/// Appends the six quantised blocks of each MCU in `columns` (MCU indices, left to right)
/// of one MCU row: `rows` holds its pixel rows, 16 or fewer at the bottom of a picture.
/// Each MCU depends on its own pixels alone, so any MCU comes out as in [`quantise`].
pub(super) fn quantise_mcus(
    rows: &[u8],
    width: usize,
    columns: &[usize],
    quantiser: &Quantiser,
    out: &mut Vec<Block>,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: this CPU has AVX2, checked just above.
        return unsafe { quantise_mcus_avx2(rows, width, columns, quantiser, out) };
    }
    quantise_mcus_any(rows, width, columns, quantiser, out)
}

/// [`quantise_mcus`] compiled for AVX2: twice as fast, and the same results, as no
/// operation is fused or reordered (Rust allows neither without being asked).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn quantise_mcus_avx2(
    rows: &[u8],
    width: usize,
    columns: &[usize],
    quantiser: &Quantiser,
    out: &mut Vec<Block>,
) {
    quantise_mcus_any(rows, width, columns, quantiser, out)
}

#[inline(always)]
fn quantise_mcus_any(
    rows: &[u8],
    width: usize,
    columns: &[usize],
    quantiser: &Quantiser,
    out: &mut Vec<Block>,
) {
    let stride = width * 3;
    let height = rows.len() / stride;
    for &mx in columns {
        // The MCU's 16x16 pixels, level-shifted luma and full-resolution chroma, the
        // picture's last column and row repeated past its edges.
        let mut luma = [[0f32; 16]; 16];
        let mut cb = [[0f32; 16]; 16];
        let mut cr = [[0f32; 16]; 16];
        let x0 = mx * 16;
        let inside = (width - x0).min(16);
        for dy in 0..16 {
            let y = dy.min(height - 1);
            let row = &rows[y * stride + x0 * 3..y * stride + (x0 + inside) * 3];
            for (x, p) in row.chunks_exact(3).enumerate() {
                let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
                luma[dy][x] = 0.299 * r + 0.587 * g + 0.114 * b - 128.0;
                cb[dy][x] = -0.168_736 * r - 0.331_264 * g + 0.5 * b;
                cr[dy][x] = 0.5 * r - 0.418_688 * g - 0.081_312 * b;
            }
            for plane in [&mut luma, &mut cb, &mut cr] {
                let last = plane[dy][inside - 1];
                plane[dy][inside..].fill(last);
            }
        }
        for (dy, dx) in [(0, 0), (0, 8), (8, 0), (8, 8)] {
            let mut samples: [[f32; 8]; 8] =
                std::array::from_fn(|y| luma[dy + y][dx..dx + 8].try_into().expect("8 samples"));
            dering(&mut samples, quantiser.dc_step);
            out.push(quantiser.block(samples, 0));
        }
        // Chroma: the mean of each 2x2 pixels, as libjpeg subsamples.
        for full in [&cb, &cr] {
            let samples: [[f32; 8]; 8] = std::array::from_fn(|y| {
                std::array::from_fn(|x| {
                    (full[2 * y][2 * x]
                        + full[2 * y][2 * x + 1]
                        + full[2 * y + 1][2 * x]
                        + full[2 * y + 1][2 * x + 1])
                        * 0.25
                })
            });
            out.push(quantiser.block(samples, 1));
        }
    }
}

/// The symbols of one block, after `previous` (the DC of the block before it in its
/// component, 0 after a restart). `dc` and `ac` name the tables as [`Symbols`] does.
pub(super) fn block_symbols<S: Symbols + ?Sized>(
    block: &Block,
    previous: i16,
    dc: usize,
    ac: usize,
    sink: &mut S,
) {
    let (size, extra) = magnitude(i32::from(block[0]) - i32::from(previous));
    sink.symbol(dc, size as u8, extra, size);
    // The AC coefficients in zigzag order, and a bit for each that is not zero, so that
    // runs of zeros are skipped whole.
    let zigzag: [i16; 64] = std::array::from_fn(|k| block[BLOCK_ZIGZAG[k]]);
    let mut nonzero = 0u64;
    for (k, &v) in zigzag.iter().enumerate() {
        nonzero |= u64::from(v != 0) << k;
    }
    nonzero &= !1;
    let mut last = 0;
    while nonzero != 0 {
        let k = nonzero.trailing_zeros() as usize;
        nonzero &= nonzero - 1;
        let mut run = k - last - 1;
        while run >= 16 {
            sink.symbol(ac, 0xF0, 0, 0);
            run -= 16;
        }
        let (size, extra) = magnitude(i32::from(zigzag[k]));
        sink.symbol(ac, (run as u8) << 4 | size as u8, extra, size);
        last = k;
    }
    if last < 63 {
        sink.symbol(ac, 0x00, 0, 0);
    }
}

/// A value's magnitude category and the bits that follow its code (T.81 F.1.2.1).
pub(super) fn magnitude(v: i32) -> (u32, u32) {
    if v == 0 {
        return (0, 0);
    }
    let size = 32 - v.unsigned_abs().leading_zeros();
    let extra = if v < 0 { v - 1 } else { v } as u32 & ((1 << size) - 1);
    (size, extra)
}
