//! A bounded soak of two nodes sharing PostgreSQL and S3, as the field would treat them:
//! fresh, repeat and image traffic from clients that hang up at random points, forged
//! `X-Forwarded-For` headers, a sign-in flood, progressive JPEG scan bombs sent as frame
//! photos, a flood of connections each holding an unfinished 31 KB header, a flood of slow
//! 20 MB uploads, and one node SIGKILLed and started again half way. Throughout: each node
//! under 256 MB resident. At the end: render queues empty, every acknowledged remix served
//! with its hash, and no answer but 2xx, 304, a 4xx by design or a 503 with `Retry-After`.
//!
//! Needs `JALSA_TEST_DATABASE_URL` and `JALSA_TEST_S3_URL` (CI sets both); says SKIPPED
//! without them. `JALSA_SOAK_SECONDS` sets the length (default 60).

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::node::{Node, start_with};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What came back: status, headers (lowercased), body.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

/// Sends `request` on a fresh connection; with `hang_up`, closes it after that long,
/// whatever the server is doing (`Ok(None)`).
async fn send(
    address: SocketAddr,
    request: &[u8],
    hang_up: Option<Duration>,
) -> std::io::Result<Option<Answer>> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let exchange = async {
        stream.write_all(request).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = match hang_up {
        Some(after) => match tokio::time::timeout(after, exchange).await {
            Ok(r) => r?,
            Err(_) => return Ok(None),
        },
        None => tokio::time::timeout(Duration::from_secs(30), exchange)
            .await
            .map_err(|_| std::io::Error::other("no answer in 30 s"))??,
    };
    let (status, head, body) = common::node::parse_response(&response)?;
    Ok(Some(Answer { status, head, body }))
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    out.into_bytes()
}

/// A small deterministic random source, so a failing run can be told apart from another.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, u64>,
    hang_ups: u64,
    refused_connections: u64,
    /// Answers outside what is allowed, with what was asked.
    wrong: Vec<String>,
    acknowledged: Vec<String>,
}

