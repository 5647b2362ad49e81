//! The staff routes: each page and each `/api/staff` operation, and the handler it runs.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use super::{areas, audit, auth, blocklist, dashboard, queue, reach, templates, tokens};
use crate::web::AppState;

/// The staff routes.
pub fn router() -> Router<AppState> {
    let upload_limit = DefaultBodyLimit::max(crate::photo::MAX_UPLOAD_BYTES + 1024 * 1024);
    Router::new()
        .route("/staff/login", get(auth::login_page).post(auth::login))
        .route("/staff/logout", post(auth::logout))
        .route("/staff", get(queue::queue_page))
        .route("/staff/remixes", post(queue::bulk_status_form))
        .route(
            "/staff/templates",
            get(templates::templates_page)
                .post(templates::upload_form)
                .layer(upload_limit),
        )
        .route(
            "/staff/templates/{id}",
            get(templates::template_page).post(templates::save_template_form),
        )
        .route(
            "/staff/templates/{id}/status",
            post(templates::template_status_form),
        )
        .route(
            "/staff/templates/{id}/preview.jpg",
            get(templates::template_preview),
        )
        .route(
            "/staff/blocklist",
            get(blocklist::blocklist_page).post(blocklist::block_form),
        )
        .route("/staff/blocklist/remove", post(blocklist::unblock_form))
        .route(
            "/staff/tokens",
            get(tokens::tokens_page).post(tokens::create_token_form),
        )
        .route("/staff/tokens/{id}/revoke", post(tokens::revoke_token_form))
        .route("/staff/audit", get(audit::audit_page))
        .route("/staff/areas", get(areas::areas_page).post(areas::add_form))
        .route("/staff/areas.csv", get(areas::export))
        .route("/staff/areas/import", post(areas::import_form))
        .route("/staff/areas/{id}", post(areas::change_form))
        .route(
            "/api/staff/areas",
            get(areas::api_areas).post(areas::api_add),
        )
        .route("/api/staff/areas.csv", get(areas::api_export))
        .route("/api/staff/areas/import", post(areas::api_import))
        .route("/api/staff/areas/{id}", post(areas::api_change))
        .route("/api/staff/queue", get(queue::api_queue))
        .route("/api/staff/remixes/status", post(queue::api_bulk_status))
        .route("/api/staff/remixes/{id}/status", post(queue::api_status))
        .route(
            "/api/staff/templates",
            post(templates::api_upload).layer(upload_limit),
        )
        .route(
            "/api/staff/frames",
            post(templates::api_upload_frame).layer(upload_limit),
        )
        .route(
            "/api/staff/templates/{id}/retire",
            post(templates::api_retire),
        )
        .route(
            "/api/staff/templates/{id}/publish",
            post(templates::api_publish),
        )
        .route(
            "/api/staff/blocklist",
            get(blocklist::api_blocklist).post(blocklist::api_block),
        )
        .route("/api/staff/blocklist/remove", post(blocklist::api_unblock))
        .route("/api/staff/tokens", post(tokens::api_create_token))
        .route(
            "/api/staff/tokens/{id}/revoke",
            post(tokens::api_revoke_token),
        )
        .route("/api/staff/audit", get(audit::api_audit))
        .route("/api/staff/reach", get(reach::api_reach))
        .route("/staff/reach", get(dashboard::reach_page))
        .route("/staff/reach/{table}", get(dashboard::reach_csv))
}
