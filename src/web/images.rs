//! Pictures: stored remixes, share cards, previews, remixes addressed by URL alone, and the
//! template photos.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;

use super::AppState;
use super::admission::WebAdmission;
use super::api::find_remix;
use super::i18n::Locale;
use super::pictures::PictureKey;
use crate::db::{RemixRow, RenditionKind};
use crate::error::{AppError, Code};
use crate::remix::{Event, RemixRequest, Source};
use crate::render::{Color, FontChoice, Format, Outline, Remix, Style};
use crate::web::extract::ApiQuery;

/// Style fields as forms and query strings carry them; empty means the box's default.
#[derive(Debug, Default, Deserialize)]
pub struct StyleFields {
    /// Fill colour.
    pub color: Option<String>,
    /// Outline colour or `none`.
    pub outline: Option<String>,
    /// Font choice.
    pub font: Option<String>,
}

impl StyleFields {
    /// The style these fields ask for, or a 400 naming the field.
    pub fn to_style(&self) -> Result<Style, AppError> {
        let field = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let bad = |e: String| AppError::new(Code::BadStyle, e);
        Ok(Style {
            color: field(&self.color)
                .map(|v| v.parse::<Color>())
                .transpose()
                .map_err(bad)?,
            outline: field(&self.outline)
                .map(|v| v.parse::<Outline>())
                .transpose()
                .map_err(bad)?,
            font: field(&self.font)
                .map(|v| v.parse::<FontChoice>())
                .transpose()
                .map_err(bad)?,
            uppercase: None,
        })
    }
}

/// `?text=..&text=..&width=..` and style, for previews and URL remixes.
#[derive(Debug, Default, Deserialize)]
pub struct PictureQuery {
    /// Captions, in box order.
    #[serde(default)]
    pub text: Vec<String>,
    /// Output width.
    pub width: Option<u32>,
    /// Style.
    #[serde(flatten)]
    pub style: StyleFields,
}

fn split_extension(file: &str) -> Result<(&str, Format), AppError> {
    let (stem, ext) = file.rsplit_once('.').ok_or_else(|| {
        AppError::not_found(format!("{file:?} names no format; add .jpg, .png or .webp"))
    })?;
    let format = ext.parse().map_err(|_| {
        AppError::not_found(format!("no such format .{ext}; use .jpg, .png or .webp"))
    })?;
    Ok((stem, format))
}

/// Bytes with immutable caching, a strong ETag, and `304` when the client has them.
fn immutable(bytes: Bytes, hash: &str, format: Format, headers: &HeaderMap) -> Response {
    cached(
        bytes,
        hash,
        format,
        headers,
        "public, max-age=31536000, immutable",
    )
}

/// Bytes with this caching, a strong ETag, `304` when the client has them, and the one
/// byte range a client asks for (`206`), so that a phone whose connection dropped halfway
/// through a picture fetches the rest, not the whole again.
fn cached(
    bytes: Bytes,
    hash: &str,
    format: Format,
    headers: &HeaderMap,
    cache: &'static str,
) -> Response {
    let etag = format!("\"{hash}\"");
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    // If-None-Match compares weakly (RFC 9110 13.1.2): a proxy may have marked ours W/.
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let cache = HeaderValue::from_static(cache);
    if matches {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    let len = bytes.len() as u64;
    let (status, body, content_range) = match part(headers, &etag, len) {
        Part::Whole => (StatusCode::OK, bytes, None),
        Part::Bytes(range) => {
            let content_range = format!("bytes {}-{}/{len}", range.start(), range.end());
            let body = bytes.slice(*range.start() as usize..=*range.end() as usize);
            (StatusCode::PARTIAL_CONTENT, body, Some(content_range))
        }
        Part::Unsatisfiable => {
            let error = AppError::new(
                Code::RangeNotSatisfiable,
                format!("the range asked for is not within this picture's {len} bytes"),
            );
            let mut response = error.into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{len}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return response;
        }
    };
    let mut response = (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.mime()),
            ),
            (header::CACHE_CONTROL, cache),
            (header::ETAG, etag_value),
            (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
        ],
        body,
    )
        .into_response();
    if let Some(value) = content_range.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    response
}

