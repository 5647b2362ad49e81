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

use super::{Chroma, Symbols, ZIGZAG};

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

/// The zigzag position of each index into a [`Block`].
const ZIGZAG_OF_BLOCK: [u8; 64] = {
    let mut position = [0; 64];
    let mut k = 0;
    while k < 64 {
        position[BLOCK_ZIGZAG[k]] = k as u8;
        k += 1;
    }
    position
};

/// Tables moving a block's 64 bits to other places a byte at a time: `table[j][b]` holds
/// the bits `b` of byte `j` (bits `8 * j` to `8 * j + 7`) each at `place[bit]`. Eight
/// look-ups (see [`permute`]) do what a loop over the bits did in about 256 instructions a
/// block. 16 KB each, made at compile time.
const fn byte_tables(place: [usize; 64]) -> [[u64; 256]; 8] {
    let mut table = [[0u64; 256]; 8];
    let mut j = 0;
    while j < 8 {
        let mut byte = 0;
        while byte < 256 {
            let mut bit = 0;
            while bit < 8 {
                if byte >> bit & 1 == 1 {
                    table[j][byte] |= 1 << place[8 * j + bit];
                }
                bit += 1;
            }
            byte += 1;
        }
        j += 1;
    }
    table
}

/// Moves `bits` to their places by [`byte_tables`].
#[inline(always)]
fn permute(bits: u64, tables: &[[u64; 256]; 8]) -> u64 {
    (0..8).fold(0, |out, j| {
        out | tables[j][usize::from((bits >> (8 * j)) as u8)]
    })
}

/// A block's bits in natural order (`y * 8 + x`) moved to zigzag order.
static NATURAL_TO_ZIGZAG: [[u64; 256]; 8] = byte_tables({
    let mut place = [0; 64];
    let mut k = 0;
    while k < 64 {
        place[ZIGZAG[k]] = k;
        k += 1;
    }
    place
});

/// A [`Block`]'s bits in its own order moved to zigzag order.
static BLOCK_TO_ZIGZAG: [[u64; 256]; 8] = byte_tables({
    let mut place = [0; 64];
    let mut i = 0;
    while i < 64 {
        place[i] = ZIGZAG_OF_BLOCK[i] as usize;
        i += 1;
    }
    place
});

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
    fn block<C: Lanes>(&self, mut samples: [[f32; 8]; 8], table: usize) -> Block {
        aan_columns(&mut samples);
        C::transpose(&mut samples);
        aan_columns(&mut samples);
        // Now samples[u][v] holds the coefficient of natural index v * 8 + u: a Block's
        // order, so this runs down whole rows of vector lanes.
        let reciprocal = &self.by_column[table];
        let mut block = [0i16; 64];
        for (i, (b, &r)) in block.iter_mut().zip(reciprocal).enumerate() {
            let q = (samples[i / 8][i % 8] * r).clamp(-1023.0, 1023.0);
            // Half away from zero, as f32::round, without a call into libm.
            *b = towards_zero(q + 0.5f32.copysign(q)) as i16;
        }
        block
    }
}

