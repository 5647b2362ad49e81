//! The site's own static files under content-hashed names (`/static/app.1a2b3c4d.css`),
//! cached by browsers and CDNs for good: a new release has new names, so nothing is ever
//! served stale. The plain names still answer, briefly cached, for pages already open.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::error::AppError;

/// One static file.
struct Asset {
    /// Its plain name, e.g. `app.css`.
    name: &'static str,
    /// Its content-hashed name, e.g. `app.1a2b3c4d.css`.
    hashed: String,
    mime: &'static str,
    bytes: Bytes,
}

impl Asset {
    fn new(name: &'static str, mime: &'static str, bytes: Vec<u8>) -> Asset {
        let hash = blake3::hash(&bytes).to_hex();
        let (stem, extension) = name.rsplit_once('.').expect("assets have an extension");
        Asset {
            name,
            hashed: format!("{stem}.{}.{extension}", &hash[..8]),
            mime,
            bytes: Bytes::from(bytes),
        }
    }
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    // Noto Nastaliq Urdu cut to the Urdu letters with all their joining forms, without
    // hinting, as WOFF2 (docs/supporters.md, "The Urdu web font"): 90 KB instead of 520.
    let nastaliq = Asset::new(
        "nastaliq.woff2",
        "font/woff2",
        include_bytes!("static/nastaliq.woff2").to_vec(),
    );
    // The stylesheet names the font by its hashed name, so its own hash follows the font's.
    let source = include_str!("static/app.css");
    let css = source.replace(
        "/static/nastaliq.woff2",
        &format!("/static/{}", nastaliq.hashed),
    );
    // Urdu pages carry the font inside their stylesheet, so Urdu text first paints in
    // Nastaliq (no system font first, no reflow when the font comes): one request, cached
    // for good like the rest. English pages fetch it only for an Urdu caption.
    use base64::Engine as _;
    let inline = format!(
        "data:font/woff2;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&nastaliq.bytes)
    );
    let urdu = source
        .replace("/static/nastaliq.woff2", &inline)
        .replace("font-display: swap;", "font-display: block;");
    vec![
        Asset::new("app.css", "text/css; charset=utf-8", css.into_bytes()),
        Asset::new("app-ur.css", "text/css; charset=utf-8", urdu.into_bytes()),
        Asset::new(
            "app.js",
            "text/javascript; charset=utf-8",
            include_bytes!("static/app.js").to_vec(),
        ),
        nastaliq,
    ]
});

/// The URL of a static file by its plain name, e.g. `url("app.css")`.
pub fn url(name: &str) -> String {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no static file {name}"));
    format!("/static/{}", asset.hashed)
}

/// `/static/{file}`: for good under its hashed name; for an hour under its plain name or a
/// hash of another release (a page from a node not yet upgraded, during a rolling deploy).
pub(super) async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let (asset, cache) = ASSETS
        .iter()
        .find_map(|a| {
            let (stem, extension) = a.name.rsplit_once('.')?;
            let other_release = file
                .strip_prefix(stem)
                .and_then(|rest| rest.strip_suffix(extension))
                .is_some_and(|hash| {
                    hash.len() == 10
                        && hash.starts_with('.')
                        && hash.ends_with('.')
                        && hash[1..9].bytes().all(|b| b.is_ascii_hexdigit())
                });
            if a.hashed == file {
                Some((a, "public, max-age=31536000, immutable"))
            } else if a.name == file || other_release {
                Some((a, "public, max-age=3600"))
            } else {
                None
            }
        })
        .ok_or_else(|| AppError::not_found(format!("no static file {file:?}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, asset.mime),
            (header::CACHE_CONTROL, cache),
        ],
        // A cheap clone: the bytes are shared, not copied, per request.
        asset.bytes.clone(),
    )
        .into_response())
}
