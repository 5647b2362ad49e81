//! The service as the field meets it, through a real process and real sockets: connections
//! that never finish their headers, a flood of silent connections, a shutdown with a
//! connection hanging, a corrupt database, a lost picture repaired by `jalsa verify`, a
//! thousand sign-ins at once.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::node::{http, start_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection; how long that took.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(
            limit.saturating_sub(started.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}

/// A node on a SQLite file and a blob folder in a fresh folder (kept while it lives),
/// started with `flags` written as on a command line.
async fn node_with(flags: &str) -> (tempfile::TempDir, common::node::Node) {
    let dir = tempfile::tempdir().unwrap();
    let flags: Vec<&str> = flags.split_whitespace().collect();
    let node = common::node::start_local(dir.path(), &flags).await;
    (dir, node)
}

/// Asserts the node answers `/healthz`.
async fn assert_healthy(node: &common::node::Node) {
    let (status, _) = http(node.address, "GET", "/healthz", None, None)
        .await
        .unwrap();
    assert_eq!(status, 200);
}

#[tokio::test]
async fn half_sent_headers_and_silent_connections_are_closed() {
    let (_dir, node) = node_with("--header-timeout 1s").await;
    let mut partial = TcpStream::connect(node.address).await.unwrap();
    partial
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut silent = TcpStream::connect(node.address).await.unwrap();
    for (case, stream) in [("partial headers", &mut partial), ("silent", &mut silent)] {
        let took = closed_within(stream, Duration::from_secs(5)).await;
        assert!(took.is_some(), "{case}: still open after 5 s");
    }
    assert_healthy(&node).await;
}

#[tokio::test]
async fn a_hanging_connection_cannot_hold_shutdown_past_its_deadline() {
    let (_dir, mut node) = node_with("--header-timeout 60s --shutdown-timeout 2s").await;
    let mut hanging = TcpStream::connect(node.address).await.unwrap();
    hanging
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pid = node.child.id() as libc::pid_t;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let started = Instant::now();
    loop {
        if let Some(status) = node.child.try_wait().unwrap() {
            assert!(status.success(), "exit {status}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "still running 8 s after SIGTERM with a 2 s deadline"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_flood_of_silent_connections_leaves_room_for_health_checks() {
    let (_dir, node) = node_with("--max-connections 20 --header-timeout 30s").await;
    let mut held = Vec::new();
    for _ in 0..60 {
        if let Ok(s) = TcpStream::connect(node.address).await {
            held.push(s);
        }
    }
    // Connections let in beyond the cap wait at most a second for their headers.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, body) = http(node.address, "GET", "/healthz", None, None)
        .await
        .unwrap();
    assert_eq!(
        (status, String::from_utf8_lossy(&body).trim()),
        (200, "ok"),
        "with 60 silent connections against a cap of 20"
    );
    let (status, _) = http(node.address, "GET", "/", None, None)
        .await
        .unwrap_or((0, vec![]));
    assert!(
        status == 503 || status == 0,
        "a page past the cap is turned away, got {status}"
    );
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = http(node.address, "GET", "/", None, None).await.unwrap();
    assert_eq!(status, 200, "served again once the flood is gone");
}

#[test]
fn a_corrupt_database_stops_the_start_at_once_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("jalsa.db"),
        b"this is not a database, not at all, and it is long enough to have a header".repeat(20),
    )
    .unwrap();
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .arg("--templates")
        .arg(common::repo().join("templates"))
        .stdout(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
    assert!(stderr.contains("not a database"), "{stderr}");
}

#[tokio::test]
async fn verify_finds_a_lost_picture_and_repair_draws_it_again() {
    use jalsa::catalog::Catalog;
    use jalsa::db::Db;
    use jalsa::remix::{RemixRequest, Remixer};
    use jalsa::store::Blobs;

    let dir = tempfile::tempdir().unwrap();
    let (db_url, blobs_url) = common::node::sqlite_and_files(dir.path());
    let templates = common::repo().join("templates");
    let remixer = Remixer::new(
        Blobs::open(&blobs_url).unwrap(),
        Db::connect(&db_url).await.unwrap(),
        1,
        8,
    );
    remixer
        .register_catalog(&templates, &Catalog::load(&templates).unwrap())
        .await
        .unwrap();
    let (row, _) = remixer
        .create_or_find(RemixRequest::new("coffee", vec!["verify me".into()]))
        .await
        .unwrap();
    let original = remixer.blobs().get(&row.blob_key).await.unwrap().unwrap();
    remixer.blobs().delete(&row.blob_key).await.unwrap();
    drop(remixer);

    let verify = |repair: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_jalsa"));
        command
            .arg("verify")
            .args(["--database", &db_url, "--storage", &blobs_url])
            .arg("--templates")
            .arg(&templates);
        if repair {
            command.arg("--repair");
        }
        let out = command.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stdout, stderr) = verify(false);
    assert!(!ok, "a missing picture is a problem: {stdout}");
    assert!(
        stdout.contains(&format!("remix {}: picture", row.id)) && stdout.contains("missing"),
        "{stdout}"
    );
    assert!(stderr.contains("--repair"), "{stderr}");
    let (ok, stdout, stderr) = verify(true);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("repaired"), "{stdout}");
    let (ok, stdout, _) = verify(false);
    assert!(ok, "{stdout}");
    assert!(stdout.contains(": 0 problems"), "{stdout}");
    let blobs = Blobs::open(&blobs_url).unwrap();
    assert_eq!(blobs.get(&row.blob_key).await.unwrap().unwrap(), original);
}

