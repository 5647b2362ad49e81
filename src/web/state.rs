//! What every request handler shares: the [`App`] (the remixer, the settings, the limits,
//! the metrics and the health check) behind one cheap pointer, [`AppState`].

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use bytes::Bytes;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::proxies::TrustedProxies;
use crate::error::{AppError, Code};
use crate::limits::{self, Limit, Verdict};
use crate::remix::Remixer;

use super::pictures::PictureCache;
use super::{i18n, upload};

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
    pub(super) remixer: Arc<Remixer>,
    /// Base of absolute links (share tags), without a trailing slash.
    pub(super) public_url: Arc<str>,
    /// Per-client and per-account limits.
    pub(super) limits: Limits,
    /// The proxies whose `X-Forwarded-For` is believed.
    pub(super) trusted_proxies: TrustedProxies,
    /// Prometheus metrics.
    pub(super) metrics: Metrics,
    /// Hot pictures, so a viral image is served from memory.
    pub(super) pictures: PictureCache,
    /// Password checks running now, and how many wait for one.
    pub(super) password_checks: crate::staff::PasswordChecker,
    /// Password checks for sign-ins from where the account signed in before.
    pub(super) known_password_checks: crate::staff::PasswordChecker,
    /// The longest a request may take, body included.
    pub(super) request_timeout: Duration,
    /// Supporters' uploads are timed by progress instead ([`upload::Progress`]).
    pub(super) upload_stall: Duration,
    /// The last health check.
    pub(super) health: Health,
    /// The interface's language for a request that names none.
    pub(super) language: i18n::Lang,
    /// Memory for upload bodies, shared by every upload on this node.
    pub(super) uploads: upload::UploadMemory,
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
    pub fn pictures(&self) -> &PictureCache {
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
    pub(super) registry: Registry,
    pub(super) requests: Family<RequestLabels, Counter>,
    pub(super) queue_depth: Gauge,
    pub(super) dedup_hits: Counter,
    pub(super) renders: Counter,
    pub(super) overloaded: Counter,
    pub(super) health: Family<HealthLabels, Gauge>,
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

/// The web settings an [`App`] is built from; everything else is the remixer's. The
/// service (`jalsa serve`), the tests and every other caller build one the same way:
/// [`Config::new`] with what they change.
#[derive(Clone, Debug)]
pub struct Config {
    /// Base of absolute links (share tags); a trailing slash is dropped.
    pub public_url: String,
    /// Per-client and per-account limits.
    pub limits: Limits,
    /// The proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// The longest a request may take, body included (408 after it).
    pub request_timeout: Duration,
    /// How long a supporter's upload may go without moving [`upload::MIN_PROGRESS`]
    /// bytes (408); uploads have no whole-request timeout.
    pub upload_stall: Duration,
    /// The interface's language for a request that names none.
    pub language: i18n::Lang,
    /// The most bytes of pictures this node keeps in memory.
    pub picture_cache_bytes: u64,
}

impl Config {
    /// The defaults, for a service at `public_url`: the default limits, no proxy trusted,
    /// 60 s per request, Urdu.
    pub fn new(public_url: &str) -> Config {
        Config {
            public_url: public_url.to_owned(),
            limits: Limits::default(),
            trusted_proxies: TrustedProxies::default(),
            request_timeout: Duration::from_secs(60),
            upload_stall: upload::DEFAULT_STALL_TIMEOUT,
            language: i18n::Lang::Ur,
            picture_cache_bytes: DEFAULT_PICTURE_CACHE,
        }
    }
}

impl AppState {
    /// The state every handler shares, over a remixer.
    pub fn new(remixer: Arc<Remixer>, config: Config) -> AppState {
        let Config {
            public_url,
            limits,
            trusted_proxies,
            request_timeout,
            upload_stall,
            language,
            picture_cache_bytes,
        } = config;
        let metrics = Metrics::new(&remixer);
        AppState(Arc::new(App {
            health: Health::new(metrics.health.clone()),
            metrics,
            remixer,
            public_url: public_url.trim_end_matches('/').into(),
            limits,
            trusted_proxies,
            password_checks: password_checker(limits.password_checks),
            known_password_checks: password_checker(1),
            request_timeout,
            upload_stall,
            pictures: PictureCache::new(picture_cache_bytes),
            language,
            uploads: upload::UploadMemory::new(limits.upload_memory),
        }))
    }

    /// How long an upload may go without progress.
    pub fn upload_stall(&self) -> Duration {
        self.upload_stall
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
