//! Reading a JPEG this module wrote: its headers ([`Layout`]), its entropy-coded
//! segments split at restart markers, and each segment's symbols walked through, to index
//! where every block starts and its DC ([`BlockIndex`]).

use std::ops::Range;

use super::bits::BitReader;
use super::huffman::{Decoder, Spec, decoders};
use super::scan::{Chroma, MCU_ROWS, Symbols, Unusable, ZIGZAG, cell_mcus};

/// The layout of a baseline YCbCr JPEG, 4:2:0 or 4:4:4, as this module writes and reads it.
#[derive(Clone)]
pub(super) struct Layout {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) chroma: Chroma,
    pub(super) restart_interval: u16,
    /// Natural-order quantisation tables for luma and chroma.
    pub(super) quant: [[u16; 64]; 2],
    /// DC tables 0/1, AC tables 0/1, as stated.
    pub(super) specs: [Option<Spec>; 4],
    /// For each block of an MCU: its DC and AC table indices.
    pub(super) blocks: Vec<(usize, usize)>,
    /// Bytes of the headers, up to and including the start of scan.
    pub(super) header: Range<usize>,
}

/// What headers say when they end too soon.
const SHORT: Unusable = Unusable("truncated headers");

/// A frame header: width, height, and each component's (id, sampling factors,
/// quantisation table).
type Frame = (u32, u32, Vec<(u8, u8, u8)>);

/// What the headers before the start of scan have stated so far.
#[derive(Default)]
struct Headers {
    quant_by_id: [Option<[u16; 64]>; 4],
    specs: [Option<Spec>; 4],
    frame: Option<Frame>,
    restart_interval: u16,
}

/// Reads the headers of a baseline JPEG up to its start of scan.
pub(super) fn read_layout(bytes: &[u8]) -> Result<Layout, Unusable> {
    if bytes.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(Unusable("no start of image"));
    }
    let mut at = 2;
    let mut headers = Headers::default();
    loop {
        let head = bytes.get(at..at + 4).ok_or(SHORT)?;
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
            0xDB => headers.quantisation_tables(body)?,
            0xC4 => headers.huffman_tables(body)?,
            0xC0 => headers.frame = Some(read_frame(body)?),
            0xDD => {
                if body.len() != 2 {
                    return Err(Unusable("bad restart interval"));
                }
                headers.restart_interval = u16::from_be_bytes([body[0], body[1]]);
            }
            0xDA => return headers.scan(body, 0..at),
            0xD0..=0xD9 | 0x01 => return Err(Unusable("unexpected marker in headers")),
            _ => {}
        }
    }
}

impl Headers {
    /// The tables of a DQT segment.
    fn quantisation_tables(&mut self, body: &[u8]) -> Result<(), Unusable> {
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
            self.quant_by_id[id] = Some(table);
            b = &b[65..];
        }
        Ok(())
    }

    /// The tables of a DHT segment, each checked.
    fn huffman_tables(&mut self, body: &[u8]) -> Result<(), Unusable> {
        let mut b = body;
        while !b.is_empty() {
            let (class, id) = (b[0] >> 4, usize::from(b[0] & 15));
            if class > 1 || id > 1 || b.len() < 17 {
                return Err(Unusable("unsupported Huffman table"));
            }
            let mut counts = [0u8; 16];
            counts.copy_from_slice(&b[1..17]);
            let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
            let symbols = b.get(17..17 + total).ok_or(SHORT)?.to_vec();
            let spec = Spec { counts, symbols };
            if !spec.valid() {
                return Err(Unusable("invalid Huffman table"));
            }
            self.specs[usize::from(class) * 2 + id] = Some(spec);
            b = &b[17 + total..];
        }
        Ok(())
    }

    /// The layout the headers give, at the start of scan: `body` is its header, `header`
    /// the bytes of all the headers.
    fn scan(self, body: &[u8], header: Range<usize>) -> Result<Layout, Unusable> {
        let Headers {
            quant_by_id,
            specs,
            frame,
            restart_interval,
        } = self;
        let (width, height, comps) = frame.ok_or(Unusable("scan before frame"))?;
        let sampling: Vec<u8> = comps.iter().map(|c| c.1).collect();
        let chroma = [Chroma::Half, Chroma::Full]
            .into_iter()
            .find(|c| sampling == c.sampling())
            .ok_or(Unusable("not 4:2:0 or 4:4:4 YCbCr as written here"))?;
        let n = usize::from(*body.first().ok_or(SHORT)?);
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
        Ok(Layout {
            width,
            height,
            chroma,
            restart_interval,
            quant: [quant(0)?, quant(1)?],
            specs,
            blocks,
            header,
        })
    }
}

/// A frame header (SOF0).
fn read_frame(body: &[u8]) -> Result<Frame, Unusable> {
    if body.len() < 6 || body[0] != 8 {
        return Err(Unusable("not an 8-bit baseline frame"));
    }
    let height = u32::from(u16::from_be_bytes([body[1], body[2]]));
    let width = u32::from(u16::from_be_bytes([body[3], body[4]]));
    let n = usize::from(body[5]);
    let comps = body.get(6..6 + 3 * n).ok_or(SHORT)?;
    Ok((
        width,
        height,
        comps.chunks(3).map(|c| (c[0], c[1], c[2])).collect(),
    ))
}

/// The entropy-coded segments after the headers, split at restart markers.
pub(super) fn segments(bytes: &[u8], from: usize) -> Result<Vec<Range<usize>>, Unusable> {
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

/// Reads a whole restart-marked scan through, indexing its blocks.
pub(super) fn read_through(
    bytes: &[u8],
) -> Result<(Layout, Vec<Range<usize>>, BlockIndex), Unusable> {
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
pub(super) struct BlockIndex {
    /// The MCUs' blocks.
    chroma: Chroma,
    /// Each block's first bit in its row (stuffing not counted), in scan order.
    pub(super) at: Vec<u32>,
    /// Each block's quantised DC coefficient.
    pub(super) dc: Vec<i16>,
    /// Each row's bits before its padding.
    pub(super) row_bits: Vec<u32>,
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
