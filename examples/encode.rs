//! Encodes a picture with jalsa's JPEG encoder in one piece, 4:2:0 (as remixes are) or
//! 4:4:4, at a multiple of the remixes' quantisation steps: for measuring what each gives
//! (docs/benchmarks.md). Usage: cargo run --release --example encode -- IN OUT [half|full]
//! [COARSER]
use jalsa::render::jpeg::{Chroma, encode_as};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, rest @ ..] = args.as_slice() else {
        return Err("usage: encode IN OUT [half|full] [COARSER]".into());
    };
    let chroma = match rest.first().map(String::as_str) {
        None | Some("half") => Chroma::Half,
        Some("full") => Chroma::Full,
        Some(other) => return Err(format!("half or full, not {other:?}")),
    };
    let coarser: f32 = match rest.get(1) {
        None => 1.0,
        Some(v) => v.parse().map_err(|_| format!("not a number: {v:?}"))?,
    };
    let image = image::open(input).map_err(|e| format!("{input}: {e}"))?;
    let bytes = encode_as(&image.into_rgb8(), chroma, coarser);
    std::fs::write(output, bytes).map_err(|e| format!("{output}: {e}"))
}