/// What part of a picture a request asks for.
#[derive(Debug, PartialEq)]
enum Part {
    /// All of it: no `Range`, one that cannot be read or names several ranges (which a
    /// server may answer whole, RFC 9110 14.2), or an `If-Range` for another picture.
    Whole,
    /// These bytes, first and last.
    Bytes(std::ops::RangeInclusive<u64>),
    /// A range that starts past the end: `416`.
    Unsatisfiable,
}

fn part(headers: &HeaderMap, etag: &str, len: u64) -> Part {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Part::Whole;
    };
    // If-Range compares strongly, and a date never matches: no Last-Modified is sent.
    if let Some(if_range) = headers.get(header::IF_RANGE)
        && if_range.to_str().ok().map(str::trim) != Some(etag)
    {
        return Part::Whole;
    }
    let Ok(parsed) = http_range_header::parse_range_header(range) else {
        return Part::Whole;
    };
    match parsed.validate(len) {
        Ok(ranges) if ranges.len() == 1 => Part::Bytes(ranges[0].clone()),
        Err(http_range_header::RangeUnsatisfiableError::Unsatisfiable) => Part::Unsatisfiable,
        _ => Part::Whole,
    }
}

/// Whether a request only resumes a download already counted: a range that does not
/// start at the picture's first byte.
fn resumes(headers: &HeaderMap) -> bool {
    headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| http_range_header::parse_range_header(v).ok())
        .is_some_and(|parsed| {
            parsed.into_ranges().iter().all(|range| {
                !matches!(
                    range,
                    http_range_header::SyntacticallyCorrectRange::FromStart(0)
                        | http_range_header::SyntacticallyCorrectRange::Indexed(0, _)
                )
            })
        })
}

/// A picture from the node's memory, or from `fetch` (and then kept there): a viral
/// image is read from the store once per node.
async fn hot<F, Fut>(
    state: &AppState,
    key: PictureKey,
    fetch: F,
) -> Result<(Bytes, String), AppError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Option<(Bytes, String)>, crate::remix::RemixError>>,
{
    if let Some(hit) = state.pictures().get(&key) {
        return Ok(hit);
    }
    let found = fetch().await?.ok_or_else(|| {
        AppError::internal(format!("{key:?}: nothing stored and nothing to draw on"))
    })?;
    state.pictures().insert(key, found.clone());
    Ok(found)
}

/// A remix's picture of this kind, from memory or the store, cached for good.
async fn serve(
    state: &AppState,
    row: &RemixRow,
    kind: RenditionKind,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let format = match kind {
        RenditionKind::Format(format) => format,
        _ => Format::Jpeg,
    };
    let key = PictureKey::Remix(row.id.to_string(), kind);
    let (bytes, hash) = hot(state, key, || state.remixer().rendition_of(row, kind)).await?;
    Ok(immutable(bytes, &hash, format, headers))
}

pub(super) async fn picture(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
) -> Result<Response, AppError> {
    let (id, format) = split_extension(&file)?;
    let row = find_remix(&state, id).await?;
    let kind = RenditionKind::Format(format);
    count_view(&state, &row, kind, query.as_deref(), &headers, &extensions);
    unlisted(&state, &row, serve(&state, &row, kind, &headers).await)
}

/// A framed picture not in the gallery shows a person who shared a link, not the world:
/// its pictures, like its share page, ask search engines not to index them.
fn unlisted(
    state: &AppState,
    row: &RemixRow,
    response: Result<Response, AppError>,
) -> Result<Response, AppError> {
    let mut response = response?;
    if state.remixer().is_framed(row)
        && !matches!(
            row.status,
            crate::db::Status::Approved | crate::db::Status::Featured
        )
    {
        response
            .headers_mut()
            .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    }
    Ok(response)
}

/// Counts what a fetch of a remix's picture means: a preview shown somewhere (a
/// link-preview crawler fetching the card), a download (the share page's download links,
/// `?dl=1`, and the profile and status shapes), or a person seeing it. Other robots, and
/// the rest of a download resumed by a `Range`, count for nothing. Each counts once per
/// visitor (or crawler) per remix per day, and nothing about the one fetching is kept.
fn count_view(
    state: &AppState,
    row: &RemixRow,
    kind: RenditionKind,
    query: Option<&str>,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) {
    if resumes(headers) {
        return;
    }
    let by = state.visitor(headers, extensions);
    let event = match kind {
        RenditionKind::Card if crate::remix::is_preview_crawler(by.agent) => Event::Preview,
        _ if crate::remix::is_robot(by.agent) => return,
        RenditionKind::Card => return,
        RenditionKind::Square | RenditionKind::Story => Event::Download,
        _ if query.is_some_and(|q| q.split('&').any(|p| p == "dl=1")) => Event::Download,
        _ => Event::PictureView,
    };
    state.remixer().count(&row.id, event, by);
}

