//! Renderer speed: `cargo bench --bench render`. Numbers go in docs/benchmarks.md.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use jalsa::catalog::Catalog;
use jalsa::render::{Format, Remix, Renderer, Style, Template, layouts};

fn template(id: &str) -> Arc<Template> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    Catalog::load(&dir).unwrap().get(id).cloned().unwrap()
}

fn remix(captions: Vec<String>, width: u32) -> Remix {
    Remix {
        captions,
        style: Style::default(),
        format: Format::Jpeg,
        width: Some(width),
    }
}

/// A fresh remix every iteration: the captions carry a counter, so nothing is reused.
fn fresh_remix(c: &mut Criterion) {
    let t = template("astronaut"); // 512x512, rendered at 1200x1200
    let renderer = Renderer::new();
    renderer
        .render(&t, &remix(vec!["warm".into()], 1200))
        .unwrap();
    let mut n = 0u64;
    c.bench_function("fresh remix 1200x1200 jpeg, two short captions", |b| {
        b.iter(|| {
            n += 1;
            let captions = vec![format!("Hope is priceless {n}"), format!("vote on {n} Feb")];
            renderer.render(&t, &remix(captions, 1200)).unwrap()
        })
    });
}

/// libjpeg-turbo's cjpeg encoding the same photo at the same size, for comparison.
fn cjpeg(c: &mut Criterion) {
    if Command::new("cjpeg")
        .arg("-version")
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!(
            "SKIPPED cjpeg comparison: cjpeg not installed (apt-get install libjpeg-turbo-progs)"
        );
        return;
    }
    let t = template("astronaut");
    let scaled =
        image::imageops::resize(&*t.photo, 1200, 1200, image::imageops::FilterType::Lanczos3);
    let dir = tempfile::tempdir().unwrap();
    let ppm = dir.path().join("astronaut-1200.ppm");
    let mut bytes = b"P6\n1200 1200\n255\n".to_vec();
    bytes.extend_from_slice(scaled.as_raw());
    std::fs::write(&ppm, bytes).unwrap();
    c.bench_function("cjpeg -quality 85, 1200x1200 (process)", |b| {
        b.iter(|| {
            let status = Command::new("cjpeg")
                .args(["-quality", "85", "-outfile", "/dev/null"])
                .arg(&ppm)
                .status()
                .unwrap();
            assert!(status.success());
        })
    });
}

fn fitting(c: &mut Criterion) {
    let t = template("hubble");
    let words = "hope is priceless for everything else there is the ballot and the jalsa ";
    let caption: String = words.chars().cycle().take(200).collect();
    let r = remix(vec![caption], 1200);
    c.bench_function(
        "fit a 200-character caption (clean, shape, size search)",
        |b| b.iter(|| layouts(&t, &r).unwrap()),
    );
}

/// Urdu against Latin of the same length in characters, fresh each time.
fn scripts(c: &mut Criterion) {
    let t = template("hubble");
    let renderer = Renderer::new();
    renderer
        .render(&t, &remix(vec!["warm".into()], 1200))
        .unwrap();
    let mut group = c.benchmark_group("caption of 24 characters, 1200 px jpeg");
    let mut n = 0u64;
    for (name, text) in [
        ("latin", "Long live Pakistan, vote"),
        ("urdu", "پاکستان زندہ باد، ووٹ دو"),
    ] {
        assert_eq!(text.chars().count(), 24);
        group.bench_function(name, |b| {
            b.iter(|| {
                n += 1;
                renderer
                    .render(&t, &remix(vec![text.into(), format!("{}", n % 1000)], 1200))
                    .unwrap()
            })
        });
    }
    group.finish();
}

/// A 12-megapixel phone photo read for a 1080 px framed picture: decoded at half size
/// (what `read_supporter_photo` does) against decoded whole and then scaled down.
fn phone_photo(c: &mut Criterion) {
    let jpeg = jalsa::photo::sample_phone_photo();
    let mut group = c.benchmark_group("12 MP phone JPEG for a 1080 px picture");
    group.sample_size(10);
    group.bench_function("read at a reduced scale", |b| {
        b.iter(|| jalsa::photo::read_supporter_photo(&jpeg, 1080).unwrap())
    });
    group.bench_function("read whole, then scale down", |b| {
        b.iter(|| {
            let whole = jalsa::render::template::decode_photo(&jpeg).unwrap();
            image::imageops::resize(&whole, 1440, 1080, image::imageops::FilterType::Triangle)
        })
    });
    // The parts of a framed picture: the photo read, cut and scaled; then framed,
    // captioned and encoded.
    let crop = jalsa::photo::Crop {
        x: 0.1,
        y: 0.05,
        width: 0.6,
        height: 0.8,
    };
    group.bench_function("read, cut and scale for a frame", |b| {
        b.iter(|| jalsa::photo::framed_photo(&jpeg, Some(crop), (1080, 1080)).unwrap())
    });
    let catalog = jalsa::catalog::Catalog::load(std::path::Path::new("templates")).unwrap();
    let frame = catalog.get("jalsa-badge").unwrap();
    let pixels = jalsa::photo::framed_photo(&jpeg, Some(crop), (1080, 1080)).unwrap();
    let renderer = jalsa::render::Renderer::new();
    group.bench_function("frame, caption and encode", |b| {
        b.iter(|| {
            renderer
                .render_framed(frame, pixels.clone(), &["Lahore ke liye".into()])
                .unwrap()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(60).measurement_time(std::time::Duration::from_secs(6));
    targets = fresh_remix, cjpeg, fitting, scripts, phone_photo
}
criterion_main!(benches);
