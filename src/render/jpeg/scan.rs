//! What the JPEG files share, written and read alike: how MCUs carry colour and how many
//! a restart interval holds, the zigzag order of coefficients, the symbols a scan is
//! made of, and the error for an encoding that is not as this module writes it.

/// Rows of pixels in one MCU at 4:2:0 subsampling.
pub const MCU_ROWS: u32 = 16;

/// Something wrong with a stored template encoding: it is prepared again.
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("not a usable template encoding: {0}")]
pub struct Unusable(pub(super) &'static str);

/// How MCUs carry colour. Either way an MCU is six blocks, 16 pixel rows tall, and a
/// restart interval is one row of MCUs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Chroma {
    /// 16x16 pixels: four luma blocks, then one Cb and one Cr, each pixel's chroma the mean
    /// of its 2x2 (4:2:0).
    Half,
    /// 8x16 pixels: two luma blocks, two Cb, two Cr, top then bottom: every pixel's own
    /// chroma (4:4:4). Written with 1x2 sampling factors for all three components (T.81
    /// allows at most ten blocks an MCU, so not 2x2).
    Full,
}

impl Chroma {
    /// Pixels across an MCU.
    pub(crate) const fn mcu_width(self) -> usize {
        match self {
            Chroma::Half => 16,
            Chroma::Full => 8,
        }
    }

    /// The component (0 luma, 1 Cb, 2 Cr) of block `k` of an MCU.
    pub(super) const fn component(self, k: usize) -> usize {
        match self {
            Chroma::Half => k.saturating_sub(3),
            Chroma::Full => k / 2,
        }
    }

    /// Whether block `k` of an MCU is the first of its component there.
    pub(super) const fn first_of_component(self, k: usize) -> bool {
        k == 0 || self.component(k - 1) != self.component(k)
    }

    /// Which tables each block of an MCU uses, as (DC, AC) in [`Symbols`]'s numbering.
    pub(super) const fn tables(self) -> [(usize, usize); 6] {
        const LUMA: (usize, usize) = (0, 2);
        const CHROMA: (usize, usize) = (1, 3);
        match self {
            Chroma::Half => [LUMA, LUMA, LUMA, LUMA, CHROMA, CHROMA],
            Chroma::Full => [LUMA, LUMA, CHROMA, CHROMA, CHROMA, CHROMA],
        }
    }

    /// The last block of each component in an MCU: whose DC the next MCU predicts from.
    pub(super) const fn last_blocks(self) -> [usize; 3] {
        match self {
            Chroma::Half => [3, 4, 5],
            Chroma::Full => [1, 3, 5],
        }
    }

    /// The sampling factors of the components in the frame header.
    pub(super) const fn sampling(self) -> [u8; 3] {
        match self {
            Chroma::Half => [0x22, 0x11, 0x11],
            Chroma::Full => [0x12, 0x12, 0x12],
        }
    }
}

/// The natural-order index (`y * 8 + x`) of each zigzag position (T.81 figure A.6).
pub(super) const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// What a walk over a scan does with each symbol: `table` is 0/1 for DC tables 0/1 and
/// 2/3 for AC tables 0/1; `extra` holds `size` bits after the code.
pub(super) trait Symbols {
    fn symbol(&mut self, table: usize, symbol: u8, extra: u32, size: u32);

    /// A block starts `at` bits into its segment (stuffing not counted).
    fn block(&mut self, _at: u32) {}
}

/// MCUs per restart interval: a whole row. A restart costs its marker, padding and three
/// DC values coded from zero: every 5 MCUs that was 8 to 11% of a 1200 px picture, every
/// row 0.5%, while captions, set across their boxes, touch most of a row's width anyway.
pub(super) fn cell_mcus(width: u32, chroma: Chroma) -> u32 {
    width.div_ceil(chroma.mcu_width() as u32)
}
