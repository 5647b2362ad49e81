//! JPEG by splicing: a template photo encoded once per width, and per remix only the MCU
//! rows its captions touch, encoded with the same tables and spliced in.
//!
//! The template is encoded by [`encoder`] with Robidoux's quantisation tables and a restart
//! marker after every MCU row, then given Huffman tables optimised for that photo as
//! remixes have it (with sample captions drawn on it, white and coloured) and complete:
//! every symbol a baseline scan can use has a code, so any caption row can be written with
//! them. A restart resets the DC predictors and byte-aligns the entropy coder, and a
//! block's coefficients depend on its own pixels alone, so a caption row encoded on its own
//! is exactly the segment a whole encode of the remix would have there: a spliced picture
//! decodes, in any decoder, to what the one-piece encode does.
//!
//! Tried and left out (docs/benchmarks.md): mozjpeg's trellis quantisation (through
//! mozjpeg-rs) and jpegli-style adaptive rounding of busy blocks lost more SSIMULACRA2
//! than a lower quality setting saving the same bytes; restart markers every few MCUs
//! instead of every row cost 8 to 11% of a picture.

use std::ops::Range;

use image::RgbImage;

mod encoder;

/// Rows of pixels in one MCU at 4:2:0 subsampling.
pub const MCU_ROWS: u32 = 16;

/// Names what decides a template encoding's bytes besides the photo and width (this
/// module's encoder and tables): part of the key it is stored under.
pub const ENCODING_VERSION: &str = "v3";

/// Something wrong with a stored template encoding: it is prepared again.
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("not a usable template encoding: {0}")]
pub struct Unusable(&'static str);

/// A Huffman table as a JPEG file states it: how many codes of each length, then the
/// symbols in code order.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Spec {
    counts: [u8; 16],
    symbols: Vec<u8>,
}

/// Codes to write, by symbol; a length of 0 means no code.
#[derive(Clone)]
struct Codes {
    code: [u16; 256],
    len: [u8; 256],
}

/// Bits looked up at once when decoding.
const FAST_BITS: u32 = 10;

/// Codes to read.
struct Decoder {
    /// By the next FAST_BITS bits: `len << 8 | symbol`, or 0 for a longer code.
    fast: Vec<u16>,
    /// By length: the largest code of that length (-1 for none), and where its symbols start.
    max_code: [i32; 17],
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Spec {
    fn codes(&self) -> Codes {
        let mut codes = Codes {
            code: [0; 256],
            len: [0; 256],
        };
        let mut code = 0u16;
        let mut k = 0;
        for (length, &count) in (1..=16u8).zip(&self.counts) {
            for _ in 0..count {
                let symbol = usize::from(self.symbols[k]);
                codes.code[symbol] = code;
                codes.len[symbol] = length;
                code = code.wrapping_add(1);
                k += 1;
            }
            code = code.wrapping_shl(1);
        }
        codes
    }

    fn decoder(&self) -> Decoder {
        let mut fast = vec![0u16; 1 << FAST_BITS];
        let mut max_code = [-1i32; 17];
        let mut offset = [0i32; 17];
        let mut code = 0i32;
        let mut k = 0i32;
        for length in 1..=16usize {
            let count = i32::from(self.counts[length - 1]);
            offset[length] = k - code;
            for _ in 0..count {
                if length as u32 <= FAST_BITS {
                    let shift = FAST_BITS - length as u32;
                    let first = (code as usize) << shift;
                    let entry = (length as u16) << 8 | u16::from(self.symbols[k as usize]);
                    fast[first..first + (1 << shift)].fill(entry);
                }
                code += 1;
                k += 1;
            }
            if count > 0 {
                max_code[length] = code - 1;
            }
            code <<= 1;
        }
        Decoder {
            fast,
            max_code,
            offset,
            symbols: self.symbols.clone(),
        }
    }

    /// Whether the counts and symbols make a valid table (a prefix code of at most 256
    /// distinct symbols).
    fn valid(&self) -> bool {
        let total: usize = self.counts.iter().map(|&c| usize::from(c)).sum();
        let mut room = 1u32;
        for &count in &self.counts {
            room *= 2;
            if u32::from(count) > room {
                return false;
            }
            room -= u32::from(count);
        }
        let mut seen = [false; 256];
        total == self.symbols.len()
            && total <= 256
            && self
                .symbols
                .iter()
                .all(|&s| !std::mem::replace(&mut seen[usize::from(s)], true))
    }

    /// An optimal table for these symbol frequencies, no code longer than 16 bits and none
    /// all ones (ITU T.81 K.2).
    fn optimal(frequencies: &[u64; 256]) -> Spec {
        let mut frequencies = *frequencies;
        loop {
            if let Some(size) = code_sizes(&frequencies) {
                return Spec::from_sizes(&size);
            }
            // A tree deeper than 32 (frequencies spanning more than a Fibonacci
            // sequence of that length): flatten them and build again.
            for f in frequencies.iter_mut().filter(|f| **f > 0) {
                *f = (*f / 2).max(1);
            }
        }
    }

    /// The table for these code sizes, limited to 16 bits (T.81 K.2, figure K.3).
    fn from_sizes(size: &[usize; 257]) -> Spec {
        let mut bits = [0usize; 33];
        for &s in size {
            if s > 0 {
                bits[s] += 1;
            }
        }
        // Shorten codes longer than 16 bits by pairing them under a shorter prefix.
        for i in (17..=32).rev() {
            while bits[i] > 0 {
                let mut j = i - 2;
                while bits[j] == 0 {
                    j -= 1;
                }
                bits[i] -= 2;
                bits[i - 1] += 1;
                bits[j + 1] += 2;
                bits[j] -= 1;
            }
        }
        // Drop the reserved symbol's code, one of the longest.
        let mut i = 16;
        while bits[i] == 0 {
            i -= 1;
        }
        bits[i] -= 1;
        let mut symbols = Vec::new();
        for length in 1..=32 {
            for (symbol, &s) in size[..256].iter().enumerate() {
                if s == length {
                    symbols.push(symbol as u8);
                }
            }
        }
        let mut counts = [0u8; 16];
        for (c, &b) in counts.iter_mut().zip(&bits[1..=16]) {
            *c = b as u8;
        }
        Spec { counts, symbols }
    }
}

/// Huffman code sizes for these frequencies plus a reserved symbol 256 of frequency 1
/// (T.81 K.2, figure K.1); `None` if a code would be longer than 32 bits.
fn code_sizes(frequencies: &[u64; 256]) -> Option<[usize; 257]> {
    const RESERVED: usize = 256;
    let mut freq = [0u64; 257];
    freq[..256].copy_from_slice(frequencies);
    freq[RESERVED] = 1;
    let mut size = [0usize; 257];
    let mut next = [usize::MAX; 257];
    loop {
        // The two least frequent trees; among equals the higher symbol, as libjpeg does.
        let mut least = (u64::MAX, usize::MAX);
        let mut second = (u64::MAX, usize::MAX);
        for (i, &f) in freq.iter().enumerate() {
            if f == 0 {
                continue;
            }
            if f <= least.0 {
                second = least;
                least = (f, i);
            } else if f <= second.0 {
                second = (f, i);
            }
        }
        let (a, b) = (least.1, second.1);
        if b == usize::MAX {
            break;
        }
        freq[a] += freq[b];
        freq[b] = 0;
        let mut i = a;
        size[i] += 1;
        while next[i] != usize::MAX {
            i = next[i];
            size[i] += 1;
        }
        next[i] = b;
        let mut i = b;
        size[i] += 1;
        while next[i] != usize::MAX {
            i = next[i];
            size[i] += 1;
        }
    }
    (size.iter().all(|&s| s <= 32)).then_some(size)
}

/// Every symbol a baseline DC table may need (magnitude categories of 8-bit samples).
fn dc_symbols() -> impl Iterator<Item = u8> {
    0..=11u8
}

/// Every symbol a baseline AC table may need: end of block, sixteen zeros, and each run of
/// up to 15 zeros before a magnitude category 1 to 10.
fn ac_symbols() -> impl Iterator<Item = u8> {
    [0x00, 0xF0]
        .into_iter()
        .chain((0..16u8).flat_map(|run| (1..=10u8).map(move |size| run << 4 | size)))
}

/// Every symbol table `table` (numbered as in [`Symbols`]: DC luma, DC chroma, AC luma,
/// AC chroma) may need.
fn table_symbols(table: usize) -> Box<dyn Iterator<Item = u8>> {
    if table < 2 {
        Box::new(dc_symbols())
    } else {
        Box::new(ac_symbols())
    }
}

/// Reads an entropy-coded segment: bytes with 0xFF stuffed as 0xFF 0x00, then 1 bits.
struct BitReader<'a> {
    data: &'a [u8],
    at: usize,
    acc: u64,
    have: u32,
    /// 1-bytes made up past the end.
    padding: u32,
    /// Bytes taken into `acc`, stuffing not counted.
    loaded: u32,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8]) -> Self {
        BitReader {
            data,
            at: 0,
            acc: 0,
            have: 0,
            padding: 0,
            loaded: 0,
        }
    }

    /// Bits read so far, stuffing not counted.
    fn position(&self) -> u32 {
        self.loaded * 8 - self.have
    }

    /// Whether what was read ends in the segment's last byte.
    fn at_end(&self) -> bool {
        let left = i64::from(self.have) - 8 * i64::from(self.padding);
        self.at >= self.data.len() && (0..8).contains(&left)
    }

    #[inline]
    fn fill(&mut self) {
        while self.have <= 56 {
            let byte = match self.data.get(self.at) {
                Some(&b) => {
                    self.at += if b == 0xFF { 2 } else { 1 };
                    b
                }
                None => {
                    self.padding += 1;
                    0xFF
                }
            };
            self.acc |= u64::from(byte) << (56 - self.have);
            self.have += 8;
            self.loaded += 1;
        }
    }

    #[inline]
    fn bits(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        self.fill();
        let v = (self.acc >> (64 - n)) as u32;
        self.acc <<= n;
        self.have -= n;
        v
    }

    #[inline]
    fn symbol(&mut self, d: &Decoder) -> Result<u8, Unusable> {
        self.fill();
        let peek = (self.acc >> 48) as u32;
        let entry = d.fast[(peek >> (16 - FAST_BITS)) as usize];
        if entry != 0 {
            let length = u32::from(entry >> 8);
            self.acc <<= length;
            self.have -= length;
            return Ok(entry as u8);
        }
        for length in FAST_BITS as usize + 1..=16 {
            let code = (peek >> (16 - length)) as i32;
            if code <= d.max_code[length] {
                self.acc <<= length;
                self.have -= length as u32;
                return d
                    .symbols
                    .get((code + d.offset[length]) as usize)
                    .copied()
                    .ok_or(Unusable("bad Huffman code"));
            }
        }
        Err(Unusable("bad Huffman code"))
    }
}

