//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod node;
pub mod service;

use std::path::PathBuf;
use std::sync::Arc;

use image::{Rgb, RgbImage};
use jalsa::catalog::Catalog;
use jalsa::render::{Format, Remix, Style, Template, TemplateSpec, TextBox};

/// The repository's own folder.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled templates.
pub fn catalog() -> Catalog {
    Catalog::load(&repo().join("templates")).expect("bundled templates load")
}

/// A bundled template by id.
pub fn template(id: &str) -> Arc<Template> {
    catalog().get(id).cloned().expect("bundled template")
}

/// PNG bytes of a flat image.
pub fn flat_png(width: u32, height: u32, color: [u8; 3]) -> Vec<u8> {
    let image = RgbImage::from_pixel(width, height, Rgb(color));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A template on a flat photo with the given boxes.
pub fn flat_template(width: u32, height: u32, color: [u8; 3], boxes: Vec<TextBox>) -> Template {
    let spec = TemplateSpec {
        title: "Flat".into(),
        alt: "A flat colour".into(),
        title_ur: String::new(),
        alt_ur: String::new(),
        hashtags: vec![],
        photo: "photo.png".into(),
        boxes,
        frame: false,
    };
    Template::new(
        "flat".parse().unwrap(),
        spec,
        &flat_png(width, height, color),
    )
    .unwrap()
}

/// A remix with default style.
pub fn remix(captions: &[&str], format: Format, width: Option<u32>) -> Remix {
    Remix {
        captions: captions.iter().map(|s| s.to_string()).collect(),
        style: Style::default(),
        format,
        width,
    }
}

/// Decodes image bytes to RGB.
pub fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes)
        .expect("output decodes")
        .into_rgb8()
}

/// Says loudly that a test did not run, on the real stderr: the test harness captures
/// `eprintln!` of passing tests, and a skip must not pass unnoticed. Where
/// `JALSA_REQUIRE_BACKENDS=1` (CI sets it), a missing service fails the test instead: CI
/// starts every one, so a skip there means something is broken.
pub fn skipped(message: &str) {
    use std::io::Write;
    if std::env::var("JALSA_REQUIRE_BACKENDS").is_ok_and(|v| v == "1") {
        panic!("JALSA_REQUIRE_BACKENDS=1, but: {message}");
    }
    let _ = writeln!(std::io::stderr(), "\n*** {message} ***");
}

/// A unique name for this run, so PostgreSQL schemas, S3 prefixes and captions never clash.
pub fn nonce() -> String {
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let h = blake3::hash(format!("{t:?}{}{n}", std::process::id()).as_bytes());
    h.to_hex()[..12].to_owned()
}

/// A fresh PostgreSQL schema in the database `url` names, and a URL that uses it: the tests
/// run at once and the database outlives them.
pub async fn postgres_schema(url: &str) -> String {
    let schema = format!("jalsa_test_{}", nonce());
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url)
        .await
        .expect("PostgreSQL answers");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims 100000x100000 pixels: a decompression bomb.
pub fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    // A few bytes of image data: a decoder reads the header up to here and no further.
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    png.extend_from_slice(&8u32.to_be_bytes());
    png.extend_from_slice(idat);
    png.extend_from_slice(&crc32(idat).to_be_bytes());
    png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    png
}
