//! Writes the hostile photos of `jalsa::photo::hostile` into a folder, for
//! `loadtest/field.sh` and for trying them by hand, and times reading the heaviest photos
//! the bounds still let through:
//! `cargo run --release --example hostile -- OUT` or `... -- --time`.

use std::time::Instant;

use jalsa::photo::hostile;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    if arg == "--time" {
        return time();
    }
    let out = std::path::PathBuf::from(arg);
    std::fs::create_dir_all(&out).expect("the output folder");
    for (name, bytes) in files() {
        let path = out.join(name);
        std::fs::write(&path, &bytes).expect("writing a hostile file");
        println!("{} {} bytes", path.display(), bytes.len());
    }
}

fn files() -> [(&'static str, Vec<u8>); 5] {
    [
        // The field's case: a flat 6000x6000 picture whose tiny scan repeats, 1.25 MB.
        ("scan-bomb.jpg", hostile::scan_bomb(6000, 1_250_000)),
        (
            "progressive-40mp.jpg",
            hostile::large_progressive_header(7300, 5470),
        ),
        ("profile-bomb.png", hostile::profile_bomb(1 << 30)),
        ("deep-6300.png", hostile::deep_png(6300, 6300)),
        (
            "lossless-6300.webp",
            hostile::lossless_webp_header(6300, 6300),
        ),
    ]
}

/// Reads each of the heaviest photos that pass the bounds as a square frame would (1080 px),
/// best of three, with what came out.
fn time() {
    let noisy = |width: u32, height: u32| {
        let photo = image::RgbImage::from_fn(width, height, |x, y| {
            let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503))
                .wrapping_mul(2_246_822_519);
            image::Rgb([(n >> 24) as u8, (n >> 16) as u8, ((x ^ y) & 0xFF) as u8])
        });
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 60)
            .encode(
                photo.as_raw(),
                width as u16,
                height as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .unwrap();
        out
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("40 MP baseline JPEG of noise", noisy(7300, 5470)),
        ("the 12 MP phone photo", jalsa::photo::sample_phone_photo()),
        (
            "progressive 2400x2400, 64 scans (5.4 million blocks)",
            hostile::repeat_last_scan(
                &hostile::progressive_jpeg(2400, 2400, jpeg_encoder::SamplingFactor::R_4_2_0),
                53,
            ),
        ),
        (
            "progressive 4:2:0 at 16 MP",
            hostile::progressive_jpeg(4600, 3450, jpeg_encoder::SamplingFactor::R_4_2_0),
        ),
        ("40 MP 16-bit RGBA PNG", hostile::deep_png(7300, 5470)),
        ("the scan bomb", hostile::scan_bomb(6000, 1_250_000)),
        ("a gigabyte colour profile", hostile::profile_bomb(1 << 30)),
    ];
    for (case, bytes) in cases {
        let mut best = f64::MAX;
        let mut outcome = String::new();
        for _ in 0..3 {
            let started = Instant::now();
            let read = jalsa::photo::framed_photo(&bytes, None, (1080, 1080));
            best = best.min(started.elapsed().as_secs_f64());
            outcome = match read {
                Ok(p) => format!("read, {}x{}", p.width(), p.height()),
                Err(e) => format!("refused: {e}"),
            };
        }
        println!(
            "{case}: {:.1} MB, {:.0} ms, {outcome}",
            bytes.len() as f64 / 1e6,
            best * 1000.0
        );
    }
}
