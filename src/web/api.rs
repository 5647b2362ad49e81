//! The JSON API, `/healthz` and `/metrics`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::db::{Page, RemixRow, Status, TemplateStatus};
use crate::error::{AppError, Code, ErrorBody};
use crate::remix::{Created, RemixId, RemixRequest, Source};
use crate::render::{Format, Style, TextBox};
use crate::web::admission::WebAdmission;
use crate::web::extract::{ApiQuery, JsonBody};

/// What the API says of an official photo or a frame, whichever it is: its names in both
/// languages, its hashtags and its size.
#[derive(Debug, Serialize, ToSchema)]
pub struct Described {
    /// Id: the folder name or the id given at upload.
    pub id: String,
    /// Shown to supporters.
    pub title: String,
    /// Describes the photo or frame.
    pub alt: String,
    /// The title in Urdu, where staff gave one (Urdu pages show it).
    pub title_ur: Option<String>,
    /// The alt text in Urdu, where staff gave one.
    pub alt_ur: Option<String>,
    /// Suggested with every share, without the `#`.
    pub hashtags: Vec<String>,
    /// Width in pixels (of the photo; of a frame, and of the finished picture).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Described {
    /// How the API describes `t`.
    pub fn of(t: &crate::render::Template) -> Described {
        let (width, height) = t.size();
        Described {
            id: t.id.to_string(),
            title: t.spec.title.clone(),
            alt: t.spec.alt.clone(),
            title_ur: Some(t.spec.title_ur.clone()).filter(|w| !w.is_empty()),
            alt_ur: Some(t.spec.alt_ur.clone()).filter(|w| !w.is_empty()),
            hashtags: t.spec.hashtags.clone(),
            width,
            height,
        }
    }
}

/// A template as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Template)]
pub struct TemplateView {
    /// Its names and size.
    #[serde(flatten)]
    pub about: Described,
    /// The photo as drawn on.
    pub photo_url: String,
    /// The supporters' form.
    pub remix_url: String,
    /// The text boxes, in caption order.
    pub boxes: Vec<TextBox>,
    /// `draft`, `published` or `retired` (staff answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TemplateStatus>,
}

impl TemplateView {
    /// A template as the API shows it.
    pub fn new(state: &AppState, t: &crate::render::Template) -> TemplateView {
        TemplateView {
            about: Described::of(t),
            photo_url: format!("{}/photos/{}", state.public_url(), t.id),
            remix_url: match t.frame {
                Some(_) => format!("{}/f/{}", state.public_url(), t.id),
                None => format!("{}/t/{}", state.public_url(), t.id),
            },
            boxes: t.spec.boxes.clone(),
            status: None,
        }
    }
}

/// The published templates, sorted by id.
#[utoipa::path(get, path = "/api/templates", tag = "supporters",
    responses((status = 200, description = "The published templates", body = [TemplateView])))]
pub(crate) async fn templates(State(state): State<AppState>) -> Json<Vec<TemplateView>> {
    Json(
        state
            .remixer()
            .published_templates()
            .iter()
            .map(|t| TemplateView::new(&state, t))
            .collect(),
    )
}

/// The body of `POST /api/remixes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewRemix)]
pub struct CreateRemix {
    /// Template id.
    pub template: String,
    /// One caption per box, in box order, at most 200 characters each.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub captions: Vec<String>,
    /// Style; anything left out (or null) is the box's default.
    #[serde(default)]
    pub style: Style,
    /// The remix this one remixes.
    #[schema(pattern = "^([0-9a-f]{16})?$")]
    pub parent: Option<String>,
    /// jpg (default), png or webp.
    pub format: Option<Format>,
    /// Output width in pixels (default: the photo's).
    #[schema(minimum = 64, maximum = 2048)]
    #[serde(default, deserialize_with = "whole_number")]
    pub width: Option<u32>,
    /// The area the supporter is in (an id from `GET /api/areas`), if they say; a
    /// constituency's id names its city too.
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,39}$")]
    pub area: Option<String>,
    /// The constituency the supporter is in (an id from `GET /api/areas` with a
    /// `parent`), if they say; within `area` when both are sent.
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,39}$")]
    pub constituency: Option<String>,
}

/// A whole number as JSON Schema's `integer` allows it: `813` or `813.0`.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error;
    let Some(n) = Option::<f64>::deserialize(d)? else {
        return Ok(None);
    };
    if n.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(D::Error::custom(format!(
            "{n} is not a whole number of pixels"
        )));
    }
    Ok(Some(n as u32))
}

