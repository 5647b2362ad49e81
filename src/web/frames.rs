//! Frames for supporters' own photos: the form at `/f/{frame}`, the frame itself as a
//! PNG, and the JSON API (`GET /api/frames`, `POST /api/frames/{frame}/pictures`).
//!
//! An upload is counted against the client's upload limit before its body is read, and
//! its photo only ever lives in memory: it is handed to the render queue, read, and
//! dropped.

use std::sync::Arc;

use askama::Template as Page;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::api::{Described, RemixView, made};
use super::i18n::Locale;
use super::pages::to_share_page;
use super::problem::{PageError, html, refused_form};
use crate::error::{AppError, Code, ErrorBody};
use crate::limits;
use crate::photo::{Crop, MAX_UPLOAD_BYTES};
use crate::remix::{Created, FrameRequest, Source, Unlimited};
use crate::render::{Template, TextBox};
use crate::web::extract::ApiQuery;

/// A frame as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Frame)]
pub struct FrameView {
    /// Its names and size (the size of the finished picture, and of the frame).
    #[serde(flatten)]
    pub about: Described,
    /// The frame itself: a PNG with transparency, to draw over a photo on screen.
    pub frame_url: String,
    /// The supporters' form.
    pub form_url: String,
    /// The caption boxes, in caption order (often none).
    pub boxes: Vec<TextBox>,
}

impl FrameView {
    /// A frame as the API shows it.
    pub fn new(state: &AppState, t: &Template) -> FrameView {
        let base = state.public_url();
        FrameView {
            about: Described::of(t),
            frame_url: format!("{base}{}", frame_png(t)),
            form_url: format!("{base}/f/{}", t.id),
            boxes: t.spec.boxes.clone(),
        }
    }
}

/// The path of a frame's PNG, naming its version so it can be cached for good.
fn frame_png(t: &Template) -> String {
    format!("/f/{}/frame.png?v={}", t.id, t.photo_version())
}

/// The published frames, sorted by id.
#[utoipa::path(get, path = "/api/frames", tag = "supporters",
    responses((status = 200, description = "The published frames", body = [FrameView])))]
pub(crate) async fn frames(State(state): State<AppState>) -> Json<Vec<FrameView>> {
    Json(
        state
            .remixer()
            .published_frames()
            .iter()
            .map(|t| FrameView::new(&state, t))
            .collect(),
    )
}

/// What a frame upload carries, read from its multipart body.
#[derive(Default)]
struct Upload {
    photo: Bytes,
    crop: Option<String>,
    text: Vec<String>,
    gallery: bool,
    area: Option<String>,
    constituency: Option<String>,
    /// The upload's memory, given back when its picture is made or refused.
    held: super::upload::Held,
}

/// The most a form field other than the photo may carry.
const MAX_FIELD_BYTES: usize = 16 * 1024;

/// The multipart body of `POST /api/frames/{frame}/pictures` and of the form.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(as = NewFramedPicture)]
struct UploadSchema {
    /// The supporter's photo: JPEG, PNG or WebP, at most 20 MB and 40 megapixels.
    #[schema(format = Binary, value_type = String)]
    photo: Vec<u8>,
    /// The part of the photo to show, JSON `{"x","y","width","height"}`, fractions of the
    /// photo as seen (after its EXIF orientation); the centre when left out.
    crop: Option<String>,
    /// Captions for the frame's boxes, one field each, in order.
    text: Option<Vec<String>>,
    /// `true` to ask for the gallery (after moderation); unlisted otherwise.
    gallery: Option<bool>,
    /// The supporter's area (an id from `GET /api/areas`), if they say.
    area: Option<String>,
    /// The supporter's constituency (an id from `GET /api/areas` with a `parent`).
    constituency: Option<String>,
}

