//! The moderation queue: remixes to look at, and status changes one by one or in bulk.

use askama::Template as Page;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiStaff, CursorQuery, StaffUser, check_csrf, html, record};
use crate::db::{RemixRow, Status};
use crate::error::{AppError, code};
use crate::web::AppState;
use crate::web::api::remix_json;
use crate::web::extract::{ApiQuery, JsonBody, PageForm, PageQuery};
use crate::web::pages::PageError;

struct QueueItem {
    id: String,
    thumb: String,
    captions: String,
    status: String,
    reports: i64,
    template: String,
}

fn queue_item(row: &RemixRow) -> QueueItem {
    QueueItem {
        id: row.id.to_string(),
        thumb: format!("/i/{}/thumb.jpg", row.id),
        captions: row.captions.join(" / "),
        status: row.status.as_str().into(),
        reports: row.reports,
        template: row.template.clone(),
    }
}

#[derive(Page)]
#[template(path = "staff_queue.html")]
struct QueuePage {
    staff: String,
    csrf: String,
    items: Vec<QueueItem>,
    next: String,
}

pub(super) async fn queue_page(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    PageQuery(query): PageQuery<CursorQuery>,
) -> Result<Html<String>, PageError> {
    let page = state
        .remixer
        .db()
        .list_queue(query.cursor.as_deref(), 50)
        .await
        .map_err(AppError::from)?;
    html(QueuePage {
        staff: session.staff,
        csrf: session.csrf,
        items: page.items.iter().map(queue_item).collect(),
        next: page
            .next
            .map(|n| format!("/staff?cursor={n}"))
            .unwrap_or_default(),
    })
}

async fn change_status(
    state: &AppState,
    staff: &str,
    ids: &[String],
    status: Status,
) -> Result<usize, AppError> {
    let mut changed = 0;
    for id in ids {
        if state.remixer().set_status(id, status).await? {
            state.forget_pictures(id);
            record(state, staff, "remix.status", id, status.as_str()).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

#[derive(Debug, Deserialize)]
pub(super) struct BulkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: Vec<String>,
    #[serde(default)]
    status: String,
}

pub(super) async fn bulk_status_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    PageForm(form): PageForm<BulkForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    let status: Status = form
        .status
        .parse()
        .map_err(|e: String| AppError::bad_request(code::BAD_STATUS, e))?;
    change_status(&state, &session.staff, &form.id, status).await?;
    Ok(Redirect::to("/staff").into_response())
}

pub(super) async fn api_queue(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
    ApiQuery(query): ApiQuery<CursorQuery>,
) -> Result<Json<Value>, AppError> {
    let page = state
        .remixer
        .db()
        .list_queue(query.cursor.as_deref(), 50)
        .await
        .map_err(AppError::from)?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|r| {
            let mut v = remix_json(&state, r);
            v["reports"] = json!(r.reports);
            v["reported"] = json!(r.reports > 0);
            v
        })
        .collect();
    Ok(Json(json!({"items": items, "next_cursor": page.next})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StatusBody {
    status: Status,
}

pub(super) async fn api_status(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StatusBody>,
) -> Result<Json<Value>, AppError> {
    if change_status(&state, &staff, std::slice::from_ref(&id), body.status).await? == 0 {
        return Err(AppError::not_found(format!("no remix {id:?}")));
    }
    let row = state
        .remixer
        .remix(&id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no remix {id:?}")))?;
    Ok(Json(remix_json(&state, &row)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BulkBody {
    ids: Vec<String>,
    status: Status,
}

pub(super) async fn api_bulk_status(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    JsonBody(body): JsonBody<BulkBody>,
) -> Result<Json<Value>, AppError> {
    if body.ids.len() > 500 {
        return Err(AppError::bad_request(
            code::TOO_MANY,
            "at most 500 remixes at a time",
        ));
    }
    let changed = change_status(&state, &staff, &body.ids, body.status).await?;
    Ok(Json(json!({"changed": changed})))
}
