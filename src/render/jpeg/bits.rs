//! Entropy-coded segments bit by bit: read with their 0xFF bytes unstuffed and decoded
//! by Huffman tables, written with codes and 0xFF bytes stuffed.

use super::huffman::{Codes, Decoder, FAST_BITS};
use super::scan::{Symbols, Unusable};

/// Reads an entropy-coded segment: bytes with 0xFF stuffed as 0xFF 0x00, then 1 bits.
pub(super) struct BitReader<'a> {
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
    pub(super) fn new(data: &'a [u8]) -> Self {
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
    pub(super) fn position(&self) -> u32 {
        self.loaded * 8 - self.have
    }

    /// Whether what was read ends in the segment's last byte.
    pub(super) fn at_end(&self) -> bool {
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
    pub(super) fn bits(&mut self, n: u32) -> u32 {
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
    pub(super) fn symbol(&mut self, d: &Decoder) -> Result<u8, Unusable> {
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
pub(super) struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    have: u32,
}

impl<'a> BitWriter<'a> {
    /// Writes to the end of `out`.
    pub(super) fn new(out: &'a mut Vec<u8>) -> Self {
        BitWriter {
            out,
            acc: 0,
            have: 0,
        }
    }

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
    pub(super) fn copy(&mut self, src: &[u8], mut from: u32, to: u32) {
        while from < to {
            let n = (to - from).min(32);
            let byte = (from / 8) as usize;
            let word = u64::from_be_bytes(src[byte..byte + 8].try_into().expect("8 bytes"));
            self.put(((word << (from % 8)) >> (64 - n)) as u32, n);
            from += n;
        }
    }

    /// Writes what is left, the last byte padded with 1 bits.
    pub(super) fn finish(mut self) {
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

/// Writes symbols with other tables.
pub(super) struct Write<'a, 'b> {
    pub(super) bits: BitWriter<'a>,
    pub(super) codes: &'b [Codes; 4],
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

/// An entropy-coded segment's bits without its stuffing, and 8 bytes of zeros after them
/// (for [`BitWriter::copy`]).
pub(super) fn unstuff(segment: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut rest = segment;
    while let Some(i) = rest.iter().position(|&b| b == 0xFF) {
        out.extend_from_slice(&rest[..=i]);
        rest = rest.get(i + 2..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    out.extend_from_slice(&[0; 8]);
}
