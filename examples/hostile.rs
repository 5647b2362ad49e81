//! Writes the hostile photos of `jalsa::photo::hostile` into a folder, for
//! `loadtest/field.sh` and for trying them by hand:
//! `cargo run --release --example hostile -- OUT`.

use jalsa::photo::hostile;

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&out).expect("the output folder");
    let files: [(&str, Vec<u8>); 5] = [
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
    ];
    for (name, bytes) in files {
        let path = out.join(name);
        std::fs::write(&path, &bytes).expect("writing a hostile file");
        println!("{} {} bytes", path.display(), bytes.len());
    }
}
