//! The audit log: who did what, newest first.

use askama::Template as Page;
use axum::Json;
use axum::extract::State;
use axum::response::Html;

use super::{ApiStaff, AuditQuery, StaffUser};
use crate::db::AuditEntry;
use crate::error::{AppError, ErrorBody};
use crate::staff;
use crate::web::AppState;
use crate::web::api::Listing;
use crate::web::extract::{ApiQuery, PageQuery};
use crate::web::i18n::Locale;
use crate::web::problem::PageError;
use crate::web::problem::html;

struct AuditRow {
    when: String,
    staff: String,
    action: String,
    item: String,
    detail: String,
}

#[derive(Page)]
#[template(path = "staff_audit.html")]
struct AuditPage {
    l: Locale,
    staff: String,
    csrf: String,
    rows: Vec<AuditRow>,
    next: String,
}

pub(super) async fn audit_page(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
    PageQuery(query): PageQuery<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let page = staff::audit_log(state.db(), query.cursor.as_deref(), 100).await?;
    html(AuditPage {
        staff: session.staff,
        csrf: session.csrf,
        rows: page
            .items
            .into_iter()
            .map(|e| AuditRow {
                when: l.datetime(e.at),
                staff: e.staff,
                action: e.action,
                item: e.item,
                detail: e.detail,
            })
            .collect(),
        next: page
            .next
            .map(|n| format!("/staff/audit?cursor={n}"))
            .unwrap_or_default(),
        l,
    })
}

/// The audit log, newest first, 100 a page.
#[utoipa::path(get, path = "/api/staff/audit", params(AuditQuery),
    responses(
        (status = 200, description = "A page of the log", body = Listing<AuditEntry>),
        (status = 400, description = "A cursor this server did not give out", body = ErrorBody),
    ))]
pub(crate) async fn api_audit(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Listing<AuditEntry>>, AppError> {
    let page = staff::audit_log(state.db(), query.cursor.as_deref(), 100).await?;
    Ok(Json(Listing::of(page, |entry| entry)))
}
