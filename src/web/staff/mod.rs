//! The staff area: sign-in, the moderation queue, the official photo manager, the caption
//! blocklist, API tokens and the audit log; pages behind a session cookie with a CSRF token
//! on every form, and the same actions as JSON behind bearer tokens. One file per area;
//! this one holds the routes and what they share (who is asking, CSRF, the audit record).

pub(crate) mod areas;
pub(crate) mod audit;
mod auth;
pub(crate) mod blocklist;
mod dashboard;
pub(crate) mod queue;
pub(crate) mod reach;
pub(crate) mod templates;
pub(crate) mod tokens;

use askama::Template as Page;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::AppState;
use super::pages::{PageError, error_page};
use crate::error::{AppError, Code};
use crate::secret::same_secret;
use crate::staff::{self, Session};
use crate::web::extract::PageForm;

const SESSION_COOKIE: &str = "jalsa_session";
const LOGIN_CSRF_COOKIE: &str = "jalsa_login_csrf";
/// Set at a successful sign-in: later sign-ins with it get the known staff's lane of
/// password checks.
const DEVICE_COOKIE: &str = "jalsa_device";

/// `?cursor=` for the paged lists (queue, audit log).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CursorQuery {
    /// Where the previous page ended: the `next_cursor` of the page before.
    #[param(pattern = "^([0-9]{1,18}\\.[0-9A-Za-z]{1,64})?$")]
    cursor: Option<String>,
}

/// `?cursor=` for the audit log.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// Where the previous page ended: the `next_cursor` of the page before.
    #[param(pattern = "^[0-9a-f]{0,64}$")]
    cursor: Option<String>,
}

/// A form that carries only its CSRF token.
#[derive(Debug, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

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

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::internal(e)
}

/// A signed-in staff member on a page; anyone else is sent to the login page.
pub struct StaffUser(pub Session);

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        if let Some(cookie) = jar.get(SESSION_COOKIE)
            && let Some(session) = staff::session(state.db(), cookie.value())
                .await
                .map_err(|e| error_page(&AppError::from(e)))?
        {
            return Ok(StaffUser(session));
        }
        let next: String =
            url::form_urlencoded::byte_serialize(parts.uri.path().as_bytes()).collect();
        Err(Redirect::to(&format!("/staff/login?next={next}")).into_response())
    }
}

/// A staff member calling the API with `Authorization: Bearer <token>`.
pub struct ApiStaff(pub String);

impl FromRequestParts<AppState> for ApiStaff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthorized = || {
            let mut r = AppError::new(
                Code::Unauthorized,
                "staff API calls need Authorization: Bearer <token> (jalsa staff token NAME)",
            )
            .into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                "Bearer".parse().expect("static header"),
            );
            r
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() < 200)
            .ok_or_else(unauthorized)?;
        match staff::token_staff(state.db(), token).await {
            Ok(Some(name)) => Ok(ApiStaff(name)),
            Ok(None) => Err(unauthorized()),
            Err(e) => Err(AppError::from(e).into_response()),
        }
    }
}

/// Refuses a form post whose CSRF token is not the session's.
/// A form that carries the session's anti-forgery token.
pub(crate) trait Csrf {
    /// The token sent with the form.
    fn csrf(&self) -> &str;
}

/// Implements [`Csrf`] for forms with a `csrf` field.
macro_rules! csrf_form {
    ($($form:ty),*) => {
        $(impl crate::web::staff::Csrf for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })*
    };
}
pub(super) use csrf_form;

csrf_form!(CsrfForm);

/// A form from a signed-in staff member whose anti-forgery token matched: no staff form
/// reaches its handler without both.
pub(crate) struct StaffForm<T>(pub Session, pub T);

impl<T: DeserializeOwned + Csrf + Send> FromRequest<AppState> for StaffForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let StaffUser(session) = StaffUser::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let PageForm(form) = PageForm::<T>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        check_csrf(&session, form.csrf()).map_err(IntoResponse::into_response)?;
        Ok(StaffForm(session, form))
    }
}

fn check_csrf(session: &Session, sent: &str) -> Result<(), PageError> {
    if same_secret(&session.csrf, sent) {
        Ok(())
    } else {
        Err(PageError(AppError::new(
            Code::Csrf,
            "This form has expired or did not come from this site. Go back, reload and try again.",
        )))
    }
}

fn html(page: impl Page) -> Result<Html<String>, PageError> {
    page.render().map(Html).map_err(|e| PageError(internal(e)))
}

async fn record(
    state: &AppState,
    staff: &str,
    action: &str,
    item: &str,
    detail: &str,
) -> Result<(), AppError> {
    staff::audit(state.db(), staff, action, item, detail)
        .await
        .map_err(AppError::from)
}