/// A remix as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Remix)]
pub struct RemixView {
    /// Id: the first 16 hex digits of the picture's blake3 hash.
    pub id: String,
    /// Template id.
    pub template: String,
    /// Captions, in box order.
    pub captions: Vec<String>,
    /// The style asked for (null: the box's default).
    pub style: Style,
    /// Where the remix stands with the campaign's curators.
    pub status: Status,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The remix this one remixes.
    pub parent: Option<String>,
    /// The area its maker said they are in.
    pub area: Option<String>,
    /// The constituency its maker said they are in.
    pub constituency: Option<String>,
    /// Format of the picture.
    pub format: Format,
    /// Picture width.
    pub width: u32,
    /// Picture height.
    pub height: u32,
    /// Picture size in bytes.
    pub bytes: u64,
    /// Requests answered with this remix.
    pub requests: i64,
    /// The share page.
    pub url: String,
    /// The picture.
    pub image_url: String,
    /// The 1200x630 share card.
    pub card_url: String,
    /// Whether this request made it (`POST /api/remixes` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    /// The maker's private delete link (`GET` confirms, `POST` deletes), given once: only
    /// to the request that made the remix. Keep it private; it is stored only as a hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_url: Option<String>,
    /// Reports from supporters since staff last looked (staff answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reports: Option<i64>,
    /// Whether supporters reported it since staff last looked (staff answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<bool>,
    /// The blocked phrase that held it for review (staff answers only; absent if none
    /// did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_by: Option<String>,
    /// What held it: the phrase, the variant found, the caption and how it was written
    /// (staff answers only; absent if nothing did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_for: Option<crate::blocklist::Held>,
}

impl RemixView {
    /// A remix as the API shows it.
    pub fn new(state: &AppState, row: &RemixRow) -> RemixView {
        let base = state.public_url();
        RemixView {
            id: row.id.to_string(),
            template: row.template.clone(),
            captions: row.captions.clone(),
            style: row.style.clone(),
            status: row.status,
            created_at: row.created_at,
            parent: row.parent.as_ref().map(ToString::to_string),
            area: row.area.clone(),
            constituency: row.constituency.clone(),
            format: row.format,
            width: row.width,
            height: row.height,
            bytes: row.bytes,
            requests: row.requests,
            url: format!("{base}/m/{}", row.id),
            image_url: format!("{base}/i/{}.{}", row.id, row.format.extension()),
            card_url: format!("{base}/i/{}/card.jpg", row.id),
            created: None,
            delete_url: None,
            reports: None,
            reported: None,
            held_by: None,
            held_for: None,
        }
    }
}

/// Makes a remix, or finds the one the same request made before (`created: false`, 200).
/// New remixes count against the client's rate limit; repeats never do.
#[utoipa::path(post, path = "/api/remixes", tag = "supporters", request_body = CreateRemix,
    responses(
        (status = 201, description = "Made now", body = RemixView,
            headers(("Location" = String, description = "The share page"))),
        (status = 200, description = "Made before by the same request", body = RemixView,
            headers(("Location" = String, description = "The share page"))),
        (status = 400, description = "A width out of range, or a body that is not JSON", body = ErrorBody),
        (status = 404, description = "No such template", body = ErrorBody),
        (status = 410, description = "The template is retired, or this very picture was deleted by its maker or removed by the campaign", body = ErrorBody),
        (status = 413, description = "A body over 64 KB", body = ErrorBody),
        (status = 415, description = "A body not sent as application/json", body = ErrorBody),
        (status = 422, description = "Captions or options that cannot be drawn, named", body = ErrorBody),
        (status = 429, description = "Too many new remixes from this client", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds"))),
        (status = 503, description = "Too many pictures being made", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds"))),
    ))]
pub(crate) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    JsonBody(body): JsonBody<CreateRemix>,
) -> Result<Response, AppError> {
    let request = RemixRequest {
        template: body.template,
        captions: body.captions,
        style: body.style,
        format: body.format.unwrap_or(Format::Jpeg),
        width: body.width,
        parent: body.parent,
        area: body.area,
        constituency: body.constituency,
    };
    let admission = WebAdmission::new(&state, &request.template, &headers, &extensions);
    let created = state
        .remixer()
        .create(Source::Captions(request), &admission)
        .await?;
    Ok(made(&state, &created))
}

/// The answer to a request that made a remix (`201`, with its maker's delete link, given
/// this once) or found one (`200`), with `Location` naming its share page.
pub fn made(state: &AppState, made: &Created) -> Response {
    let row = &made.row;
    let answer = RemixView {
        created: Some(made.created),
        delete_url: made
            .delete_token
            .as_ref()
            .map(|token| format!("{}/d/{}/{token}", state.public_url(), row.id)),
        ..RemixView::new(state, row)
    };
    let status = if made.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = format!("/m/{}", row.id);
    (status, [(header::LOCATION, location)], Json(answer)).into_response()
}