/// `/i/{id}/card.jpg` (the 1200x630 share card) and `/i/{id}/thumb.jpg` (240 px wide).
pub(super) async fn rendition(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
) -> Result<Response, AppError> {
    let kind = match file.as_str() {
        "card.jpg" => RenditionKind::Card,
        "thumb.jpg" => RenditionKind::Thumb,
        "small.jpg" => RenditionKind::Small,
        "medium.jpg" => RenditionKind::Medium,
        "square.jpg" => RenditionKind::Square,
        "story.jpg" => RenditionKind::Story,
        _ => return Err(AppError::not_found(format!("no picture {file:?}"))),
    };
    let row = find_remix(&state, &id).await?;
    count_view(&state, &row, kind, query.as_deref(), &headers, &extensions);
    unlisted(&state, &row, serve(&state, &row, kind, &headers).await)
}

/// The default preview width: small enough to be quick on a phone's connection.
pub const PREVIEW_WIDTH: u32 = 480;

/// `/preview/{template}.jpg`: the form's live preview. Its errors are JSON like the API's,
/// but their messages are for the supporter typing, so in the page's language; the form
/// shows them under the preview.
pub(super) async fn preview(
    State(state): State<AppState>,
    l: Locale,
    Path(file): Path<String>,
    query: Result<ApiQuery<PictureQuery>, AppError>,
) -> Result<Response, AppError> {
    // The form shows these messages to the supporter, so in the page's language, also
    // when the address itself cannot be read.
    let localise = |e: AppError| {
        let message = l.error(&e);
        e.with_message(message)
    };
    let ApiQuery(query) = query.map_err(localise)?;
    draw_preview(&state, &file, query).await.map_err(localise)
}

async fn draw_preview(
    state: &AppState,
    file: &str,
    query: PictureQuery,
) -> Result<Response, AppError> {
    let (id, format) = split_extension(file)?;
    let template = state
        .remixer()
        .template(id)
        .ok_or_else(|| AppError::new(Code::UnknownTemplate, format!("no template {id:?}")))?;
    let remix = Remix {
        captions: query.text,
        style: query.style.to_style()?,
        format,
        width: Some(query.width.unwrap_or(PREVIEW_WIDTH.min(template.size().0))),
    };
    crate::render::check(&template, &remix)?;
    // A preview must not draw what a remix may not.
    let allowed = state.remixer().preview_check();
    let rendered = state
        .remixer
        .run_render(move |renderer| {
            allowed(&template, &remix)?;
            Ok::<_, crate::remix::RemixError>(renderer.render_preview(&template, &remix)?)
        })
        .await??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.mime()),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        rendered.bytes,
    )
        .into_response())
}

/// Decodes one line of a `/render/...` URL. The scheme is memegen's, so links people already
/// know keep working: `_` and `-` are spaces, `__` is `_`, `--` is `-`, `~n` a new line,
/// `~q` `?`, `~h` `#`, `~s` `/`, `~p` `%`, `~a` `&`, `~b` `\`, `~l` `<`, `~g` `>`, `''` `"`;
/// a line of just `_` is empty.
pub fn decode_line(line: &str) -> String {
    if line == "_" || line == "-" {
        return String::new();
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('_', Some('_')) => {
                chars.next();
                out.push('_');
            }
            ('-', Some('-')) => {
                chars.next();
                out.push('-');
            }
            ('_' | '-', _) => out.push(' '),
            ('\'', Some('\'')) => {
                chars.next();
                out.push('"');
            }
            ('~', Some(code)) => {
                let decoded = match code {
                    'n' => Some('\n'),
                    'q' => Some('?'),
                    'h' => Some('#'),
                    's' => Some('/'),
                    'p' => Some('%'),
                    'a' => Some('&'),
                    'b' => Some('\\'),
                    'l' => Some('<'),
                    'g' => Some('>'),
                    _ => None,
                };
                match decoded {
                    Some(d) => {
                        chars.next();
                        out.push(d);
                    }
                    None => out.push('~'),
                }
            }
            (c, _) => out.push(c),
        }
    }
    out
}

