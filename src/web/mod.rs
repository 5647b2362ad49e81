//! The service: axum on tokio, one router per area.

pub mod admission;
pub mod api;
pub mod assets;
pub mod client;
pub mod extract;
pub mod frames;
pub mod i18n;
pub mod icons;
pub mod images;
pub mod memory;
pub(crate) mod openapi;
pub mod pages;
pub mod server;
pub(crate) mod staff;
pub mod upload;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, extract::DefaultBodyLimit};
use bytes::Bytes;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::{AppError, Code};
use crate::limits::{self, Limit, Verdict};
use crate::remix::Remixer;
pub use client::TrustedProxies;

/// The per-client and per-account limits, counted across nodes in the database.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// New remixes per client.
    pub remix: Limit,
    /// Sign-in attempts per client, and per account from one client.
    pub login: Limit,
    /// Reports per client.
    pub report: Limit,
    /// Photos sent to frames per client (each one is read and decoded).
    pub upload: Limit,
    /// Password checks running at once (each holds about 19 MiB for its moment).
    pub password_checks: usize,
    /// Bytes all upload bodies on this node may hold in memory at once.
    pub upload_memory: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            remix: Limit::per_minute(30),
            login: Limit::per_minute(10),
            report: Limit::per_hour(20),
            upload: Limit::per_minute(10),
            password_checks: 2,
            upload_memory: upload::DEFAULT_UPLOAD_MEMORY,
        }
    }
}

/// Everything a request handler needs, shared by every request: the state of the service
/// and its settings. Handlers reach it through [`AppState`].
pub struct App {
    /// Templates, renderer, blobs and rows.
    remixer: Arc<Remixer>,
    /// Base of absolute links (share tags), without a trailing slash.
    public_url: Arc<str>,
    /// Per-client and per-account limits.
    limits: Limits,
    /// The proxies whose `X-Forwarded-For` is believed.
    trusted_proxies: TrustedProxies,
    /// Prometheus metrics.
    metrics: Metrics,
    /// Hot pictures, so a viral image is served from memory.
    pictures: images::PictureCache,
    /// Password checks running now, and how many wait for one.
    password_checks: crate::staff::PasswordChecker,
    /// Password checks for sign-ins from where the account signed in before.
    known_password_checks: crate::staff::PasswordChecker,
    /// The longest a request may take, body included.
    request_timeout: Duration,
    /// Supporters' uploads are timed by progress instead ([`upload::Progress`]).
    upload_stall: Duration,
    /// The last health check.
    health: Health,
    /// The interface's language for a request that names none.
    language: i18n::Lang,
    /// Memory for upload bodies, shared by every upload on this node.
    uploads: upload::UploadMemory,
}

/// The handlers' view of the [`App`]: one pointer, cheap to clone (the shape of crates.io's
/// `AppState(Arc<App>)`).
#[derive(Clone)]
pub struct AppState(Arc<App>);

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

impl App {
    /// Templates, renderer, blobs and rows.
    pub fn remixer(&self) -> &Arc<Remixer> {
        &self.remixer
    }

    /// The database.
    pub fn db(&self) -> &crate::db::Db {
        self.remixer.db()
    }

    /// Base of absolute links, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The interface's language for a request that names none (`--language`).
    pub fn default_language(&self) -> i18n::Lang {
        self.language
    }

    /// Memory for upload bodies on this node.
    pub fn uploads(&self) -> &upload::UploadMemory {
        &self.uploads
    }

    /// The pictures this node keeps in memory.
    pub fn pictures(&self) -> &images::PictureCache {
        &self.pictures
    }

    /// Drops every picture of a remix this node keeps in memory (after its status changed).
    pub fn forget_pictures(&self, id: &str) {
        self.pictures.forget_remix(id);
        self.remixer.forget_remix(id);
    }
}

/// The health check: a write to the database and one to the blob store, at most once a
/// second whatever the number of callers.
pub struct Health {
    last: tokio::sync::Mutex<Option<(std::time::Instant, bool)>>,
    /// 1 when the component took its write at the last check, by component.
    components: Family<HealthLabels, Gauge>,
}

/// Labels of the health gauge.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HealthLabels {
    /// `database` or `storage`.
    pub component: &'static str,
}

impl Health {
    fn new(registry_family: Family<HealthLabels, Gauge>) -> Health {
        Health {
            last: tokio::sync::Mutex::new(None),
            components: registry_family,
        }
    }

