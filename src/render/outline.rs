//! A caption's outline, grown from its glyphs' coverage by distance: every pixel within
//! the outline's radius of the ink, anti-aliased at the rim, in vector lanes where the
//! machine has them. Works on coverage bytes alone, knowing nothing of glyphs or photos.

/// The outline's alpha: every pixel within `radius` of the glyphs' ink, anti-aliased at the
/// rim. Distances are exact Euclidean ones over a bounded reach: the nearest ink pixel along
/// each row first, then the nearest of those over the rows within reach. Both passes run
/// over whole rows of small integers, which the compiler vectorises: bytes where the
/// squared distances fit in them (outlines up to 9 px), twice as many at once.
pub(super) fn grow(coverage: &[u8], w: usize, h: usize, radius: f32) -> Vec<u8> {
    let reach = radius.ceil() as usize + 1;
    let cap = reach + 1;
    let max_d2 = cap * cap + reach * reach;
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: this CPU has AVX2, checked just above.
        return unsafe {
            if max_d2 <= usize::from(u8::MAX) {
                grow_avx2::<u8>(coverage, w, h, radius)
            } else {
                grow_avx2::<u16>(coverage, w, h, radius)
            }
        };
    }
    if max_d2 <= usize::from(u8::MAX) {
        grow_in::<u8, Portable>(coverage, w, h, radius)
    } else {
        grow_in::<u16, Portable>(coverage, w, h, radius)
    }
}

/// [`grow_in`] compiled for AVX2: integers only, so the same results.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn grow_avx2<D: Distance>(coverage: &[u8], w: usize, h: usize, radius: f32) -> Vec<u8> {
    grow_in::<D, Avx2>(coverage, w, h, radius)
}

/// [`grow`] with squared distances held as `D`, which must hold the largest.
#[inline(always)]
fn grow_in<D: Distance, L: LookUp>(coverage: &[u8], w: usize, h: usize, radius: f32) -> Vec<u8> {
    let reach = radius.ceil() as usize + 1;
    let cap = reach + 1;
    let max_d2 = cap * cap + reach * reach;
    let small = |v: usize| D::try_from(v).ok().expect("squared distances fit");
    // Row pass: squared distance to the nearest ink pixel in the same row, capped: the
    // least, over shifts k within the cap, of k where the pixel k away is ink.
    debug_assert!(cap < 256, "distances are bytes");
    let mut row_d2 = vec![small(cap * cap); w * h];
    let mut row_inked = vec![false; h];
    let (mut far, mut gap) = (vec![0u8; w], vec![0u8; w]);
    for y in 0..h {
        let ink = &coverage[y * w..(y + 1) * w];
        if ink.iter().all(|&c| c < 128) {
            continue;
        }
        row_inked[y] = true;
        // 0 on ink, the cap elsewhere.
        for (f, &c) in far.iter_mut().zip(ink) {
            *f = if c >= 128 { 0 } else { cap as u8 };
        }
        gap.copy_from_slice(&far);
        for k in 1..cap.min(w) {
            let step = k as u8;
            for (g, &f) in gap[..w - k].iter_mut().zip(&far[k..]) {
                *g = (*g).min(f.saturating_add(step));
            }
            for (g, &f) in gap[k..].iter_mut().zip(&far[..w - k]) {
                *g = (*g).min(f.saturating_add(step));
            }
        }
        for (out, &d) in row_d2[y * w..(y + 1) * w].iter_mut().zip(&gap) {
            let d = D::from(d);
            *out = d * d;
        }
    }
    // Alpha by squared distance: a one-pixel ramp at `radius` beyond the ink's edge (which
    // lies half a pixel beyond the centre of the last inked pixel).
    let ramp: Vec<u8> = (0..=max_d2)
        .map(|d2| {
            let d = (d2 as f32).sqrt() - 0.5;
            ((radius - d + 0.5).clamp(0.0, 1.0) * 255.0 + 0.5) as u8
        })
        .collect();
    let short = Ramp::new(&ramp);
    // Column pass: the nearest over the rows within reach.
    let mut alpha = vec![0u8; w * h];
    let mut best = vec![small(0); w];
    let mut index = vec![0u8; w];
    for y in 0..h {
        let rows = y.saturating_sub(reach)..(y + reach + 1).min(h);
        if !row_inked[rows.clone()].iter().any(|&r| r) {
            continue;
        }
        best.fill(small(max_d2));
        for yy in rows.filter(|&yy| row_inked[yy]) {
            let dy = yy.abs_diff(y);
            let dy2 = small(dy * dy);
            for (b, &d) in best.iter_mut().zip(&row_d2[yy * w..(yy + 1) * w]) {
                *b = (*b).min(d + dy2);
            }
        }
        // Inside the ink the outline is solid, so the fill's soft edge lies over it.
        let (ink, out) = (
            &coverage[y * w..(y + 1) * w],
            &mut alpha[y * w..(y + 1) * w],
        );
        match &short {
            Some(short) => {
                for (t, &b) in index.iter_mut().zip(&best) {
                    *t = b.past(small(short.first));
                }
                L::row(&index, ink, short, out);
            }
            None => {
                for ((a, &b), &c) in out.iter_mut().zip(&best).zip(ink) {
                    *a = ramp[b.into()].max(c);
                }
            }
        }
    }
    alpha
}

