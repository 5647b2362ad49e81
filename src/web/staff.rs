//! The staff area: sign-in, the moderation queue, the official photo manager, the caption
//! blocklist, API tokens and the audit log; pages behind a session cookie with a CSRF token
//! on every form, and the same actions as JSON behind bearer tokens.

use std::sync::Arc;

use askama::Template as Page;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use axum_extra::extract::{Form, Query, WithRejection};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api::{remix_json, template_json};
use super::pages::{PageError, error_page};
use crate::db::{RemixRow, Status, TemplateStatus};
use crate::error::{AppError, code};
use crate::limits::client_key;
use crate::remix::{RemixError, TemplateEdit};
use crate::render::template::{MAX_PHOTO_PIXELS, TextBox};
use crate::render::{Template, TemplateSpec};
use crate::staff::{self, Session, same_secret};

const SESSION_COOKIE: &str = "jalsa_session";
const LOGIN_CSRF_COOKIE: &str = "jalsa_login_csrf";
/// Set at a successful sign-in: later sign-ins with it get the known staff's lane of
/// password checks.
const DEVICE_COOKIE: &str = "jalsa_device";
/// The largest photo upload, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// The smallest side an uploaded photo may have: smaller ones cannot carry a caption (and
/// every remix of them would fail).
pub const MIN_PHOTO_SIDE: u32 = 64;
/// Uploaded photos are scaled to at most this many pixels on the long side.
pub const MAX_PHOTO_SIDE: u32 = 1600;

/// The staff routes.
pub fn router() -> Router<AppState> {
    let upload_limit = DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 1024 * 1024);
    Router::new()
        .route("/staff/login", get(login_page).post(login))
        .route("/staff/logout", post(logout))
        .route("/staff", get(queue_page))
        .route("/staff/remixes", post(bulk_status_form))
        .route(
            "/staff/templates",
            get(templates_page).post(upload_form).layer(upload_limit),
        )
        .route(
            "/staff/templates/{id}",
            get(template_page).post(save_template_form),
        )
        .route("/staff/templates/{id}/status", post(template_status_form))
        .route("/staff/templates/{id}/preview.jpg", get(template_preview))
        .route("/staff/blocklist", get(blocklist_page).post(block_form))
        .route("/staff/blocklist/remove", post(unblock_form))
        .route("/staff/tokens", get(tokens_page).post(create_token_form))
        .route("/staff/tokens/{id}/revoke", post(revoke_token_form))
        .route("/staff/audit", get(audit_page))
        .route("/m/{id}/report", post(report))
        .route("/api/staff/queue", get(api_queue))
        .route("/api/staff/remixes/status", post(api_bulk_status))
        .route("/api/staff/remixes/{id}/status", post(api_status))
        .route("/api/staff/templates", post(api_upload).layer(upload_limit))
        .route("/api/staff/templates/{id}/retire", post(api_retire))
        .route("/api/staff/templates/{id}/publish", post(api_publish))
        .route("/api/staff/blocklist", get(api_blocklist).post(api_block))
        .route("/api/staff/blocklist/remove", post(api_unblock))
        .route("/api/staff/tokens", post(api_create_token))
        .route("/api/staff/tokens/{id}/revoke", post(api_revoke_token))
        .route("/api/staff/audit", get(api_audit))
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::internal(e)
}

fn staff_error(e: staff::StaffError) -> AppError {
    match e {
        staff::StaffError::Invalid(m) => {
            AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code::INVALID, m)
        }
        staff::StaffError::Busy => AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            code::BUSY,
            "Many people are signing in right now; try again in a few seconds.",
        )
        .retry_after(2),
        staff::StaffError::Db(e) => internal(e),
    }
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
            && let Some(session) = staff::session(state.remixer.db(), cookie.value())
                .await
                .map_err(|e| error_page(&staff_error(e)))?
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
                StatusCode::UNAUTHORIZED,
                code::UNAUTHORIZED,
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
        match staff::token_staff(state.remixer.db(), token).await {
            Ok(Some(name)) => Ok(ApiStaff(name)),
            Ok(None) => Err(unauthorized()),
            Err(e) => Err(staff_error(e).into_response()),
        }
    }
}

