//! The audit log: who did what, newest first.

use askama::Template as Page;
use axum::Json;
use axum::extract::State;
use axum::response::Html;

use super::{ApiStaff, AuditQuery, StaffUser, html};
use crate::db::AuditEntry;
use crate::error::{AppError, ErrorBody};
use crate::staff;
use crate::web::AppState;
use crate::web::api::Listing;
use crate::web::extract::{ApiQuery, PageQuery};
use crate::web::pages::PageError;

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
    staff: String,
    csrf: String,
    rows: Vec<AuditRow>,
    next: String,
}

fn when(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => ms.to_string(),
    }
}

pub(super) async fn audit_page(
    State(state): State<AppState>,
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
                when: when(e.at),
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

#[cfg(test)]
mod tests {
    use super::when;

    #[test]
    fn audit_times_are_readable() {
        assert_eq!(when(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(when(1_795_777_126_823), "2026-11-27 10:58:46 UTC");
    }
}
