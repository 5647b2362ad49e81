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

#[cfg(target_arch = "x86_64")]
use super::lanes::Avx2;
use super::lanes::{Lanes, Scalar};
use super::scan::{Chroma, Symbols, ZIGZAG};

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
        super::lanes::transpose(&mut samples);
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
    fn the_fast_dct_is_the_jpeg_dct() {
        // Against the definition (T.81 A.3.3), for a block of noise.
        let mut rng = fastrand::Rng::with_seed(3);
        let samples: [[f32; 8]; 8] =
            std::array::from_fn(|_| std::array::from_fn(|_| rng.f32() * 255.0 - 128.0));
        let unit = Quantiser::new(&[[1; 64]; 2]);
        let ours = unit.block_coefficients(samples, 0);
        for v in 0..8 {
            for u in 0..8 {
                let c = |k: usize| {
                    if k == 0 {
                        std::f64::consts::FRAC_1_SQRT_2
                    } else {
                        1.0
                    }
                };
                let mut sum = 0.0;
                for (y, row) in samples.iter().enumerate() {
                    for (x, &s) in row.iter().enumerate() {
                        sum += f64::from(s)
                            * (((2 * x + 1) * u) as f64 * std::f64::consts::PI / 16.0).cos()
                            * (((2 * y + 1) * v) as f64 * std::f64::consts::PI / 16.0).cos();
                    }
                }
                let exact = 0.25 * c(u) * c(v) * sum;
                let got = f64::from(ours[v * 8 + u]);
                assert!((exact - got).abs() < 0.01, "({u},{v}): {got} for {exact}");
            }
        }
    }

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
