//! Answering a repeat request from the library: `cargo bench --bench storage`.

use std::sync::Arc;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use jalsa::db::Db;
use jalsa::remix::{RemixRequest, Remixer};
use jalsa::render::{Template, TemplateSpec, TextBox};
use jalsa::store::Blobs;

fn photo() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(640, 480, image::Rgb([30, 60, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn repeat(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let remixer = rt.block_on(async {
        let db = Db::connect(&format!(
            "sqlite://{}",
            dir.path().join("jalsa.db").display()
        ))
        .await
        .unwrap();
        let remixer = Remixer::new(Blobs::memory(), db, 2, 64);
        let spec = TemplateSpec {
            title: "Rally".into(),
            alt: "A rally".into(),
            title_ur: String::new(),
            alt_ur: String::new(),
            hashtags: vec![],
            photo: "photo.png".into(),
            boxes: TextBox::top_and_bottom(),
            frame: false,
        };
        let bytes = photo();
        let template = Template::new("rally".parse().unwrap(), spec, &bytes).unwrap();
        remixer
            .add_template(Arc::new(template), Bytes::from(bytes), "png")
            .await
            .unwrap();
        remixer
    });
    let request = RemixRequest::new(
        "rally",
        vec![
            "Hope is priceless".into(),
            "for everything else there is the ballot".into(),
        ],
    );
    rt.block_on(remixer.create_or_find(request.clone()))
        .unwrap();

    c.bench_function("repeat request, warm cache", |b| {
        b.iter(|| {
            rt.block_on(remixer.create_or_find(request.clone()))
                .unwrap()
        })
    });
    c.bench_function("repeat request, from SQLite (caches dropped)", |b| {
        b.iter(|| {
            remixer.forget_cached();
            rt.block_on(remixer.create_or_find(request.clone()))
                .unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(100).measurement_time(std::time::Duration::from_secs(4));
    targets = repeat
}
criterion_main!(benches);