/// `x` rounded towards zero, as `x as i32`, for |x| below 2^22: in plain float and
/// integer operations, which vectorise where the saturating `as` conversion does not.
#[inline(always)]
fn towards_zero(x: f32) -> i32 {
    // Adding 1.5 * 2^23 leaves no bits below the units: the sum is x rounded to nearest,
    // and its bits differ from the constant's by that whole number.
    const MAGIC: f32 = 12_582_912.0;
    let nearest = (x + MAGIC) - MAGIC;
    let whole = if nearest.abs() > x.abs() {
        nearest - 1f32.copysign(x)
    } else {
        nearest
    };
    (whole + MAGIC).to_bits() as i32 - MAGIC.to_bits() as i32
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
    // The white samples as bits, in natural order, then in zigzag order.
    let natural = samples
        .as_flattened()
        .iter()
        .enumerate()
        .fold(0u64, |bits, (i, &v)| bits | u64::from(white(v)) << i);
    let count = natural.count_ones() as usize;
    if count == 0 || count == 64 {
        return;
    }
    let zigzag = permute(natural, &NATURAL_TO_ZIGZAG);
    // Lifting costs bits too: no more than about the DC step, nor past what keeps the
    // block's mean (the DC) in range.
    let step_bound = (2.0 * f32::from(dc_step)).min(31.0);
    let mean_bound = |sum: f32| (WHITE * 64.0 - sum) / count as f32;
    // A sum by columns (which vectorises) is within 0.05 of the sum in order; only where
    // that leaves the bound in doubt is the sum taken in order, so the result is the same.
    let mut columns = [0f32; 8];
    for row in samples.iter() {
        for (c, &v) in columns.iter_mut().zip(row) {
            *c += v;
        }
    }
    let ceiling = if mean_bound(columns.iter().sum()) > step_bound + 1.0 {
        WHITE + step_bound
    } else {
        let sum = samples.as_flattened().iter().fold(0.0, |sum, &v| sum + v);
        WHITE + step_bound.min(mean_bound(sum))
    };
    let value = |s: &[[f32; 8]; 8], k: usize| {
        let (y, x) = at(k);
        s[y][x]
    };
    for (start, end) in runs(zigzag) {
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

/// The runs of set bits in `bits`, lowest first, as (first bit, bit after the last).
#[inline(always)]
fn runs(mut bits: u64) -> impl Iterator<Item = (usize, usize)> {
    std::iter::from_fn(move || {
        if bits == 0 {
            return None;
        }
        let start = bits.trailing_zeros() as usize;
        let end = start + (!(bits >> start)).trailing_zeros() as usize;
        bits &= u64::MAX.checked_shl(end as u32).unwrap_or(0);
        Some((start, end))
    })
}

/// Quantised blocks of RGB rows `width` pixels wide, in scan order: four luma blocks then
/// the Cb and Cr blocks (`chroma`) of each MCU, MCUs row by row. The rows are padded to whole MCUs by repeating
/// the last column and row, as at a picture's edges; a band of whole MCU rows cut from a
/// picture gives the blocks the whole picture has there.
pub(super) fn quantise(
    rgb: &[u8],
    width: usize,
    quantiser: &Quantiser,
    chroma: Chroma,
) -> Vec<Block> {
    let stride = width * 3;
    let columns: Vec<usize> = (0..width.div_ceil(chroma.mcu_width())).collect();
    let mut blocks = Vec::with_capacity(rgb.len().div_ceil(16 * stride) * columns.len() * 6);
    for rows in rgb.chunks(16 * stride) {
        quantise_mcus(rows, width, &columns, quantiser, chroma, &mut blocks);
    }
    blocks
}

/// Appends the quantised blocks of each MCU in `columns` (MCU indices, left to right)
/// of one MCU row: `rows` holds its pixel rows, 16 or fewer at the bottom of a picture.
/// Each MCU depends on its own pixels alone, so any MCU comes out as in [`quantise`].
pub(super) fn quantise_mcus(
    rows: &[u8],
    width: usize,
    columns: &[usize],
    quantiser: &Quantiser,
    chroma: Chroma,
    out: &mut Vec<Block>,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: this CPU has AVX2, checked just above.
        return unsafe { quantise_mcus_avx2(rows, width, columns, quantiser, chroma, out) };
    }
    quantise_mcus_any::<Scalar>(rows, width, columns, quantiser, chroma, out)
}

/// [`quantise_mcus`] compiled for AVX2, with the colour conversion, chroma subsampling and
/// the DCT's transpose written for it: more than twice as fast, and the same results, as no
/// operation is fused or reordered (Rust allows neither without being asked).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn quantise_mcus_avx2(
    rows: &[u8],
    width: usize,
    columns: &[usize],
    quantiser: &Quantiser,
    chroma: Chroma,
    out: &mut Vec<Block>,
) {
    quantise_mcus_any::<Avx2>(rows, width, columns, quantiser, chroma, out)
}