async fn read_upload(state: &AppState, mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let too_big = || {
        AppError::new(
            Code::PhotoTooLarge,
            "the photo is larger than 20 MB; the limit is 20 MB",
        )
    };
    let field_too_big = |name: String| {
        move || {
            AppError::new(
                Code::TooLarge,
                format!("the field {name:?} is larger than {MAX_FIELD_BYTES} bytes"),
            )
        }
    };
    // Not under the whole-request timeout: a photo moving at 150 kbps may take minutes.
    let mut progress = super::upload::Progress::new(state.upload_stall());
    while let Some(field) = progress
        .wait(multipart.next_field())
        .await?
        .map_err(|e| super::upload::unreadable(e, too_big))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let memory = state.uploads();
        let data = if name == "photo" {
            let held = &mut upload.held;
            super::upload::read_field(
                field,
                memory,
                held,
                &mut progress,
                MAX_UPLOAD_BYTES,
                too_big,
            )
            .await?
        } else {
            let too_big = field_too_big(name.clone());
            let held = &mut upload.held;
            super::upload::read_field(field, memory, held, &mut progress, MAX_FIELD_BYTES, too_big)
                .await?
        };
        let text = || String::from_utf8_lossy(&data).trim().to_owned();
        match name.as_str() {
            "photo" => upload.photo = data,
            "crop" => upload.crop = Some(text()).filter(|c| !c.is_empty()),
            "text" => upload
                .text
                .push(String::from_utf8_lossy(&data).into_owned()),
            "gallery" => {
                upload.gallery = match text().to_ascii_lowercase().as_str() {
                    "1" | "true" | "on" | "yes" => true,
                    "" | "0" | "false" | "off" | "no" => false,
                    other => {
                        return Err(AppError::new(
                            Code::Invalid,
                            format!("gallery: {other:?} is neither true nor false"),
                        ));
                    }
                }
            }
            "area" => upload.area = Some(text()).filter(|a| !a.is_empty()),
            "constituency" => upload.constituency = Some(text()).filter(|c| !c.is_empty()),
            _ => {}
        }
    }
    Ok(upload)
}

/// Counts an upload against the client's limit, before its body is read.
async fn check_upload_rate(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) -> Result<(), AppError> {
    let client = state.client_ip(headers, extensions);
    state
        .check_limit(
            &format!("upload:{}", limits::client_key(client)),
            state.limits.upload,
            "too many photos from here; wait a moment and try again",
        )
        .await
}

/// Reads an upload and makes (or finds) its framed picture.
async fn make(
    state: &AppState,
    frame: Arc<Template>,
    multipart: Multipart,
) -> Result<Created, AppError> {
    let upload = read_upload(state, multipart).await?;
    if upload.photo.is_empty() {
        return Err(AppError::new(
            Code::PhotoMissing,
            "no photo was sent: send it in the multipart field `photo`",
        ));
    }
    let crop = match upload.crop.as_deref() {
        None => None,
        Some(json) => Some(serde_json::from_str::<Crop>(json).map_err(|e| {
            AppError::new(
                Code::BadCrop,
                format!("crop: {e}; send {{\"x\",\"y\",\"width\",\"height\"}} as fractions"),
            )
        })?),
    };
    // Trailing empty fields are boxes left empty, not captions.
    let mut captions = upload.text;
    while captions.last().is_some_and(|c| c.trim().is_empty()) {
        captions.pop();
    }
    let request = FrameRequest {
        photo: upload.photo,
        crop,
        captions,
        gallery: upload.gallery,
        area: upload.area,
        constituency: upload.constituency,
    };
    // Each upload was counted against the client's limit before its body was read.
    let source = Source::Framed(frame, request);
    Ok(state.remixer().create(source, &Unlimited).await?)
}

/// Puts a supporter's photo in a frame, or finds the picture the same photo, crop and
/// captions made before (`created: false`, 200). The photo is never stored; only the
/// picture is, unlisted unless `gallery` is `true`.
#[utoipa::path(post, path = "/api/frames/{frame}/pictures", tag = "supporters",
    params(("frame" = String, Path, description = "The frame id")),
    request_body(content = UploadSchema, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Made now; `delete_url` is given this once", body = RemixView,
            headers(("Location" = String, description = "The share page"))),
        (status = 200, description = "Made before from the same photo, crop and captions", body = RemixView),
        (status = 400, description = "A body that is not multipart", body = ErrorBody),
        (status = 404, description = "No such frame", body = ErrorBody),
        (status = 410, description = "The frame is retired, or this very picture was deleted by its maker or removed by the campaign", body = ErrorBody),
        (status = 413, description = "A photo over 20 MB", body = ErrorBody),
        (status = 422, description = "A photo that cannot be used (HEIC, SVG, GIF, damaged, over 40 megapixels...), a bad crop or captions, named", body = ErrorBody),
        (status = 429, description = "Too many photos from this client", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds"))),
        (status = 503, description = "Too many pictures being made", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds"))),
    ))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Path(frame): Path<String>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let frame = state.remixer().published_frame(&frame)?;
    check_upload_rate(&state, &headers, &extensions).await?;
    let multipart = multipart.map_err(|e| {
        AppError::new(
            Code::BadUpload,
            format!("{}; send the photo as multipart/form-data", e.body_text()),
        )
    })?;
    let created = make(&state, frame, multipart).await?;
    Ok(made(&state, &created))
}

