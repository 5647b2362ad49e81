//! Huffman tables: as a file states them ([`Spec`]), optimised for symbol counts and
//! completed with every symbol a baseline scan may use, turned into codes to write
//! ([`Codes`]) and to read ([`Decoder`]), and written out as a DHT segment.

use super::scan::Symbols;

/// A Huffman table as a JPEG file states it: how many codes of each length, then the
/// symbols in code order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Spec {
    pub(super) counts: [u8; 16],
    pub(super) symbols: Vec<u8>,
}

/// Codes to write, by symbol; a length of 0 means no code.
#[derive(Clone)]
pub(super) struct Codes {
    pub(super) code: [u16; 256],
    pub(super) len: [u8; 256],
}

/// Bits looked up at once when decoding.
pub(super) const FAST_BITS: u32 = 10;

/// Codes to read.
pub(super) struct Decoder {
    /// By the next FAST_BITS bits: `len << 8 | symbol`, or 0 for a longer code.
    pub(super) fast: Vec<u16>,
    /// By length: the largest code of that length (-1 for none), and where its symbols start.
    pub(super) max_code: [i32; 17],
    pub(super) offset: [i32; 17],
    pub(super) symbols: Vec<u8>,
}

impl Spec {
    pub(super) fn codes(&self) -> Codes {
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

    pub(super) fn decoder(&self) -> Decoder {
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
    pub(super) fn valid(&self) -> bool {
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
    pub(super) fn optimal(frequencies: &[u64; 256]) -> Spec {
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
pub(super) fn table_symbols(table: usize) -> Box<dyn Iterator<Item = u8>> {
    if table < 2 {
        Box::new(dc_symbols())
    } else {
        Box::new(ac_symbols())
    }
}

/// Counts symbols by table.
pub(super) struct Count(pub(super) [[u64; 256]; 4]);

impl Symbols for Count {
    #[inline]
    fn symbol(&mut self, table: usize, symbol: u8, _: u32, _: u32) {
        self.0[table][usize::from(symbol)] += 1;
    }
}

/// Decoders for DC tables 0/1 and AC tables 0/1, one that reads no code for a table not
/// stated.
pub(super) fn decoders(specs: &[Option<Spec>; 4]) -> Vec<Decoder> {
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

/// Writes the four tables as one DHT segment.
pub(super) fn write_dht(out: &mut Vec<u8>, specs: &[Spec; 4]) {
    let length = 2 + specs.iter().map(|s| 17 + s.symbols.len()).sum::<usize>();
    out.extend_from_slice(&[0xFF, 0xC4]);
    out.extend_from_slice(&(length as u16).to_be_bytes());
    for (t, spec) in specs.iter().enumerate() {
        out.push((((t / 2) << 4) | (t % 2)) as u8);
        out.extend_from_slice(&spec.counts);
        out.extend_from_slice(&spec.symbols);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
