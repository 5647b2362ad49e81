//! Signing in and out: the login page, password checks in two lanes, sessions.

use askama::Template as Page;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use super::{CsrfForm, DEVICE_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, StaffForm, record};
use crate::error::{AppError, Code};
use crate::limits::client_key;
use crate::secret::{random_hex, same_secret};
use crate::staff;
use crate::web::AppState;
use crate::web::extract::{PageForm, PageQuery};
use crate::web::i18n::Locale;
use crate::web::problem::PageError;
use crate::web::problem::html;

#[derive(Page)]
#[template(path = "staff_login.html")]
struct LoginPage {
    l: Locale,
    csrf: String,
    next: String,
    error: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/staff") && !n.starts_with("//") => n.to_owned(),
        _ => "/staff".into(),
    }
}

pub(super) async fn login_page(
    l: Locale,
    jar: CookieJar,
    PageQuery(query): PageQuery<NextQuery>,
) -> Result<Response, PageError> {
    let csrf = random_hex(16);
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, csrf.clone()))
        .path("/staff")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    let page = html(LoginPage {
        l,
        csrf,
        next: safe_next(query.next.as_deref()),
        error: String::new(),
    })?;
    Ok((jar.add(cookie), page).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

pub(super) async fn login(
    State(state): State<AppState>,
    l: Locale,
    jar: CookieJar,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let cookie_csrf = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if cookie_csrf.is_empty() || !same_secret(&cookie_csrf, &form.csrf) {
        return Err(PageError(AppError::new(
            Code::Csrf,
            "This sign-in form has expired. Reload it and try again.",
        )));
    }
    let next = safe_next(form.next.as_deref());
    let attempt = staff::SignIn {
        name: &form.name,
        password: &form.password,
        client: &client_key(state.client_ip(&headers, &extensions)),
        device_cookie: jar.get(DEVICE_COOKIE).map(|c| c.value()),
    };
    let lanes = staff::PasswordLanes {
        known: &state.known_password_checks,
        others: &state.password_checks,
    };
    let signed_in = staff::sign_in(state.db(), lanes, state.limits.login, attempt).await?;
    let (token, device_token) = match signed_in {
        staff::SignedIn::Started { session, device } => (session, device),
        staff::SignedIn::Limited { retry_after } => {
            let refused = AppError::new(
                Code::RateLimited,
                "Too many attempts; wait a minute and try again.",
            );
            let page = html(LoginPage {
                error: l.error(&refused),
                l,
                csrf: form.csrf,
                next,
            })?;
            let wait = retry_after.to_string();
            return Ok((refused.status, [(header::RETRY_AFTER, wait)], page).into_response());
        }
        staff::SignedIn::Refused => {
            let page = html(LoginPage {
                error: l.t("error-login"),
                l,
                csrf: form.csrf,
                next,
            })?;
            return Ok((StatusCode::UNAUTHORIZED, page).into_response());
        }
    };
    let secure = state.public_url().starts_with("https://");
    let private = |name, value, path, ms| {
        Cookie::build((name, value))
            .path(path)
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .max_age(time::Duration::milliseconds(ms))
            .build()
    };
    let device = private(DEVICE_COOKIE, device_token, "/staff", staff::DEVICE_MS);
    let cookie = private(SESSION_COOKIE, token, "/", staff::SESSION_MS);
    Ok((
        jar.add(cookie)
            .add(device)
            .remove(Cookie::from(LOGIN_CSRF_COOKIE)),
        Redirect::to(&next),
    )
        .into_response())
}

pub(super) async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    StaffForm(session, _): StaffForm<CsrfForm>,
) -> Result<Response, PageError> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        staff::end_session(state.db(), cookie.value()).await?;
    }
    record(&state, &session.staff, "staff.logout", &session.staff, "").await?;
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/").build()),
        Redirect::to("/staff/login"),
    )
        .into_response())
}