/// Squared distances in [`grow`]: bytes or 16-bit words, whichever holds the largest.
trait Distance:
    Copy
    + Ord
    + std::ops::Add<Output = Self>
    + std::ops::Mul<Output = Self>
    + From<u8>
    + TryFrom<usize>
    + Into<usize>
{
    /// How far `self` lies past `first`: 0 up to it, at most 255.
    fn past(self, first: Self) -> u8;
}

impl Distance for u8 {
    #[inline(always)]
    fn past(self, first: u8) -> u8 {
        self.saturating_sub(first)
    }
}

impl Distance for u16 {
    #[inline(always)]
    fn past(self, first: u16) -> u8 {
        self.saturating_sub(first).min(255) as u8
    }
}

/// The outline's ramp (alpha by squared distance) as a table short enough to look up in
/// vector lanes: 255 up to squared distance `first`, `table[d2 - first]` from there, and 0
/// from the end of the table's `pieces` 16-entry pieces on.
struct Ramp {
    first: usize,
    table: [u8; 256],
    pieces: usize,
}

impl Ramp {
    /// None where the ramp's soft part is longer than eight pieces (outlines of about 60 px).
    fn new(ramp: &[u8]) -> Option<Ramp> {
        let first = ramp
            .iter()
            .take_while(|&&a| a == 255)
            .count()
            .saturating_sub(1);
        let end = ramp
            .iter()
            .rposition(|&a| a != 0)
            .map_or(first, |last| last + 1);
        let pieces = end.saturating_sub(first).div_ceil(16);
        if pieces > 8 {
            return None;
        }
        let mut table = [0; 256];
        for (t, &a) in table.iter_mut().zip(&ramp[first..end.max(first)]) {
            *t = a;
        }
        Some(Ramp {
            first,
            table,
            pieces,
        })
    }
}

/// Looks the outline's alpha up in a [`Ramp`] for a row: `out[x]` is
/// `ramp.table[index[x]]`, or the ink's coverage where that is more.
trait LookUp {
    fn row(index: &[u8], ink: &[u8], ramp: &Ramp, out: &mut [u8]);
}

/// Any machine: a pixel at a time.
struct Portable;

impl LookUp for Portable {
    #[inline(always)]
    fn row(index: &[u8], ink: &[u8], ramp: &Ramp, out: &mut [u8]) {
        for ((a, &t), &c) in out.iter_mut().zip(index).zip(ink) {
            *a = ramp.table[usize::from(t)].max(c);
        }
    }
}

/// AVX2: 32 pixels at once, each 16-entry piece of the table looked up by a byte shuffle.
#[cfg(target_arch = "x86_64")]
struct Avx2;