/// Resident and peak memory of a process, in MB.
fn memory_mb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sign_ins_at_once_keep_the_server_small() {
    let dir = tempfile::tempdir().unwrap();
    let (database, blobs) = common::node::sqlite_and_files(dir.path());
    common::node::add_staff(&database, "amna", "the right password");
    // No per-client limit, so every attempt reaches the password checks.
    let node = start_with(&database, &blobs, dir.path(), &["--login-limit", "100000"]).await;
    let address = node.address;
    let sign_in = |password: String| async move {
        let body = format!("name=amna&password={password}&csrf=abc");
        let request = format!(
            "POST /staff/login HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
             Cookie: jalsa_login_csrf=abc\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut stream = TcpStream::connect(address).await.ok()?;
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        String::from_utf8_lossy(&answer)
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
    };
    let flood: Vec<_> = (0..1000)
        .map(|i| tokio::spawn(sign_in(format!("guess number {i}"))))
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for attempt in flood {
        *statuses.entry(attempt.await.unwrap()).or_insert(0) += 1;
    }
    let (resident, peak) = memory_mb(node.child.id());
    eprintln!("1,000 sign-ins: {statuses:?}; {resident} MB resident, {peak} MB at the peak");
    assert!(
        statuses.keys().all(|s| matches!(s, Some(401) | Some(503))),
        "{statuses:?}"
    );
    assert!(
        statuses.get(&Some(401)).copied().unwrap_or(0) >= 20,
        "{statuses:?}"
    );
    assert!(peak < 256, "{peak} MB at the peak");
    // The flood is over: the right password gets in.
    assert_eq!(sign_in("the+right+password".into()).await, Some(303));
}

/// Sends raw bytes on a fresh connection and reads what comes back until the server
/// closes; a reset after the answer (the server closes with part of an oversized request
/// unread) still leaves the answer read.
async fn raw_exchange(address: std::net::SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let _ = stream.write_all(request).await;
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return response,
            Ok(Ok(n)) => response.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test]
async fn oversized_heads_and_addresses_get_a_json_answer() {
    let (_dir, node) = node_with("").await;
    let cases = [
        (
            "a 40 KB header",
            format!(
                "GET /api/templates HTTP/1.1\r\nHost: x\r\nX-Junk: {}\r\n\r\n",
                "a".repeat(40_000)
            ),
            431,
            "headers_too_large",
        ),
        (
            "a 20 KB address",
            format!(
                "GET /api/templates?q={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "a".repeat(20_000)
            ),
            414,
            "uri_too_long",
        ),
        (
            "a 60 KB page address",
            format!(
                "GET /t/hubble?{} HTTP/1.1\r\nHost: x\r\n\r\n",
                "a".repeat(60_000)
            ),
            431,
            "headers_too_large",
        ),
        (
            "not HTTP",
            "HELLO THERE\r\n\r\n".to_owned(),
            400,
            "bad_request",
        ),
    ];
    for (case, request, status, code) in cases {
        let response = raw_exchange(node.address, request.as_bytes()).await;
        let (got, head, body) = common::node::parse_response(&response)
            .unwrap_or_else(|e| panic!("{case}: {e}: {:?}", String::from_utf8_lossy(&response)));
        assert_eq!(got, status, "{case}: {head}");
        assert!(
            head.contains("content-type: application/json"),
            "{case}: {head}"
        );
        let json: serde_json::Value = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{case}: {e}: {:?}", String::from_utf8_lossy(&body)));
        assert_eq!(json["error"]["code"], code, "{case}: {json}");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("KB") || m.contains("HTTP")),
            "{case}: {json}"
        );
    }
    // Ordinary requests are still answered on the same node.
    assert_healthy(&node).await;
}