impl Tally {
    fn record(&mut self, what: &str, answer: &Answer) {
        *self.statuses.entry(answer.status).or_default() += 1;
        let allowed = match answer.status {
            200..=299 | 304 => true,
            // By design: bad CSRF, wrong password, rate limits, unknown ids.
            401 | 403 | 404 | 422 | 429 => true,
            503 => answer.head.contains("retry-after:"),
            // An upload that stops moving is told so (the slow uploads stop 8 MB short).
            408 => String::from_utf8_lossy(&answer.body).contains("\"upload_stalled\""),
            _ => false,
        };
        if !allowed {
            self.wrong.push(format!(
                "{what}: {} {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            ));
        }
    }
}

fn resident_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

const FLAGS: &[&str] = &[
    "--rate-limit",
    "60",
    "--moderation",
    "post",
    // Every hostile upload comes from this one address: let them all reach the decoder.
    "--upload-limit",
    "0",
];

/// Opens `count` connections to `address`, each sending 31 KB of a header it never
/// finishes.
async fn unfinished_heads(address: SocketAddr, count: usize) -> Vec<tokio::net::TcpStream> {
    let mut head = b"GET / HTTP/1.1\r\nHost: soak\r\nX-Pad: ".to_vec();
    head.resize(31 * 1024, b'a');
    let mut open = Vec::new();
    for _ in 0..count {
        let Ok(mut stream) = tokio::net::TcpStream::connect(address).await else {
            continue;
        };
        if stream.write_all(&head).await.is_ok() {
            open.push(stream);
        }
    }
    open
}

/// A 20 MB photo upload sent at about 3 MB/s that stops after 12 MB and waits for an
/// answer until the node gives one (503 when upload memory is full) or cuts it.
async fn slow_upload(address: SocketAddr, until: Instant) -> Option<Answer> {
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    let head = format!(
        "POST /api/frames/jalsa-badge/pictures HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n\
         --b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\n",
        20 << 20
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    let chunk = vec![0xABu8; 1 << 20];
    for _ in 0..12 {
        let sent = tokio::time::timeout(Duration::from_secs(2), stream.write_all(&chunk)).await;
        if !matches!(sent, Ok(Ok(()))) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mut response = Vec::new();
    let wait = until.saturating_duration_since(Instant::now());
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut response)).await;
    let (status, head, body) = common::node::parse_response(&response).ok()?;
    Some(Answer { status, head, body })
}

/// Lets this process open as many sockets as its hard limit allows.
fn raise_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_hold_up_under_a_hostile_crowd() {
    let (Ok(database), Ok(storage)) = (
        std::env::var("JALSA_TEST_DATABASE_URL"),
        std::env::var("JALSA_TEST_S3_URL"),
    ) else {
        common::skipped(
            "SKIPPED soak test: it needs JALSA_TEST_DATABASE_URL (PostgreSQL) and JALSA_TEST_S3_URL (S3); CI sets both",
        );
        return;
    };
    let seconds: u64 = std::env::var("JALSA_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let database = common::postgres_schema(&database).await;
    let storage = format!("{}/soak-{}", storage.trim_end_matches('/'), common::nonce());
    let dir = tempfile::tempdir().unwrap();
    common::node::add_staff(&database, "soak", "the right password");

    let a = start_with(&database, &storage, dir.path(), FLAGS).await;
    let b = start_with(&database, &storage, dir.path(), FLAGS).await;
    let addresses = [a.address, b.address];
    let nodes: Arc<tokio::sync::Mutex<[Node; 2]>> = Arc::new(tokio::sync::Mutex::new([a, b]));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    raise_file_limit();

    // Each node's resident memory, sampled throughout: the highest seen.
    let peak = Arc::new(Mutex::new([0u64; 2]));
    let watcher = {
        let (nodes, peak) = (nodes.clone(), peak.clone());
        tokio::spawn(async move {
            loop {
                let pids = {
                    let nodes = nodes.lock().await;
                    [nodes[0].child.id(), nodes[1].child.id()]
                };
                {
                    let mut peak = peak.lock().unwrap();
                    for (i, pid) in pids.into_iter().enumerate() {
                        peak[i] = peak[i].max(resident_mb(pid));
                    }
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };

    // The hostile files and floods, beside the crowd.
    let hostile = {
        let tally = tally.clone();
        tokio::spawn(async move {
            let bomb = jalsa::photo::hostile::scan_bomb(2000, 1_250_000);
            let (content_type, body) =
                common::service::multipart(&[], &[("photo", "bomb.jpg", &bomb)]);
            let mut raw = format!(
                "POST /api/frames/jalsa-badge/pictures HTTP/1.1\r\nHost: soak\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            raw.extend_from_slice(&body);
            let mut round = 0usize;
            while Instant::now() < deadline {
                round += 1;
                let address = addresses[round % 2];
                // Two scan bombs at once, as the field sent them.
                let (one, two) = tokio::join!(send(address, &raw, None), send(address, &raw, None));
                for answer in [one, two].into_iter().flatten().flatten() {
                    let mut t = tally.lock().unwrap();
                    t.record("scan bomb", &answer);
                    if answer.status != 503 && answer.status != 422 {
                        t.wrong
                            .push(format!("scan bomb: {} (not refused)", answer.status));
                    }
                }
                if round % 8 == 1 {
                    // 1,000 unfinished 31 KB heads on each node for a second.
                    let held = tokio::join!(
                        unfinished_heads(addresses[0], 1000),
                        unfinished_heads(addresses[1], 1000)
                    );
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    drop(held);
                }
                if round % 8 == 5 {
                    // Ten slow 20 MB uploads on each node.
                    let until = (Instant::now() + Duration::from_secs(40)).min(deadline);
                    let uploads: Vec<_> = (0..20)
                        .map(|i| tokio::spawn(slow_upload(addresses[i % 2], until)))
                        .collect();
                    for upload in uploads {
                        if let Ok(Some(answer)) = upload.await {
                            tally.lock().unwrap().record("slow upload", &answer);
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };

    let mut workers = Vec::new();
    for worker in 0..8u64 {
        let tally = tally.clone();
        workers.push(tokio::spawn(async move {
            let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (worker + 1));
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let address = addresses[dice.below(2) as usize];
                let forged = format!("203.0.113.{}", dice.below(250));
                let hang_up = (dice.below(4) == 0)
                    .then(|| Duration::from_millis(dice.below(300)));
                let (what, raw) = match worker % 4 {
                    // Fresh remixes, each new.
                    0 | 1 => (
                        "fresh remix",
                        request(
                            "POST",
                            "/api/remixes",
                            &[
                                ("Content-Type", "application/json"),
                                ("X-Forwarded-For", &forged),
                            ],
                            &json!({"template": "rocket", "captions": [format!("soak {worker} {n}")]})
                                .to_string(),
                        ),
                    ),
                    // Repeats of a handful of captions, and their pictures.
                    2 => {
                        let known = tally.lock().unwrap().acknowledged.clone();
                        if !known.is_empty() && dice.below(2) == 0 {
                            let id = &known[dice.below(known.len() as u64) as usize];
                            ("image", request("GET", &format!("/i/{id}.jpg"), &[], ""))
                        } else {
                            (
                                "repeat remix",
                                request(
                                    "POST",
                                    "/api/remixes",
                                    &[("Content-Type", "application/json")],
                                    &json!({"template": "coffee", "captions": [format!("again {}", dice.below(5))]})
                                        .to_string(),
                                ),
                            )
                        }
                    }
                    // Sign-in flood: wrong passwords, forged addresses, no CSRF cookie half
                    // the time.
                    _ => (
                        "sign-in",
                        request(
                            "POST",
                            "/staff/login",
                            &[
                                ("Content-Type", "application/x-www-form-urlencoded"),
                                ("X-Forwarded-For", &forged),
                                ("Cookie", "jalsa_login_csrf=abc"),
                            ],
                            &format!(
                                "name=soak&password=guess{n}&csrf={}",
                                if dice.below(2) == 0 { "abc" } else { "nope" }
                            ),
                        ),
                    ),
                };
                match send(address, &raw, hang_up).await {
                    Ok(Some(answer)) => {
                        let mut t = tally.lock().unwrap();
                        t.record(what, &answer);
                        if what.ends_with("remix") && matches!(answer.status, 200 | 201) {
                            let v: Value = serde_json::from_slice(&answer.body).unwrap();
                            t.acknowledged.push(v["id"].as_str().unwrap().to_owned());
                        }
                    }
                    Ok(None) => tally.lock().unwrap().hang_ups += 1,
                    // The node being killed and started again.
                    Err(_) => {
                        tally.lock().unwrap().refused_connections += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
        }));
    }

    // Half way: SIGKILL node B and start it again on the same backends.
    tokio::time::sleep(Duration::from_secs(seconds / 2)).await;
    {
        let mut nodes = nodes.lock().await;
        nodes[1].child.kill().unwrap();
        nodes[1].child.wait().unwrap();
        let restarted = start_with(&database, &storage, dir.path(), FLAGS).await;
        nodes[1] = restarted;
    }
    let addresses = {
        let nodes = nodes.lock().await;
        [nodes[0].address, nodes[1].address]
    };
    for w in workers {
        w.await.unwrap();
    }
    hostile.await.unwrap();
    // Let hung-up renders finish, and memory freed by the floods go back.
    tokio::time::sleep(Duration::from_secs(4)).await;
    watcher.abort();
    let peak = *peak.lock().unwrap();
    eprintln!("highest resident memory seen: {peak:?} MB");
    for (i, mb) in peak.into_iter().enumerate() {
        assert!(mb < 256, "node {i} reached {mb} MB resident");
    }

    let tally = std::mem::take(&mut *tally.lock().unwrap());
    let nodes = nodes.lock().await;
    for (i, node) in nodes.iter().enumerate() {
        let answer = send(node.address, &request("GET", "/metrics", &[], ""), None)
            .await
            .unwrap()
            .unwrap();
        let metrics = String::from_utf8_lossy(&answer.body);
        assert!(
            metrics.contains("jalsa_render_queue_depth 0"),
            "node {i}: queue not empty:\n{metrics}"
        );
        let rss = resident_mb(node.child.id());
        assert!(rss < 256, "node {i}: {rss} MB resident");
        eprintln!("node {i}: {rss} MB resident at the end");
    }
    let ids: std::collections::BTreeSet<_> = tally.acknowledged.iter().cloned().collect();
    for id in &ids {
        for address in addresses {
            let answer = send(
                address,
                &request("GET", &format!("/i/{id}.jpg"), &[], ""),
                None,
            )
            .await
            .unwrap()
            .unwrap();
            assert_eq!(answer.status, 200, "acknowledged remix {id} not served");
            assert_eq!(&blake3::hash(&answer.body).to_hex()[..16], id.as_str());
        }
    }
    eprintln!(
        "soak {seconds} s: answers {:?}, {} hang-ups, {} refused connections (node restart), {} remixes acknowledged",
        tally.statuses,
        tally.hang_ups,
        tally.refused_connections,
        ids.len()
    );
    assert!(
        tally.wrong.is_empty(),
        "answers outside the contract:\n{}",
        tally.wrong.join("\n")
    );
    assert!(ids.len() > 10, "too few remixes made to judge");
    assert!(
        tally.statuses.get(&429).copied().unwrap_or(0) > 0,
        "forged headers got past the per-client limit"
    );
}