/// Refuses a form post whose CSRF token is not the session's.
fn check_csrf(session: &Session, sent: &str) -> Result<(), PageError> {
    if same_secret(&session.csrf, sent) {
        Ok(())
    } else {
        Err(PageError(AppError::new(
            StatusCode::FORBIDDEN,
            code::CSRF,
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
    staff::audit(state.remixer.db(), staff, action, item, detail)
        .await
        .map_err(staff_error)
}

// ----- sign in and out -----

#[derive(Page)]
#[template(path = "staff_login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    error: String,
}

#[derive(Debug, Default, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/staff") && !n.starts_with("//") => n.to_owned(),
        _ => "/staff".into(),
    }
}

async fn login_page(
    jar: CookieJar,
    WithRejection(Query(query), _): WithRejection<Query<NextQuery>, PageError>,
) -> Result<Response, PageError> {
    let csrf = staff::random_hex(16);
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, csrf.clone()))
        .path("/staff")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    let page = html(LoginPage {
        csrf,
        next: safe_next(query.next.as_deref()),
        error: String::new(),
    })?;
    Ok((jar.add(cookie), page).into_response())
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    WithRejection(Form(form), _): WithRejection<Form<LoginForm>, PageError>,
) -> Result<Response, PageError> {
    let cookie_csrf = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if cookie_csrf.is_empty() || !same_secret(&cookie_csrf, &form.csrf) {
        return Err(PageError(AppError::new(
            StatusCode::FORBIDDEN,
            code::CSRF,
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
            csrf: form.csrf,
            next,
            error: message.into(),
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
    let known = staff::known_device(state.remixer.db(), &form.name, &devices)
        .await
        .map_err(staff_error)?;
    let checks = if known {
        &state.known_password_checks
    } else {
        &state.password_checks
    };
    let ok = staff::check_password(state.remixer.db(), checks, &form.name, &form.password)
        .await
        .map_err(|e| PageError(staff_error(e)))?;
    if !ok {
        let page = html(LoginPage {
            csrf: form.csrf,
            next,
            error: "That name and password do not match.".into(),
        })?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    }
    let (token, _) = staff::start_session(state.remixer.db(), &form.name)
        .await
        .map_err(staff_error)?;
    record(&state, &form.name, "staff.login", &form.name, "").await?;
    // A fresh cookie at every sign-in: one the client brought is never adopted.
    let device_token = staff::random_hex(32);
    devices.truncate(1);
    devices.push(staff::cookie_device(&device_token));
    staff::remember_devices(state.remixer.db(), &form.name, &devices)
        .await
        .map_err(staff_error)?;
    let secure = state.public_url.starts_with("https://");
    let device = Cookie::build((DEVICE_COOKIE, device_token))
        .path("/staff")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::milliseconds(staff::DEVICE_MS))
        .build();
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::milliseconds(staff::SESSION_MS))
        .build();
    Ok((
        jar.add(cookie)
            .add(device)
            .remove(Cookie::from(LOGIN_CSRF_COOKIE)),
        Redirect::to(&next),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    jar: CookieJar,
    WithRejection(Form(form), _): WithRejection<Form<CsrfForm>, PageError>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        staff::end_session(state.remixer.db(), cookie.value())
            .await
            .map_err(staff_error)?;
    }
    record(&state, &session.staff, "staff.logout", &session.staff, "").await?;
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/").build()),
        Redirect::to("/staff/login"),
    )
        .into_response())
}

// ----- moderation -----

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

#[derive(Debug, Default, Deserialize)]
struct CursorQuery {
    cursor: Option<String>,
}

async fn queue_page(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    WithRejection(Query(query), _): WithRejection<Query<CursorQuery>, PageError>,
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
        if state.remixer.set_status(id, status).await? {
            state.pictures.invalidate(&format!("{id}.jpg"));
            record(state, staff, "remix.status", id, status.as_str()).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

#[derive(Debug, Deserialize)]
struct BulkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: Vec<String>,
    #[serde(default)]
    status: String,
}

async fn bulk_status_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    WithRejection(Form(form), _): WithRejection<Form<BulkForm>, PageError>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    let status: Status = form
        .status
        .parse()
        .map_err(|e: String| AppError::bad_request(code::BAD_STATUS, e))?;
    change_status(&state, &session.staff, &form.id, status).await?;
    Ok(Redirect::to("/staff").into_response())
}

async fn api_queue(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
    WithRejection(Query(query), _): WithRejection<Query<CursorQuery>, AppError>,
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
struct StatusBody {
    status: Status,
}

async fn api_status(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    WithRejection(Json(body), _): WithRejection<Json<StatusBody>, AppError>,
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
struct BulkBody {
    ids: Vec<String>,
    status: Status,
}

async fn api_bulk_status(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    WithRejection(Json(body), _): WithRejection<Json<BulkBody>, AppError>,
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

// ----- reports from supporters -----

#[derive(Debug, Default, Deserialize)]
struct ReportForm {
    reason: Option<String>,
}

async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    WithRejection(Form(form), _): WithRejection<Form<ReportForm>, PageError>,
) -> Result<Response, PageError> {
    let row = super::api::find_remix(&state, &id).await?;
    let client = client_key(state.client_ip(&headers, &extensions));
    state
        .check_limit(
            &format!("report:{client}"),
            state.limits.report,
            "You have sent many reports; thank you. Try again later.",
        )
        .await?;
    let reason = form.reason.as_deref().unwrap_or("");
    if state.remixer.refuses(reason) {
        return Err(PageError(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::REASON_BLOCKED,
            "Your reason contains a phrase this campaign does not allow; please say it in other words.",
        )));
    }
    staff::report(
        state.remixer.db(),
        &row.id,
        form.reason.as_deref().unwrap_or(""),
    )
    .await
    .map_err(staff_error)?;
    state.remixer.forget_remix(&row.id);
    Ok(Redirect::to(&format!("/m/{}?reported=1", row.id)).into_response())
}

// ----- the official photo manager -----

/// Checks an uploaded photo and makes it the stored form: JPEG, PNG or WebP by its bytes,
/// at most 20 MB and 40 megapixels (read from the header before any decoding), upright by
/// its EXIF orientation, at most 1600 px on the long side, re-encoded without metadata.
pub fn accept_photo(bytes: &[u8]) -> Result<Vec<u8>, AppError> {
    let refuse = |m: String| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code::BAD_PHOTO, m);
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            code::PHOTO_TOO_LARGE,
            format!(
                "the photo is {:.1} MB; the limit is 20 MB",
                bytes.len() as f64 / 1_048_576.0
            ),
        ));
    }
    if bytes.is_empty() {
        return Err(refuse("no photo was sent".into()));
    }
    let format = image::guess_format(bytes)
        .map_err(|_| refuse("the file is not a JPEG, PNG or WebP image".into()))?;
    if format == image::ImageFormat::Jpeg && !bytes.ends_with(&[0xFF, 0xD9]) {
        return Err(refuse(
            "the JPEG is damaged or cut short (it has no end marker)".into(),
        ));
    }
    let photo = crate::render::template::decode_photo(bytes).map_err(|e| {
        if e.contains("megapixels") || e.contains("not accepted") || e.contains("not a JPEG") {
            refuse(e)
        } else {
            refuse(format!("the photo is damaged or cut short: {e}"))
        }
    })?;
    let (w, h) = photo.dimensions();
    if w.min(h) < MIN_PHOTO_SIDE {
        return Err(refuse(format!(
            "the photo is {w}x{h} pixels; each side needs at least {MIN_PHOTO_SIDE}"
        )));
    }
    debug_assert!(u64::from(w) * u64::from(h) <= MAX_PHOTO_PIXELS);
    let scale = (MAX_PHOTO_SIDE as f32 / w.max(h) as f32).min(1.0);
    let photo = if scale < 1.0 {
        let (nw, nh) = (
            ((w as f32 * scale).round() as u32).max(1),
            ((h as f32 * scale).round() as u32).max(1),
        );
        image::imageops::resize(&photo, nw, nh, image::imageops::FilterType::Lanczos3)
    } else {
        photo
    };
    Ok(crate::render::encode::jpeg(&photo, 90))
}