/// Writes an entropy-coded segment.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    have: u32,
}

impl BitWriter<'_> {
    /// Appends the low `n` bits of `value` (`n` at most 32).
    #[inline(always)]
    fn put(&mut self, value: u32, n: u32) {
        self.acc = self.acc << n | u64::from(value);
        self.have += n;
        if self.have >= 32 {
            self.write_word();
        }
    }

    /// Writes out the oldest 32 bits held.
    #[inline]
    fn write_word(&mut self) {
        self.have -= 32;
        let word = (self.acc >> self.have) as u32;
        let bytes = word.to_be_bytes();
        // A 0xFF byte is followed by a stuffed 0x00.
        let inverted = !word;
        if inverted.wrapping_sub(0x0101_0101) & !inverted & 0x8080_8080 == 0 {
            self.out.extend_from_slice(&bytes);
        } else {
            for b in bytes {
                self.out.push(b);
                if b == 0xFF {
                    self.out.push(0);
                }
            }
        }
    }

    /// Appends bits `from..to` of `src`, bits numbered from the top of its first byte;
    /// `src` has 8 bytes more after the last bit read.
    fn copy(&mut self, src: &[u8], mut from: u32, to: u32) {
        while from < to {
            let n = (to - from).min(32);
            let byte = (from / 8) as usize;
            let word = u64::from_be_bytes(src[byte..byte + 8].try_into().expect("8 bytes"));
            self.put(((word << (from % 8)) >> (64 - n)) as u32, n);
            from += n;
        }
    }

    /// Writes what is left, the last byte padded with 1 bits.
    fn finish(mut self) {
        let pad = (8 - self.have % 8) % 8;
        self.acc = self.acc << pad | ((1u64 << pad) - 1);
        self.have += pad;
        while self.have > 0 {
            self.have -= 8;
            let byte = (self.acc >> self.have) as u8;
            self.out.push(byte);
            if byte == 0xFF {
                self.out.push(0);
            }
        }
    }
}

/// What a walk over a scan does with each symbol: `table` is 0/1 for DC tables 0/1 and
/// 2/3 for AC tables 0/1; `extra` holds `size` bits after the code.
trait Symbols {
    fn symbol(&mut self, table: usize, symbol: u8, extra: u32, size: u32);

    /// A block starts `at` bits into its segment (stuffing not counted).
    fn block(&mut self, _at: u32) {}
}

/// Counts symbols by table.
struct Count([[u64; 256]; 4]);

impl Symbols for Count {
    #[inline]
    fn symbol(&mut self, table: usize, symbol: u8, _: u32, _: u32) {
        self.0[table][usize::from(symbol)] += 1;
    }
}

/// Writes symbols with other tables.
struct Write<'a, 'b> {
    bits: BitWriter<'a>,
    codes: &'b [Codes; 4],
}

impl Symbols for Write<'_, '_> {
    #[inline]
    fn symbol(&mut self, table: usize, symbol: u8, extra: u32, size: u32) {
        let codes = &self.codes[table];
        let s = usize::from(symbol);
        debug_assert!(codes.len[s] > 0, "no code for {symbol:#x} in table {table}");
        let length = u32::from(codes.len[s]);
        self.bits
            .put(u32::from(codes.code[s]) << size | extra, length + size);
    }
}

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
    const fn component(self, k: usize) -> usize {
        match self {
            Chroma::Half => k.saturating_sub(3),
            Chroma::Full => k / 2,
        }
    }

    /// Whether block `k` of an MCU is the first of its component there.
    const fn first_of_component(self, k: usize) -> bool {
        k == 0 || self.component(k - 1) != self.component(k)
    }

    /// Which tables each block of an MCU uses, as (DC, AC) in [`Symbols`]'s numbering.
    const fn tables(self) -> [(usize, usize); 6] {
        const LUMA: (usize, usize) = (0, 2);
        const CHROMA: (usize, usize) = (1, 3);
        match self {
            Chroma::Half => [LUMA, LUMA, LUMA, LUMA, CHROMA, CHROMA],
            Chroma::Full => [LUMA, LUMA, CHROMA, CHROMA, CHROMA, CHROMA],
        }
    }

    /// The last block of each component in an MCU: whose DC the next MCU predicts from.
    const fn last_blocks(self) -> [usize; 3] {
        match self {
            Chroma::Half => [3, 4, 5],
            Chroma::Full => [1, 3, 5],
        }
    }

    /// The sampling factors of the components in the frame header.
    const fn sampling(self) -> [u8; 3] {
        match self {
            Chroma::Half => [0x22, 0x11, 0x11],
            Chroma::Full => [0x12, 0x12, 0x12],
        }
    }
}

