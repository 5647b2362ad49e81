//! Splicing: a template photo's encoding read through once ([`JpegBase`]), then per
//! remix only the MCU rows its captions touch encoded afresh ([`Patch`]), copying the
//! template's bits for the MCUs no caption touches, and put in the rows' places.

use std::ops::Range;

use image::RgbImage;

use super::bits::{BitWriter, Write, unstuff};
use super::encoder;
use super::huffman::{Codes, Spec, table_symbols};
use super::parse::{BlockIndex, Layout, read_layout, read_through};
use super::picture::{encode_with, quant_tables};
use super::scan::{Chroma, MCU_ROWS, Symbols, Unusable, cell_mcus};

/// Names what decides a template encoding's bytes besides the photo and width (this
/// module's encoder and tables): part of the key it is stored under.
pub const ENCODING_VERSION: &str = "v3";

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
            bits: BitWriter::new(out),
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

/// MCU rows encoded on their own, to be spliced into a [`JpegBase`].
pub struct Patch {
    bytes: Vec<u8>,
    /// (MCU row in the whole picture, its bytes in `bytes`)
    segments: Vec<(usize, Range<usize>)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::jpeg::parse::segments;
    use crate::render::jpeg::picture::write_row;

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
        let plain = crate::render::encode::jpeg(&image, 85);
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
            bits: BitWriter::new(&mut segment),
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
}
