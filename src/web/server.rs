//! The listener: HTTP/1 and HTTP/2 over TCP, with the limits the field needs.
//!
//! `axum::serve` has no header timeout, no idle timeout, no cap on connections and no
//! shutdown deadline, and phones, scanners and attackers find each gap: a connection that
//! never finishes its headers, or thousands of silent ones until the process runs out of
//! file descriptors. This loop drives hyper directly so that:
//! - a client has `header_timeout` to send each request's headers, counted from the
//!   connection's start or the end of its previous response (so also the keep-alive idle
//!   time);
//! - a request being answered whose connection moves no bytes either way for
//!   `idle_timeout` (a stalled upload, a client that stopped reading) is cut;
//! - at most `max_connections` are served (lowered to fit the open-file limit); a few more
//!   are let in to answer `/healthz` and turn everything else away with 503, and beyond
//!   those a connection is closed at once, so the process never hits its file limit;
//! - on shutdown, connections finish what they are doing for at most `shutdown_timeout`,
//!   then are cut;
//! - a request's line and headers take at most [`MAX_HEAD_BYTES`] (hyper's default let
//!   about 400 KB in, and 2,000 connections holding unfinished heads took most of a
//!   gigabyte), and the answers hyper gives itself to a head it cannot take (431, 414, 400,
//!   with no body) carry a JSON error like every other answer.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// The listener's limits.
#[derive(Clone, Copy, Debug)]
pub struct ServerLimits {
    /// Time to send a request's headers (also the keep-alive idle time between requests).
    pub header_timeout: Duration,
    /// Silence during a request after which its connection is cut.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// How long requests in flight may take after a shutdown signal.
    pub shutdown_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> ServerLimits {
        ServerLimits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 4096,
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// The most a request's line and headers may take, in all. Browsers send a few KB
/// (cookies included); a head past this is answered 431 and its connection closed.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// The longest address (path and query) answered; a longer one gets 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Connections let in beyond the cap, to answer `/healthz` only.
const HEALTH_ROOM: usize = 16;

/// File descriptors kept for everything but client connections: the database pool, blob
/// files being read or written, the listener, logs.
const OTHER_FILES: u64 = 128;

/// The most connections the open-file limit allows, after raising the soft limit to the
/// hard one (the usual 1024 is far too few for a busy server; the hard limit is the
/// operator's to set).
fn connection_room() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return usize::MAX;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
    }
    let files = limit.rlim_cur;
    let room = files
        .saturating_sub(OTHER_FILES + HEALTH_ROOM as u64)
        .max(16);
    usize::try_from(room).unwrap_or(usize::MAX)
}

/// Milliseconds since the process started, for cheap activity stamps.
fn clock_ms() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// What a connection is doing: when bytes last moved, and how many requests it is
/// answering.
#[derive(Default)]
struct Activity {
    last: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn touch(&self) {
        self.last.store(clock_ms(), Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        Duration::from_millis(clock_ms().saturating_sub(self.last.load(Ordering::Relaxed)))
    }
}

/// A TCP stream that stamps its connection's activity on every read and write, and gives
/// hyper's own bodiless error answers a JSON body.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
    /// An answer being written in place of hyper's, and how much of it is out.
    replacing: Option<(&'static [u8], usize)>,
}

/// The answer to send instead of `head`, when `head` is one hyper wrote itself for a
/// request it could not read: a 431, 414 or 400 status line with an empty body (every
/// answer of the service's own has a body).
fn replacement(head: &[u8]) -> Option<&'static [u8]> {
    // Every write of every answer passes here: the status line first, which costs a few
    // byte comparisons, and the header search only for the three statuses concerned.
    let which = match head.get(..13)? {
        b"HTTP/1.1 431 " | b"HTTP/1.0 431 " => 0,
        b"HTTP/1.1 414 " | b"HTTP/1.0 414 " => 1,
        b"HTTP/1.1 400 " | b"HTTP/1.0 400 " => 2,
        _ => return None,
    };
    if !head
        .windows(19)
        .take(256)
        .any(|w| w.eq_ignore_ascii_case(b"content-length: 0\r\n"))
    {
        return None;
    }
    static ANSWERS: std::sync::OnceLock<[Vec<u8>; 3]> = std::sync::OnceLock::new();
    let [too_large, uri_too_long, bad] = ANSWERS.get_or_init(|| {
        let answer = |status: &str, code: &str, message: &str| {
            let body = serde_json::json!({"error": {"code": code, "message": message}}).to_string();
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nconnection: close\r\n\
                 content-length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        };
        [
            answer(
                "431 Request Header Fields Too Large",
                crate::error::Code::HeadersTooLarge.as_str(),
                &format!(
                    "the request's line and headers are over {} KB; that is the limit \
                     (cookies included)",
                    MAX_HEAD_BYTES / 1024
                ),
            ),
            answer(
                "414 URI Too Long",
                crate::error::Code::UriTooLong.as_str(),
                &format!(
                    "the address is over {} KB; that is the limit",
                    MAX_URI_BYTES / 1024
                ),
            ),
            answer(
                "400 Bad Request",
                crate::error::Code::BadRequest.as_str(),
                "the request could not be read as HTTP",
            ),
        ]
    });
    Some([too_large, uri_too_long, bad][which])
}

