//! The official photo manager: upload, place boxes, edit, publish and retire templates.

use std::sync::Arc;

use askama::Template as Page;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiStaff, StaffForm, StaffUser, check_csrf, csrf_form, internal, record};
use crate::db::TemplateStatus;
use crate::error::{AppError, Code, ErrorBody};
use crate::photo::{accept_frame, accept_photo, hashtags, new_template_id};
use crate::remix::{RemixError, TemplateEdit};
use crate::render::template::TextBox;
use crate::render::{Template, TemplateSpec};
use crate::staff::Session;
use crate::web::AppState;
use crate::web::api::TemplateView;
use crate::web::extract::ApiQuery;
use crate::web::i18n::Locale;
use crate::web::problem::PageError;
use crate::web::problem::html;

struct Upload {
    photo: Bytes,
    /// A frame (a PNG with transparency), not a photo to caption.
    frame: bool,
    title: String,
    alt: String,
    title_ur: String,
    alt_ur: String,
    hashtags: String,
    boxes: Option<String>,
    csrf: String,
    publish: bool,
    /// The upload's memory, given back when it is done with.
    _held: crate::web::upload::Held,
}

async fn read_upload(state: &AppState, mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload {
        photo: Bytes::new(),
        frame: false,
        title: String::new(),
        alt: String::new(),
        title_ur: String::new(),
        alt_ur: String::new(),
        hashtags: String::new(),
        boxes: None,
        csrf: String::new(),
        publish: false,
        _held: Default::default(),
    };
    let too_big = || {
        AppError::new(
            Code::PhotoTooLarge,
            "the upload is larger than 20 MB; the limit is 20 MB",
        )
    };
    // Staff uploads are also under the whole-request timeout; this only gives their
    // pieces the same progress rule as supporters'.
    let mut progress = crate::web::upload::Progress::new(state.upload_stall());
    loop {
        let field = match progress.wait(multipart.next_field()).await? {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
            Err(e) => return Err(AppError::new(Code::BadUpload, e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let data = crate::web::upload::read_field(
            field,
            state.uploads(),
            &mut upload._held,
            &mut progress,
            crate::photo::MAX_UPLOAD_BYTES,
            too_big,
        )
        .await?;
        let text = || String::from_utf8_lossy(&data).trim().to_owned();
        match name.as_str() {
            "photo" => upload.photo = data,
            "frame" => {
                upload.photo = data;
                upload.frame = true;
            }
            "kind" => upload.frame |= text() == "frame",
            "title" => upload.title = text(),
            "alt" => upload.alt = text(),
            "title_ur" => upload.title_ur = text(),
            "alt_ur" => upload.alt_ur = text(),
            "hashtags" => upload.hashtags = text(),
            "boxes" => upload.boxes = Some(text()).filter(|b| !b.is_empty()),
            "csrf" => upload.csrf = text(),
            "publish" => upload.publish = matches!(text().as_str(), "1" | "true" | "on" | "yes"),
            _ => {}
        }
    }
    Ok(upload)
}

/// Creates a template from an upload (a draft unless `publish`).
async fn create_template(
    state: &AppState,
    staff: &str,
    upload: Upload,
) -> Result<Arc<Template>, AppError> {
    let invalid = |m: String| AppError::new(Code::InvalidTemplate, m);
    let frame = upload.frame;
    let photo = upload.photo.clone();
    let photo = tokio::task::spawn_blocking(move || match frame {
        true => accept_frame(&photo),
        false => accept_photo(&photo),
    })
    .await
    .map_err(internal)??;
    let boxes = match &upload.boxes {
        Some(json) => serde_json::from_str::<Vec<TextBox>>(json)
            .map_err(|e| invalid(format!("boxes: {e}")))?,
        // A frame has no caption boxes unless staff place some.
        None if frame => vec![],
        None => TextBox::top_and_bottom(),
    };
    let title = if upload.title.is_empty() {
        "Untitled photo".to_owned()
    } else {
        upload.title.clone()
    };
    let alt = if upload.alt.is_empty() {
        title.clone()
    } else {
        upload.alt.clone()
    };
    words_fit(&title, &alt, &upload.title_ur, &upload.alt_ur).map_err(invalid)?;
    let words = [&title, &alt, &upload.title_ur, &upload.alt_ur];
    if words.iter().any(|w| state.remixer().refuses(w)) {
        return Err(invalid(
            "the title or alt text contains a phrase on the blocklist".into(),
        ));
    }
    let spec = TemplateSpec {
        title: title.clone(),
        alt,
        title_ur: upload.title_ur.clone(),
        alt_ur: upload.alt_ur.clone(),
        hashtags: hashtags(&upload.hashtags),
        photo: if frame { "frame.png" } else { "photo.jpg" }.into(),
        boxes,
        frame,
    };
    let id = new_template_id(&title, |id| state.remixer().template(id).is_some());
    let template_id = id.parse().map_err(invalid)?;
    // Decoding the accepted photo is CPU work: keep it off the async executor.
    let (template, photo) = tokio::task::spawn_blocking(move || {
        Template::new(template_id, spec, &photo).map(|t| (t, photo))
    })
    .await
    .map_err(internal)?
    .map_err(invalid)?;
    let template = Arc::new(template);
    let status = if upload.publish {
        TemplateStatus::Published
    } else {
        TemplateStatus::Draft
    };
    // The id was free a moment ago; another upload of the same title may have taken it.
    if !state
        .remixer
        .upload_template(
            template.clone(),
            Bytes::from(photo),
            if frame { "png" } else { "jpg" },
            status,
        )
        .await?
    {
        return Err(AppError::new(
            Code::TemplateExists,
            format!("a template {id:?} was uploaded at the same time; send it again"),
        ));
    }
    let action = if frame {
        "frame.upload"
    } else {
        "template.upload"
    };
    record(state, staff, action, &id, status.as_str()).await?;
    Ok(template)
}

/// The longest title and alt text staff may give, in either language (the forms' own
/// `maxlength`): a title heads cards and share texts, an alt text is read aloud.
const MAX_TITLE_CHARS: usize = 80;
const MAX_ALT_CHARS: usize = 300;

/// Refuses words longer than the forms allow, naming the field: the API takes what a
/// program sends, whatever the page's fields would have stopped.
fn words_fit(title: &str, alt: &str, title_ur: &str, alt_ur: &str) -> Result<(), String> {
    let fields = [
        ("title", title, MAX_TITLE_CHARS),
        ("alt", alt, MAX_ALT_CHARS),
        ("title_ur", title_ur, MAX_TITLE_CHARS),
        ("alt_ur", alt_ur, MAX_ALT_CHARS),
    ];
    for (field, words, max) in fields {
        let chars = words.trim().chars().count();
        if chars > max {
            return Err(format!("{field}: {chars} characters; at most {max}"));
        }
    }
    Ok(())
}

struct TemplateItem {
    id: String,
    title: String,
    kind: String,
    status: String,
    size: String,
}

#[derive(Page)]
#[template(path = "staff_templates.html")]
struct TemplatesPage {
    l: Locale,
    staff: String,
    csrf: String,
    items: Vec<TemplateItem>,
    error: String,
}

fn template_items(state: &AppState, l: &Locale) -> Vec<TemplateItem> {
    state
        .remixer
        .templates()
        .iter()
        .map(|t| TemplateItem {
            id: t.id.to_string(),
            title: t.spec.title.clone(),
            kind: l.t(if t.frame.is_some() {
                "photos-kind-frame"
            } else {
                "photos-kind-photo"
            }),
            status: l.t(&format!(
                "status-{}",
                state
                    .remixer
                    .template_status(t.id.as_str())
                    .unwrap_or(TemplateStatus::Published)
            )),
            size: l.t2(
                "photos-size-value",
                "width",
                l.number(t.size().0.into()),
                "height",
                l.number(t.size().1.into()),
            ),
        })
        .collect()
}

pub(super) async fn templates_page(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
) -> Result<Html<String>, PageError> {
    html(TemplatesPage {
        staff: session.staff,
        csrf: session.csrf,
        items: template_items(&state, &l),
        error: String::new(),
        l,
    })
}

pub(super) async fn upload_form(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let upload = read_upload(&state, multipart).await?;
    check_csrf(&session, &upload.csrf)?;
    match create_template(&state, &session.staff, upload).await {
        Ok(t) => Ok(Redirect::to(&format!("/staff/templates/{}", t.id)).into_response()),
        Err(e) if e.status.is_client_error() => {
            let page = html(TemplatesPage {
                staff: session.staff,
                csrf: session.csrf,
                items: template_items(&state, &l),
                error: l.error(&e),
                l,
            })?;
            Ok((e.status, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

struct BoxRow {
    n: usize,
    x: String,
    y: String,
    width: String,
    height: String,
}

#[derive(Page)]
#[template(path = "staff_template.html")]
struct TemplatePage {
    l: Locale,
    staff: String,
    csrf: String,
    id: String,
    title: String,
    alt: String,
    title_ur: String,
    alt_ur: String,
    hashtags: String,
    status: String,
    status_label: String,
    rows: Vec<BoxRow>,
    preview: String,
    width: u32,
    height: u32,
    error: String,
}

fn template_page_for(
    state: &AppState,
    l: Locale,
    session: &Session,
    t: &Template,
    error: String,
) -> TemplatePage {
    let status = state
        .remixer
        .template_status(t.id.as_str())
        .unwrap_or(TemplateStatus::Published);
    let mut rows: Vec<BoxRow> = t
        .spec
        .boxes
        .iter()
        .enumerate()
        .map(|(i, b)| BoxRow {
            n: i + 1,
            x: format!("{:.3}", b.x),
            y: format!("{:.3}", b.y),
            width: format!("{:.3}", b.width),
            height: format!("{:.3}", b.height),
        })
        .collect();
    while rows.len() < crate::render::template::MAX_BOXES {
        rows.push(BoxRow {
            n: rows.len() + 1,
            x: String::new(),
            y: String::new(),
            width: String::new(),
            height: String::new(),
        });
    }
    let sample: Vec<String> = (1..=t.spec.boxes.len())
        .map(|i| format!("text=Sample+caption+{i}"))
        .collect();
    TemplatePage {
        staff: session.staff.clone(),
        csrf: session.csrf.clone(),
        id: t.id.to_string(),
        title: t.spec.title.clone(),
        alt: t.spec.alt.clone(),
        title_ur: t.spec.title_ur.clone(),
        alt_ur: t.spec.alt_ur.clone(),
        hashtags: t.spec.hashtags.join(", "),
        status: status.to_string(),
        status_label: l.t(&format!("status-{status}")),
        l,
        rows,
        preview: format!("/staff/templates/{}/preview.jpg?{}", t.id, sample.join("&")),
        width: t.size().0,
        height: t.size().1,
        error,
    }
}

fn find_template(state: &AppState, id: &str) -> Result<Arc<Template>, AppError> {
    state
        .remixer()
        .template(id)
        .ok_or_else(|| AppError::new(Code::UnknownTemplate, format!("no template {id:?}")))
}

pub(super) async fn template_page(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let t = find_template(&state, &id)?;
    html(template_page_for(&state, l, &session, &t, String::new()))
}

#[derive(Debug, Deserialize)]
pub(super) struct TemplateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    alt: String,
    #[serde(default)]
    title_ur: String,
    #[serde(default)]
    alt_ur: String,
    #[serde(default)]
    hashtags: String,
    #[serde(default)]
    x: Vec<String>,
    #[serde(default)]
    y: Vec<String>,
    #[serde(default)]
    width: Vec<String>,
    #[serde(default)]
    height: Vec<String>,
}

csrf_form!(TemplateForm);

pub(super) async fn save_template_form(
    State(state): State<AppState>,
    l: Locale,
    Path(id): Path<String>,
    StaffForm(session, form): StaffForm<TemplateForm>,
) -> Result<Response, PageError> {
    let t = find_template(&state, &id)?;
    let mut boxes = Vec::new();
    let mut problem = String::new();
    for i in 0..form.x.len().min(crate::render::template::MAX_BOXES) {
        let cells = [&form.x, &form.y, &form.width, &form.height]
            .map(|v| v.get(i).map(|s| s.trim()).unwrap_or(""));
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let numbers: Result<Vec<f64>, _> = cells.iter().map(|c| c.parse::<f64>()).collect();
        match numbers {
            Ok(n) => {
                let mut b = t
                    .spec
                    .boxes
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| TextBox::top_and_bottom().remove(0));
                (b.x, b.y, b.width, b.height) = (n[0], n[1], n[2], n[3]);
                boxes.push(b);
            }
            Err(_) => {
                problem = format!(
                    "box {}: x, y, width and height must be numbers from 0 to 1",
                    i + 1
                )
            }
        }
    }
    if problem.is_empty()
        && let Err(why) = words_fit(&form.title, &form.alt, &form.title_ur, &form.alt_ur)
    {
        problem = why;
    }
    let words = [&form.title, &form.alt, &form.title_ur, &form.alt_ur];
    if problem.is_empty() && words.iter().any(|w| state.remixer().refuses(w)) {
        problem = "the title or alt text contains a phrase on the blocklist".into();
    }
    let edit = TemplateEdit {
        title: form.title.trim().to_owned(),
        alt: form.alt.trim().to_owned(),
        title_ur: form.title_ur.trim().to_owned(),
        alt_ur: form.alt_ur.trim().to_owned(),
        hashtags: hashtags(&form.hashtags),
        boxes,
    };
    if problem.is_empty() {
        match state.remixer().edit_template(&id, edit).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(find_template(&state, &id)
                    .err()
                    .unwrap_or_else(|| AppError::internal("template vanished"))
                    .into());
            }
            Err(RemixError::BadTemplate { why, .. }) => problem = why,
            Err(e) => return Err(AppError::from(e).into()),
        }
    }
    if !problem.is_empty() {
        let refused = AppError::new(Code::Invalid, problem);
        let message = l.error(&refused);
        let page = html(template_page_for(&state, l, &session, &t, message))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    record(&state, &session.staff, "template.edit", &id, "").await?;
    Ok(Redirect::to(&format!("/staff/templates/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct TemplateStatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

csrf_form!(TemplateStatusForm);

async fn set_template_status(
    state: &AppState,
    staff: &str,
    id: &str,
    status: TemplateStatus,
) -> Result<(), AppError> {
    find_template(state, id)?;
    state.remixer().set_template_status(id, status).await?;
    record(state, staff, "template.status", id, status.as_str()).await
}

pub(super) async fn template_status_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm(session, form): StaffForm<TemplateStatusForm>,
) -> Result<Response, PageError> {
    let status = form
        .status
        .parse()
        .map_err(|why| AppError::new(Code::BadStatus, why))?;
    set_template_status(&state, &session.staff, &id, status).await?;
    Ok(Redirect::to(&format!("/staff/templates/{id}")).into_response())
}

pub(super) async fn template_preview(
    State(state): State<AppState>,
    StaffUser(_): StaffUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<crate::web::images::PictureQuery>,
) -> Result<Response, PageError> {
    let t = find_template(&state, &id)?;
    let remix = crate::render::Remix {
        captions: query.text,
        style: query.style.to_style()?,
        format: crate::render::Format::Jpeg,
        width: Some(query.width.unwrap_or(640).min(t.size().0.max(64))),
    };
    let rendered = state
        .remixer
        .run_render(move |r| r.render(&t, &remix))
        .await?
        .map_err(AppError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        rendered.bytes,
    )
        .into_response())
}

/// Uploads a photo as a template: published when `boxes` or `publish` is given, else a
/// draft. The photo is checked (format from its bytes, 20 MB and 40 megapixels at most, at
/// least 64 px a side), turned upright, scaled to 1600 px at most and stored without
/// metadata.
#[utoipa::path(post, path = "/api/staff/templates",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The new template", body = TemplateView),
        (status = 400, description = "A body that is not multipart", body = ErrorBody),
        (status = 409, description = "Another upload took the same id at the same moment", body = ErrorBody),
        (status = 413, description = "A photo over 20 MB", body = ErrorBody),
        (status = 422, description = "A photo, title or boxes refused, with the reason", body = ErrorBody),
    ))]
pub(crate) async fn api_upload(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    multipart: Multipart,
) -> Result<Response, AppError> {
    api_create(&state, &staff, read_upload(&state, multipart).await?).await
}

/// The API twin of upload, place boxes and publish: a template or frame that names its
/// boxes is published unless asked otherwise; `201` with it.
async fn api_create(
    state: &AppState,
    staff: &str,
    mut upload: Upload,
) -> Result<Response, AppError> {
    if upload.boxes.is_some() && !upload.publish {
        upload.publish = true;
    }
    let template = create_template(state, staff, upload).await?;
    let body = TemplateView {
        status: state.remixer().template_status(template.id.as_str()),
        ..TemplateView::new(state, &template)
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Uploads a frame: a PNG with transparency, 1080x1080 (a profile picture) or 1080x1920
/// (a story), where supporters put their own photo. Checked like a photo (format from its
/// bytes, size from its header), stored without metadata; a draft unless `publish`.
#[utoipa::path(post, path = "/api/staff/frames",
    request_body(content = FrameUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The new frame", body = TemplateView),
        (status = 400, description = "A body that is not multipart", body = ErrorBody),
        (status = 409, description = "Another upload took the same id at the same moment", body = ErrorBody),
        (status = 413, description = "A file over 20 MB", body = ErrorBody),
        (status = 422, description = "A frame, title or boxes refused, with the reason", body = ErrorBody),
    ))]
pub(crate) async fn api_upload_frame(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let upload = read_upload(&state, multipart).await?;
    if !upload.frame {
        return Err(AppError::new(
            Code::PhotoMissing,
            "no frame was sent: send the PNG in the multipart field `frame`",
        ));
    }
    api_create(&state, &staff, upload).await
}

/// The fields of a frame upload.
#[derive(ToSchema)]
#[allow(dead_code)] // Read field by field from the multipart body; this is its schema.
pub(crate) struct FrameUploadForm {
    /// The frame: a PNG with transparency, 1080x1080 or 1080x1920.
    #[schema(format = Binary, value_type = String)]
    frame: Vec<u8>,
    /// Shown to supporters.
    title: String,
    /// Describes the frame.
    alt: String,
    /// Comma- or space-separated, `#` optional.
    hashtags: Option<String>,
    /// Caption boxes as a JSON array (default: none).
    boxes: Option<String>,
    /// `true` to publish at once.
    publish: Option<String>,
}

/// A template's new status.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TemplateStatusAnswer {
    /// The template.
    id: String,
    /// Its status now.
    status: TemplateStatus,
}

/// The fields of a template upload.
#[derive(ToSchema)]
#[allow(dead_code)] // Read field by field from the multipart body; this is its schema.
pub(crate) struct UploadForm {
    /// The photo: JPEG, PNG or WebP.
    #[schema(format = Binary, value_type = String)]
    photo: Vec<u8>,
    /// Shown to supporters.
    title: String,
    /// Describes the photo.
    alt: String,
    /// Comma- or space-separated, `#` optional.
    hashtags: Option<String>,
    /// The boxes as a JSON array (default: a top and a bottom box).
    boxes: Option<String>,
    /// `true` to publish at once.
    publish: Option<String>,
}

/// Retires a template: it takes no new remixes; its remixes stay.
#[utoipa::path(post, path = "/api/staff/templates/{id}/retire",
    params(("id" = String, Path, description = "The template id")),
    responses(
        (status = 200, description = "Retired", body = TemplateStatusAnswer),
        (status = 404, description = "No such template", body = ErrorBody),
    ))]
pub(crate) async fn api_retire(
    state: State<AppState>,
    staff: ApiStaff,
    id: Path<String>,
) -> Result<Json<TemplateStatusAnswer>, AppError> {
    api_set_status(state, staff, id, TemplateStatus::Retired).await
}

/// Publishes a template (a draft, or a retired one again).
#[utoipa::path(post, path = "/api/staff/templates/{id}/publish",
    params(("id" = String, Path, description = "The template id")),
    responses(
        (status = 200, description = "Published", body = TemplateStatusAnswer),
        (status = 404, description = "No such template", body = ErrorBody),
    ))]
pub(crate) async fn api_publish(
    state: State<AppState>,
    staff: ApiStaff,
    id: Path<String>,
) -> Result<Json<TemplateStatusAnswer>, AppError> {
    api_set_status(state, staff, id, TemplateStatus::Published).await
}

async fn api_set_status(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    status: TemplateStatus,
) -> Result<Json<TemplateStatusAnswer>, AppError> {
    set_template_status(&state, &staff, &id, status).await?;
    Ok(Json(TemplateStatusAnswer { id, status }))
}
