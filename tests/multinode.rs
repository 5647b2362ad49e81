//! Two jalsa processes sharing one PostgreSQL and one S3 store: a remix made on one is
//! served by the other, the same caption sent to both at once is one remix, a staff action
//! on one is seen on the other, and killing one with SIGKILL under load loses no remix
//! that was acknowledged. Needs `JALSA_TEST_DATABASE_URL` and `JALSA_TEST_S3_URL` (CI sets
//! both); says SKIPPED without them.

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Node {
    child: Child,
    address: SocketAddr,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(database: &str, storage: &str, data: &std::path::Path) -> Node {
    let port = common::free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--rate-limit",
            "0",
        ])
        .args([
            "--database",
            database,
            "--storage",
            storage,
            "--moderation",
            "post",
        ])
        .arg("--templates")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let node = Node {
        child,
        address: format!("127.0.0.1:{port}").parse().unwrap(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok((200, _)) = http(node.address, "GET", "/healthz", None, None).await {
            return node;
        }
        assert!(Instant::now() < deadline, "node on {port} did not come up");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One HTTP/1.1 request on a fresh connection: the status and the body.
async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
    token: Option<&str>,
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let head_end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no response head"))?;
    let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = response[head_end + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body);
    }
    Ok((status, body))
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 2 + size + 2..];
    }
    out
}

async fn create(address: SocketAddr, captions: &[&str]) -> (u16, Value) {
    let (status, body) = http(
        address,
        "POST",
        "/api/remixes",
        Some(&json!({"template": "rocket", "captions": captions})),
        None,
    )
    .await
    .unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_one_database_and_one_store() {
    let (Some(pg), Some(s3)) = (
        std::env::var("JALSA_TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty()),
        std::env::var("JALSA_TEST_S3_URL")
            .ok()
            .filter(|v| !v.is_empty()),
    ) else {
        common::skipped(
            "SKIPPED multi-node test: it needs JALSA_TEST_DATABASE_URL (PostgreSQL) and JALSA_TEST_S3_URL (S3); CI sets both",
        );
        return;
    };
    let nonce = common::nonce();
    let database = common::postgres_schema(&pg).await;
    let storage = format!("{s3}/multinode-{nonce}");
    let dir = tempfile::tempdir().unwrap();

    let a = start(&database, &storage, &dir.path().join("a")).await;
    let b = start(&database, &storage, &dir.path().join("b")).await;

    // Made on A, served by B.
    let (status, made) = create(a.address, &["made on A"]).await;
    assert_eq!(status, 201);
    let id = made["id"].as_str().unwrap().to_owned();
    let (status, image) = http(b.address, "GET", &format!("/i/{id}.jpg"), None, None)
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        &blake3::hash(&image).to_hex()[..16],
        id,
        "B served other bytes"
    );

    // The same caption sent to both at once is one remix.
    let (one, two) = tokio::join!(
        create(a.address, &["at once", "on both"]),
        create(b.address, &["at once", "on both"])
    );
    assert_eq!(one.1["id"], two.1["id"], "two remixes for one caption");
    let created = [one.0, two.0].iter().filter(|&&s| s == 201).count();
    assert!(created <= 1, "both nodes said they created it");

    // A staff action on A is seen on B.
    let db = jalsa::db::Db::connect(&database).await.unwrap();
    jalsa::staff::add_staff(&db, "amna", "correct horse battery")
        .await
        .unwrap();
    let (token, _) = jalsa::staff::create_token(&db, "amna").await.unwrap();
    let (status, _) = http(
        a.address,
        "POST",
        &format!("/api/staff/remixes/{id}/status"),
        Some(&json!({"status": "removed"})),
        Some(&token),
    )
    .await
    .unwrap();
    assert_eq!(status, 200);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, _) = http(b.address, "GET", &format!("/api/remixes/{id}"), None, None)
            .await
            .unwrap();
        if status == 410 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "B still serves a remix A removed"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Kill A with SIGKILL while it is making remixes: nothing it acknowledged is lost.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut a = a;
    let load: Vec<_> = (0..4)
        .map(|worker| {
            let acknowledged = acknowledged.clone();
            let address = a.address;
            tokio::spawn(async move {
                for i in 0.. {
                    let caption = format!("load {worker}-{i}");
                    match http(
                        address,
                        "POST",
                        "/api/remixes",
                        Some(&json!({"template": "rocket", "captions": [caption]})),
                        None,
                    )
                    .await
                    {
                        Ok((201 | 200, body)) => {
                            let v: Value = serde_json::from_slice(&body).unwrap();
                            acknowledged
                                .lock()
                                .unwrap()
                                .push(v["id"].as_str().unwrap().to_owned());
                        }
                        _ => break,
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().unwrap().len() < 12 {
        assert!(
            Instant::now() < deadline,
            "A made too few remixes under load"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.child.kill().unwrap(); // SIGKILL
    a.child.wait().unwrap();
    for task in load {
        task.await.unwrap();
    }
    let ids = acknowledged.lock().unwrap().clone();
    for id in &ids {
        let (status, image) = http(b.address, "GET", &format!("/i/{id}.jpg"), None, None)
            .await
            .unwrap();
        assert_eq!(status, 200, "acknowledged remix {id} lost");
        assert_eq!(&blake3::hash(&image).to_hex()[..16], id.as_str());
    }
    let (status, _) = create(b.address, &["B carries on"]).await;
    assert_eq!(status, 201, "B stopped serving");
}
