//! What the staff routes share: who is asking (a session on a page, a bearer token on the
//! API), the anti-forgery check on every form, and the audit record.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{AppError, Code};
use crate::secret::same_secret;
use crate::staff::{self, Session};
use crate::web::AppState;
use crate::web::extract::PageForm;
use crate::web::problem::{PageError, error_page};

pub(crate) const SESSION_COOKIE: &str = "jalsa_session";
pub(crate) const LOGIN_CSRF_COOKIE: &str = "jalsa_login_csrf";
/// Set at a successful sign-in: later sign-ins with it get the known staff's lane of
/// password checks.
pub(crate) const DEVICE_COOKIE: &str = "jalsa_device";

/// `?cursor=` for the paged lists (queue, audit log).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CursorQuery {
    /// Where the previous page ended: the `next_cursor` of the page before.
    #[param(pattern = "^([0-9]{1,18}\\.[0-9A-Za-z]{1,64})?$")]
    pub(crate) cursor: Option<String>,
}

/// `?cursor=` for the audit log.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// Where the previous page ended: the `next_cursor` of the page before.
    #[param(pattern = "^[0-9a-f]{0,64}$")]
    pub(crate) cursor: Option<String>,
}

/// A form that carries only its CSRF token.
#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub(crate) csrf: String,
}

pub(crate) fn internal(e: impl std::fmt::Display) -> AppError {
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
pub(crate) use csrf_form;

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

pub(crate) fn check_csrf(session: &Session, sent: &str) -> Result<(), PageError> {
    if same_secret(&session.csrf, sent) {
        Ok(())
    } else {
        Err(PageError(AppError::new(
            Code::Csrf,
            "This form has expired or did not come from this site. Go back, reload and try again.",
        )))
    }
}

pub(crate) async fn record(
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