pub(super) async fn render_by_url(
    State(state): State<AppState>,
    Path((template, lines)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<PictureQuery>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
) -> Result<Response, AppError> {
    let (lines, format) = split_extension(&lines)?;
    let captions: Vec<String> = lines.split('/').map(decode_line).collect();
    let request = RemixRequest {
        style: query.style.to_style()?,
        format,
        width: query.width,
        ..RemixRequest::new(template, captions)
    };
    let admission = WebAdmission::new(&state, &request.template, &headers, &extensions);
    let created = state
        .remixer()
        .create(Source::Captions(request), &admission)
        .await?;
    serve(
        &state,
        &created.row,
        RenditionKind::Format(format),
        &headers,
    )
    .await
}

/// `?v=` on a photo's URL: the version it names; `?w=` a narrower copy, one of
/// [`PHOTO_WIDTHS`].
#[derive(Debug, Deserialize)]
pub(super) struct PhotoQuery {
    v: Option<String>,
    w: Option<u32>,
}

/// The narrower copies of a template photo the home page offers in `srcset`.
/// A grid cell is 220 CSS pixels wide on a desktop: 360 serves it at 1.6x, 720 at 3x. On
/// a phone the home page's rows show about 156 CSS pixels of each photo, and always take
/// [`PHONE_PHOTO_WIDTH`]: on a crowded network three 9 KB photos beat three 25 KB ones.
pub const PHOTO_WIDTHS: [u32; 3] = [PHONE_PHOTO_WIDTH, 360, 720];

/// The copy a phone's home page shows.
pub const PHONE_PHOTO_WIDTH: u32 = 240;

pub(super) async fn photo(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PhotoQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let template = state
        .remixer()
        .template(&id)
        .ok_or_else(|| AppError::new(Code::UnknownTemplate, format!("no template {id:?}")))?;
    let width = match query.w {
        None => None,
        Some(w) if PHOTO_WIDTHS.contains(&w) && w < template.size().0 => Some(w),
        Some(w) => {
            return Err(AppError::new(
                Code::BadQuery,
                format!(
                    "no {w} px copy of this photo; the copies are {PHOTO_WIDTHS:?} px wide, where narrower than the photo"
                ),
            ));
        }
    };
    // Keyed by the photo's hash, so a replaced photo is never served stale.
    let key = PictureKey::Photo(template.photo_hash.to_hex().to_string(), width);
    // A URL naming the photo's version can be kept for good; a bare one may be replaced
    // under the same id.
    let cache = if query.v == Some(template.photo_version()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    let (bytes, hash) = hot(&state, key, || async {
        if let Some(width) = width {
            return state.remixer().photo_at(template, width).await.map(Some);
        }
        // The photo as it is drawn on (upright, no metadata), as a JPEG.
        let empty = Remix {
            captions: vec![],
            style: Style::default(),
            format: Format::Jpeg,
            width: None,
        };
        let rendered = state
            .remixer
            .run_render(move |renderer| renderer.render(&template, &empty))
            .await??;
        let hash = blake3::hash(&rendered.bytes).to_hex().to_string();
        Ok(Some((Bytes::from(rendered.bytes), hash)))
    })
    .await?;
    Ok(cached(bytes, &hash, Format::Jpeg, &headers, cache))
}

#[cfg(test)]
mod tests {
    use super::decode_line;

    #[test]
    fn url_lines_decode_like_memegen() {
        assert_eq!(decode_line("hope_is_priceless"), "hope is priceless");
        assert_eq!(decode_line("snake__case--dash"), "snake_case-dash");
        assert_eq!(decode_line("why~q~nbecause~s50~p"), "why?\nbecause/50%");
        assert_eq!(decode_line("''quoted''"), "\"quoted\"");
        assert_eq!(decode_line("_"), "");
        assert_eq!(decode_line("پاکستان_زندہ_باد"), "پاکستان زندہ باد");
    }
}