/// A template id from a title: lowercase letters, digits and dashes, made unique.
fn new_template_id(state: &AppState, title: &str) -> String {
    let mut slug: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    let slug: String = slug.trim_matches('-').chars().take(30).collect();
    let slug = if slug.is_empty() {
        "photo".to_owned()
    } else {
        slug
    };
    if state.remixer.template(&slug).is_none() {
        slug
    } else {
        format!("{slug}-{}", staff::random_hex(3))
    }
}

struct Upload {
    photo: Bytes,
    title: String,
    alt: String,
    hashtags: String,
    boxes: Option<String>,
    csrf: String,
    publish: bool,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload {
        photo: Bytes::new(),
        title: String::new(),
        alt: String::new(),
        hashtags: String::new(),
        boxes: None,
        csrf: String::new(),
        publish: false,
    };
    let too_big = || {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            code::PHOTO_TOO_LARGE,
            "the upload is larger than 20 MB; the limit is 20 MB",
        )
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
            Err(e) => return Err(AppError::bad_request(code::BAD_UPLOAD, e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let data = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_big()
            } else {
                AppError::bad_request(code::BAD_UPLOAD, e.body_text())
            }
        })?;
        let text = || String::from_utf8_lossy(&data).trim().to_owned();
        match name.as_str() {
            "photo" => upload.photo = data,
            "title" => upload.title = text(),
            "alt" => upload.alt = text(),
            "hashtags" => upload.hashtags = text(),
            "boxes" => upload.boxes = Some(text()).filter(|b| !b.is_empty()),
            "csrf" => upload.csrf = text(),
            "publish" => upload.publish = matches!(text().as_str(), "1" | "true" | "on" | "yes"),
            _ => {}
        }
    }
    Ok(upload)
}