#[inline(always)]
fn quantise_mcus_any<C: Lanes>(
    rows: &[u8],
    width: usize,
    columns: &[usize],
    quantiser: &Quantiser,
    chroma: Chroma,
    out: &mut Vec<Block>,
) {
    let stride = width * 3;
    let height = rows.len() / stride;
    out.reserve(columns.len() * 6);
    // Each MCU's 16x16 pixels, level-shifted luma and full-resolution chroma, the
    // picture's last column and row repeated past its edges: every sample is written for
    // each MCU, so the planes are cleared once, not per MCU.
    let mut luma = [[0f32; 16]; 16];
    let mut cb = [[0f32; 16]; 16];
    let mut cr = [[0f32; 16]; 16];
    let across = chroma.mcu_width();
    for &mx in columns {
        let x0 = mx * across;
        let inside = (width - x0).min(across);
        for dy in 0..16 {
            let y = dy.min(height - 1);
            let row = &rows[y * stride + x0 * 3..y * stride + (x0 + inside) * 3];
            C::row(row, &mut luma[dy], &mut cb[dy], &mut cr[dy]);
            for plane in [&mut luma, &mut cb, &mut cr] {
                let last = plane[dy][inside - 1];
                plane[dy][inside..].fill(last);
            }
        }
        let quarter = |plane: &[[f32; 16]; 16], (dy, dx): (usize, usize)| -> [[f32; 8]; 8] {
            std::array::from_fn(|y| plane[dy + y][dx..dx + 8].try_into().expect("8 samples"))
        };
        let luma_blocks: &[(usize, usize)] = match chroma {
            Chroma::Half => &[(0, 0), (0, 8), (8, 0), (8, 8)],
            Chroma::Full => &[(0, 0), (8, 0)],
        };
        for &at in luma_blocks {
            let mut samples = quarter(&luma, at);
            dering(&mut samples, quantiser.dc_step);
            out.push(quantiser.block::<C>(samples, 0));
        }
        for full in [&cb, &cr] {
            match chroma {
                Chroma::Half => out.push(quantiser.block::<C>(C::subsample(full), 1)),
                Chroma::Full => {
                    for at in [(0, 0), (8, 0)] {
                        out.push(quantiser.block::<C>(quarter(full, at), 1));
                    }
                }
            }
        }
    }
}

/// The quantiser's steps written for a machine's vector unit: colour conversion, chroma
/// subsampling and the transpose between the DCT's passes.
trait Lanes {
    /// Converts pixels to level-shifted luma and full-resolution chroma, one pixel row of
    /// an MCU at a time. `pixels` holds `count` RGB pixels (1 to 16); the rest of the row
    /// is left as it is.
    fn row(pixels: &[u8], luma: &mut [f32; 16], cb: &mut [f32; 16], cr: &mut [f32; 16]);

    /// Swaps rows and columns, between the DCT's two passes.
    #[inline(always)]
    fn transpose(d: &mut [[f32; 8]; 8]) {
        transpose(d)
    }

    /// Chroma at half resolution: the mean of each 2x2 pixels, as libjpeg subsamples.
    #[inline(always)]
    fn subsample(full: &[[f32; 16]; 16]) -> [[f32; 8]; 8] {
        std::array::from_fn(|y| {
            std::array::from_fn(|x| {
                (full[2 * y][2 * x]
                    + full[2 * y][2 * x + 1]
                    + full[2 * y + 1][2 * x]
                    + full[2 * y + 1][2 * x + 1])
                    * 0.25
            })
        })
    }
}

/// Any machine: pixel by pixel.
struct Scalar;

impl Lanes for Scalar {
    #[inline(always)]
    fn row(pixels: &[u8], luma: &mut [f32; 16], cb: &mut [f32; 16], cr: &mut [f32; 16]) {
        for (x, p) in pixels.chunks_exact(3).enumerate() {
            let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
            luma[x] = 0.299 * r + 0.587 * g + 0.114 * b - 128.0;
            cb[x] = -0.168_736 * r - 0.331_264 * g + 0.5 * b;
            cr[x] = 0.5 * r - 0.418_688 * g - 0.081_312 * b;
        }
    }
}

/// AVX2: sixteen pixels at once, the channels pulled apart by byte shuffles, and the same
/// operations in the same order as [`Scalar`], so the same results.
#[cfg(target_arch = "x86_64")]
struct Avx2;

#[cfg(target_arch = "x86_64")]
impl Lanes for Avx2 {
    #[inline(always)]
    fn row(pixels: &[u8], luma: &mut [f32; 16], cb: &mut [f32; 16], cr: &mut [f32; 16]) {
        match pixels.try_into() {
            // SAFETY: only instantiated inside functions compiled for AVX2.
            Ok(whole) => unsafe { convert_16_avx2(whole, luma, cb, cr) },
            Err(_) => Scalar::row(pixels, luma, cb, cr),
        }
    }

    #[inline(always)]
    fn transpose(d: &mut [[f32; 8]; 8]) {
        // SAFETY: only instantiated inside functions compiled for AVX2.
        unsafe { transpose_avx2(d) }
    }

    #[inline(always)]
    fn subsample(full: &[[f32; 16]; 16]) -> [[f32; 8]; 8] {
        // SAFETY: only instantiated inside functions compiled for AVX2.
        unsafe { subsample_avx2(full) }
    }
}

