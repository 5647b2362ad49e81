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
//!
//! The files, each using only those before it: `scan` (what all share), `huffman`, `bits`,
//! `lanes` and `encoder` (pixels to quantised blocks), `parse` (reading an encoding back),
//! `picture` (whole pictures), `splice` (templates and caption rows).

mod bits;
mod encoder;
mod huffman;
mod lanes;
mod parse;
mod picture;
mod scan;
mod splice;

pub use picture::{encode, encode_as, encode_within};
pub use scan::{Chroma, MCU_ROWS, Unusable};
pub use splice::{ENCODING_VERSION, JpegBase, Patch};