fn hashtags(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(|t| t.trim().trim_start_matches('#').to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Creates a template from an upload (a draft unless `publish`).
async fn create_template(
    state: &AppState,
    staff: &str,
    upload: Upload,
) -> Result<Arc<Template>, AppError> {
    let invalid =
        |m: String| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code::INVALID_TEMPLATE, m);
    let photo = tokio::task::spawn_blocking(move || accept_photo(&upload.photo))
        .await
        .map_err(internal)??;
    let boxes = match &upload.boxes {
        Some(json) => serde_json::from_str::<Vec<TextBox>>(json)
            .map_err(|e| invalid(format!("boxes: {e}")))?,
        None => TextBox::top_and_bottom(),
    };
    let title = if upload.title.is_empty() {
        "Untitled photo".to_owned()
    } else {
        upload.title.clone()
    };
    let alt = if upload.alt.is_empty() {
        title.clone()
    } else {
        upload.alt.clone()
    };
    if state.remixer.refuses(&title) || state.remixer.refuses(&alt) {
        return Err(invalid(
            "the title or alt text contains a phrase on the blocklist".into(),
        ));
    }
    let spec = TemplateSpec {
        title: title.clone(),
        alt,
        hashtags: hashtags(&upload.hashtags),
        photo: "photo.jpg".into(),
        boxes,
    };
    let id = new_template_id(state, &title);
    let template_id = id.parse().map_err(invalid)?;
    // Decoding the accepted photo is CPU work: keep it off the async executor.
    let (template, photo) = tokio::task::spawn_blocking(move || {
        Template::new(template_id, spec, &photo).map(|t| (t, photo))
    })
    .await
    .map_err(internal)?
    .map_err(invalid)?;
    let template = Arc::new(template);
    let status = if upload.publish {
        TemplateStatus::Published
    } else {
        TemplateStatus::Draft
    };
    // The id was free a moment ago; another upload of the same title may have taken it.
    if !state
        .remixer
        .upload_template(template.clone(), Bytes::from(photo), "jpg", status)
        .await?
    {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            code::TEMPLATE_EXISTS,
            format!("a template {id:?} was uploaded at the same time; send it again"),
        ));
    }
    record(state, staff, "template.upload", &id, status.as_str()).await?;
    Ok(template)
}

struct TemplateItem {
    id: String,
    title: String,
    status: String,
    size: String,
}

#[derive(Page)]
#[template(path = "staff_templates.html")]
struct TemplatesPage {
    staff: String,
    csrf: String,
    items: Vec<TemplateItem>,
    error: String,
}

fn template_items(state: &AppState) -> Vec<TemplateItem> {
    state
        .remixer
        .templates()
        .iter()
        .map(|t| TemplateItem {
            id: t.id.to_string(),
            title: t.spec.title.clone(),
            status: state
                .remixer
                .template_status(t.id.as_str())
                .unwrap_or(TemplateStatus::Published)
                .to_string(),
            size: format!("{}x{}", t.size().0, t.size().1),
        })
        .collect()
}

async fn templates_page(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
) -> Result<Html<String>, PageError> {
    html(TemplatesPage {
        staff: session.staff,
        csrf: session.csrf,
        items: template_items(&state),
        error: String::new(),
    })
}

