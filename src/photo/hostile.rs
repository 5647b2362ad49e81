//! Files an opponent sends as photos, made small and on demand: for the tests, the field
//! script (`loadtest/field.sh`, through `examples/hostile.rs`) and the soak test. Each is a
//! few kilobytes or megabytes that a careless decoder turns into minutes of work or a
//! gigabyte of memory.

/// A flat grey progressive JPEG of `side` x `side` pixels whose last scan is repeated until
/// the file is about `bytes` long: each repeat is a few bytes and walks every block again.
pub fn scan_bomb(side: u16, bytes: usize) -> Vec<u8> {
    let jpeg = progressive_jpeg(side, side, jpeg_encoder::SamplingFactor::R_4_2_0);
    let last_scan = jpeg
        .windows(2)
        .rposition(|w| w == [0xFF, 0xDA])
        .expect("a progressive JPEG has scans");
    let end = jpeg.len() - 2;
    let mut out = jpeg[..end].to_vec();
    while out.len() + (end - last_scan) < bytes {
        out.extend_from_within(last_scan..end);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// The JPEG with its last scan repeated `times` more times.
pub fn repeat_last_scan(jpeg: &[u8], times: usize) -> Vec<u8> {
    let last_scan = jpeg
        .windows(2)
        .rposition(|w| w == [0xFF, 0xDA])
        .expect("a JPEG has scans");
    let end = jpeg.len() - 2;
    let mut out = jpeg[..end].to_vec();
    for _ in 0..times {
        out.extend_from_within(last_scan..end);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// A flat grey progressive JPEG from the encoder.
pub fn progressive_jpeg(
    width: u16,
    height: u16,
    sampling: jpeg_encoder::SamplingFactor,
) -> Vec<u8> {
    let pixels = vec![128u8; usize::from(width) * usize::from(height) * 3];
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.set_progressive(true);
    encoder.set_sampling_factor(sampling);
    encoder
        .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("a JPEG encodes to memory");
    out
}

/// A small progressive 4:4:4 JPEG whose frame header says `width` x `height`: what a
/// decoder allocates for its coefficients is decided by that header alone.
pub fn large_progressive_header(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = progressive_jpeg(64, 64, jpeg_encoder::SamplingFactor::R_4_4_4);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC2])
        .expect("a progressive frame header");
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

/// A 64x64 PNG carrying a colour profile that inflates to `inflated` bytes of zeros (a
/// gigabyte from about 6 MB).
pub fn profile_bomb(inflated: usize) -> Vec<u8> {
    let mut icc = b"icc\0\0".to_vec();
    icc.extend_from_slice(&zlib_zeros(inflated));
    let rows = 64 * (1 + 64 * 3);
    png(
        64,
        64,
        8,
        2,
        &[(*b"iCCP", icc), (*b"IDAT", zlib_zeros(rows))],
    )
}

/// A black, transparent 16-bit RGBA PNG of `width` x `height`: 8 bytes a pixel decoded,
/// a few hundred kilobytes in the file.
pub fn deep_png(width: u32, height: u32) -> Vec<u8> {
    let rows = height as usize * (1 + width as usize * 8);
    png(width, height, 16, 6, &[(*b"IDAT", zlib_zeros(rows))])
}

/// The header of a lossless WebP of `width` x `height` (at most 16384 a side), and no
/// picture after it: what a decoder allocates is decided by the header.
pub fn lossless_webp_header(width: u32, height: u32) -> Vec<u8> {
    let mut vp8l = vec![0x2F];
    let bits: u32 = (width - 1) | ((height - 1) << 14);
    vp8l.extend_from_slice(&bits.to_le_bytes());
    vp8l.extend_from_slice(&[0; 16]);
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&(4 + 8 + vp8l.len() as u32).to_le_bytes());
    webp.extend_from_slice(b"WEBPVP8L");
    webp.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
    webp.extend_from_slice(&vp8l);
    webp
}

/// A PNG of these chunks after its header.
fn png(width: u32, height: u32, depth: u8, color: u8, chunks: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[depth, color, 0, 0, 0]);
    let mut chunk = |kind: [u8; 4], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(&kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    };
    chunk(*b"IHDR", &header);
    for (kind, data) in chunks {
        chunk(*kind, data);
    }
    chunk(*b"IEND", &[]);
    out
}

/// A zlib stream of `count` zero bytes: one literal zero, then copies of 258 bytes from one
/// byte back (13 bits each, with the fixed Huffman codes), so 1 GB takes about 6 MB.
fn zlib_zeros(count: usize) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.push(1, 1); // the last block
    bits.push(1, 2); // fixed Huffman codes
    let literal_zero = |bits: &mut Bits| bits.push_code(0x30, 8);
    let mut left = count;
    if left > 0 {
        literal_zero(&mut bits);
        left -= 1;
    }
    while left >= 258 {
        bits.push_code(0xC5, 8); // length 258
        bits.push_code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        literal_zero(&mut bits);
    }
    bits.push_code(0, 7); // end of block
    let mut out = vec![0x78, 0x01];
    out.extend_from_slice(&bits.finish());
    let adler = (((count % 65_521) as u32) << 16) | 1;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// Bits packed from the least significant end of each byte, as deflate packs them.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    current: u32,
    filled: u32,
}

impl Bits {
    fn push(&mut self, value: u32, count: u32) {
        for i in 0..count {
            self.current |= ((value >> i) & 1) << self.filled;
            self.filled += 1;
            if self.filled == 8 {
                self.out.push(self.current as u8);
                self.current = 0;
                self.filled = 0;
            }
        }
    }

    /// A Huffman code, which deflate packs from its most significant bit.
    fn push_code(&mut self, code: u32, count: u32) {
        self.push(code.reverse_bits() >> (32 - count), count);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.filled > 0 {
            self.out.push(self.current as u8);
        }
        self.out
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