impl Watched {
    /// Writes what is left of a replacement answer; `Ready` once all of it is out.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while let Some((answer, sent)) = self.replacing {
            if sent == answer.len() {
                return Poll::Ready(Ok(()));
            }
            match Pin::new(&mut self.stream).poll_write(cx, &answer[sent..]) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => {
                    self.activity.touch();
                    self.replacing = Some((answer, sent + n));
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.replacing.is_none()
            && let Some(answer) = replacement(data)
        {
            self.replacing = Some((answer, 0));
        }
        if self.replacing.is_some() {
            // hyper's own answer is the last thing on the connection: ours goes out in its
            // place, and hyper is told its bytes were written.
            return self.poll_replacement(cx).map_ok(|()| data.len());
        }
        let polled = Pin::new(&mut self.stream).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        if self.replacing.is_some()
            || bufs
                .iter()
                .find(|b| !b.is_empty())
                .is_some_and(|b| replacement(b).is_some())
        {
            let first = bufs
                .iter()
                .find(|b| !b.is_empty())
                .map_or(&[][..], |b| &**b);
            return self.poll_write(cx, first);
        }
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Counts a request as in flight until its response is ready (or the request is dropped).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn new(activity: &Arc<Activity>) -> InFlight {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish for at most `limits.shutdown_timeout`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let cap = limits.max_connections.min(connection_room()).max(1);
    tracing::info!(
        max_connections = cap,
        header_timeout = ?limits.header_timeout,
        idle_timeout = ?limits.idle_timeout,
        "accepting connections"
    );
    let served = Arc::new(Semaphore::new(cap));
    let health_room = Arc::new(Semaphore::new(HEALTH_ROOM));
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut refused_logged = Instant::now() - Duration::from_secs(10);
    let mut refused = 0u64;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next() => continue,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors or memory: wait for connections to close
                    // rather than spin; a peer that reset before accept is no matter.
                    if !matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                    ) {
                        tracing::warn!(error = %e, "accept failed; pausing");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    continue;
                }
            },
        };
        let (permit, health_only) = match served.clone().try_acquire_owned() {
            Ok(permit) => (permit, false),
            Err(_) => match health_room.clone().try_acquire_owned() {
                Ok(permit) => (permit, true),
                Err(_) => {
                    refused += 1;
                    if refused_logged.elapsed() >= Duration::from_secs(1) {
                        tracing::warn!(
                            refused,
                            cap,
                            "at the connection cap: closing new connections"
                        );
                        refused_logged = Instant::now();
                    }
                    drop(stream);
                    continue;
                }
            },
        };
        connections.spawn(connection(
            stream,
            peer,
            router.clone(),
            limits,
            health_only,
            permit,
            stopping.clone(),
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    let open = connections.len();
    if open > 0 {
        tracing::info!(open, deadline = ?limits.shutdown_timeout, "waiting for connections to finish");
    }
    let drained = tokio::time::timeout(limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            cut = connections.len(),
            "shutdown deadline passed: closing the connections still open"
        );
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
    Ok(())
}

/// Serves one connection until it closes, falls idle, or shutdown cuts it.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: ServerLimits,
    health_only: bool,
    _permit: OwnedSemaphorePermit,
    mut stopping: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity::default());
    activity.touch();
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
        replacing: None,
    });
    let watched = activity.clone();
    let service = tower::service_fn(move |mut request: Request<Incoming>| {
        let router = router.clone();
        let in_flight = InFlight::new(&watched);
        async move {
            let _in_flight = in_flight;
            request.extensions_mut().insert(ConnectInfo(peer));
            let request = request.map(Body::new);
            if health_only && request.uri().path() != "/healthz" {
                return Ok(at_capacity());
            }
            if request
                .uri()
                .path_and_query()
                .map_or(0, |p| p.as_str().len())
                > MAX_URI_BYTES
            {
                return Ok(uri_too_long());
            }
            router.oneshot(request).await
        }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    let header_timeout = if health_only {
        limits.header_timeout.min(Duration::from_secs(1))
    } else {
        limits.header_timeout
    };
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(MAX_HEAD_BYTES as u32);
    let conn = builder.serve_connection(io, hyper_util::service::TowerToHyperService::new(service));
    tokio::pin!(conn);
    let check = (header_timeout.min(limits.idle_timeout) / 4).max(Duration::from_millis(50));
    let mut tick = tokio::time::interval(check);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            changed = stopping.changed(), if !shutting_down => {
                if changed.is_err() || *stopping.borrow() {
                    shutting_down = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
            _ = tick.tick() => {
                // Between requests a connection has `header_timeout` to start the next one
                // (hyper's own timer starts only once the first bytes arrive); during one,
                // `idle_timeout` for the next bytes either way.
                let limit = if activity.in_flight.load(Ordering::Relaxed) == 0 {
                    header_timeout
                } else {
                    limits.idle_timeout
                };
                if activity.idle_for() >= limit {
                    tracing::debug!(%peer, "closing a silent connection");
                    return;
                }
            }
        }
    }
}

/// The answer to an address over [`MAX_URI_BYTES`].
fn uri_too_long() -> Response<Body> {
    crate::error::AppError::new(
        crate::error::Code::UriTooLong,
        format!(
            "the address is over {} KB; that is the limit",
            MAX_URI_BYTES / 1024
        ),
    )
    .into_response()
}

/// The answer on a connection let in beyond the cap, for anything but `/healthz`.
fn at_capacity() -> Response<Body> {
    let mut response = Response::new(Body::from(
        "{\"error\":{\"code\":\"busy\",\"message\":\"the server is at its connection limit; try again in a moment\"}}",
    ));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
