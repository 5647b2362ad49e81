//! The moderation queue: remixes to look at, and status changes one by one or in bulk.

use askama::Template as Page;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiStaff, CursorQuery, StaffForm, StaffUser, csrf_form, record};
use crate::blocklist::Held;
use crate::db::{RemixRow, Status};
use crate::error::{AppError, Code, ErrorBody};
use crate::web::AppState;
use crate::web::api::{Listing, RemixView};
use crate::web::extract::{ApiQuery, JsonBody, PageQuery};
use crate::web::i18n::Locale;
use crate::web::problem::JsonRefusals;
use crate::web::problem::PageError;
use crate::web::problem::html;

struct QueueItem {
    id: String,
    thumb: String,
    /// Each shown in its own `<bdi>`: Urdu and English captions keep their own order.
    captions: Vec<String>,
    status: String,
    reports: i64,
    reported: String,
    template: String,
    /// Which blocked phrase held it and how it was written; empty if none did.
    held: String,
}

/// Why a remix was held, in the staff's language: the phrase, the variant found and the
/// disguises seen.
fn held_note(l: &Locale, held: &Held) -> String {
    let found = match &held.variant {
        Some(v) => l.t2("queue-held-variant", "variant", v, "phrase", &held.phrase),
        None => l.t1("queue-held", "phrase", &held.phrase),
    };
    if held.how.is_empty() {
        return found;
    }
    let how: Vec<String> = held
        .how
        .iter()
        .map(|d| l.t(&format!("disguise-{}", d.as_str())))
        .collect();
    format!(
        "{found} ({})",
        l.t1("queue-held-how", "how", how.join(", "))
    )
}

fn queue_item(l: &Locale, row: &RemixRow) -> QueueItem {
    QueueItem {
        id: row.id.to_string(),
        thumb: format!("/i/{}/thumb.jpg", row.id),
        captions: row
            .captions
            .iter()
            .map(|c| crate::web::pages::plain_text(c))
            .filter(|c| !c.is_empty())
            .collect(),
        status: l.t(&format!("status-{}", row.status.as_str())),
        reports: row.reports,
        reported: l.t1("queue-reported", "count", l.number(row.reports)),
        template: row.template.clone(),
        held: row
            .held_for
            .as_ref()
            .map(|h| held_note(l, h))
            .unwrap_or_default(),
    }
}

#[derive(Page)]
#[template(path = "staff_queue.html")]
struct QueuePage {
    l: Locale,
    staff: String,
    csrf: String,
    items: Vec<QueueItem>,
    next: String,
}

pub(super) async fn queue_page(
    State(state): State<AppState>,
    l: Locale,
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
        items: page.items.iter().map(|r| queue_item(&l, r)).collect(),
        next: page
            .next
            .map(|n| format!("/staff?cursor={n}"))
            .unwrap_or_default(),
        l,
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

csrf_form!(BulkForm);

pub(super) async fn bulk_status_form(
    State(state): State<AppState>,
    StaffForm(session, form): StaffForm<BulkForm>,
) -> Result<Response, PageError> {
    let status: Status = form
        .status
        .parse()
        .map_err(|e: String| AppError::new(Code::BadStatus, e))?;
    change_status(&state, &session.staff, &form.id, status).await?;
    Ok(Redirect::to("/staff").into_response())
}

/// The moderation queue: new remixes and reported ones, newest first, 50 a page.
#[utoipa::path(get, path = "/api/staff/queue", params(CursorQuery),
    responses(
        (status = 200, description = "A page of the queue", body = Listing<RemixView>),
        (status = 400, description = "A cursor this server did not give out", body = ErrorBody),
    ))]
pub(crate) async fn api_queue(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
    ApiQuery(query): ApiQuery<CursorQuery>,
) -> Result<Json<Listing<RemixView>>, AppError> {
    let page = state.db().list_queue(query.cursor.as_deref(), 50).await?;
    Ok(Json(Listing::of(page, |r| RemixView {
        reports: Some(r.reports),
        reported: Some(r.reports > 0),
        held_by: r.held_for.as_ref().map(|h| h.phrase.clone()),
        held_for: r.held_for.clone(),
        ..RemixView::new(&state, &r)
    })))
}

/// A new status for a remix.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusBody {
    status: Status,
}

/// Sets a remix's status (and clears its reports).
#[utoipa::path(post, path = "/api/staff/remixes/{id}/status",
    params(("id" = String, Path, description = "The remix id")), request_body = StatusBody,
    responses(
        (status = 200, description = "The remix as it now is", body = RemixView),
        JsonRefusals,
        (status = 404, description = "No such remix", body = ErrorBody),
    ))]
pub(crate) async fn api_status(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StatusBody>,
) -> Result<Json<RemixView>, AppError> {
    if change_status(&state, &staff, std::slice::from_ref(&id), body.status).await? == 0 {
        return Err(AppError::not_found(format!("no remix {id:?}")));
    }
    let row = state
        .remixer()
        .remix(&id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no remix {id:?}")))?;
    Ok(Json(RemixView {
        held_by: row.held_for.as_ref().map(|h| h.phrase.clone()),
        held_for: row.held_for.clone(),
        ..RemixView::new(&state, &row)
    }))
}

/// A new status for many remixes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulkBody {
    /// Remix ids, at most 500.
    #[schema(max_items = 500)]
    ids: Vec<String>,
    status: Status,
}

/// How many remixes a bulk change changed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Changed {
    /// Remixes that exist and were changed.
    changed: usize,
}

/// Sets the status of many remixes at once; unknown ids are skipped.
#[utoipa::path(post, path = "/api/staff/remixes/status",
    request_body = BulkBody,
    responses(
        (status = 200, description = "How many changed", body = Changed),
        JsonRefusals,
    ))]
pub(crate) async fn api_bulk_status(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    JsonBody(body): JsonBody<BulkBody>,
) -> Result<Json<Changed>, AppError> {
    if body.ids.len() > 500 {
        return Err(AppError::new(
            Code::TooMany,
            format!(
                "{} remixes were given; at most 500 at a time",
                body.ids.len()
            ),
        ));
    }
    let changed = change_status(&state, &staff, &body.ids, body.status).await?;
    Ok(Json(Changed { changed }))
}