/// One caption field of the frame form.
struct Field {
    label: String,
}

#[derive(Page)]
#[template(path = "frame.html")]
struct FramePage {
    l: Locale,
    frame: Arc<Template>,
    frame_png: String,
    description: String,
    fields: Vec<Field>,
    areas: Vec<super::pages::Choice>,
    /// The boxes and colours for the page's script to draw captions over the frame.
    draft: String,
    error: String,
}

/// The form, empty: after a refusal the supporter picks the photo again anyway.
fn frame_page(
    l: Locale,
    frame: Arc<Template>,
    areas: &[crate::areas::Area],
    error: String,
) -> FramePage {
    let count = frame.spec.boxes.len();
    FramePage {
        description: l.t2(
            "frame-description",
            "frame",
            l.photo_title(&frame.spec),
            "alt",
            l.photo_alt(&frame.spec),
        ),
        fields: (0..count)
            .map(|i| Field {
                label: l.t1("form-caption", "n", i + 1),
            })
            .collect(),
        areas: super::pages::area_choices(&l, areas, None),
        frame_png: frame_png(&frame),
        draft: super::pages::draft(&frame, None),
        error,
        l,
        frame,
    }
}

/// `GET /f/{frame}`: pick a photo, move and zoom it under the frame, send it.
pub(super) async fn form(
    State(state): State<AppState>,
    l: Locale,
    Path(frame): Path<String>,
) -> Result<Html<String>, PageError> {
    let frame = state.remixer().published_frame(&frame)?;
    let areas = state.db().list_areas(false).await.map_err(AppError::from)?;
    html(frame_page(l, frame, &areas, String::new()))
}

/// `POST /f/{frame}`: the form sent; the share page of the picture, or the form again with
/// the reason.
pub(super) async fn submit(
    State(state): State<AppState>,
    l: Locale,
    Path(frame): Path<String>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let template = state.remixer().published_frame(&frame)?;
    let json = super::pages::wants_json(&headers);
    let attempt = async {
        check_upload_rate(&state, &headers, &extensions).await?;
        let multipart = multipart.map_err(|e| AppError::new(Code::BadUpload, e.body_text()))?;
        make(&state, template.clone(), multipart).await
    };
    let refused = match attempt.await {
        Ok(made) => return Ok(to_share_page(&state, &made, json)),
        Err(e) => e,
    };
    // The form again with the reason; the photo is not sent back: the supporter picks it
    // again.
    let areas = match json || !refused.status.is_client_error() {
        true => Vec::new(),
        false => state.db().list_areas(false).await.map_err(AppError::from)?,
    };
    refused_form(l, refused, json, |l, message| {
        html(frame_page(l, template, &areas, message))
    })
}

/// `?v=` naming the frame's version.
#[derive(Debug, Default, Deserialize)]
pub(super) struct VersionQuery {
    v: Option<String>,
}

/// `GET /f/{frame}/frame.png`: the frame with its transparency, as stored (no metadata),
/// for the form to draw over the supporter's photo.
pub(super) async fn png(
    State(state): State<AppState>,
    Path(frame): Path<String>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Response, AppError> {
    let template = state
        .remixer()
        .template(&frame)
        .filter(|t| t.frame.is_some())
        .ok_or_else(|| AppError::new(Code::UnknownFrame, format!("no frame {frame:?}")))?;
    let bytes = state
        .remixer()
        .template_photo(&frame)
        .await?
        .ok_or_else(|| {
            AppError::internal(format!(
                "the PNG of frame {frame:?} is missing from storage"
            ))
        })?;
    let cache = if query.v == Some(template.photo_version()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, cache),
        ],
        bytes,
    )
        .into_response())
}

/// The body limit of the upload routes: a 20 MB photo and the other fields.
pub(super) fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 256 * 1024)
}
