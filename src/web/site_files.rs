//! The files every site answers at fixed addresses: `robots.txt`, and the site's icon (a
//! white speech bubble on the campaign's green), drawn once per size: the favicon, the
//! home-screen icons and the web app manifest that names them, so "add to home screen" on
//! a phone shows jalsa rather than a screenshot, and no page logs a 404.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use image::{Rgba, RgbaImage};
use imageproc::drawing::{draw_filled_circle_mut, draw_polygon_mut};
use imageproc::point::Point;

use crate::error::AppError;

/// The sizes served: the favicon, Apple's touch icon, and the manifest's two.
pub const SIZES: [u32; 4] = [32, 180, 192, 512];
/// The campaign's green, as the pages use it.
const GREEN: Rgba<u8> = Rgba([11, 107, 58, 255]);
const WHITE: Rgba<u8> = Rgba([255, 255, 255, 255]);

/// The icon at `size` pixels a side, as PNG.
pub fn png(size: u32) -> Bytes {
    static DRAWN: LazyLock<Mutex<HashMap<u32, Bytes>>> = LazyLock::new(Default::default);
    let mut drawn = DRAWN.lock().expect("icon cache lock");
    drawn
        .entry(size)
        .or_insert_with(|| Bytes::from(draw(size)))
        .clone()
}

fn draw(size: u32) -> Vec<u8> {
    let s = size as f32;
    let at = |x: f32, y: f32| ((x * s) as i32, (y * s) as i32);
    let mut icon = RgbaImage::from_pixel(size, size, GREEN);
    // The bubble, and its tail pointing down to the left.
    let (cx, cy) = at(0.5, 0.46);
    draw_filled_circle_mut(&mut icon, (cx, cy), (0.3 * s) as i32, WHITE);
    let tail = [at(0.26, 0.62), at(0.42, 0.72), at(0.2, 0.84)].map(|(x, y)| Point::new(x, y));
    draw_polygon_mut(&mut icon, &tail, WHITE);
    // Three dots: somebody is typing a caption.
    for x in [0.36, 0.5, 0.64] {
        draw_filled_circle_mut(&mut icon, at(x, 0.46), ((0.045 * s) as i32).max(1), GREEN);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    icon.write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG encodes into memory");
    out.into_inner()
}

/// A day: icons change with releases, not by the hour.
const CACHE: &str = "public, max-age=86400";

fn answer(size: u32) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, CACHE),
        ],
        png(size),
    )
        .into_response()
}

/// `/favicon.ico`: browsers and crawlers ask for it whatever the page says.
pub(super) async fn favicon() -> Response {
    answer(32)
}

/// `/icons/{size}.png` for the sizes in [`SIZES`].
pub(super) async fn icon(Path(file): Path<String>) -> Result<Response, AppError> {
    file.strip_suffix(".png")
        .and_then(|size| size.parse().ok())
        .filter(|size| SIZES.contains(size))
        .map(answer)
        .ok_or_else(|| AppError::not_found(format!("no icon {file:?}")))
}

/// `/manifest.webmanifest`: the name, colours and icons a phone uses for "add to home
/// screen".
pub(super) async fn manifest() -> Response {
    let icons: Vec<_> = [192, 512]
        .map(|size| {
            serde_json::json!({
                "src": format!("/icons/{size}.png"),
                "sizes": format!("{size}x{size}"),
                "type": "image/png",
            })
        })
        .into();
    let manifest = serde_json::json!({
        "name": "jalsa",
        "short_name": "jalsa",
        "description": "Remix the campaign's official photos with your own words, and share them.",
        "start_url": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6b3a",
        "icons": icons,
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, CACHE),
        ],
        manifest.to_string(),
    )
        .into_response()
}

/// `/robots.txt`: search engines index the photos, the share pages, the pictures and the
/// gallery, and stay out of what is private or costs a render per fetch: the staff area,
/// the makers' delete links, the form's uncached previews, the share-button redirects
/// (each is a counted click) and the forms' targets. Link-preview crawlers need only
/// share pages and pictures, which stay open.
pub(super) async fn robots() -> Response {
    const ROBOTS: &str = "User-agent: *\n\
        Disallow: /staff\n\
        Disallow: /api/staff\n\
        Disallow: /d/\n\
        Disallow: /preview/\n\
        Disallow: /s/\n\
        Disallow: /remix\n\
        Allow: /\n";
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        ROBOTS,
    )
        .into_response()
}