    /// Whether the database and the blob store take writes now (or did less than a second
    /// ago).
    pub async fn check(&self, remixer: &Remixer) -> bool {
        let mut last = self.last.lock().await;
        if let Some((at, healthy)) = *last
            && at.elapsed() < Duration::from_secs(1)
        {
            return healthy;
        }
        let db = remixer.db().write_health(remixer.node()).await;
        let blobs = remixer
            .blobs()
            .put(
                &format!("healthz/{}", remixer.node()),
                Bytes::from(crate::db::now_ms().to_string()),
            )
            .await;
        for (component, ok) in [("database", db.is_ok()), ("storage", blobs.is_ok())] {
            self.components
                .get_or_create(&HealthLabels { component })
                .set(i64::from(ok));
        }
        if let Err(e) = &db {
            tracing::error!(error = %e, "health check: the database refuses writes");
        }
        if let Err(e) = &blobs {
            tracing::error!(error = %e, "health check: the blob store refuses writes");
        }
        let healthy = db.is_ok() && blobs.is_ok();
        *last = Some((std::time::Instant::now(), healthy));
        healthy
    }
}

/// Password checks on `threads` threads, with 16 waiting per thread.
fn password_checker(threads: usize) -> crate::staff::PasswordChecker {
    crate::staff::PasswordChecker::new(threads, 16 * threads.max(1))
}

/// Labels of the request counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route pattern, e.g. `/m/{id}`.
    pub route: String,
    /// The status code.
    pub status: u16,
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    queue_depth: Gauge,
    dedup_hits: Counter,
    renders: Counter,
    overloaded: Counter,
    health: Family<HealthLabels, Gauge>,
}

impl Metrics {
    fn new(remixer: &Remixer) -> Metrics {
        let mut registry = Registry::with_prefix("jalsa");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "render_seconds",
            "Time to render a picture (remix, card, preview, other format)",
            remixer.stats.render_seconds.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "render_queue_depth",
            "Renders waiting for a slot",
            queue_depth.clone(),
        );
        let dedup_hits = Counter::default();
        registry.register(
            "dedup_hits",
            "Remix requests answered by an existing remix without rendering",
            dedup_hits.clone(),
        );
        let renders = Counter::default();
        registry.register("renders", "Pictures rendered", renders.clone());
        registry.register(
            "render_wait_seconds",
            "Time admitted renders waited for a slot",
            remixer.stats.wait_seconds.clone(),
        );
        let health = Family::<HealthLabels, Gauge>::default();
        registry.register(
            "health",
            "1 when the component took a write at the last health check",
            health.clone(),
        );
        let overloaded = Counter::default();
        registry.register(
            "overload_refusals",
            "Renders refused with 503 because the wait for a slot would be too long",
            overloaded.clone(),
        );
        Metrics {
            registry,
            requests,
            queue_depth,
            dedup_hits,
            renders,
            overloaded,
            health,
        }
    }

    /// The Prometheus text exposition, with the remixer's counters brought up to date.
    pub fn encode(&self, remixer: &Remixer) -> String {
        use std::sync::atomic::Ordering::Relaxed;
        self.queue_depth
            .set(remixer.stats.queued.load(Relaxed) as i64);
        let catch_up = |counter: &Counter, total: u64| {
            let now = counter.get();
            if total > now {
                counter.inc_by(total - now);
            }
        };
        catch_up(&self.dedup_hits, remixer.stats.dedup_hits.load(Relaxed));
        catch_up(&self.renders, remixer.stats.renders.load(Relaxed));
        catch_up(&self.overloaded, remixer.stats.overloaded.load(Relaxed));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing metrics to a String");
        out
    }
}

/// The picture cache's size when not configured: 128 MiB.
pub const DEFAULT_PICTURE_CACHE: u64 = 128 * 1024 * 1024;

impl AppState {
    /// State over a remixer; `rate_limit` is new remixes per minute per client (0: off).
    /// Other limits take their defaults, and no proxy is trusted.
    pub fn new(remixer: Arc<Remixer>, public_url: &str, rate_limit: u32) -> AppState {
        let limits = Limits {
            remix: Limit::per_minute(rate_limit),
            ..Limits::default()
        };
        let metrics = Metrics::new(&remixer);
        AppState(Arc::new(App {
            health: Health::new(metrics.health.clone()),
            metrics,
            remixer,
            public_url: public_url.trim_end_matches('/').into(),
            limits,
            trusted_proxies: TrustedProxies::default(),
            password_checks: password_checker(limits.password_checks),
            known_password_checks: password_checker(1),
            request_timeout: Duration::from_secs(60),
            upload_stall: upload::DEFAULT_STALL_TIMEOUT,
            pictures: images::PictureCache::new(DEFAULT_PICTURE_CACHE),
            language: i18n::Lang::Ur,
            uploads: upload::UploadMemory::new(limits.upload_memory),
        }))
    }