async fn upload_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let upload = read_upload(multipart).await?;
    check_csrf(&session, &upload.csrf)?;
    match create_template(&state, &session.staff, upload).await {
        Ok(t) => Ok(Redirect::to(&format!("/staff/templates/{}", t.id)).into_response()),
        Err(e) if e.status.is_client_error() => {
            let page = html(TemplatesPage {
                staff: session.staff,
                csrf: session.csrf,
                items: template_items(&state),
                error: e.message.clone(),
            })?;
            Ok((e.status, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

struct BoxRow {
    n: usize,
    x: String,
    y: String,
    width: String,
    height: String,
}

#[derive(Page)]
#[template(path = "staff_template.html")]
struct TemplatePage {
    staff: String,
    csrf: String,
    id: String,
    title: String,
    alt: String,
    hashtags: String,
    status: String,
    rows: Vec<BoxRow>,
    preview: String,
    width: u32,
    height: u32,
    error: String,
}

fn template_page_for(
    state: &AppState,
    session: &Session,
    t: &Template,
    error: String,
) -> TemplatePage {
    let mut rows: Vec<BoxRow> = t
        .spec
        .boxes
        .iter()
        .enumerate()
        .map(|(i, b)| BoxRow {
            n: i + 1,
            x: format!("{:.3}", b.x),
            y: format!("{:.3}", b.y),
            width: format!("{:.3}", b.width),
            height: format!("{:.3}", b.height),
        })
        .collect();
    while rows.len() < crate::render::template::MAX_BOXES {
        rows.push(BoxRow {
            n: rows.len() + 1,
            x: String::new(),
            y: String::new(),
            width: String::new(),
            height: String::new(),
        });
    }
    let sample: Vec<String> = (1..=t.spec.boxes.len())
        .map(|i| format!("text=Sample+caption+{i}"))
        .collect();
    TemplatePage {
        staff: session.staff.clone(),
        csrf: session.csrf.clone(),
        id: t.id.to_string(),
        title: t.spec.title.clone(),
        alt: t.spec.alt.clone(),
        hashtags: t.spec.hashtags.join(", "),
        status: state
            .remixer
            .template_status(t.id.as_str())
            .unwrap_or(TemplateStatus::Published)
            .to_string(),
        rows,
        preview: format!("/staff/templates/{}/preview.jpg?{}", t.id, sample.join("&")),
        width: t.size().0,
        height: t.size().1,
        error,
    }
}

fn find_template(state: &AppState, id: &str) -> Result<Arc<Template>, AppError> {
    state.remixer.template(id).ok_or_else(|| {
        AppError::new(
            StatusCode::NOT_FOUND,
            code::UNKNOWN_TEMPLATE,
            format!("no template {id:?}"),
        )
    })
}

async fn template_page(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let t = find_template(&state, &id)?;
    html(template_page_for(&state, &session, &t, String::new()))
}

#[derive(Debug, Deserialize)]
struct TemplateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    alt: String,
    #[serde(default)]
    hashtags: String,
    #[serde(default)]
    x: Vec<String>,
    #[serde(default)]
    y: Vec<String>,
    #[serde(default)]
    width: Vec<String>,
    #[serde(default)]
    height: Vec<String>,
}

async fn save_template_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<TemplateForm>, PageError>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    let t = find_template(&state, &id)?;
    let mut boxes = Vec::new();
    let mut problem = String::new();
    for i in 0..form.x.len().min(crate::render::template::MAX_BOXES) {
        let cells = [&form.x, &form.y, &form.width, &form.height]
            .map(|v| v.get(i).map(|s| s.trim()).unwrap_or(""));
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let numbers: Result<Vec<f64>, _> = cells.iter().map(|c| c.parse::<f64>()).collect();
        match numbers {
            Ok(n) => {
                let mut b = t
                    .spec
                    .boxes
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| TextBox::top_and_bottom().remove(0));
                (b.x, b.y, b.width, b.height) = (n[0], n[1], n[2], n[3]);
                boxes.push(b);
            }
            Err(_) => {
                problem = format!(
                    "box {}: x, y, width and height must be numbers from 0 to 1",
                    i + 1
                )
            }
        }
    }
    if problem.is_empty()
        && (state.remixer.refuses(&form.title) || state.remixer.refuses(&form.alt))
    {
        problem = "the title or alt text contains a phrase on the blocklist".into();
    }
    let edit = TemplateEdit {
        title: form.title.trim().to_owned(),
        alt: form.alt.trim().to_owned(),
        hashtags: hashtags(&form.hashtags),
        boxes,
    };
    if problem.is_empty() {
        match state.remixer.edit_template(&id, edit).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(find_template(&state, &id)
                    .err()
                    .unwrap_or_else(|| AppError::internal("template vanished"))
                    .into());
            }
            Err(RemixError::BadTemplate { why, .. }) => problem = why,
            Err(e) => return Err(AppError::from(e).into()),
        }
    }
    if !problem.is_empty() {
        let page = html(template_page_for(&state, &session, &t, problem))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    record(&state, &session.staff, "template.edit", &id, "").await?;
    Ok(Redirect::to(&format!("/staff/templates/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
struct TemplateStatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

async fn set_template_status(
    state: &AppState,
    staff: &str,
    id: &str,
    status: TemplateStatus,
) -> Result<(), AppError> {
    find_template(state, id)?;
    state.remixer.set_template_status(id, status).await?;
    record(state, staff, "template.status", id, status.as_str()).await
}

async fn template_status_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<TemplateStatusForm>, PageError>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    let status = form
        .status
        .parse()
        .map_err(|why| AppError::bad_request(code::BAD_STATUS, why))?;
    set_template_status(&state, &session.staff, &id, status).await?;
    Ok(Redirect::to(&format!("/staff/templates/{id}")).into_response())
}

async fn template_preview(
    State(state): State<AppState>,
    StaffUser(_): StaffUser,
    Path(id): Path<String>,
    WithRejection(Query(query), _): WithRejection<Query<super::images::PictureQuery>, AppError>,
) -> Result<Response, PageError> {
    let t = find_template(&state, &id)?;
    let remix = crate::render::Remix {
        captions: query.text,
        style: query.style.to_style()?,
        format: crate::render::Format::Jpeg,
        width: Some(query.width.unwrap_or(640).min(t.size().0.max(64))),
    };
    let rendered = state
        .remixer
        .run_render(move |r| r.render(&t, &remix))
        .await?
        .map_err(AppError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        rendered.bytes,
    )
        .into_response())
}

async fn api_upload(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let mut upload = read_upload(multipart).await?;
    // The API twin of upload, place boxes and publish: published unless asked otherwise.
    if upload.boxes.is_some() && !upload.publish {
        upload.publish = true;
    }
    let template = create_template(&state, &staff, upload).await?;
    let mut body = template_json(&state, &template);
    body["status"] = json!(state.remixer.template_status(template.id.as_str()));
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

async fn api_retire(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    set_template_status(&state, &staff, &id, TemplateStatus::Retired).await?;
    Ok(Json(json!({"id": id, "status": "retired"})))
}

async fn api_publish(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    set_template_status(&state, &staff, &id, TemplateStatus::Published).await?;
    Ok(Json(json!({"id": id, "status": "published"})))
}

// ----- blocklist -----

#[derive(Page)]
#[template(path = "staff_blocklist.html")]
struct BlocklistPage {
    staff: String,
    csrf: String,
    phrases: Vec<String>,
    error: String,
}

async fn blocklist_page(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
) -> Result<Html<String>, PageError> {
    let phrases = staff::blocked_phrases(state.remixer.db())
        .await
        .map_err(staff_error)?;
    html(BlocklistPage {
        staff: session.staff,
        csrf: session.csrf,
        phrases,
        error: String::new(),
    })
}

#[derive(Debug, Deserialize)]
struct PhraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phrase: String,
}

async fn block(state: &AppState, staff: &str, phrase: &str) -> Result<String, AppError> {
    let stored = staff::block_phrase(state.remixer.db(), staff, phrase)
        .await
        .map_err(staff_error)?;
    state.remixer.reload_blocklist().await?;
    record(state, staff, "blocklist.add", &stored, "").await?;
    Ok(stored)
}

async fn unblock(state: &AppState, staff: &str, phrase: &str) -> Result<bool, AppError> {
    let removed = staff::unblock_phrase(state.remixer.db(), phrase)
        .await
        .map_err(staff_error)?;
    state.remixer.reload_blocklist().await?;
    if removed {
        record(state, staff, "blocklist.remove", phrase, "").await?;
    }
    Ok(removed)
}

async fn block_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    WithRejection(Form(form), _): WithRejection<Form<PhraseForm>, PageError>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    if let Err(e) = block(&state, &session.staff, &form.phrase).await {
        let phrases = staff::blocked_phrases(state.remixer.db())
            .await
            .map_err(staff_error)?;
        let page = html(BlocklistPage {
            staff: session.staff,
            csrf: session.csrf,
            phrases,
            error: e.message.clone(),
        })?;
        return Ok((e.status, page).into_response());
    }
    Ok(Redirect::to("/staff/blocklist").into_response())
}

async fn unblock_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    WithRejection(Form(form), _): WithRejection<Form<PhraseForm>, PageError>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    unblock(&state, &session.staff, &form.phrase).await?;
    Ok(Redirect::to("/staff/blocklist").into_response())
}