/// [`Lanes::subsample`] a row of eight at a time: each pair of rows split into its even
/// and odd columns by shuffles, then the four added in the same order as the portable
/// build, so the same results.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn subsample_avx2(full: &[[f32; 16]; 16]) -> [[f32; 8]; 8] {
    use std::arch::x86_64::*;
    // Columns 0, 2, .. 14 (even) and 1, 3, .. 15 (odd) of a row of 16.
    let split = |row: &[f32; 16]| {
        // SAFETY: each load is 8 floats of 16.
        let (low, high) = unsafe {
            (
                _mm256_loadu_ps(row.as_ptr()),
                _mm256_loadu_ps(row.as_ptr().add(8)),
            )
        };
        // The shuffles leave the columns as 0 2 8 10 | 4 6 12 14; the permute puts the
        // 64-bit pairs in order.
        let order =
            |v: __m256| _mm256_castpd_ps(_mm256_permute4x64_pd::<0xD8>(_mm256_castps_pd(v)));
        (
            order(_mm256_shuffle_ps::<0x88>(low, high)),
            order(_mm256_shuffle_ps::<0xDD>(low, high)),
        )
    };
    let mut out = [[0f32; 8]; 8];
    for (y, row) in out.iter_mut().enumerate() {
        let (a, b) = split(&full[2 * y]);
        let (c, d) = split(&full[2 * y + 1]);
        let sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a, b), c), d);
        // SAFETY: the row is 8 floats.
        unsafe { _mm256_storeu_ps(row.as_mut_ptr(), _mm256_mul_ps(sum, _mm256_set1_ps(0.25))) };
    }
    out
}

/// An 8x8 transpose in 24 shuffles: pairs of rows interleaved, then quads, then halves.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn transpose_avx2(d: &mut [[f32; 8]; 8]) {
    use std::arch::x86_64::*;
    // SAFETY (loads and stores): each row is 8 floats.
    let r: [__m256; 8] = std::array::from_fn(|y| unsafe { _mm256_loadu_ps(d[y].as_ptr()) });
    // Within each 128-bit half: (r0 r1) and (r2 r3) interleaved, and so on.
    let t = [
        _mm256_unpacklo_ps(r[0], r[1]),
        _mm256_unpackhi_ps(r[0], r[1]),
        _mm256_unpacklo_ps(r[2], r[3]),
        _mm256_unpackhi_ps(r[2], r[3]),
        _mm256_unpacklo_ps(r[4], r[5]),
        _mm256_unpackhi_ps(r[4], r[5]),
        _mm256_unpacklo_ps(r[6], r[7]),
        _mm256_unpackhi_ps(r[6], r[7]),
    ];
    let u = [
        _mm256_shuffle_ps::<0x44>(t[0], t[2]),
        _mm256_shuffle_ps::<0xEE>(t[0], t[2]),
        _mm256_shuffle_ps::<0x44>(t[1], t[3]),
        _mm256_shuffle_ps::<0xEE>(t[1], t[3]),
        _mm256_shuffle_ps::<0x44>(t[4], t[6]),
        _mm256_shuffle_ps::<0xEE>(t[4], t[6]),
        _mm256_shuffle_ps::<0x44>(t[5], t[7]),
        _mm256_shuffle_ps::<0xEE>(t[5], t[7]),
    ];
    // Column x of the first four rows is u[x % 4]'s half x / 4; of the last four, u[4 + ..].
    for x in 0..4 {
        let low = _mm256_permute2f128_ps::<0x20>(u[x], u[4 + x]);
        let high = _mm256_permute2f128_ps::<0x31>(u[x], u[4 + x]);
        unsafe {
            _mm256_storeu_ps(d[x].as_mut_ptr(), low);
            _mm256_storeu_ps(d[4 + x].as_mut_ptr(), high);
        }
    }
}

