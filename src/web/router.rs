//! The routes, the layers every request passes through, and the server's lifetime.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, extract::DefaultBodyLimit};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::state::{AppState, RequestLabels};
use super::{
    api, assets, frames, i18n, images, memory, openapi, pages, problem, server, site_files, staff,
};
use crate::error::{AppError, Code};

/// The whole service: supporter pages, images, JSON API, with the protections every route
/// shares. Tests drive this same router.
pub fn app(state: AppState) -> Router {
    let csp = "default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; script-src 'self'; \
               style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
               frame-ancestors 'none'";
    // Supporters' photo uploads: timed by their progress as they are read
    // ([`upload::Progress`]), not by their length, so they sit outside the request timeout.
    let uploads = Router::new()
        .route(
            "/f/{frame}",
            get(frames::form)
                .post(frames::submit)
                .layer(frames::upload_limit()),
        )
        .route(
            "/api/frames/{frame}/pictures",
            post(frames::create).layer(frames::upload_limit()),
        );
    Router::new()
        // Supporters' pages, pictures and the JSON API; the staff area has its own file.
        .route("/", get(pages::home))
        .route("/t/{template}", get(pages::form))
        .route("/remix", post(pages::submit))
        .route("/m/{id}", get(pages::share))
        .route("/m/{id}/report", post(pages::report))
        .route("/s/{id}/copy", post(pages::copied))
        .route("/s/{id}/{network}", get(pages::share_on))
        .route(
            "/d/{id}/{token}",
            get(pages::delete_page).post(pages::delete),
        )
        .route("/gallery", get(pages::gallery))
        .route("/f/{frame}/frame.png", get(frames::png))
        .route("/api/frames", get(frames::frames))
        .route("/api/areas", get(api::areas))
        .route("/static/{file}", get(assets::serve))
        .route("/favicon.ico", get(site_files::favicon))
        .route("/icons/{file}", get(site_files::icon))
        .route("/manifest.webmanifest", get(site_files::manifest))
        .route("/robots.txt", get(site_files::robots))
        .route("/i/{file}", get(images::picture))
        .route("/i/{id}/{rendition}", get(images::rendition))
        .route("/preview/{file}", get(images::preview))
        .route("/render/{template}/{*lines}", get(images::render_by_url))
        .route("/photos/{id}", get(images::photo))
        .route("/api/templates", get(api::templates))
        .route("/api/remixes", post(api::create))
        .route("/api/remixes/{id}", get(api::remix))
        .route("/api/gallery", get(api::gallery))
        .route("/api/openapi.json", get(openapi::openapi))
        .merge(staff::router())
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.request_timeout,
        ))
        .merge(uploads)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(middleware::from_fn(uniform_errors))
        // Error pages are written in the language `choose` found, on the way out.
        .layer(middleware::from_fn_with_state(
            state.default_language(),
            problem::render_pages,
        ))
        .layer(middleware::from_fn_with_state(
            state.default_language(),
            i18n::choose,
        ))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(
            // 500s are logged where they happen, with their cause; a 503 under overload is
            // counted in /metrics and logged once a second, not once per request.
            TraceLayer::new_for_http().on_failure(()),
        )
        .with_state(state)
}

async fn count_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// Keeps every error in the documented format, whoever made it: axum's own rejections
/// (a path segment that is not UTF-8, a method the route does not take, a body over the
/// limit, a request that timed out) answer in plain text or with no body at all. On `/api`
/// they become the JSON error; elsewhere, the readable page.
async fn uniform_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/") || path == "/api";
    // Probes read the health answer as it is: one word.
    if path == "/healthz" {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ours = if api {
        kind.starts_with("application/json")
    } else {
        kind.starts_with("text/html") || kind.starts_with("application/json")
    };
    if ours {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 2048)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let code = match status {
        StatusCode::BAD_REQUEST => Code::BadRequest,
        StatusCode::NOT_FOUND => Code::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => Code::Timeout,
        StatusCode::PAYLOAD_TOO_LARGE => Code::TooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::UnsupportedMediaType,
        StatusCode::UNPROCESSABLE_ENTITY => Code::Invalid,
        StatusCode::RANGE_NOT_SATISFIABLE => Code::RangeNotSatisfiable,
        StatusCode::TOO_MANY_REQUESTS => Code::RateLimited,
        StatusCode::SERVICE_UNAVAILABLE => Code::Busy,
        // Any other refusal axum makes is the client's: a code carries one status, so it
        // goes out as 400.
        s if s.is_client_error() => Code::BadRequest,
        _ => Code::Internal,
    };
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("another method");
            format!("this path does not take that method; it takes {allowed}")
        }
        StatusCode::REQUEST_TIMEOUT => "the request took too long to arrive".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is larger than this accepts".into(),
        s if s.is_server_error() => "something went wrong on our side; please try again".into(),
        s => text.unwrap_or_else(|| s.canonical_reason().unwrap_or("bad request").to_owned()),
    };
    let error = AppError::new(code, message);
    let mut fresh = if api {
        error.into_response()
    } else {
        problem::error_page(&error)
    };
    for name in [header::ALLOW, header::RETRY_AFTER, header::CONNECTION] {
        if let Some(v) = parts.headers.get(&name) {
            fresh.headers_mut().insert(name, v.clone());
        }
    }
    fresh
}

async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        AppError::not_found(format!("no API route {}", uri.path())).into_response()
    } else {
        problem::error_page(&AppError::not_found("There is no page here.")).into_response()
    }
}

/// Runs the service until SIGINT or SIGTERM, letting requests in flight finish for at most
/// `limits.shutdown_timeout`.
pub async fn serve(
    state: AppState,
    listen: SocketAddr,
    limits: server::ServerLimits,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(address = %listener.local_addr()?, "jalsa is listening");
    let remixer = state.remixer().clone();
    let housekeeping = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        let mut rounds = 0u64;
        loop {
            tick.tick().await;
            rounds += 1;
            // The photo's own width and the form's preview: what is asked for most. The
            // first round is at once, so a fresh start prepares (or reads) them first.
            remixer
                .ready_jpeg_all(&[None, Some(images::PREVIEW_WIDTH)])
                .await;
            if let Err(e) = remixer.flush_counters().await {
                tracing::warn!(error = %e, "could not write request counters");
            }
            // Staff may edit the blocklist or the photos on another node.
            if let Err(e) = remixer.reload_blocklist().await {
                tracing::warn!(error = %e, "could not reload the blocklist");
            }
            if let Err(e) = remixer.load_stored_templates().await {
                tracing::warn!(error = %e, "could not reload the templates");
            }
            if rounds.is_multiple_of(12)
                && let Err(e) = remixer.db().prune_limits(crate::db::now_ms()).await
            {
                tracing::warn!(error = %e, "could not prune old rate-limit windows");
            }
        }
    });
    let giving_back = tokio::spawn(memory::keep_giving_back());
    let remixer = state.remixer().clone();
    server::serve(listener, app(state), limits, shutdown_signal()).await?;
    housekeeping.abort();
    giving_back.abort();
    if let Err(e) = remixer.flush_counters().await {
        tracing::warn!(error = %e, "could not write request counters at shutdown");
    }
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
