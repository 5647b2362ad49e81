//! Whole pictures: the quantisation tables, the headers, and every MCU row encoded with
//! Huffman tables optimised for the picture and complete, a restart marker after each
//! row; for templates and for pictures not made by splicing alike.

use image::RgbImage;

use super::bits::{BitWriter, Write};
use super::encoder::{self, Block};
use super::huffman::{Codes, Count, Spec, table_symbols, write_dht};
use super::scan::{Chroma, Symbols, ZIGZAG, cell_mcus};

/// A whole picture encoded as a template is (see `JpegBase::prepare`): for pictures not
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
pub(super) fn quant_tables(coarser: f32) -> [[u16; 64]; 2] {
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

/// Hands on the symbols of one MCU row's blocks (in scan order), DC predictions starting
/// from zero as after a restart.
fn row_symbols<S: Symbols + ?Sized>(row: &[Block], chroma: Chroma, sink: &mut S) {
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
pub(super) fn write_row(row: &[Block], chroma: Chroma, codes: &[Codes; 4], out: &mut Vec<u8>) {
    let mut sink = Write {
        bits: BitWriter::new(out),
        codes,
    };
    row_symbols(row, chroma, &mut sink);
    sink.bits.finish();
}

/// `image` encoded with these quantisation tables as `JpegBase::prepare` does, with
/// Huffman tables optimised for the `typical` pictures (of the same size; `image` itself
/// when there are none) and completed. They are taken one at a time, so that only one is
/// held with its blocks.
pub(super) fn encode_with(
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

#[cfg(test)]
mod tests {
    use super::*;

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