/// The layout of a baseline YCbCr JPEG, 4:2:0 or 4:4:4, as this module writes and reads it.
#[derive(Clone)]
struct Layout {
    width: u32,
    height: u32,
    chroma: Chroma,
    restart_interval: u16,
    /// Natural-order quantisation tables for luma and chroma.
    quant: [[u16; 64]; 2],
    /// DC tables 0/1, AC tables 0/1, as stated.
    specs: [Option<Spec>; 4],
    /// For each block of an MCU: its DC and AC table indices.
    blocks: Vec<(usize, usize)>,
    /// Bytes of the headers, up to and including the start of scan.
    header: Range<usize>,
}

const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Reads the headers of a baseline JPEG up to its start of scan.
fn read_layout(bytes: &[u8]) -> Result<Layout, Unusable> {
    let short = Unusable("truncated headers");
    if bytes.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(Unusable("no start of image"));
    }
    let mut at = 2;
    let mut quant_by_id: [Option<[u16; 64]>; 4] = [None; 4];
    let mut specs: [Option<Spec>; 4] = Default::default();
    // Width, height, and each component's (id, sampling factors, quantisation table).
    type Frame = (u32, u32, Vec<(u8, u8, u8)>);
    let mut frame: Option<Frame> = None;
    let mut restart_interval = 0;
    loop {
        let head = bytes.get(at..at + 4).ok_or(short)?;
        if head[0] != 0xFF {
            return Err(Unusable("expected a marker"));
        }
        let marker = head[1];
        let length = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let body = bytes
            .get(at + 4..at + 2 + length)
            .ok_or(Unusable("truncated segment"))?;
        at += 2 + length;
        match marker {
            0xDB => {
                let mut b = body;
                while !b.is_empty() {
                    let (pq, id) = (b[0] >> 4, usize::from(b[0] & 15));
                    if pq != 0 || id > 3 || b.len() < 65 {
                        return Err(Unusable("unsupported quantisation table"));
                    }
                    let mut table = [0u16; 64];
                    for (k, &v) in b[1..65].iter().enumerate() {
                        table[ZIGZAG[k]] = u16::from(v);
                    }
                    quant_by_id[id] = Some(table);
                    b = &b[65..];
                }
            }
            0xC4 => {
                let mut b = body;
                while !b.is_empty() {
                    let (class, id) = (b[0] >> 4, usize::from(b[0] & 15));
                    if class > 1 || id > 1 || b.len() < 17 {
                        return Err(Unusable("unsupported Huffman table"));
                    }
                    let mut counts = [0u8; 16];
                    counts.copy_from_slice(&b[1..17]);
                    let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
                    let symbols = b.get(17..17 + total).ok_or(short)?.to_vec();
                    let spec = Spec { counts, symbols };
                    if !spec.valid() {
                        return Err(Unusable("invalid Huffman table"));
                    }
                    specs[usize::from(class) * 2 + id] = Some(spec);
                    b = &b[17 + total..];
                }
            }
            0xC0 => {
                if body.len() < 6 || body[0] != 8 {
                    return Err(Unusable("not an 8-bit baseline frame"));
                }
                let height = u32::from(u16::from_be_bytes([body[1], body[2]]));
                let width = u32::from(u16::from_be_bytes([body[3], body[4]]));
                let n = usize::from(body[5]);
                let comps = body.get(6..6 + 3 * n).ok_or(short)?;
                frame = Some((
                    width,
                    height,
                    comps.chunks(3).map(|c| (c[0], c[1], c[2])).collect(),
                ));
            }
            0xDD => {
                if body.len() != 2 {
                    return Err(Unusable("bad restart interval"));
                }
                restart_interval = u16::from_be_bytes([body[0], body[1]]);
            }
            0xDA => {
                let (width, height, comps) = frame.ok_or(Unusable("scan before frame"))?;
                let sampling: Vec<u8> = comps.iter().map(|c| c.1).collect();
                let chroma = [Chroma::Half, Chroma::Full]
                    .into_iter()
                    .find(|c| sampling == c.sampling())
                    .ok_or(Unusable("not 4:2:0 or 4:4:4 YCbCr as written here"))?;
                let n = usize::from(*body.first().ok_or(short)?);
                if n != 3 || body.len() < 1 + 2 * n + 3 {
                    return Err(Unusable("not one interleaved scan"));
                }
                let mut blocks = Vec::new();
                for (k, c) in body[1..1 + 2 * n].chunks(2).enumerate() {
                    if c[0] != comps[k].0 {
                        return Err(Unusable("scan components out of order"));
                    }
                    let (dc, ac) = (usize::from(c[1] >> 4), 2 + usize::from(c[1] & 15));
                    if dc > 1 || ac > 3 || specs[dc].is_none() || specs[ac].is_none() {
                        return Err(Unusable("scan uses a missing Huffman table"));
                    }
                    let count = (0..6).filter(|&b| chroma.component(b) == k).count();
                    blocks.extend(std::iter::repeat_n((dc, ac), count));
                }
                let quant = |k: usize| {
                    quant_by_id
                        .get(usize::from(comps[k].2))
                        .copied()
                        .flatten()
                        .ok_or(Unusable("missing quantisation table"))
                };
                if comps[1].2 != comps[2].2 {
                    return Err(Unusable("chroma components use different tables"));
                }
                return Ok(Layout {
                    width,
                    height,
                    chroma,
                    restart_interval,
                    quant: [quant(0)?, quant(1)?],
                    specs,
                    blocks,
                    header: 0..at,
                });
            }
            0xD0..=0xD9 | 0x01 => return Err(Unusable("unexpected marker in headers")),
            _ => {}
        }
    }
}

/// The entropy-coded segments after the headers, split at restart markers.
fn segments(bytes: &[u8], from: usize) -> Result<Vec<Range<usize>>, Unusable> {
    let mut segments = Vec::new();
    let mut start = from;
    let mut i = from;
    while i + 1 < bytes.len() {
        if bytes[i] != 0xFF {
            i += 1;
            continue;
        }
        match bytes[i + 1] {
            0x00 => i += 2,
            0xD0..=0xD7 => {
                if (bytes[i + 1] - 0xD0) as usize != segments.len() % 8 {
                    return Err(Unusable("restart markers out of order"));
                }
                segments.push(start..i);
                i += 2;
                start = i;
            }
            0xD9 => {
                segments.push(start..i);
                return Ok(segments);
            }
            0xFF => i += 1,
            _ => return Err(Unusable("unexpected marker in scan")),
        }
    }
    Err(Unusable("no end of image"))
}

