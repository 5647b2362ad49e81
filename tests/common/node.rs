//! A `jalsa serve` process for black-box tests, and a small HTTP/1.1 client that can be
//! told exactly what to send.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A `jalsa serve` process, killed when dropped.
pub struct Node {
    /// The process.
    pub child: Child,
    /// Where it listens.
    pub address: SocketAddr,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Adds a staff account through the command line, as an operator does.
pub fn add_staff(database: &str, name: &str, password: &str) {
    use std::io::Write as _;
    let mut add = Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args(["staff", "add", name, "--database", database])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{password}").unwrap();
    assert!(
        add.wait().unwrap().success(),
        "jalsa staff add {name} failed"
    );
}

/// A SQLite file and a blob folder in `dir`, as URLs.
pub fn sqlite_and_files(dir: &std::path::Path) -> (String, String) {
    (
        format!("sqlite://{}", dir.join("jalsa.db").display()),
        format!("file://{}", dir.join("blobs").display()),
    )
}

/// A node on a SQLite file and a blob folder in `dir`, with these flags.
pub async fn start_local(dir: &std::path::Path, flags: &[&str]) -> Node {
    let (database, storage) = sqlite_and_files(dir);
    start_with(&database, &storage, dir, flags).await
}

/// A node on these backends, post-moderation, no rate limit.
pub async fn start(database: &str, storage: &str, data: &std::path::Path) -> Node {
    start_with(
        database,
        storage,
        data,
        &["--rate-limit", "0", "--moderation", "post"],
    )
    .await
}

/// A node on these backends with these extra flags, once its /healthz answers. It listens
/// on a port of its own choosing and says which in its log: a port picked here and handed
/// over could be taken meanwhile by another test's node, which would then answer for it.
pub async fn start_with(
    database: &str,
    storage: &str,
    data: &std::path::Path,
    flags: &[&str],
) -> Node {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(["--database", database, "--storage", storage])
        .args(flags)
        .arg("--templates")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let log = child.stdout.take().unwrap();
    let (told, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead as _;
        let mut lines = std::io::BufReader::new(log).lines().map_while(Result::ok);
        for line in lines.by_ref() {
            if let Some(address) = listening_address(&line) {
                let _ = told.send(address);
                break;
            }
        }
        // Read on, so that the node never waits on a full pipe.
        lines.for_each(drop);
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let address = loop {
        if let Ok(address) = address.try_recv() {
            break address;
        }
        let exited = child.try_wait().unwrap();
        assert!(
            exited.is_none() && Instant::now() < deadline,
            "the node did not say where it listens (exit: {exited:?})"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let node = Node { child, address };
    loop {
        if let Ok((200, _)) = http(node.address, "GET", "/healthz", None, None).await {
            return node;
        }
        assert!(
            Instant::now() < deadline,
            "node on {address} did not come up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The address in the log line `jalsa is listening address=...`, colours and all.
fn listening_address(line: &str) -> Option<SocketAddr> {
    let mut plain = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // An ANSI colour: ESC [ ... m.
            chars.by_ref().find(|&c| c == 'm');
        } else {
            plain.push(c);
        }
    }
    if !plain.contains("jalsa is listening") {
        return None;
    }
    let rest = &plain[plain.find("address=")? + "address=".len()..];
    rest.split_whitespace().next()?.parse().ok()
}

/// One HTTP/1.1 request on a fresh connection: the status and the body.
pub async fn http(
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
    let (status, _, body) = parse_response(&response)?;
    Ok((status, body))
}

/// A supporter's remix through the API on a fresh connection, which must be made or found:
/// the answer's body.
pub async fn post_remix(address: SocketAddr, body: &Value) -> Vec<u8> {
    let (status, answer) = http(address, "POST", "/api/remixes", Some(body), None)
        .await
        .unwrap();
    assert!(
        status == 201 || status == 200,
        "{status}: {}",
        String::from_utf8_lossy(&answer)
    );
    answer
}

/// A person's browser opening `path`: a GET with a phone's user agent, so it counts.
pub async fn visit(address: SocketAddr, path: &str) -> u16 {
    visit_from(address, path, None).await
}

/// [`visit`] by the person at `client`, named in `X-Forwarded-For` (believed by a node
/// that trusts loopback as its proxy): reach counts each person once a day.
pub async fn visit_from(address: SocketAddr, path: &str, client: Option<&str>) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let forwarded = client
        .map(|c| format!("X-Forwarded-For: {c}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{forwarded}User-Agent: Mozilla/5.0 (Linux; Android 13) Chrome/119.0 Mobile Safari/537.36\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    parse_response(&response).unwrap().0
}

/// One multipart/form-data POST on a fresh connection: the status and the body.
pub async fn http_multipart(
    address: SocketAddr,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> std::io::Result<(u16, Vec<u8>)> {
    let (content_type, body) = super::service::multipart(fields, files);
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let (status, _, body) = parse_response(&response)?;
    Ok((status, body))
}

/// A whole HTTP/1.1 response: its status, its head (lowercased) and its body (unchunked).
pub fn parse_response(response: &[u8]) -> std::io::Result<(u16, String, Vec<u8>)> {
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no response head"))?;
    let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = response[end + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = unchunk(&body);
    }
    Ok((status, head, body))
}

/// The body of a chunked response.
pub fn unchunk(mut data: &[u8]) -> Vec<u8> {
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
