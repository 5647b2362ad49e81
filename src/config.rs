//! Every setting in one place: its default, its environment variable and its flag.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::web::TrustedProxies;

/// A duration on the command line: `500ms`, `10s`, `2m`, or whole seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((s, "s"), |i| s.split_at(i));
    let n: f64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 500ms, 10s or 2m"))?;
    let seconds = match unit.trim() {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        other => return Err(format!("unknown unit {other:?} in {s:?}; use ms, s or m")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{s:?}: {e}"))
}

/// Settings shared by `serve`, `gc` and the other commands that touch storage.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(
        long,
        env = "JALSA_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,
    /// Public base URL for absolute links in share tags (default http://<listen>).
    #[arg(long, env = "JALSA_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Where the SQLite file and local blobs live.
    #[arg(long, env = "JALSA_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Blob store: file://DIR (default file://<data-dir>/blobs), memory://, s3://bucket/prefix,
    /// gs://bucket/prefix, az://container/prefix.
    #[arg(long, env = "JALSA_STORAGE", global = true)]
    pub storage: Option<String>,
    /// Metadata database: sqlite://FILE (default sqlite://<data-dir>/jalsa.db) or postgres://...
    #[arg(long, env = "JALSA_DATABASE", global = true)]
    pub database: Option<String>,
    /// The folder of bundled official photos.
    #[arg(
        long,
        env = "JALSA_TEMPLATES",
        default_value = "templates",
        global = true
    )]
    pub templates: PathBuf,
    /// New remixes per minute per client; 0 turns the limit off.
    #[arg(long, env = "JALSA_RATE_LIMIT", default_value_t = 30, global = true)]
    pub rate_limit: u32,
    /// Staff sign-in attempts per minute per client, and per account from one client.
    #[arg(long, env = "JALSA_LOGIN_LIMIT", default_value_t = 10, global = true)]
    pub login_limit: u32,
    /// Reports per hour per client.
    #[arg(long, env = "JALSA_REPORT_LIMIT", default_value_t = 20, global = true)]
    pub report_limit: u32,
    /// Count reach (visits, views, previews, shares) for the staff dashboard; `false` for a
    /// node that should not (and for measuring what counting costs).
    #[arg(long, env = "JALSA_COUNT_REACH", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub count_reach: bool,
    /// Photos sent to frames per minute per client; 0 turns the limit off.
    #[arg(long, env = "JALSA_UPLOAD_LIMIT", default_value_t = 10, global = true)]
    pub upload_limit: u32,
    /// Memory all photo uploads on this node may hold at once, in MiB; an upload that
    /// finds it full waits a moment, then gets 503 with Retry-After.
    #[arg(
        long,
        env = "JALSA_UPLOAD_MEMORY_MB",
        default_value_t = 40,
        global = true
    )]
    pub upload_memory_mb: u64,
    /// Proxies whose X-Forwarded-For is believed: CIDRs or addresses, comma-separated
    /// (e.g. 127.0.0.1,10.0.0.0/8). Default none: the client is the connection's peer.
    #[arg(long, env = "JALSA_TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: TrustedProxies,
    /// Renders running at once (default: one per core).
    #[arg(long, env = "JALSA_RENDER_SLOTS", global = true)]
    pub render_slots: Option<usize>,
    /// Renders that may wait for a slot (default: 64 per slot); beyond it requests get 503.
    #[arg(long, env = "JALSA_MAX_QUEUE", global = true)]
    pub max_queue: Option<usize>,
    /// Memory for hot pictures on this node, in MiB, so a viral image is read from the
    /// store once per node.
    #[arg(
        long,
        env = "JALSA_PICTURE_CACHE_MB",
        default_value_t = 128,
        global = true
    )]
    pub picture_cache_mb: u64,
    /// The interface's language when a supporter has not chosen one (`?lang=`, kept in a
    /// cookie) and their browser asks for neither (Accept-Language).
    #[arg(long, env = "JALSA_LANGUAGE", value_enum, default_value_t = crate::web::i18n::Lang::Ur, global = true)]
    pub language: crate::web::i18n::Lang,
    /// Staff password checks running at once (each holds about 19 MiB for its moment).
    #[arg(
        long,
        env = "JALSA_PASSWORD_CHECKS",
        default_value_t = 2,
        global = true
    )]
    pub password_checks: usize,
    /// The longest a render may wait for a slot; beyond it requests get 503 + Retry-After.
    #[arg(long, env = "JALSA_MAX_QUEUE_WAIT", default_value = "2s", value_parser = parse_duration, global = true)]
    pub max_queue_wait: Duration,
    /// Time a client has to send a request's headers, from connecting or from the end of
    /// its previous request (so also how long an idle keep-alive connection stays open).
    #[arg(long, env = "JALSA_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration, global = true)]
    pub header_timeout: Duration,
    /// A request whose connection moves no bytes either way for this long is cut (a
    /// stalled upload, a client that stopped reading its answer).
    #[arg(long, env = "JALSA_IDLE_TIMEOUT", default_value = "30s", value_parser = parse_duration, global = true)]
    pub idle_timeout: Duration,
    /// The longest a request may take, body included; then 408. Supporters' photo
    /// uploads are timed by `--upload-stall-timeout` instead.
    #[arg(long, env = "JALSA_REQUEST_TIMEOUT", default_value = "60s", value_parser = parse_duration, global = true)]
    pub request_timeout: Duration,
    /// A supporter's photo upload that moves less than 16 KB in this long is cut (408
    /// `upload_stalled`); one still moving is never cut for taking long.
    #[arg(long, env = "JALSA_UPLOAD_STALL_TIMEOUT", default_value = "20s", value_parser = parse_duration, global = true)]
    pub upload_stall_timeout: Duration,
    /// Open connections at most (lowered to fit the open-file limit); a few more are kept
    /// for /healthz, and the rest of a flood is turned away.
    #[arg(
        long,
        env = "JALSA_MAX_CONNECTIONS",
        default_value_t = 4096,
        global = true
    )]
    pub max_connections: usize,
    /// On SIGTERM or Ctrl-C, how long requests in flight may take before connections are cut.
    #[arg(long, env = "JALSA_SHUTDOWN_TIMEOUT", default_value = "10s", value_parser = parse_duration, global = true)]
    pub shutdown_timeout: Duration,
    /// pre: nothing reaches the gallery until staff approve it; post: approved at once.
    #[arg(
        long,
        env = "JALSA_MODERATION",
        value_enum,
        default_value = "pre",
        global = true
    )]
    pub moderation: crate::remix::Moderation,
    /// What a caption with a blocked phrase does: hold it for review, or refuse it.
    #[arg(
        long,
        env = "JALSA_BLOCKLIST_ACTION",
        value_enum,
        default_value = "hold",
        global = true
    )]
    pub blocklist_action: crate::remix::BlockAction,
}

impl Settings {
    /// The blob store URL, defaulted under the data dir.
    pub fn storage_url(&self) -> String {
        self.storage
            .clone()
            .unwrap_or_else(|| format!("file://{}", self.data_dir.join("blobs").display()))
    }

    /// The database URL, defaulted under the data dir.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("jalsa.db").display()))
    }

    /// The public base URL without a trailing slash.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }
}