/// Walks the MCUs of one entropy-coded segment, handing each symbol on; the bits it
/// holds before its padding.
fn walk(
    segment: &[u8],
    mcus: usize,
    blocks: &[(usize, usize)],
    decoders: &[Decoder],
    sink: &mut impl Symbols,
) -> Result<u32, Unusable> {
    let mut bits = BitReader::new(segment);
    for _ in 0..mcus {
        for &(dc, ac) in blocks {
            sink.block(bits.position());
            let size = bits.symbol(&decoders[dc])?;
            if size > 11 {
                return Err(Unusable("DC difference out of range"));
            }
            let extra = bits.bits(u32::from(size));
            sink.symbol(dc, size, extra, u32::from(size));
            let mut k = 1;
            while k < 64 {
                let rs = bits.symbol(&decoders[ac])?;
                let (run, size) = (usize::from(rs >> 4), u32::from(rs & 15));
                if size == 0 {
                    sink.symbol(ac, rs, 0, 0);
                    if run == 15 {
                        k += 16;
                        continue;
                    }
                    break;
                }
                k += run;
                if k > 63 || size > 10 {
                    return Err(Unusable("AC coefficient out of range"));
                }
                let extra = bits.bits(size);
                sink.symbol(ac, rs, extra, size);
                k += 1;
            }
        }
    }
    if !bits.at_end() {
        return Err(Unusable("a segment's length does not match its MCUs"));
    }
    Ok(bits.position())
}

fn decoders(specs: &[Option<Spec>; 4]) -> Vec<Decoder> {
    specs
        .iter()
        .map(|s| {
            s.as_ref().map(Spec::decoder).unwrap_or_else(|| {
                Spec {
                    counts: [0; 16],
                    symbols: Vec::new(),
                }
                .decoder()
            })
        })
        .collect()
}

/// A whole picture encoded as a template is (see [`JpegBase::prepare`]): for pictures not
/// made by splicing, such as share cards and framed pictures.
pub fn encode(image: &RgbImage) -> Vec<u8> {
    encode_with(image, Chroma::Half, &quant_tables(1.0), [])
}

/// [`encode`] if that is at most `max_bytes`, else with coarser steps until it is (up to
/// about libjpeg's quality 50): for previews and share cards.
pub fn encode_within(image: &RgbImage, max_bytes: usize) -> Vec<u8> {
    let mut bytes = encode(image);
    for coarser in [1.4, 1.9, 2.6, 3.3] {
        if bytes.len() <= max_bytes {
            break;
        }
        bytes = encode_with(image, Chroma::Half, &quant_tables(coarser), []);
    }
    bytes
}

/// Nicolas Robidoux's quantisation table (as in ImageMagick and mozjpeg), natural order.
const ROBIDOUX: [u16; 64] = [
    16, 16, 16, 18, 25, 37, 56, 85, 16, 17, 20, 27, 34, 40, 53, 75, 16, 20, 24, 31, 43, 62, 91,
    135, 18, 27, 31, 40, 53, 74, 106, 156, 25, 34, 43, 53, 69, 94, 131, 189, 37, 40, 62, 74, 94,
    124, 169, 238, 56, 53, 91, 106, 131, 169, 226, 311, 85, 75, 135, 156, 189, 238, 311, 418,
];

/// The quantisation tables (natural order; luma, chroma): Robidoux's for both, scaled by
/// 0.30 (libjpeg's quality 85), except luma steps of 20 or less (the DC and lowest
/// frequencies, whose steps show as banding in skies), scaled by 0.28 (quality 86); then
/// every step multiplied by `coarser` (1 for remixes, more to fit a byte budget). Measured
/// on the bundled photos at 512, 1200 and 2048 px against libjpeg-turbo at quality 85 in
/// docs/benchmarks.md.
fn quant_tables(coarser: f32) -> [[u16; 64]; 2] {
    let scaled = |low: f32, high: f32| {
        ROBIDOUX.map(|v| {
            let scale = if v <= 20 { low } else { high };
            (f32::from(v) * scale * coarser).round().clamp(1.0, 255.0) as u16
        })
    };
    [scaled(0.28, 0.30), scaled(0.30, 0.30)]
}

/// A whole picture encoded as [`encode`] does, with this way of carrying colour and every
/// quantisation step `coarser` times [`encode`]'s: for measuring what 4:4:4 gives
/// (`examples/encode.rs`, docs/benchmarks.md). Remixes are all 4:2:0 today.
pub fn encode_as(image: &RgbImage, chroma: Chroma, coarser: f32) -> Vec<u8> {
    encode_with(image, chroma, &quant_tables(coarser), [])
}