async fn api_blocklist(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
) -> Result<Json<Value>, AppError> {
    let phrases = staff::blocked_phrases(state.remixer.db())
        .await
        .map_err(staff_error)?;
    Ok(Json(json!({"phrases": phrases})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseBody {
    phrase: String,
}

async fn api_block(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    WithRejection(Json(body), _): WithRejection<Json<PhraseBody>, AppError>,
) -> Result<Response, AppError> {
    let stored = block(&state, &staff, &body.phrase).await?;
    Ok((StatusCode::CREATED, Json(json!({"phrase": stored}))).into_response())
}

async fn api_unblock(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    WithRejection(Json(body), _): WithRejection<Json<PhraseBody>, AppError>,
) -> Result<Json<Value>, AppError> {
    if !unblock(&state, &staff, &body.phrase).await? {
        return Err(AppError::not_found(format!(
            "{:?} is not on the blocklist",
            body.phrase
        )));
    }
    Ok(Json(json!({"removed": body.phrase})))
}

// ----- API tokens -----

#[derive(Page)]
#[template(path = "staff_tokens.html")]
struct TokensPage {
    staff: String,
    csrf: String,
    tokens: Vec<staff::TokenInfo>,
    created: String,
}

async fn tokens_page(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
) -> Result<Html<String>, PageError> {
    let tokens = staff::list_tokens(state.remixer.db())
        .await
        .map_err(staff_error)?;
    html(TokensPage {
        staff: session.staff,
        csrf: session.csrf,
        tokens,
        created: String::new(),
    })
}

async fn create_token_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    WithRejection(Form(form), _): WithRejection<Form<CsrfForm>, PageError>,
) -> Result<Html<String>, PageError> {
    check_csrf(&session, &form.csrf)?;
    let (secret, info) = staff::create_token(state.remixer.db(), &session.staff)
        .await
        .map_err(staff_error)?;
    record(&state, &session.staff, "token.create", &info.id, "").await?;
    let tokens = staff::list_tokens(state.remixer.db())
        .await
        .map_err(staff_error)?;
    html(TokensPage {
        staff: session.staff,
        csrf: session.csrf,
        tokens,
        created: secret,
    })
}

async fn revoke_token_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<CsrfForm>, PageError>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    if staff::revoke_token(state.remixer.db(), &id)
        .await
        .map_err(staff_error)?
    {
        record(&state, &session.staff, "token.revoke", &id, "").await?;
    }
    Ok(Redirect::to("/staff/tokens").into_response())
}

async fn api_create_token(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> Result<Response, AppError> {
    let (secret, info) = staff::create_token(state.remixer.db(), &staff)
        .await
        .map_err(staff_error)?;
    record(&state, &staff, "token.create", &info.id, "").await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": info.id, "token": secret})),
    )
        .into_response())
}

async fn api_revoke_token(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    if !staff::revoke_token(state.remixer.db(), &id)
        .await
        .map_err(staff_error)?
    {
        return Err(AppError::not_found(format!("no live token {id:?}")));
    }
    record(&state, &staff, "token.revoke", &id, "").await?;
    Ok(Json(json!({"id": id, "revoked": true})))
}

// ----- audit log -----

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

async fn audit_page(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    WithRejection(Query(query), _): WithRejection<Query<CursorQuery>, PageError>,
) -> Result<Html<String>, PageError> {
    let page = staff::audit_log(state.remixer.db(), query.cursor.as_deref(), 100)
        .await
        .map_err(staff_error)?;
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

async fn api_audit(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
    WithRejection(Query(query), _): WithRejection<Query<CursorQuery>, AppError>,
) -> Result<Json<Value>, AppError> {
    let page = staff::audit_log(state.remixer.db(), query.cursor.as_deref(), 100)
        .await
        .map_err(staff_error)?;
    Ok(Json(json!({"items": page.items, "next_cursor": page.next})))
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