    /// The app, to configure before it is shared.
    fn configure(&mut self) -> &mut App {
        Arc::get_mut(&mut self.0).expect("the state is configured before it is shared")
    }

    /// The same state with these limits.
    pub fn with_limits(mut self, limits: Limits) -> AppState {
        let app = self.configure();
        app.limits = limits;
        app.password_checks = password_checker(limits.password_checks);
        app.uploads = upload::UploadMemory::new(limits.upload_memory);
        self
    }

    /// The same state, answering 408 to requests that take longer than `timeout`.
    pub fn with_request_timeout(mut self, timeout: Duration) -> AppState {
        self.configure().request_timeout = timeout;
        self
    }

    /// The same state, cutting an upload that moves less than
    /// [`upload::MIN_PROGRESS`] bytes in `stall` (408); a supporter's upload has no
    /// whole-request timeout.
    pub fn with_upload_stall(mut self, stall: Duration) -> AppState {
        self.configure().upload_stall = stall;
        self
    }

    /// How long an upload may go without progress.
    pub fn upload_stall(&self) -> Duration {
        self.upload_stall
    }

    /// The same state, believing `X-Forwarded-For` from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> AppState {
        self.configure().trusted_proxies = proxies;
        self
    }

    /// The same state, speaking `lang` to requests that name no language.
    pub fn with_language(mut self, lang: i18n::Lang) -> AppState {
        self.configure().language = lang;
        self
    }

    /// The same state, keeping at most `bytes` of pictures in memory.
    pub fn with_picture_cache(mut self, bytes: u64) -> AppState {
        self.configure().pictures = images::PictureCache::new(bytes);
        self
    }
}

impl App {
    /// The client a request comes from (see [`TrustedProxies::client_ip`]).
    pub fn client_ip(&self, headers: &HeaderMap, extensions: &axum::http::Extensions) -> IpAddr {
        self.trusted_proxies.client_ip(headers, peer(extensions))
    }

    /// Who a request comes from, as reach counting sees it: the client's address and its
    /// user agent, hashed with the day's key and never kept.
    pub fn visitor<'a>(
        &self,
        headers: &'a HeaderMap,
        extensions: &axum::http::Extensions,
    ) -> crate::remix::Visitor<'a> {
        crate::remix::Visitor {
            address: self.client_ip(headers, extensions),
            agent: headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        }
    }

    /// Counts a hit on `key` under `limit`; a 429 with `Retry-After` and `message` when
    /// over it.
    pub async fn check_limit(
        &self,
        key: &str,
        limit: Limit,
        message: &'static str,
    ) -> Result<(), AppError> {
        match limits::hit(self.remixer.db(), key, limit).await? {
            Verdict::Allowed => Ok(()),
            Verdict::Refused { retry_after } => {
                Err(AppError::new(Code::RateLimited, message).retry_after(retry_after))
            }
        }
    }

    /// Refuses a client that has made too many new remixes lately.
    pub async fn check_rate(&self, client: IpAddr) -> Result<(), AppError> {
        self.check_limit(
            &format!("remix:{}", limits::client_key(client)),
            self.limits.remix,
            "too many new remixes from here; wait a moment and try again",
        )
        .await
    }
}

/// The peer address a request came from, when the server records it.
pub fn peer(request_extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    request_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// The whole service: supporter pages, images, JSON API, with the protections every route
/// shares. Tests drive this same router.
pub fn app(state: AppState) -> Router {
    let csp = "default-src 'self'; img-src 'self' data: blob:; font-src 'self'; script-src 'self'; \
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
        .route("/favicon.ico", get(icons::favicon))
        .route("/icons/{file}", get(icons::icon))
        .route("/manifest.webmanifest", get(icons::manifest))
        .route("/robots.txt", get(icons::robots))
        .route("/i/{file}", get(images::picture))
        .route("/i/{id}/{rendition}", get(images::rendition))
        .route("/preview/{file}", get(images::preview))
        .route("/render/{template}/{*lines}", get(images::render_by_url))
        .route("/photos/{id}", get(images::photo))
        .route("/api/templates", get(api::templates))
        .route("/api/remixes", post(api::create))
        .route("/api/remixes/{id}", get(api::remix))
        .route("/api/gallery", get(api::gallery))
        .route("/api/openapi.json", get(api::openapi))
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
        .layer(middleware::from_fn_with_state(state.clone(), i18n::choose))
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
        StatusCode::TOO_MANY_REQUESTS => Code::RateLimited,
        StatusCode::SERVICE_UNAVAILABLE => Code::Busy,
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
        pages::error_page(&error)
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
        pages::error_page(&AppError::not_found("There is no page here.")).into_response()
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