/// Writes the headers of a baseline JPEG up to its start of scan.
fn write_headers(
    out: &mut Vec<u8>,
    width: u32,
    height: u32,
    chroma: Chroma,
    quant: &[[u16; 64]; 2],
    specs: &[Spec; 4],
    restart_interval: u32,
) {
    out.extend_from_slice(&[0xFF, 0xD8]);
    out.extend_from_slice(&[
        0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ]);
    out.extend_from_slice(&[0xFF, 0xDB, 0, 2 + 2 * 65]);
    for (id, table) in quant.iter().enumerate() {
        out.push(id as u8);
        out.extend(ZIGZAG.iter().map(|&k| table[k] as u8));
    }
    let (w, h) = ((width as u16).to_be_bytes(), (height as u16).to_be_bytes());
    let [y, cb, cr] = chroma.sampling();
    out.extend_from_slice(&[
        0xFF, 0xC0, 0, 17, 8, h[0], h[1], w[0], w[1], 3, 1, y, 0, 2, cb, 1, 3, cr, 1,
    ]);
    write_dht(out, specs);
    let ri = (restart_interval as u16).to_be_bytes();
    out.extend_from_slice(&[0xFF, 0xDD, 0, 4, ri[0], ri[1]]);
    out.extend_from_slice(&[0xFF, 0xDA, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
}

/// Reads a whole restart-marked scan through, indexing its blocks.
fn read_through(bytes: &[u8]) -> Result<(Layout, Vec<Range<usize>>, BlockIndex), Unusable> {
    let layout = read_layout(bytes)?;
    let cells = segments(bytes, layout.header.end)?;
    let cell_mcus = cell_mcus(layout.width, layout.chroma);
    if u32::from(layout.restart_interval) != cell_mcus
        || cells.len() != layout.height.div_ceil(MCU_ROWS) as usize
    {
        return Err(Unusable("wrong number of cells"));
    }
    let decoders = decoders(&layout.specs);
    let blocks = cells.len() * cell_mcus as usize * layout.blocks.len();
    let mut index = BlockIndex {
        chroma: layout.chroma,
        at: Vec::with_capacity(blocks),
        dc: Vec::with_capacity(blocks),
        row_bits: Vec::with_capacity(cells.len()),
        previous: [0; 3],
        out_of_range: false,
    };
    for cell in &cells {
        index.previous = [0; 3];
        let bits = walk(
            &bytes[cell.clone()],
            cell_mcus as usize,
            &layout.blocks,
            &decoders,
            &mut index,
        )?;
        index.row_bits.push(bits);
    }
    if index.out_of_range {
        return Err(Unusable("DC coefficient out of range"));
    }
    Ok((layout, cells, index))
}

/// Where each block of a template's encoding starts in its MCU row's bits, and its DC: what
/// lets a caption row copy the template's bits for the MCUs no caption touches.
struct BlockIndex {
    /// The MCUs' blocks.
    chroma: Chroma,
    /// Each block's first bit in its row (stuffing not counted), in scan order.
    at: Vec<u32>,
    /// Each block's quantised DC coefficient.
    dc: Vec<i16>,
    /// Each row's bits before its padding.
    row_bits: Vec<u32>,
    /// While reading: the DC of the last block of each component.
    previous: [i16; 3],
    /// Whether some DC fell outside what 8-bit samples can give (T.81 F.1.2.1.2).
    out_of_range: bool,
}

impl Symbols for BlockIndex {
    fn block(&mut self, at: u32) {
        self.at.push(at);
    }

    fn symbol(&mut self, table: usize, _: u8, extra: u32, size: u32) {
        if table >= 2 {
            return;
        }
        // A DC difference (T.81 F.2.2.1), added to the component's prediction.
        let diff = if size == 0 {
            0
        } else if extra < 1 << (size - 1) {
            extra as i32 - (1 << size) + 1
        } else {
            extra as i32
        };
        let component = self.chroma.component((self.at.len() - 1) % 6);
        let dc = i32::from(self.previous[component]) + diff;
        self.out_of_range |= !(-2047..=2047).contains(&dc);
        let dc = dc.clamp(-2047, 2047) as i16;
        self.previous[component] = dc;
        self.dc.push(dc);
    }
}

/// A template photo encoded once, ready for splicing: the header and one entropy-coded
/// segment per MCU row (a restart interval).
pub struct JpegBase {
    bytes: Vec<u8>,
    layout: Layout,
    /// Each MCU row's bytes in `bytes`.
    cells: Vec<Range<usize>>,
    /// Each MCU row's bits without their stuffing, as [`unstuff`] leaves them, one after
    /// another, for copying into rows with captions.
    bits: Vec<u8>,
    /// Each MCU row's bits in `bits`.
    bit_cells: Vec<Range<usize>>,
    codes: [Codes; 4],
    quantiser: encoder::Quantiser,
    index: BlockIndex,
}

/// MCUs per restart interval: a whole row. A restart costs its marker, padding and three
/// DC values coded from zero: every 5 MCUs that was 8 to 11% of a 1200 px picture, every
/// row 0.5%, while captions, set across their boxes, touch most of a row's width anyway.
fn cell_mcus(width: u32, chroma: Chroma) -> u32 {
    width.div_ceil(chroma.mcu_width() as u32)
}

/// Hands on the symbols of one MCU row's blocks (in scan order), DC predictions starting
/// from zero as after a restart.
fn row_symbols<S: Symbols + ?Sized>(row: &[encoder::Block], chroma: Chroma, sink: &mut S) {
    let mut previous = [0i16; 3];
    for mcu in row.chunks(6) {
        for (k, block) in mcu.iter().enumerate() {
            let component = chroma.component(k);
            let (dc, ac) = chroma.tables()[k];
            encoder::block_symbols(block, previous[component], dc, ac, sink);
            previous[component] = block[0];
        }
    }
}

/// Writes one MCU row's blocks as an entropy-coded segment.
fn write_row(row: &[encoder::Block], chroma: Chroma, codes: &[Codes; 4], out: &mut Vec<u8>) {
    let mut sink = Write {
        bits: BitWriter {
            out,
            acc: 0,
            have: 0,
        },
        codes,
    };
    row_symbols(row, chroma, &mut sink);
    sink.bits.finish();
}

impl JpegBase {
    /// Encodes `image` (see [`encoder`]) with a restart marker after every MCU row and
    /// Huffman tables optimised for the `typical` pictures together, the photo as remixes
    /// usually have it (with captions in its boxes, in the styles supporters pick), or for
    /// `image` itself when there are none; the tables are completed. Done once per template
    /// and width: a whole `jalsa render` that prepares it takes 0.25 s at 1200 px and
    /// 0.62 s at 2048 px (a 2.1 GHz Xeon; 0.23 and 0.56 s with white sample captions alone).
    ///
    /// Tables optimised for the photo alone gave the symbols of captions' sharp edges
    /// codes of up to 16 bits: remixes took 4 to 10% more bytes than their coefficients
    /// need with tables made for them (`jpegtran -optimize`), against under 1% now.
    pub fn prepare(image: &RgbImage, typical: impl IntoIterator<Item = RgbImage>) -> JpegBase {
        JpegBase::prepare_as(image, typical, Chroma::Half)
    }

    /// [`JpegBase::prepare`] with this way of carrying colour (remixes are all 4:2:0 today;
    /// see [`Chroma::Full`]).
    pub fn prepare_as(
        image: &RgbImage,
        typical: impl IntoIterator<Item = RgbImage>,
        chroma: Chroma,
    ) -> JpegBase {
        let (width, height) = image.dimensions();
        let bytes = encode_with(image, chroma, &quant_tables(1.0), typical);
        JpegBase::from_bytes_as(bytes, width, height, chroma)
            .expect("a template encoding just written")
    }
}

/// `image` encoded with these quantisation tables as [`JpegBase::prepare`] does, with
/// Huffman tables optimised for the `typical` pictures (of the same size; `image` itself
/// when there are none) and completed. They are taken one at a time, so that only one is
/// held with its blocks.
fn encode_with(
    image: &RgbImage,
    chroma: Chroma,
    quant: &[[u16; 64]; 2],
    typical: impl IntoIterator<Item = RgbImage>,
) -> Vec<u8> {
    let (width, height) = image.dimensions();
    let quantiser = encoder::Quantiser::new(quant);
    let quantise =
        |image: &RgbImage| encoder::quantise(image.as_raw(), width as usize, &quantiser, chroma);
    let blocks = quantise(image);
    let row = cell_mcus(width, chroma) as usize * 6;

    // Symbol counts, plus one of every symbol never used, for complete tables.
    let mut count = Count([[0; 256]; 4]);
    let mut counted = false;
    for picture in typical {
        assert_eq!(
            picture.dimensions(),
            (width, height),
            "a typical picture of another size"
        );
        for cell in quantise(&picture).chunks(row) {
            row_symbols(cell, chroma, &mut count);
        }
        counted = true;
    }
    if !counted {
        for cell in blocks.chunks(row) {
            row_symbols(cell, chroma, &mut count);
        }
    }
    let specs: [Spec; 4] = std::array::from_fn(|table| {
        let mut freq = count.0[table];
        for s in table_symbols(table) {
            freq[usize::from(s)] += 1;
        }
        Spec::optimal(&freq)
    });
    let codes: [Codes; 4] = std::array::from_fn(|t| specs[t].codes());

    let mut bytes = Vec::with_capacity(blocks.len() * 8);
    let interval = cell_mcus(width, chroma);
    write_headers(&mut bytes, width, height, chroma, quant, &specs, interval);
    for (i, cell) in blocks.chunks(row).enumerate() {
        if i > 0 {
            bytes.extend_from_slice(&[0xFF, 0xD0 + ((i - 1) % 8) as u8]);
        }
        write_row(cell, chroma, &codes, &mut bytes);
    }
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

impl JpegBase {
    /// A template encoding made by [`JpegBase::prepare`] and stored, checked for the size
    /// and tables it should have and read through once: only a 4:2:0 one, as
    /// [`JpegBase::prepare`] makes, for any other would give remixes whose bytes differ
    /// from those of a node that prepared its own.
    pub fn from_bytes(bytes: Vec<u8>, width: u32, height: u32) -> Result<JpegBase, Unusable> {
        JpegBase::from_bytes_as(bytes, width, height, Chroma::Half)
    }

    /// [`JpegBase::from_bytes`] for an encoding carrying colour as `chroma` says.
    fn from_bytes_as(
        bytes: Vec<u8>,
        width: u32,
        height: u32,
        chroma: Chroma,
    ) -> Result<JpegBase, Unusable> {
        let layout = read_layout(&bytes)?;
        if (layout.width, layout.height) != (width, height) {
            return Err(Unusable("another size"));
        }
        if layout.chroma != chroma {
            return Err(Unusable("colour carried otherwise"));
        }
        if layout.quant != quant_tables(1.0) {
            return Err(Unusable("other quantisation tables"));
        }
        if layout.blocks != layout.chroma.tables() {
            return Err(Unusable("other Huffman table choices"));
        }
        let specs: Option<Vec<Spec>> = layout.specs.iter().cloned().collect();
        let specs = specs.ok_or(Unusable("missing Huffman tables"))?;
        let codes: [Codes; 4] = std::array::from_fn(|t| specs[t].codes());
        let complete = codes
            .iter()
            .enumerate()
            .all(|(t, codes)| table_symbols(t).all(|s| codes.len[usize::from(s)] > 0));
        if !complete {
            return Err(Unusable("Huffman tables not complete"));
        }
        let (_, cells, index) = read_through(&bytes)?;
        let quantiser = encoder::Quantiser::new(&layout.quant);
        // Unstuffed once here rather than per caption row: about 2% of a fresh remix.
        let (mut bits, mut bit_cells, mut row) = (Vec::new(), Vec::new(), Vec::new());
        for cell in &cells {
            unstuff(&bytes[cell.clone()], &mut row);
            bit_cells.push(bits.len()..bits.len() + row.len());
            bits.extend_from_slice(&row);
        }
        Ok(JpegBase {
            bytes,
            layout,
            cells,
            bits,
            bit_cells,
            codes,
            quantiser,
            index,
        })
    }

    /// Encodes the MCU rows of a band that differ from the photo. `band` holds full-width
    /// pixel rows starting at MCU row `first`, ending at an MCU boundary or the bottom of the
    /// image; `photo` is the image this base was made from. Only the MCUs whose pixels
    /// differ are encoded afresh; the others' bits are copied from the template's row.
    pub fn encode_band(&self, photo: &RgbImage, band: &[u8], first: u32) -> Patch {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: this CPU has AVX2, checked just above.
            return unsafe { self.encode_band_avx2(photo, band, first) };
        }
        self.encode_band_any(photo, band, first)
    }

    /// [`JpegBase::encode_band`] compiled for AVX2 (the Huffman pass is integers only, and
    /// the quantiser gives the same blocks in every build): the same bytes.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn encode_band_avx2(&self, photo: &RgbImage, band: &[u8], first: u32) -> Patch {
        self.encode_band_any(photo, band, first)
    }

    #[inline(always)]
    fn encode_band_any(&self, photo: &RgbImage, band: &[u8], first: u32) -> Patch {
        let width = self.layout.width as usize;
        let stride = width * 3;
        let mcu_bytes = MCU_ROWS as usize * stride;
        let top = first as usize * mcu_bytes;
        let original = &photo.as_raw()[top..top + band.len()];
        let chroma = self.layout.chroma;
        let mcus = cell_mcus(self.layout.width, chroma) as usize;
        let mcu_bytes_across = chroma.mcu_width() * 3;
        let mut patch = Patch {
            bytes: Vec::new(),
            segments: Vec::new(),
        };
        let (mut changed, mut columns) = (vec![false; mcus], Vec::new());
        let mut blocks = Vec::new();
        for (j, (rows, before)) in band
            .chunks(mcu_bytes)
            .zip(original.chunks(mcu_bytes))
            .enumerate()
        {
            if rows == before {
                continue;
            }
            changed.fill(false);
            for (line, was) in rows.chunks(stride).zip(before.chunks(stride)) {
                let mcus_across = line.chunks(mcu_bytes_across);
                for (m, (a, b)) in mcus_across.zip(was.chunks(mcu_bytes_across)).enumerate() {
                    changed[m] |= a != b;
                }
            }
            columns.clear();
            columns.extend((0..mcus).filter(|&m| changed[m]));
            blocks.clear();
            encoder::quantise_mcus(rows, width, &columns, &self.quantiser, chroma, &mut blocks);
            let cell = first as usize + j;
            let template_bits = &self.bits[self.bit_cells[cell].clone()];
            let at = patch.bytes.len();
            self.write_row_over(cell, &changed, &blocks, template_bits, &mut patch.bytes);
            patch.segments.push((cell, at..patch.bytes.len()));
        }
        patch
    }

    /// Writes MCU row `cell` with the `changed` MCUs' blocks (`fresh`, in order) and the
    /// template's bits (`template_bits`, unstuffed) for the rest. An unchanged MCU right
    /// after a changed one has its DC differences coded anew, as its predictions changed.
    #[inline(always)]
    fn write_row_over(
        &self,
        cell: usize,
        changed: &[bool],
        fresh: &[encoder::Block],
        template_bits: &[u8],
        out: &mut Vec<u8>,
    ) {
        let mcus = changed.len();
        let chroma = self.layout.chroma;
        let n = 6;
        let first = cell * mcus * n;
        let at = &self.index.at[first..first + mcus * n];
        let dc = &self.index.dc[first..first + mcus * n];
        let row_bits = self.index.row_bits[cell];
        let start = |block: usize| at.get(block).copied().unwrap_or(row_bits);
        // The DC each component's prediction holds after MCU `m` in the template.
        let after = |m: usize| chroma.last_blocks().map(|k| dc[m * n + k]);
        let mut sink = Write {
            bits: BitWriter {
                out,
                acc: 0,
                have: 0,
            },
            codes: &self.codes,
        };
        let mut previous = [0i16; 3];
        let mut fresh = fresh.chunks(n);
        let mut m = 0;
        while m < mcus {
            if changed[m] {
                let mcu = fresh.next().expect("a fresh MCU for each changed one");
                for (k, block) in mcu.iter().enumerate() {
                    let component = chroma.component(k);
                    let (dc_table, ac_table) = chroma.tables()[k];
                    encoder::block_symbols(
                        block,
                        previous[component],
                        dc_table,
                        ac_table,
                        &mut sink,
                    );
                    previous[component] = block[0];
                }
                m += 1;
                continue;
            }
            let template = if m == 0 { [0; 3] } else { after(m - 1) };
            if previous == template {
                // Predictions as in the template: its bits up to the next changed MCU.
                let end = (m..mcus).find(|&e| changed[e]).unwrap_or(mcus);
                sink.bits.copy(template_bits, start(m * n), start(end * n));
                previous = after(end - 1);
                m = end;
                continue;
            }
            for (k, &(dc_table, _)) in chroma.tables().iter().enumerate() {
                let block = m * n + k;
                let component = chroma.component(k);
                let mut from = start(block);
                // The first block of each component in the MCU is predicted from a changed
                // block: its DC difference is coded anew and the rest copied.
                if chroma.first_of_component(k) && previous[component] != template[component] {
                    let was = i32::from(dc[block]) - i32::from(template[component]);
                    let (size, _) = encoder::magnitude(was);
                    from += u32::from(self.codes[dc_table].len[size as usize]) + size;
                    let now = i32::from(dc[block]) - i32::from(previous[component]);
                    let (size, extra) = encoder::magnitude(now);
                    sink.symbol(dc_table, size as u8, extra, size);
                }
                sink.bits.copy(template_bits, from, start(block + 1));
                previous[component] = dc[block];
            }
            m += 1;
        }
        sink.bits.finish();
    }

    /// The whole picture: the template's rows with `patches` put in their place.
    pub fn splice(&self, patches: &[Patch]) -> Vec<u8> {
        let mut replaced: Vec<Option<&[u8]>> = vec![None; self.cells.len()];
        let mut extra = 0;
        for patch in patches {
            for (cell, range) in &patch.segments {
                replaced[*cell] = Some(&patch.bytes[range.clone()]);
                extra += range.len();
            }
        }
        let mut out = Vec::with_capacity(self.bytes.len() + extra);
        out.extend_from_slice(&self.bytes[self.layout.header.clone()]);
        let last = self.cells.len() - 1;
        for (i, range) in self.cells.iter().enumerate() {
            out.extend_from_slice(replaced[i].unwrap_or(&self.bytes[range.clone()]));
            if i < last {
                out.extend_from_slice(&[0xFF, 0xD0 + (i % 8) as u8]);
            }
        }
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    /// The picture's height in pixels.
    pub fn height(&self) -> u32 {
        self.layout.height
    }

    /// The template as it is, with no captions: also what is stored to skip preparing it
    /// again.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// An entropy-coded segment's bits without its stuffing, and 8 bytes of zeros after them
/// (for [`BitWriter::copy`]).
fn unstuff(segment: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut rest = segment;
    while let Some(i) = rest.iter().position(|&b| b == 0xFF) {
        out.extend_from_slice(&rest[..=i]);
        rest = rest.get(i + 2..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    out.extend_from_slice(&[0; 8]);
}

fn write_dht(out: &mut Vec<u8>, specs: &[Spec; 4]) {
    let length = 2 + specs.iter().map(|s| 17 + s.symbols.len()).sum::<usize>();
    out.extend_from_slice(&[0xFF, 0xC4]);
    out.extend_from_slice(&(length as u16).to_be_bytes());
    for (t, spec) in specs.iter().enumerate() {
        out.push((((t / 2) << 4) | (t % 2)) as u8);
        out.extend_from_slice(&spec.counts);
        out.extend_from_slice(&spec.symbols);
    }
}

/// MCU rows encoded on their own, to be spliced into a [`JpegBase`].
pub struct Patch {
    bytes: Vec<u8>,
    /// (MCU row in the whole picture, its bytes in `bytes`)
    segments: Vec<(usize, Range<usize>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo_like(w: u32, h: u32) -> RgbImage {
        let mut rng = fastrand::Rng::with_seed(7);
        RgbImage::from_fn(w, h, |x, y| {
            let n = rng.u8(0..24);
            image::Rgb([
                ((x * 3 + y) / 7) as u8 ^ n,
                ((y * 5) / 9) as u8,
                (((x ^ y) * 3) as u8).wrapping_add(n),
            ])
        })
    }

    #[test]
    fn optimal_tables_are_prefix_codes_of_at_most_16_bits() {
        let mut rng = fastrand::Rng::with_seed(1);
        for round in 0..50 {
            let mut freq = [0u64; 256];
            for f in freq.iter_mut().take(if round % 2 == 0 { 162 } else { 256 }) {
                // Wildly skewed, to force lengths past 16 before limiting.
                *f = 1u64 << rng.u32(0..40);
            }
            let spec = Spec::optimal(&freq);
            assert!(spec.valid(), "round {round}");
            let codes = spec.codes();
            for (s, &f) in freq.iter().enumerate() {
                assert_eq!(f > 0, codes.len[s] > 0, "symbol {s} round {round}");
                assert!(codes.len[s] <= 16);
            }
            // No code is all ones.
            for s in 0..256 {
                let len = u32::from(codes.len[s]);
                if len > 0 {
                    assert_ne!(u32::from(codes.code[s]), (1 << len) - 1);
                }
            }
        }
    }

    #[test]
    fn prepared_tables_have_a_code_for_every_symbol() {
        let base = {
            let photo = photo_like(96, 40);
            JpegBase::prepare(&photo, [])
        };
        let layout = read_layout(base.bytes()).unwrap();
        for (t, spec) in layout.specs.iter().enumerate() {
            let codes = spec.as_ref().unwrap().codes();
            let all: Vec<u8> = table_symbols(t).collect();
            assert_eq!(all.len(), if t < 2 { 12 } else { 162 });
            assert!(
                all.iter().all(|&s| codes.len[usize::from(s)] > 0),
                "table {t}"
            );
        }
    }

    #[test]
    fn the_fast_dct_is_the_jpeg_dct() {
        // Against the definition (T.81 A.3.3), for a block of noise.
        let mut rng = fastrand::Rng::with_seed(3);
        let samples: [[f32; 8]; 8] =
            std::array::from_fn(|_| std::array::from_fn(|_| rng.f32() * 255.0 - 128.0));
        let unit = encoder::Quantiser::new(&[[1; 64]; 2]);
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
    fn a_band_encodes_as_the_whole_picture_does_there() {
        // Rows 16..48 re-encoded on their own match the same rows of a whole encode; the
        // bottom band ends in a partial MCU row, padded as the whole picture is.
        for chroma in [Chroma::Half, Chroma::Full] {
            a_band_encodes_as_the_whole_picture_does_there_with(chroma);
        }
    }

    fn a_band_encodes_as_the_whole_picture_does_there_with(chroma: Chroma) {
        let image = photo_like(203, 117);
        let base = JpegBase::prepare_as(&image, [], chroma);
        let mut changed = image.clone();
        for y in 20..40 {
            for x in 10..150 {
                changed.put_pixel(x, y, image::Rgb([255, 255, 255]));
            }
        }
        for y in 100..117 {
            changed.put_pixel(198, y, image::Rgb([0, 0, 0]));
        }
        let stride = 203 * 3;
        let band = |first: usize, end: usize| {
            base.encode_band(
                &image,
                &changed.as_raw()[first * 16 * stride..end * stride],
                first as u32,
            )
        };
        let patches = [band(1, 48), band(6, 117)];
        assert_eq!(patches[0].segments.len(), 2);
        assert_eq!(patches[1].segments.len(), 2);
        let spliced = base.splice(&patches);
        let whole = encode_with(&changed, chroma, &quant_tables(1.0), []);
        let a = image::load_from_memory(&spliced).unwrap().into_rgb8();
        let b = image::load_from_memory(&whole).unwrap().into_rgb8();
        assert_eq!(a.dimensions(), (203, 117));
        assert!(
            a == b,
            "{chroma:?}: the spliced picture decodes differently from the whole encode"
        );
        assert_ne!(
            spliced, whole,
            "different Huffman tables, so different bytes"
        );
    }

    #[test]
    fn a_row_with_the_templates_bits_copied_is_the_row_encoded_whole() {
        // Scattered changes, at the edges too (a partial MCU on the right and at the
        // bottom): the patched rows are, bit for bit, the rows encoded whole with the
        // template's tables, whatever MCUs around them were copied.
        // 235 px: an odd number of 8 px MCUs in 4:4:4 too.
        let image = photo_like(235, 77);
        for (round, chroma) in (0..80).zip([Chroma::Half, Chroma::Full].into_iter().cycle()) {
            a_row_is_the_row_encoded_whole_in(&image, chroma, round);
        }
    }

    fn a_row_is_the_row_encoded_whole_in(image: &RgbImage, chroma: Chroma, round: u64) {
        let base = JpegBase::prepare_as(image, [], chroma);
        let stride = 235 * 3;
        let mut rng = fastrand::Rng::with_seed(11 + round);
        let mut changed = image.clone();
        for _ in 0..rng.usize(1..12) {
            let (x, y) = (rng.u32(0..235), rng.u32(0..77));
            let (w, h) = (rng.u32(1..40), rng.u32(1..6));
            let ink = image::Rgb([rng.u8(..), 255, rng.u8(..)]);
            for yy in y..(y + h).min(77) {
                for xx in x..(x + w).min(235) {
                    changed.put_pixel(xx, yy, ink);
                }
            }
        }
        let patch = base.encode_band(image, changed.as_raw(), 0);
        let rows: Vec<&[u8]> = changed.as_raw().chunks(16 * stride).collect();
        assert!(!patch.segments.is_empty());
        for (cell, range) in &patch.segments {
            let blocks = encoder::quantise(rows[*cell], 235, &base.quantiser, base.layout.chroma);
            let mut whole = Vec::new();
            write_row(&blocks, base.layout.chroma, &base.codes, &mut whole);
            assert!(
                patch.bytes[range.clone()] == whole[..],
                "round {round} ({chroma:?}), row {cell}"
            );
        }
    }

    #[test]
    fn a_stored_encoding_is_checked_before_use() {
        let image = photo_like(160, 64);
        let base = JpegBase::prepare(&image, []);
        let bytes = base.bytes().to_vec();
        assert!(JpegBase::from_bytes(bytes.clone(), 160, 64).is_ok());
        assert!(JpegBase::from_bytes(bytes.clone(), 176, 64).is_err());
        assert!(JpegBase::from_bytes(bytes.clone(), 160, 48).is_err());
        assert!(JpegBase::from_bytes(bytes[..bytes.len() / 2].to_vec(), 160, 64).is_err());
        let mut garbled = bytes.clone();
        let middle = garbled.len() * 2 / 3;
        garbled[middle..middle + 40].fill(0xA5);
        assert!(JpegBase::from_bytes(garbled, 160, 64).is_err());
        // A JPEG from elsewhere (standard tables, no restart markers) is not one.
        let plain = super::super::encode::jpeg(&image, 85);
        assert!(JpegBase::from_bytes(plain, 160, 64).is_err());
        // Nor one whose DC differences add up past what 8-bit samples give: a picture of
        // 16 px blocks each claiming +2047 over the one before.
        let mut climbing = bytes.clone();
        let header_end = read_layout(&climbing).unwrap().header.end;
        assert!(JpegBase::from_bytes(climbing.clone(), 160, 64).is_ok());
        let layout = read_layout(&climbing).unwrap();
        let dc_codes = layout.specs[0].as_ref().unwrap().codes();
        let ac_codes = layout.specs[2].as_ref().unwrap().codes();
        let chroma_dc = layout.specs[1].as_ref().unwrap().codes();
        let chroma_ac = layout.specs[3].as_ref().unwrap().codes();
        let mut segment = Vec::new();
        let mut sink = Write {
            bits: BitWriter {
                out: &mut segment,
                acc: 0,
                have: 0,
            },
            codes: &[dc_codes, chroma_dc, ac_codes, chroma_ac],
        };
        for _ in 0..cell_mcus(160, Chroma::Half) {
            for (dc, ac) in Chroma::Half.tables() {
                sink.symbol(dc, 11, (1 << 11) - 1, 11);
                sink.symbol(ac, 0x00, 0, 0);
            }
        }
        sink.bits.finish();
        climbing.truncate(header_end);
        climbing.extend_from_slice(&segment);
        for i in 1..cells_of(&bytes) {
            climbing.extend_from_slice(&[0xFF, 0xD0 + ((i - 1) % 8) as u8]);
            climbing.extend_from_slice(&segment);
        }
        climbing.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(
            JpegBase::from_bytes(climbing, 160, 64).err().map(|e| e.0),
            Some("DC coefficient out of range")
        );
        // Nor is one with other quantisation tables.
        let mut other = bytes.clone();
        let dqt = other.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
        other[dqt + 5] += 1;
        assert!(JpegBase::from_bytes(other, 160, 64).is_err());
    }

    fn cells_of(bytes: &[u8]) -> usize {
        segments(bytes, read_layout(bytes).unwrap().header.end)
            .unwrap()
            .len()
    }

    #[test]
    fn preparing_is_deterministic() {
        let image = photo_like(128, 48);
        assert_eq!(
            JpegBase::prepare(&image, []).bytes(),
            JpegBase::prepare(&image, []).bytes()
        );
    }

    #[test]
    fn full_chroma_keeps_each_pixels_colour_and_reads_back() {
        // One-pixel stripes of red and blue: 4:2:0 averages them to purple, 4:4:4 keeps
        // them apart; and the 4:4:4 encoding is read back as a template's.
        let image = RgbImage::from_fn(40, 24, |x, _| {
            if x % 2 == 0 {
                image::Rgb([230, 20, 20])
            } else {
                image::Rgb([20, 20, 230])
            }
        });
        let full = JpegBase::prepare_as(&image, [], Chroma::Full);
        let half = JpegBase::prepare_as(&image, [], Chroma::Half);
        let red_of = |bytes: &[u8]| {
            let decoded = image::load_from_memory(bytes).unwrap().into_rgb8();
            assert_eq!(decoded.dimensions(), (40, 24));
            let p = decoded.get_pixel(10, 10);
            i32::from(p[0]) - i32::from(p[2])
        };
        assert!(red_of(full.bytes()) > 120, "{}", red_of(full.bytes()));
        assert!(red_of(half.bytes()).abs() < 40, "{}", red_of(half.bytes()));
        let again = JpegBase::from_bytes_as(full.bytes().to_vec(), 40, 24, Chroma::Full).unwrap();
        assert_eq!(again.layout.chroma, Chroma::Full);
        assert_eq!(again.bytes(), full.bytes());
        // A stored template encoding must be what preparing it here gives: 4:2:0.
        assert_eq!(
            JpegBase::from_bytes(full.bytes().to_vec(), 40, 24)
                .err()
                .map(|e| e.0),
            Some("colour carried otherwise")
        );
        assert!(JpegBase::from_bytes(half.bytes().to_vec(), 40, 24).is_ok());
    }

    #[test]
    fn luma_is_finer_than_chroma_at_low_frequencies_only() {
        let [luma, chroma] = quant_tables(1.0);
        assert_eq!(
            (luma[0], chroma[0]),
            (4, 5),
            "DC: 0.28 and 0.30 of Robidoux's 16"
        );
        assert_eq!(luma[63], chroma[63]);
    }
}