/// Byte shuffles that gather channel `offset` of 16 RGB pixels from their three 16-byte
/// thirds: (from the first, from the second, from the third), 0x80 for none.
#[cfg(target_arch = "x86_64")]
const fn gather(offset: usize) -> [[u8; 16]; 3] {
    let mut masks = [[0x80u8; 16]; 3];
    let mut i = 0;
    while i < 16 {
        let at = 3 * i + offset;
        masks[at / 16][i] = (at % 16) as u8;
        i += 1;
    }
    masks
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn convert_16_avx2(
    pixels: &[u8; 48],
    luma: &mut [f32; 16],
    cb: &mut [f32; 16],
    cr: &mut [f32; 16],
) {
    use std::arch::x86_64::*;
    const MASKS: [[[u8; 16]; 3]; 3] = [gather(0), gather(1), gather(2)];
    // SAFETY (all loads and stores): each pointer covers 16 bytes, or 8 floats, of an
    // array of at least that many.
    let thirds =
        [0, 16, 32].map(|at| unsafe { _mm_loadu_si128(pixels.as_ptr().add(at).cast::<__m128i>()) });
    let channel = |masks: &[[u8; 16]; 3]| {
        let part = |k: usize| unsafe {
            _mm_shuffle_epi8(
                thirds[k],
                _mm_loadu_si128(masks[k].as_ptr().cast::<__m128i>()),
            )
        };
        let bytes = _mm_or_si128(_mm_or_si128(part(0), part(1)), part(2));
        [
            _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)),
            _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128::<8>(bytes))),
        ]
    };
    let [r, g, b] = [channel(&MASKS[0]), channel(&MASKS[1]), channel(&MASKS[2])];
    let k = |v: f32| _mm256_set1_ps(v);
    for half in 0..2 {
        let (r, g, b) = (r[half], g[half], b[half]);
        let y = _mm256_sub_ps(
            _mm256_add_ps(
                _mm256_add_ps(_mm256_mul_ps(k(0.299), r), _mm256_mul_ps(k(0.587), g)),
                _mm256_mul_ps(k(0.114), b),
            ),
            k(128.0),
        );
        let u = _mm256_add_ps(
            _mm256_sub_ps(
                _mm256_mul_ps(k(-0.168_736), r),
                _mm256_mul_ps(k(0.331_264), g),
            ),
            _mm256_mul_ps(k(0.5), b),
        );
        let v = _mm256_sub_ps(
            _mm256_sub_ps(_mm256_mul_ps(k(0.5), r), _mm256_mul_ps(k(0.418_688), g)),
            _mm256_mul_ps(k(0.081_312), b),
        );
        for (plane, value) in [(&mut *luma, y), (&mut *cb, u), (&mut *cr, v)] {
            unsafe { _mm256_storeu_ps(plane.as_mut_ptr().add(half * 8), value) };
        }
    }
}

/// The symbols of one block, after `previous` (the DC of the block before it in its
/// component, 0 after a restart). `dc` and `ac` name the tables as [`Symbols`] does.
#[inline(always)]
pub(super) fn block_symbols<S: Symbols + ?Sized>(
    block: &Block,
    previous: i16,
    dc: usize,
    ac: usize,
    sink: &mut S,
) {
    let (size, extra) = magnitude(i32::from(block[0]) - i32::from(previous));
    sink.symbol(dc, size as u8, extra, size);
    // A bit for each AC coefficient that is not zero, by zigzag position, so that runs of
    // zeros are skipped whole: found in the block's own order (which vectorises), then
    // moved to zigzag positions a byte at a time.
    let mut found = 0u64;
    for (i, &v) in block.iter().enumerate() {
        found |= u64::from(v != 0) << i;
    }
    let mut nonzero = permute(found & !1, &BLOCK_TO_ZIGZAG);
    let packed = magnitudes(block);
    let mut last = 0;
    while nonzero != 0 {
        let k = nonzero.trailing_zeros() as usize;
        nonzero &= nonzero - 1;
        let mut run = k - last - 1;
        while run >= 16 {
            sink.symbol(ac, 0xF0, 0, 0);
            run -= 16;
        }
        let m = packed[BLOCK_ZIGZAG[k]];
        let (size, extra) = (m & 15, m >> 4);
        sink.symbol(ac, (run as u8) << 4 | size as u8, extra, size);
        last = k;
    }
    if last < 63 {
        sink.symbol(ac, 0x00, 0, 0);
    }
}

