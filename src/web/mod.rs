//! The service: axum on tokio, one router per area.

pub mod api;
pub mod images;
pub mod pages;
pub mod staff;

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, extract::DefaultBodyLimit};
use bytes::Bytes;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::error::AppError;
use crate::remix::Remixer;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Templates, renderer, blobs and rows.
    pub remixer: Arc<Remixer>,
    /// Base of absolute links (share tags), without a trailing slash.
    pub public_url: Arc<str>,
    /// New remixes per minute per client; `None` when off.
    pub limiter: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Hot pictures, so a viral image is served from memory.
    pub pictures: moka::sync::Cache<String, (Bytes, String)>,
    /// Staff sign-in attempts, per account and per client.
    pub login_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// Supporters' reports, per client.
    pub report_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
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
        Metrics {
            registry,
            requests,
            queue_depth,
            dedup_hits,
            renders,
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
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing metrics to a String");
        out
    }
}

impl AppState {
    /// State over a remixer; `rate_limit` is new remixes per minute per client (0: off).
    pub fn new(remixer: Arc<Remixer>, public_url: &str, rate_limit: u32) -> AppState {
        let limiter =
            NonZeroU32::new(rate_limit).map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n))));
        AppState {
            metrics: Arc::new(Metrics::new(&remixer)),
            remixer,
            public_url: public_url.trim_end_matches('/').into(),
            limiter,
            login_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(10).expect("non-zero"),
            ))),
            report_limiter: Arc::new(RateLimiter::keyed(Quota::per_hour(
                NonZeroU32::new(20).expect("non-zero"),
            ))),
            pictures: moka::sync::Cache::builder()
                .weigher(|_: &String, v: &(Bytes, String)| v.0.len().try_into().unwrap_or(u32::MAX))
                .max_capacity(128 * 1024 * 1024)
                .build(),
        }
    }

    /// Refuses a client that has made too many new remixes this minute.
    pub fn check_rate(&self, client: IpAddr) -> Result<(), AppError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many new remixes from here; wait a moment and try again",
            )
            .retry_after(wait.as_secs().max(1))
        })
    }
}

/// The client's address: the connection's peer, or, when the peer is a proxy on this
/// machine or a private network, the first address it forwarded.
pub fn client_ip(headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
    let peer_ip = peer.map(|p| p.ip());
    let proxied = peer_ip.is_none_or(|ip| match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => v6.is_loopback(),
    });
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok());
    match (proxied, forwarded) {
        (true, Some(ip)) => ip,
        _ => peer_ip.unwrap_or(IpAddr::from([127, 0, 0, 1])),
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
    let csp = "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; \
               style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
               frame-ancestors 'none'";
    Router::new()
        .merge(pages::router())
        .merge(images::router())
        .merge(api::router())
        .merge(staff::router())
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(TraceLayer::new_for_http())
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

async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        AppError::not_found(format!("no API route {}", uri.path())).into_response()
    } else {
        pages::error_page(&AppError::not_found("There is no page here.")).into_response()
    }
}

/// Runs the service until SIGINT or SIGTERM, letting requests in flight finish.
pub async fn serve(state: AppState, listen: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(address = %listener.local_addr()?, "jalsa is listening");
    let remixer = state.remixer.clone();
    let flusher = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
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
        }
    });
    let remixer = state.remixer.clone();
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    flusher.abort();
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