#[cfg(target_arch = "x86_64")]
impl LookUp for Avx2 {
    #[inline(always)]
    fn row(index: &[u8], ink: &[u8], ramp: &Ramp, out: &mut [u8]) {
        // SAFETY: only instantiated inside functions compiled for AVX2.
        unsafe { look_up_avx2(index, ink, ramp, out) }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn look_up_avx2(index: &[u8], ink: &[u8], ramp: &Ramp, out: &mut [u8]) {
    use std::arch::x86_64::*;
    let n = out.len().min(index.len()).min(ink.len());
    // SAFETY (all loads and stores): each covers 16 or 32 bytes inside its slice.
    let pieces: [__m256i; 8] = std::array::from_fn(|j| unsafe {
        _mm256_broadcastsi128_si256(_mm_loadu_si128(
            ramp.table[16 * j..].as_ptr().cast::<__m128i>(),
        ))
    });
    // A shuffle gives 0 where an index byte's top bit is set: adding 0x70 (saturating)
    // sets it for 16 and above, and the indices below a piece wrap round to 128 and above.
    let over = _mm256_set1_epi8(0x70);
    let mut x = 0;
    while x + 32 <= n {
        unsafe {
            let t = _mm256_loadu_si256(index.as_ptr().add(x).cast::<__m256i>());
            let mut a = _mm256_setzero_si256();
            for (j, piece) in pieces.iter().enumerate().take(ramp.pieces) {
                let within = _mm256_sub_epi8(t, _mm256_set1_epi8((16 * j) as i8));
                let found = _mm256_shuffle_epi8(*piece, _mm256_adds_epu8(within, over));
                a = _mm256_or_si256(a, found);
            }
            let c = _mm256_loadu_si256(ink.as_ptr().add(x).cast::<__m256i>());
            _mm256_storeu_si256(
                out.as_mut_ptr().add(x).cast::<__m256i>(),
                _mm256_max_epu8(a, c),
            );
        }
        x += 32;
    }
    Portable::row(&index[x..n], &ink[x..n], ramp, &mut out[x..n]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outline's alpha by its definition: the ramp at the distance from each pixel to
    /// the nearest inked pixel (coverage of at least half), searched in full.
    fn grow_by_definition(coverage: &[u8], w: usize, h: usize, radius: f32) -> Vec<u8> {
        let reach = radius.ceil() as i64 + 1;
        let mut alpha = vec![0u8; w * h];
        for y in 0..h as i64 {
            for x in 0..w as i64 {
                let mut best = i64::MAX;
                for yy in (y - reach).max(0)..(y + reach + 1).min(h as i64) {
                    for xx in (x - reach - 1).max(0)..(x + reach + 2).min(w as i64) {
                        if coverage[(yy * w as i64 + xx) as usize] >= 128 {
                            best = best.min((xx - x).pow(2) + (yy - y).pow(2));
                        }
                    }
                }
                let i = (y * w as i64 + x) as usize;
                let rim = if best == i64::MAX {
                    0
                } else {
                    let d = (best as f32).sqrt() - 0.5;
                    ((radius - d + 0.5).clamp(0.0, 1.0) * 255.0 + 0.5) as u8
                };
                alpha[i] = rim.max(coverage[i]);
            }
        }
        alpha
    }

    #[test]
    fn the_outline_is_the_ramp_at_the_distance_to_the_nearest_ink() {
        // Scattered ink and soft edges; radii held in bytes (up to 9 px) and wider ones.
        let (w, h) = (97, 61);
        let mut rng = fastrand::Rng::with_seed(4);
        let mut coverage = vec![0u8; w * h];
        for _ in 0..12 {
            let (x, y) = (rng.usize(0..w), rng.usize(0..h));
            for yy in y..(y + rng.usize(1..5)).min(h) {
                for xx in x..(x + rng.usize(1..9)).min(w) {
                    coverage[yy * w + xx] = rng.u8(100..=255);
                }
            }
        }
        // Every build: bytes or words, the ramp looked up a pixel at a time or in vector
        // lanes, and (at 64 px) a ramp too long for the short table.
        for radius in [0.6, 2.0, 4.3, 9.0, 9.5, 14.2, 64.0] {
            let expected = grow_by_definition(&coverage, w, h, radius);
            assert!(grow(&coverage, w, h, radius) == expected, "radius {radius}");
            let portable = grow_in::<u16, Portable>(&coverage, w, h, radius);
            assert!(portable == expected, "radius {radius}");
            if radius < 9.5 {
                let portable = grow_in::<u8, Portable>(&coverage, w, h, radius);
                assert!(portable == expected, "radius {radius}");
            }
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: this CPU has AVX2, checked just above.
                let avx2 = unsafe { grow_avx2::<u16>(&coverage, w, h, radius) };
                assert!(avx2 == expected, "radius {radius}");
            }
        }
    }
}