/// Every coefficient's [`magnitude`] at once, in a [`Block`]'s order (which vectorises,
/// where a coefficient at a time did not), each packed as `extra << 4 | size`. The
/// category is the bit length of |v|, read from the exponent of |v| as a float (exact for
/// |v| < 2^24), at most 12 for the values a coefficient can take, so four bits hold it. One
/// array built in place rather than two returned: the two were cleared and copied about
/// the stack for every block.
#[inline(always)]
fn magnitudes(block: &Block) -> [u32; 64] {
    std::array::from_fn(|i| {
        let v = i32::from(block[i]);
        let size = ((v.unsigned_abs() as f32).to_bits() >> 23).max(126) - 126;
        let extra = (v + (v >> 31)) as u32 & ((1 << size) - 1);
        extra << 4 | size
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_bits_are_found_as_a_scan_finds_them() {
        let scan = |bits: u64| {
            let mut found = Vec::new();
            let mut n = 0;
            while n < 64 {
                if bits >> n & 1 == 0 {
                    n += 1;
                    continue;
                }
                let start = n;
                while n < 64 && bits >> n & 1 == 1 {
                    n += 1;
                }
                found.push((start, n));
            }
            found
        };
        let mut rng = fastrand::Rng::with_seed(15);
        let edges = [
            0,
            1,
            u64::MAX,
            1 << 63,
            u64::MAX >> 1,
            u64::MAX << 1,
            0x0ff0_00ff,
        ];
        let random = (0..2000).map(|_| rng.u64(..) & rng.u64(..) | rng.u64(..) & rng.u64(..));
        for bits in edges.into_iter().chain(random) {
            assert_eq!(runs(bits).collect::<Vec<_>>(), scan(bits), "{bits:#x}");
        }
    }

    #[test]
    fn bits_move_to_zigzag_order_by_bytes_as_one_at_a_time() {
        let natural = |bits: u64| (0..64).fold(0u64, |out, k| out | (bits >> ZIGZAG[k] & 1) << k);
        let block =
            |bits: u64| (0..64).fold(0u64, |out, k| out | (bits >> BLOCK_ZIGZAG[k] & 1) << k);
        let mut rng = fastrand::Rng::with_seed(3);
        let singles = (0..64).map(|i| 1u64 << i);
        let random = (0..10_000).map(|_| rng.u64(..));
        for bits in singles.chain(random).chain([0, u64::MAX]) {
            assert_eq!(
                permute(bits, &NATURAL_TO_ZIGZAG),
                natural(bits),
                "{bits:#x}"
            );
            assert_eq!(permute(bits, &BLOCK_TO_ZIGZAG), block(bits), "{bits:#x}");
        }
    }

    #[test]
    fn magnitudes_at_once_are_each_coefficients_magnitude() {
        // Every value a quantised coefficient can take, 64 at a time.
        let values: Vec<i16> = (-2048..=2047).collect();
        for chunk in values.chunks(64) {
            let mut block = [0i16; 64];
            block[..chunk.len()].copy_from_slice(chunk);
            let packed = magnitudes(&block);
            for (i, &v) in block.iter().enumerate() {
                let (size, extra) = (packed[i] & 15, packed[i] >> 4);
                assert_eq!((size, extra), magnitude(i32::from(v)), "{v}");
            }
        }
    }

    #[test]
    fn rounding_towards_zero_is_the_as_conversion() {
        let mut rng = fastrand::Rng::with_seed(9);
        let ties = (-2100..=2100).map(|k| k as f32 * 0.5);
        let near = (-40..=40).map(|k| 1024.0 + k as f32 * 0.001);
        let noise = (0..100_000).map(|_| (rng.f32() - 0.5) * 4200.0);
        for x in ties
            .chain(near)
            .chain(noise)
            .chain([0.0, -0.0, 0.49999997, -0.49999997])
        {
            assert_eq!(towards_zero(x), x as i32, "{x}");
        }
    }

    #[test]
    fn every_build_of_the_quantiser_gives_the_same_blocks() {
        // The dispatched quantiser (AVX2 where this CPU has it) against the plain one, on
        // noise and on flat and saturated pixels, with a partial MCU at the right edge.
        let mut rng = fastrand::Rng::with_seed(5);
        let width: usize = 53;
        let mut rgb: Vec<u8> = (0..width * 16 * 3).map(|_| rng.u8(..)).collect();
        rgb[..48].fill(255);
        rgb[48..96].fill(0);
        let quantiser = Quantiser::new(&[[3; 64], [5; 64]]);
        for chroma in [Chroma::Half, Chroma::Full] {
            let columns: Vec<usize> = (0..width.div_ceil(chroma.mcu_width())).collect();
            let (mut dispatched, mut plain) = (Vec::new(), Vec::new());
            quantise_mcus(&rgb, width, &columns, &quantiser, chroma, &mut dispatched);
            quantise_mcus_any::<Scalar>(&rgb, width, &columns, &quantiser, chroma, &mut plain);
            assert_eq!(dispatched.len(), columns.len() * 6);
            assert!(dispatched == plain);
        }
    }
}
