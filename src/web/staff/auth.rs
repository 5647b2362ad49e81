//! Signing in and out: the login page, password checks in two lanes, sessions.

use askama::Template as Page;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use super::{CsrfForm, DEVICE_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, StaffForm, html, record};
use crate::error::{AppError, Code};
use crate::limits::client_key;
use crate::secret::{random_hex, same_secret};
use crate::staff;
use crate::web::AppState;
use crate::web::extract::{PageForm, PageQuery};
use crate::web::i18n::Locale;
use crate::web::pages::PageError;

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
    // Attempts count per client, and per account from that client: a flood of wrong
    // passwords from many addresses slows each of them, but cannot lock a staff member out
    // of their own account from their own address.
    let client = client_key(state.client_ip(&headers, &extensions));
    let name = form.name.to_lowercase();
    let limit = state.limits.login;
    let message = "Too many attempts; wait a minute and try again.";
    let mut refused = state
        .check_limit(&format!("login:{client}"), limit, message)
        .await
        .err();
    if refused.is_none() {
        refused = state
            .check_limit(&format!("login:{name}@{client}"), limit, message)
            .await
            .err();
    }
    let next = safe_next(form.next.as_deref());
    if let Some(refused) = refused {
        if refused.status != StatusCode::TOO_MANY_REQUESTS {
            return Err(PageError(refused));
        }
        let page = html(LoginPage {
            error: l.error(&refused),
            l,
            csrf: form.csrf,
            next,
        })?;
        let wait = refused.retry_after.unwrap_or(60).to_string();
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait)],
            page,
        )
            .into_response());
    }
    // Sign-ins from where this account signed in before (its address, or the cookie left
    // there) have password checks of their own, which a flood from elsewhere cannot fill.
    let device_cookie = jar.get(DEVICE_COOKIE).map(|c| c.value().to_owned());
    let mut devices = vec![format!("client:{client}")];
    devices.extend(device_cookie.as_deref().map(staff::cookie_device));
    let known = staff::known_device(state.db(), &form.name, &devices).await?;
    let checks = if known {
        &state.known_password_checks
    } else {
        &state.password_checks
    };
    let ok = staff::check_password(state.db(), checks, &form.name, &form.password)
        .await
        .map_err(|e| PageError(AppError::from(e)))?;
    if !ok {
        let page = html(LoginPage {
            error: l.t("error-login"),
            l,
            csrf: form.csrf,
            next,
        })?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    }
    let (token, _) = staff::start_session(state.db(), &form.name).await?;
    record(&state, &form.name, "staff.login", &form.name, "").await?;
    // A fresh cookie at every sign-in: one the client brought is never adopted.
    let device_token = random_hex(32);
    devices.truncate(1);
    devices.push(staff::cookie_device(&device_token));
    staff::remember_devices(state.db(), &form.name, &devices).await?;
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
