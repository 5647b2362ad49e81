//! Two jalsa processes sharing one PostgreSQL and one S3 store: a remix made on one is
//! served by the other, the same caption sent to both at once is one remix, a staff action
//! on one is seen on the other, a maker's delete link used on one erases the picture from
//! the shared store and the other stops serving it, and killing one with SIGKILL under
//! load loses no remix that was acknowledged. Needs `JALSA_TEST_DATABASE_URL` and `JALSA_TEST_S3_URL` (CI sets
//! both); says SKIPPED without them.

mod common;

use common::node::{Node, http, http_multipart, start_with, visit_from};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A node on these backends, post-moderation, no rate limit, behind a proxy on loopback
/// (so that the visits below are many people: reach counts each once a day).
async fn start(database: &str, storage: &str, data: &std::path::Path) -> Node {
    let flags = ["--rate-limit", "0", "--moderation", "post"];
    start_with(
        database,
        storage,
        data,
        &[&flags[..], &["--trusted-proxies", "127.0.0.1"]].concat(),
    )
    .await
}

/// The `n`th person's visit: each from an address of their own.
async fn visit(address: SocketAddr, path: &str, n: u32) -> u16 {
    let client = format!("198.51.{}.{}", n / 250, n % 250 + 1);
    visit_from(address, path, Some(&client)).await
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

/// Asks `address` for `path` until it answers 410, failing with `what` once `deadline` is
/// past.
async fn until_gone(address: SocketAddr, path: &str, deadline: Instant, what: &str) {
    loop {
        let (status, _) = http(address, "GET", path, None, None).await.unwrap();
        if status == 410 {
            break;
        }
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
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
    let removed = format!("/api/remixes/{id}");
    until_gone(
        b.address,
        &removed,
        deadline,
        "B still serves a remix A removed",
    )
    .await;

    // The maker's private delete link, used on B, for a caption remix and for a framed
    // picture: the picture and its renditions leave the shared store, and A, which held
    // them in memory, answers 410 within seconds.
    let (status, made) = create(a.address, &["delete me on B"]).await;
    assert_eq!(status, 201);
    deleted_on_b(&a, &b, &storage, &made, &["square.jpg", "card.jpg"]).await;
    let photo = image::RgbImage::from_fn(1200, 900, |x, y| {
        image::Rgb([(x / 5) as u8, (y / 4) as u8, 90])
    });
    let (status, made) = http_multipart(
        a.address,
        "/api/frames/jalsa-badge/pictures",
        &[("text", "Quetta")],
        &[("photo", "me.jpg", &jalsa::render::encode::jpeg(&photo, 90))],
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&made));
    let made: Value = serde_json::from_slice(&made).unwrap();
    deleted_on_b(&a, &b, &storage, &made, &["story.jpg", "card.jpg"]).await;

    // Reach counts add up across nodes: 30 visitors on A and 20 on B are 50, exactly,
    // once B has written its counts (every 5 s). A third node stopped cleanly right after
    // its 7 visitors writes them at shutdown.
    let (status, made) = create(a.address, &["counted on both"]).await;
    assert_eq!(status, 201);
    let counted = made["id"].as_str().unwrap().to_owned();
    let page = format!("/m/{counted}");
    let mut people = 0..;
    for (node, n) in [(&a, 30), (&b, 20)] {
        for _ in 0..n {
            let person = people.next().unwrap();
            assert_eq!(visit(node.address, &page, person).await, 200);
        }
    }
    let c = start(&database, &storage, &dir.path().join("c")).await;
    for _ in 0..7 {
        let person = people.next().unwrap();
        assert_eq!(visit(c.address, &page, person).await, 200);
    }
    let mut c = c;
    // SAFETY: sending SIGTERM to our own child process.
    unsafe { libc::kill(c.child.id() as i32, libc::SIGTERM) };
    assert!(c.child.wait().unwrap().success(), "C did not stop cleanly");
    let views = |node: SocketAddr| {
        let (token, counted) = (token.clone(), counted.clone());
        async move {
            let (status, body) = http(
                node,
                "GET",
                &format!("/api/staff/reach?remix={counted}"),
                None,
                Some(&token),
            )
            .await
            .unwrap();
            assert_eq!(status, 200);
            serde_json::from_slice::<Value>(&body).unwrap()["page_views"]
                .as_i64()
                .unwrap()
        }
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let seen = views(a.address).await;
        assert!(seen <= 57, "counted twice: {seen}");
        if seen == 57 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "counts missing after 15 s: {seen} of 57"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Visits A counted more than a flush interval before it is killed survive the kill.
    for _ in 0..5 {
        visit(a.address, &page, people.next().unwrap()).await;
    }
    tokio::time::sleep(Duration::from_secs(6)).await;

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
    assert_eq!(
        views(b.address).await,
        62,
        "A's counts written before its kill were lost"
    );
    // The campaign's figures and the dashboard read the same rows on PostgreSQL.
    let (status, body) = http(b.address, "GET", "/api/staff/reach", None, Some(&token))
        .await
        .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let all: Value = serde_json::from_slice(&body).unwrap();
    assert!(all["page_views"].as_i64().unwrap() >= 62, "{all}");
    assert!(all["by_template"].to_string().contains("rocket"), "{all}");
}

/// Uses the delete link of `made` (an API answer from A) on B, after fetching its picture
/// and `renditions` from A: every one of them leaves the object store, and A answers 410
/// within seconds.
async fn deleted_on_b(a: &Node, b: &Node, storage: &str, made: &Value, renditions: &[&str]) {
    let id = made["id"].as_str().unwrap().to_owned();
    let delete_url = made["delete_url"]
        .as_str()
        .expect("a delete link")
        .to_owned();
    let path = &delete_url[delete_url.find("/d/").unwrap()..];
    let mut keys = vec![];
    let picture = format!("/i/{id}.jpg");
    let (status, bytes) = http(a.address, "GET", &picture, None, None).await.unwrap();
    assert_eq!(status, 200, "{picture}");
    keys.push(jalsa::store::remix_key(
        &blake3::hash(&bytes),
        jalsa::render::Format::Jpeg,
    ));
    for rendition in renditions {
        let url = format!("/i/{id}/{rendition}");
        let (status, bytes) = http(a.address, "GET", &url, None, None).await.unwrap();
        assert_eq!(status, 200, "{url}");
        keys.push(jalsa::store::card_key(&blake3::hash(&bytes)));
    }
    let blobs = jalsa::store::Blobs::open(storage).unwrap();
    for key in &keys {
        assert!(blobs.get(key).await.unwrap().is_some(), "{key} not stored");
    }
    let (status, _) = http(b.address, "POST", path, None, None).await.unwrap();
    assert_eq!(status, 200, "the delete link did not work on B");
    for key in &keys {
        assert!(blobs.get(key).await.unwrap().is_none(), "{key} still in S3");
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    for url in [
        picture.clone(),
        format!("/i/{id}/{}", renditions[0]),
        format!("/m/{id}"),
    ] {
        let what = format!("A still serves {url} deleted on B");
        until_gone(a.address, &url, deadline, &what).await;
    }
    let (status, _) = http(a.address, "POST", path, None, None).await.unwrap();
    assert_eq!(status, 410, "a used link works twice");
}