/// 410 for a remix taken down: by the campaign, or by its maker (no picture left).
pub fn gone(row: &RemixRow) -> AppError {
    if row.blob_key.is_empty() {
        AppError::new(
            Code::Deleted,
            "this remix was deleted by the person who made it",
        )
    } else {
        AppError::new(Code::Removed, "this remix was removed by the campaign")
    }
}

/// A remix by id, refusing bad ids and removed remixes.
pub async fn find_remix(state: &AppState, id: &str) -> Result<std::sync::Arc<RemixRow>, AppError> {
    let missing = || AppError::not_found(format!("no remix {id:?}"));
    let id: RemixId = id.parse().map_err(|_| missing())?;
    let row = state.remixer().remix(&id).await?.ok_or_else(missing)?;
    if row.status == Status::Removed {
        return Err(gone(&row));
    }
    Ok(row)
}

/// A remix by id.
#[utoipa::path(get, path = "/api/remixes/{id}", tag = "supporters",
    params(("id" = String, Path, description = "The remix id")),
    responses(
        (status = 200, description = "The remix", body = RemixView),
        (status = 404, description = "No such remix", body = ErrorBody),
        (status = 410, description = "Removed by the campaign", body = ErrorBody),
    ))]
pub(crate) async fn remix(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<RemixView>, AppError> {
    let row = find_remix(&state, &id).await?;
    Ok(Json(RemixView::new(&state, &row)))
}

/// `?cursor=&template=` for gallery listings.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GalleryQuery {
    /// Where the previous page ended: the `next_cursor` of the page before.
    #[param(pattern = "^([fa]:([0-9]{1,18}\\.[0-9A-Za-z]{1,64})?)?$")]
    pub cursor: Option<String>,
    /// Only remixes of this template.
    pub template: Option<String>,
}

/// The public gallery: featured remixes first, then approved ones, newest first.
pub async fn gallery_page(
    state: &AppState,
    query: &GalleryQuery,
    limit: u32,
) -> Result<Page<RemixRow>, AppError> {
    let template = query.template.as_deref().filter(|t| !t.is_empty());
    Ok(state
        .db()
        .gallery(template, query.cursor.as_deref(), limit)
        .await?)
}

/// A page of a list, and where the next one starts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T> {
    /// This page.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

impl<T> Listing<T> {
    /// A page of rows, each shown as `show` says.
    pub fn of<R>(page: Page<R>, show: impl FnMut(R) -> T) -> Listing<T> {
        Listing {
            items: page.items.into_iter().map(show).collect(),
            next_cursor: page.next,
        }
    }
}

/// The public gallery: featured remixes first, then approved ones, newest first, 24 a page.
#[utoipa::path(get, path = "/api/gallery", tag = "supporters", params(GalleryQuery),
    responses(
        (status = 200, description = "A page of the gallery", body = Listing<RemixView>),
        (status = 400, description = "A cursor this server did not give out", body = ErrorBody),
    ))]
pub(crate) async fn gallery(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<GalleryQuery>,
) -> Result<Json<Listing<RemixView>>, AppError> {
    let page = gallery_page(&state, &query, 24).await?;
    Ok(Json(Listing::of(page, |r| RemixView::new(&state, &r))))
}

#[utoipa::path(get, path = "/healthz", tag = "operators",
    responses(
        (status = 200, description = "The database and the blob store take writes", body = String, content_type = "text/plain"),
        (status = 503, description = "One of them does not", body = String, content_type = "text/plain"),
    ))]
/// `200 ok` when the database and the blob store both take a write, else
/// `503 unavailable`. Nothing more is said to an anonymous caller; the cause goes to the log
/// and to `/metrics` (`jalsa_health`). Checked at most once a second, so a load balancer
/// polling hard costs one write a second.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let healthy = state.health.check(state.remixer()).await;
    if healthy {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable\n").into_response()
    }
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operators",
    responses((status = 200, description = "OpenMetrics text", body = String,
        content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(state.remixer()),
    )
        .into_response()
}

/// An area as supporters choose it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AreaChoice)]
pub struct AreaView {
    /// Id, to send as `area`.
    pub id: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in Urdu.
    pub name_ur: String,
    /// For a constituency, the id of its city or district; '' for a city or district.
    pub parent: String,
}

/// The areas a supporter may say they are in (not the retired ones), by English name.
#[utoipa::path(get, path = "/api/areas", tag = "supporters",
    responses((status = 200, description = "The areas", body = [AreaView])))]
pub(crate) async fn areas(State(state): State<AppState>) -> Result<Json<Vec<AreaView>>, AppError> {
    let areas = state.db().list_areas(false).await?;
    Ok(Json(
        areas
            .into_iter()
            .map(|a| AreaView {
                id: a.id,
                name_en: a.name_en,
                name_ur: a.name_ur,
                parent: a.parent,
            })
            .collect(),
    ))
}