#[tokio::test]
async fn slow_uploads_hold_upload_memory_not_render_slots() {
    let (_dir, node) = node_with("--upload-memory-mb 12 --render-slots 1 --idle-timeout 60s").await;
    // Three uploads of 8 MB photos that stop 1 MB short and wait: the first two fit in
    // 12 MB of upload memory only one at a time.
    let photo_bytes = 8 << 20;
    let boundary = "slowslowslow";
    let head = |length: usize| {
        format!(
            "POST /api/frames/jalsa-badge/pictures HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\
             Content-Type: image/jpeg\r\n\r\n"
        )
    };
    let mut slow = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(node.address).await.unwrap();
        stream
            .write_all(head(photo_bytes + 200).as_bytes())
            .await
            .unwrap();
        let most = vec![0xAB; photo_bytes - (1 << 20)];
        // The server may stop reading one of them (no room): don't wait on that one.
        let _ = tokio::time::timeout(Duration::from_secs(2), stream.write_all(&most)).await;
        slow.push(stream);
    }
    // While they hang, a caption remix gets the one render slot at once.
    let started = Instant::now();
    let body = serde_json::json!({"template": "hubble", "captions": ["slow", "uploads"]});
    common::node::post_remix(node.address, &body).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // One of the three found no room and was turned away with 503 and Retry-After; the
    // others still wait for the rest of their photos.
    let mut turned_away = 0;
    for stream in &mut slow {
        let mut buf = vec![0u8; 4096];
        if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await
            && n > 0
        {
            let text = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
            assert!(text.starts_with("http/1.1 503"), "{text}");
            assert!(text.contains("retry-after: "), "{text}");
            assert!(text.contains("\"busy\""), "{text}");
            turned_away += 1;
        }
    }
    assert!(turned_away >= 1, "no upload was turned away");
    assert!(turned_away < 3, "every upload was turned away");
    let (pid, _) = (node.child.id(), ());
    let (rss, _) = memory_mb(pid);
    assert!(rss < 256, "{rss} MB resident");
}

/// A photo upload on a crowded network: `body` sent in `piece`-byte pieces every `every`,
/// stopping after `stop_after` bytes when given. The response's status and body.
async fn trickle(
    address: std::net::SocketAddr,
    body: &[u8],
    content_type: &str,
    piece: usize,
    every: Duration,
    stop_after: Option<usize>,
) -> (u16, String) {
    let stream = TcpStream::connect(address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /api/frames/jalsa-badge/pictures HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let end = stop_after.unwrap_or(body.len());
    let body = body[..end].to_vec();
    // Written beside the reading, so an early answer is read as soon as it comes.
    let sending = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        for chunk in body.chunks(piece) {
            writer.write_all(chunk).await?;
            tokio::time::sleep(every).await;
        }
        // Stopped short: hold the connection open, silent.
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok::<_, std::io::Error>(writer)
    });
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), reader.read_to_end(&mut response)).await;
    sending.abort();
    let (status, _, body) = common::node::parse_response(&response)
        .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&response)));
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// At 150 kbps a phone photo takes longer than any whole-request timeout: an upload that
/// keeps moving is never cut for its length, while one that stops moving is answered 408
/// `upload_stalled` (and one dripping a few bytes at a time is cut the same way).
#[tokio::test]
async fn a_slow_upload_that_keeps_moving_lands_and_a_stalled_one_is_cut() {
    let (_dir, node) =
        node_with("--request-timeout 2s --upload-stall-timeout 2s --rate-limit 0").await;
    // A 300x300 photo of noise: about 270 KB that no compression shrinks.
    let mut seed = 99u32;
    let noise = image::RgbImage::from_fn(300, 300, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let [a, b, c, _] = seed.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut png = Vec::new();
    noise
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let (content_type, body) = common::service::multipart(&[], &[("photo", "slow.png", &png)]);
    let upload = |piece, every, stop_after| {
        trickle(node.address, &body, &content_type, piece, every, stop_after)
    };

    // About 60 KB a second, for longer than the 2 s request timeout: it lands.
    let started = Instant::now();
    let (status, answer) = upload(20_000, Duration::from_millis(330), None).await;
    assert_eq!(status, 201, "{answer}");
    assert!(
        started.elapsed() > Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // Half of it, then nothing: 408 upload_stalled, not a silent cut.
    let (status, answer) = upload(20_000, Duration::from_millis(50), Some(body.len() / 2)).await;
    assert_eq!(status, 408, "{answer}");
    assert!(answer.contains("\"upload_stalled\""), "{answer}");

    // A drip: 2 KB every half second moves, but never 16 KB in 2 s.
    let (status, answer) = upload(2_000, Duration::from_millis(500), None).await;
    assert_eq!(status, 408, "{answer}");
    assert!(answer.contains("\"upload_stalled\""), "{answer}");
}
