//! The JSON API, `/healthz` and `/metrics`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use crate::db::{Page, RemixRow, Status};
use crate::error::{AppError, code};
use crate::remix::{Lookup, RemixId, RemixRequest};
use crate::render::{Format, Style};
use crate::web::extract::{ApiQuery, JsonBody};

/// The API's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/templates", get(templates))
        .route("/api/remixes", post(create))
        .route("/api/remixes/{id}", get(remix))
        .route("/api/gallery", get(gallery))
        .route("/api/openapi.json", get(openapi))
}

/// A template as the API shows it.
pub fn template_json(state: &AppState, t: &crate::render::Template) -> Value {
    let (width, height) = t.size();
    json!({
        "id": t.id,
        "title": t.spec.title,
        "alt": t.spec.alt,
        "hashtags": t.spec.hashtags,
        "width": width,
        "height": height,
        "photo_url": format!("{}/photos/{}", state.public_url(), t.id),
        "remix_url": format!("{}/t/{}", state.public_url(), t.id),
        "boxes": t.spec.boxes,
    })
}

async fn templates(State(state): State<AppState>) -> Json<Value> {
    let all: Vec<Value> = state
        .remixer
        .published_templates()
        .iter()
        .map(|t| template_json(&state, t))
        .collect();
    Json(Value::Array(all))
}

/// The body of `POST /api/remixes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRemix {
    /// Template id.
    pub template: String,
    /// One caption per box, in box order.
    #[serde(default)]
    pub captions: Vec<String>,
    /// Style; anything left out is the box's default.
    #[serde(default)]
    pub style: Style,
    /// The remix this one remixes.
    pub parent: Option<String>,
    /// jpg (default), png or webp.
    pub format: Option<Format>,
    /// Output width in pixels.
    pub width: Option<u32>,
}

/// Creates a remix or finds the one these captions already made. Repeats are never
/// rate-limited: they cost no render.
pub async fn create_or_find(
    state: &AppState,
    request: RemixRequest,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) -> Result<(std::sync::Arc<RemixRow>, bool), AppError> {
    match state.remixer().lookup(request).await? {
        Lookup::Found(row) => Ok((row, false)),
        Lookup::Missing(pending) => {
            state
                .check_rate(state.client_ip(headers, extensions))
                .await?;
            Ok(state.remixer().make(pending).await?)
        }
    }
}

/// A remix as the API shows it.
pub fn remix_json(state: &AppState, row: &RemixRow) -> Value {
    let base = &state.public_url();
    json!({
        "id": row.id,
        "template": row.template,
        "captions": row.captions,
        "style": row.style,
        "status": row.status,
        "created_at": row.created_at,
        "parent": row.parent,
        "format": row.format,
        "width": row.width,
        "height": row.height,
        "bytes": row.bytes,
        "requests": row.requests,
        "url": format!("{base}/m/{}", row.id),
        "image_url": format!("{base}/i/{}.{}", row.id, row.format.extension()),
        "card_url": format!("{base}/i/{}/card.jpg", row.id),
    })
}

async fn create(
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
    };
    let (row, created) = create_or_find(&state, request, &headers, &extensions).await?;
    let mut answer = remix_json(&state, &row);
    answer["created"] = Value::Bool(created);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = format!("/m/{}", row.id);
    Ok((status, [(header::LOCATION, location)], Json(answer)).into_response())
}

/// A remix by id, refusing bad ids and removed remixes.
pub async fn find_remix(state: &AppState, id: &str) -> Result<std::sync::Arc<RemixRow>, AppError> {
    let missing = || AppError::not_found(format!("no remix {id:?}"));
    let id: RemixId = id.parse().map_err(|_| missing())?;
    let row = state.remixer().remix(&id).await?.ok_or_else(missing)?;
    if row.status == Status::Removed {
        return Err(AppError::new(
            StatusCode::GONE,
            code::REMOVED,
            "this remix was removed by the campaign",
        ));
    }
    Ok(row)
}

async fn remix(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let row = find_remix(&state, &id).await?;
    Ok(Json(remix_json(&state, &row)))
}

/// `?cursor=&template=` for gallery listings.
#[derive(Debug, Default, Deserialize)]
pub struct GalleryQuery {
    /// Where the previous page ended.
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
    let bad = || {
        AppError::bad_request(
            code::BAD_CURSOR,
            "the cursor is not one this server gave out",
        )
    };
    let template = query.template.as_deref().filter(|t| !t.is_empty());
    let db = state.db();
    let (phase, inner) = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => ("f", None),
        Some(c) => {
            let (phase, rest) = c.split_once(':').ok_or_else(bad)?;
            if !matches!(phase, "f" | "a") || rest.len() > 100 {
                return Err(bad());
            }
            (phase, Some(rest).filter(|r| !r.is_empty()))
        }
    };
    if phase == "f" {
        let featured = db
            .list_remixes(&[Status::Featured], template, inner, limit)
            .await
            .map_err(AppError::from)?;
        if let Some(next) = featured.next {
            return Ok(Page {
                items: featured.items,
                next: Some(format!("f:{next}")),
            });
        }
        let mut items = featured.items;
        let room = limit - items.len() as u32;
        if room == 0 {
            return Ok(Page {
                items,
                next: Some("a:".into()),
            });
        }
        let approved = db
            .list_remixes(&[Status::Approved], template, None, room)
            .await
            .map_err(AppError::from)?;
        items.extend(approved.items);
        return Ok(Page {
            items,
            next: approved.next.map(|n| format!("a:{n}")),
        });
    }
    let approved = db
        .list_remixes(&[Status::Approved], template, inner, limit)
        .await
        .map_err(AppError::from)?;
    Ok(Page {
        items: approved.items,
        next: approved.next.map(|n| format!("a:{n}")),
    })
}

async fn gallery(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<GalleryQuery>,
) -> Result<Json<Value>, AppError> {
    let page = gallery_page(&state, &query, 24).await?;
    let items: Vec<Value> = page.items.iter().map(|r| remix_json(&state, r)).collect();
    Ok(Json(json!({"items": items, "next_cursor": page.next})))
}

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

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}
