//! The quantiser's steps written for a machine's vector unit: colour conversion, chroma
//! subsampling and the transpose between the DCT's passes; pixel by pixel on any machine,
//! sixteen pixels at once with AVX2.

/// Swaps rows and columns of an 8x8 block, element by element.
#[inline(always)]
pub(super) fn transpose(d: &mut [[f32; 8]; 8]) {
    *d = std::array::from_fn(|x| std::array::from_fn(|y| d[y][x]));
}

/// The quantiser's steps written for a machine's vector unit: colour conversion, chroma
/// subsampling and the transpose between the DCT's passes.
pub(super) trait Lanes {
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
pub(super) struct Scalar;

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
pub(super) struct Avx2;

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
