//! Storage: every remix stored once, found again without rendering, nothing acknowledged
//! lost. Each test runs against memory and local-file blob stores and against SQLite, and
//! PostgreSQL too when `JALSA_TEST_DATABASE_URL` names one (CI sets it).

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use jalsa::db::{Db, DbError, RemixRow, Status};
use jalsa::remix::{RemixError, RemixId, RemixRequest, Remixer, TemplateEdit};
use jalsa::render::{Format, TextBox};
use jalsa::store::Blobs;

/// One combination of blob store and database, reopenable to simulate a restart.
struct Backend {
    name: String,
    blobs: Blobs,
    database: String,
    _dir: tempfile::TempDir,
}

impl Backend {
    /// Blobs in memory and SQLite in a folder of its own: stores no other test has seen.
    fn fresh(name: &str) -> Backend {
        let dir = tempfile::tempdir().unwrap();
        Backend {
            name: name.into(),
            blobs: Blobs::memory(),
            database: format!("sqlite://{}", dir.path().join("jalsa.db").display()),
            _dir: dir,
        }
    }

    /// The stores opened, with one remix of these captions made.
    async fn open_with(&self, captions: &[&str]) -> (Remixer, Arc<RemixRow>) {
        let remixer = self.open().await;
        let (row, _) = make(&remixer, captions).await;
        (remixer, row)
    }

    async fn open(&self) -> Remixer {
        let db = Db::connect(&self.database).await.expect("database opens");
        let remixer = Remixer::new(self.blobs.clone(), db, 2, 256);
        let photo = common::flat_png(320, 240, [40, 90, 160]);
        let template = common::flat_template(320, 240, [40, 90, 160], TextBox::top_and_bottom());
        let mut template = template;
        template.id = "rally".parse().unwrap();
        remixer
            .add_template(Arc::new(template), Bytes::from(photo), "png")
            .await
            .expect("template registers");
        remixer
    }
}

async fn backends() -> Vec<Backend> {
    let mut out = Vec::new();
    let postgres = std::env::var("JALSA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    // Said once per run, not once per test.
    static POSTGRES_SKIPPED: std::sync::Once = std::sync::Once::new();
    static S3_SKIPPED: std::sync::Once = std::sync::Once::new();
    if postgres.is_none() {
        POSTGRES_SKIPPED.call_once(|| {
            common::skipped(
                "SKIPPED PostgreSQL storage tests: set JALSA_TEST_DATABASE_URL=postgres://... to run them (CI does)",
            )
        });
    }
    let s3 = std::env::var("JALSA_TEST_S3_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if s3.is_none() {
        S3_SKIPPED.call_once(|| {
            common::skipped(
                "SKIPPED S3 storage tests: set JALSA_TEST_S3_URL=s3://bucket and the AWS_* variables to run them (CI does)",
            )
        });
    }
    for blobs in ["memory", "file", "s3"] {
        if blobs == "s3" && s3.is_none() {
            continue;
        }
        for db in ["sqlite", "postgres"] {
            let dir = tempfile::tempdir().unwrap();
            let database = match db {
                "sqlite" => format!("sqlite://{}", dir.path().join("jalsa.db").display()),
                _ => match &postgres {
                    Some(url) => common::postgres_schema(url).await,
                    None => continue,
                },
            };
            let store = match blobs {
                "memory" => Blobs::memory(),
                "s3" => Blobs::open(&format!(
                    "{}/{}",
                    s3.as_deref().unwrap_or_default(),
                    common::nonce()
                ))
                .unwrap(),
                _ => {
                    Blobs::open(&format!("file://{}", dir.path().join("blobs").display())).unwrap()
                }
            };
            out.push(Backend {
                name: format!("{blobs}+{db}"),
                blobs: store,
                database,
                _dir: dir,
            });
        }
    }
    out
}

fn request(captions: &[&str]) -> RemixRequest {
    RemixRequest::new("rally", captions.iter().map(|s| s.to_string()).collect())
}

/// Creates or finds the remix of `captions` on the rally photo: its row, and whether it was
/// made now.
async fn make(remixer: &Remixer, captions: &[&str]) -> (Arc<jalsa::db::RemixRow>, bool) {
    remixer.create_or_find(request(captions)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeat_request_renders_nothing() {
    for b in backends().await {
        let remixer = b.open().await;
        let (first, created) = make(&remixer, &["hope", "is priceless"]).await;
        assert!(created, "{}", b.name);
        assert_eq!(remixer.stats.renders.load(Ordering::SeqCst), 1);
        let stored = remixer
            .blobs()
            .get(&first.blob_key)
            .await
            .unwrap()
            .expect("blob stored");
        assert_eq!(
            RemixId::of(&blake3::hash(&stored)),
            first.id,
            "{}: id is not the hash",
            b.name
        );
        assert!(first.id.len() <= 16);
        // The row handed back is not read back after the insert: it must be the row stored.
        let read = remixer.db().get_remix(&first.id).await.unwrap().unwrap();
        assert_eq!(
            read, *first,
            "{}: the row returned is not the row stored",
            b.name
        );

        let (again, created) = make(&remixer, &["hope", "is priceless"]).await;
        assert!(!created, "{}", b.name);
        assert_eq!(again.id, first.id);
        assert_eq!(
            remixer.stats.renders.load(Ordering::SeqCst),
            1,
            "{}: rendered again",
            b.name
        );

        // Without the in-memory cache (a new process), the database answers.
        let fresh = b.open().await;
        let (third, created) = make(&fresh, &["hope", "is priceless"]).await;
        assert!(!created);
        assert_eq!(third.id, first.id);
        assert_eq!(
            fresh.stats.renders.load(Ordering::SeqCst),
            0,
            "{}: rendered again",
            b.name
        );

        remixer.flush_counters().await.unwrap();
        fresh.flush_counters().await.unwrap();
        let row = remixer.db().get_remix(&first.id).await.unwrap().unwrap();
        assert_eq!(row.requests, 3, "{}: requests not counted", b.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_pictures_share_one_blob() {
    for b in backends().await {
        let remixer = b.open().await;
        // Captions are uppercased by default, so these two requests draw the same picture.
        let (a, created_a) = make(&remixer, &["vote"]).await;
        let (b_row, created_b) = make(&remixer, &["VOTE"]).await;
        assert!(created_a && !created_b, "{}", b.name);
        assert_eq!(a.id, b_row.id);
        assert_eq!(remixer.stats.renders.load(Ordering::SeqCst), 2);
        let blobs = remixer.blobs().list("remixes").await.unwrap();
        assert_eq!(blobs.len(), 1, "{}: {blobs:?}", b.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_identical_creates_make_one_remix() {
    for b in backends().await {
        // Two processes' worth of remixers over the same stores.
        let one = Arc::new(b.open().await);
        let two = Arc::new(b.open().await);
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let r = if i % 2 == 0 { one.clone() } else { two.clone() };
                tokio::spawn(async move {
                    r.create_or_find(request(&["together", "at the jalsa"]))
                        .await
                })
            })
            .collect();
        let mut ids = Vec::new();
        let mut created = 0;
        for t in tasks {
            let (row, new) = t.await.unwrap().unwrap();
            ids.push(row.id.clone());
            created += usize::from(new);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{}: several ids", b.name);
        assert_eq!(
            created, 1,
            "{}: {created} callers were told they created it",
            b.name
        );
        let page = one
            .db()
            .list_remixes(&[Status::New], None, None, 100)
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1, "{}", b.name);
        assert_eq!(
            one.blobs().list("remixes").await.unwrap().len(),
            1,
            "{}",
            b.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_a_restart() {
    for b in backends().await {
        let id = {
            let remixer = b.open().await;
            make(&remixer, &["still here"]).await.0.id.clone()
        };
        let remixer = b.open().await;
        let row = remixer.remix(&id).await.unwrap().expect("row survives");
        assert_eq!(row.captions, vec!["still here"]);
        let (bytes, _) = remixer
            .picture(&row, Format::Jpeg)
            .await
            .unwrap()
            .expect("blob survives");
        assert_eq!(common::decode(&bytes).dimensions(), (320, 240));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gc_removes_a_blob_left_by_a_crash_and_stale_copies_and_keeps_the_rest() {
    for b in backends().await {
        let (remixer, kept) = b.open_with(&["keep me"]).await;
        // A crash after the blob was written and before its row: an orphan.
        let orphan = "remixes/0000000000000000000000000000000000000000000000000000000000000000.jpg";
        remixer
            .blobs()
            .put(orphan, Bytes::from_static(b"half a remix"))
            .await
            .unwrap();

        // The template photo's encoding by an earlier encoder, and a narrower copy and an
        // encoding of a photo no longer stored: nothing reads them again. Its encoding by
        // this encoder is kept.
        let photo = remixer.blobs().list("templates").await.unwrap()[0]
            .key
            .clone();
        let photo = blake3::Hash::from_hex(&photo["templates/".len()..][..64]).unwrap();
        let gone = blake3::Hash::from_bytes([7; 32]);
        let current = jalsa::store::base_key(&photo, 512);
        let stale = [
            current.replace(
                &format!("-{}.jpg", jalsa::render::jpeg::ENCODING_VERSION),
                "-v1.jpg",
            ),
            jalsa::store::base_key(&gone, 512),
            jalsa::store::photo_key(&gone, 480),
        ];
        // A later encoder's, written by a newer node sharing the store, is its to read.
        let later = current.replace(
            &format!("-{}.jpg", jalsa::render::jpeg::ENCODING_VERSION),
            "-v999.jpg",
        );
        let kept_copies = [current.clone(), later, jalsa::store::photo_key(&photo, 480)];
        for key in stale.iter().chain(&kept_copies) {
            remixer
                .blobs()
                .put(key, Bytes::from_static(b"a copy"))
                .await
                .unwrap();
        }
        let mut unused: Vec<String> = stale.iter().cloned().chain([orphan.to_string()]).collect();
        unused.sort();

        let report = remixer.gc(Duration::from_secs(3600), false).await.unwrap();
        assert!(
            report.removed.is_empty(),
            "{}: removed a blob still in its grace period",
            b.name
        );
        assert_eq!(report.too_recent, unused.len());

        let mut dry = remixer.gc(Duration::ZERO, true).await.unwrap();
        dry.removed.sort();
        assert_eq!(dry.removed, unused);
        assert!(
            remixer.blobs().exists(orphan).await.unwrap(),
            "{}: dry run deleted",
            b.name
        );

        let mut report = remixer.gc(Duration::ZERO, false).await.unwrap();
        report.removed.sort();
        assert_eq!(report.removed, unused, "{}", b.name);
        for key in &unused {
            assert!(!remixer.blobs().exists(key).await.unwrap(), "{key}");
        }
        for key in &kept_copies {
            assert!(
                remixer.blobs().exists(key).await.unwrap(),
                "{}: gc took {key}",
                b.name
            );
        }
        assert!(
            remixer.blobs().exists(&kept.blob_key).await.unwrap(),
            "{}: gc took a live blob",
            b.name
        );
        let templates = remixer.blobs().list("templates").await.unwrap();
        assert_eq!(templates.len(), 1, "{}: gc took the template photo", b.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collision_on_the_short_id_is_refused() {
    for b in backends().await {
        let (remixer, row) = b.open_with(&["original"]).await;
        let impostor = RemixRow {
            hash: "f".repeat(64),
            ..(*row).clone()
        };
        let err = remixer
            .db()
            .insert_remix(&impostor, "some-other-key", "")
            .await
            .unwrap_err();
        assert!(
            matches!(err, DbError::Collision { ref id } if *id == row.id),
            "{}: {err}",
            b.name
        );
        // The original is untouched.
        let stored = remixer.db().get_remix(&row.id).await.unwrap().unwrap();
        assert_eq!(stored.hash, row.hash);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_status_and_parents() {
    for b in backends().await {
        let remixer = b.open().await;
        let mut ids = Vec::new();
        for i in 0..5 {
            let (row, _) = make(&remixer, &[&format!("number {i}")]).await;
            ids.push(row.id.clone());
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        // Newest first, two at a time, every remix exactly once.
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = remixer
                .db()
                .list_remixes(&[Status::New], None, cursor.as_deref(), 2)
                .await
                .unwrap();
            seen.extend(page.items.iter().map(|r| r.id.clone()));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        ids.reverse();
        assert_eq!(seen, ids, "{}", b.name);

        assert!(remixer.set_status(&ids[0], Status::Featured).await.unwrap());
        assert!(
            !remixer
                .set_status("0123456789abcdef", Status::Hidden)
                .await
                .unwrap()
        );
        assert_eq!(
            remixer.remix(&ids[0]).await.unwrap().unwrap().status,
            Status::Featured
        );
        let featured = remixer
            .db()
            .list_remixes(&[Status::Featured], None, None, 10)
            .await
            .unwrap();
        assert_eq!(featured.items.len(), 1);

        let mut child = request(&["number 0", "and a reply"]);
        child.parent = Some(ids[1].to_string());
        let (row, _) = remixer.create_or_find(child).await.unwrap();
        assert_eq!(row.parent.as_deref(), Some(ids[1].as_str()));

        let mut orphan = request(&["no such parent"]);
        orphan.parent = Some("0123456789abcdef".into());
        assert!(matches!(
            remixer.create_or_find(orphan).await,
            Err(RemixError::UnknownParent(_))
        ));
        let mut unknown = request(&["x"]);
        unknown.template = "nope".into();
        assert!(matches!(
            remixer.create_or_find(unknown).await,
            Err(RemixError::UnknownTemplate(_))
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cards_and_other_formats_are_made_once_and_stored() {
    for b in backends().await {
        let (remixer, row) = b.open_with(&["share me"]).await;
        let (card, _) = remixer.card(&row).await.unwrap().unwrap();
        assert_eq!(common::decode(&card).dimensions(), (1200, 630));
        let (png, _) = remixer.picture(&row, Format::Png).await.unwrap().unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let renders = remixer.stats.renders.load(Ordering::SeqCst);
        remixer.card(&row).await.unwrap().unwrap();
        remixer.picture(&row, Format::Png).await.unwrap().unwrap();
        assert_eq!(
            remixer.stats.renders.load(Ordering::SeqCst),
            renders,
            "{}: made twice",
            b.name
        );
        assert_eq!(remixer.blobs().list("cards").await.unwrap().len(), 1);
    }
}

#[test]
fn bad_storage_and_database_urls_are_named() {
    let err = Blobs::open("ftp://example.org/x").unwrap_err().to_string();
    assert!(err.contains("ftp://example.org/x"), "{err}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let err = rt
        .block_on(Db::connect("mysql://localhost/x"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("use sqlite://FILE or postgres://"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_blobs_go_up_in_parts_and_come_back_whole() {
    for b in backends().await {
        // Over the multipart threshold, and not a multiple of any part size.
        let big: Vec<u8> = (0..9 * 1024 * 1024 + 17).map(|i| (i % 251) as u8).collect();
        b.blobs
            .put("templates/big.bin", Bytes::from(big.clone()))
            .await
            .unwrap();
        let back = b.blobs.get("templates/big.bin").await.unwrap().unwrap();
        assert_eq!(back.len(), big.len(), "{}", b.name);
        assert!(back == big, "{}: bytes differ", b.name);
        b.blobs.delete("templates/big.bin").await.unwrap();
        assert!(!b.blobs.exists("templates/big.bin").await.unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_changes_on_one_node_reach_another() {
    for b in backends().await {
        let one = b.open().await;
        let two = b.open().await;
        // One node edits the boxes and retires the photo; the other picks both up on its poll.
        let t = one.template("rally").unwrap();
        let mut boxes = t.spec.boxes.clone();
        boxes.truncate(1);
        boxes[0].y = 0.5;
        let edit = TemplateEdit {
            title: "Rally, edited".into(),
            alt: t.spec.alt.clone(),
            title_ur: "جلسہ، نئے عنوان کے ساتھ".into(),
            alt_ur: "جلسے کی ایک تصویر".into(),
            hashtags: t.spec.hashtags.clone(),
            boxes,
        };
        one.edit_template("rally", edit).await.unwrap().unwrap();
        one.set_template_status("rally", jalsa::db::TemplateStatus::Retired)
            .await
            .unwrap();
        two.load_stored_templates().await.unwrap();
        let seen = two.template("rally").unwrap();
        assert_eq!(seen.spec.title, "Rally, edited", "{}", b.name);
        assert_eq!(seen.spec.title_ur, "جلسہ، نئے عنوان کے ساتھ", "{}", b.name);
        assert_eq!(seen.spec.alt_ur, "جلسے کی ایک تصویر", "{}", b.name);
        assert_eq!(seen.spec.boxes.len(), 1);
        assert!((seen.spec.boxes[0].y - 0.5).abs() < 1e-12);
        assert!(matches!(
            two.create_or_find(request(&["too late"])).await,
            Err(RemixError::RetiredTemplate(_))
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_edits_survive_restarts_and_a_changed_folder_still_arrives() {
    for b in backends().await {
        let one = b.open().await;
        let t = one.template("rally").unwrap();
        let edit = TemplateEdit {
            title: "Rally, edited".into(),
            alt: t.spec.alt.clone(),
            title_ur: String::new(),
            alt_ur: String::new(),
            hashtags: vec!["jalsa".into()],
            boxes: t.spec.boxes[..1].to_vec(),
        };
        one.edit_template("rally", edit).await.unwrap().unwrap();

        // Restarts register the same folder again: the edit stays, on every node.
        for _ in 0..2 {
            let restarted = b.open().await;
            let seen = restarted.template("rally").unwrap();
            let kept = (
                seen.spec.title.as_str(),
                seen.spec.boxes.len(),
                &seen.spec.hashtags[..],
            );
            assert_eq!(
                kept,
                ("Rally, edited", 1, &["jalsa".to_owned()][..]),
                "{}",
                b.name
            );
        }

        // The folder changes (a new template.toml is deployed): the next start records it.
        let db = Db::connect(&b.database).await.unwrap();
        let next = Remixer::new(b.blobs.clone(), db, 1, 8);
        let mut changed = common::flat_template(320, 240, [40, 90, 160], TextBox::top_and_bottom());
        changed.id = "rally".parse().unwrap();
        changed.spec.title = "Rally, version 2".into();
        next.add_template(
            Arc::new(changed),
            Bytes::from(common::flat_png(320, 240, [40, 90, 160])),
            "png",
        )
        .await
        .unwrap();
        let seen = next.template("rally").unwrap();
        let recorded = (seen.spec.title.as_str(), seen.spec.boxes.len());
        assert_eq!(
            recorded,
            ("Rally, version 2", 2),
            "{}: folder ignored",
            b.name
        );
        // And another node polling the database follows.
        one.load_stored_templates().await.unwrap();
        assert_eq!(
            one.template("rally").unwrap().spec.title,
            "Rally, version 2"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_knows_every_table_and_column_of_the_live_schema() {
    for b in backends().await {
        let db = Db::connect(&b.database).await.unwrap();
        let live = db.schema().await.unwrap();
        // Every live column is copied or deliberately left behind...
        assert_eq!(
            jalsa::db::not_copied(&db).await.unwrap(),
            Vec::<String>::new(),
            "{}: columns `jalsa migrate` would drop",
            b.name
        );
        // ...and every column it copies exists.
        for (table, columns) in jalsa::db::TABLES {
            let Some(have) = live.get(*table) else {
                panic!("{}: migrate copies {table}, which the schema lacks", b.name);
            };
            for (column, _) in *columns {
                assert!(
                    have.contains(*column),
                    "{}: migrate copies {table}.{column}, which the schema lacks",
                    b.name
                );
            }
        }
        for (table, _) in jalsa::db::NOT_COPIED {
            assert!(live.contains_key(*table), "{}: {table} is gone", b.name);
        }
    }
}

/// How many template encodings this remixer has prepared.
fn bases_prepared(remixer: &Remixer) -> u64 {
    remixer.stats.jpeg_bases_prepared.load(Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_encoding_is_prepared_once_and_kept_across_restarts() {
    for b in backends().await {
        let first = b.open().await;
        let (made, _) = make(&first, &["hope", "is priceless"]).await;
        assert_eq!(bases_prepared(&first), 1, "{}", b.name);
        let stored = first.blobs().list("bases").await.unwrap();
        assert_eq!(stored.len(), 1, "{}: {stored:?}", b.name);

        // A restart (or another node) reads it instead of preparing it again.
        let next = b.open().await;
        make(&next, &["unity", "faith and discipline"]).await;
        assert_eq!(bases_prepared(&next), 0, "{}", b.name);

        // A damaged copy is refused and prepared again, to the same bytes.
        first
            .blobs()
            .put(
                &stored[0].key,
                Bytes::from_static(b"\xFF\xD8 not a picture"),
            )
            .await
            .unwrap();
        let damaged = b.open().await;
        make(&damaged, &["new", "picture"]).await;
        assert_eq!(bases_prepared(&damaged), 1, "{}", b.name);
        let again = first.blobs().get(&stored[0].key).await.unwrap().unwrap();
        assert!(again.starts_with(&[0xFF, 0xD8, 0xFF, 0xE0]), "{}", b.name);

        // The same request on stores that never saw this template: the same picture.
        let fresh = Backend::fresh("fresh");
        let (elsewhere, _) = make(&fresh.open().await, &["hope", "is priceless"]).await;
        assert_eq!(elsewhere.hash, made.hash, "{}", b.name);
    }
}

#[tokio::test]
async fn requests_racing_to_a_cold_template_prepare_its_encoding_once() {
    // Eight fresh remixes of a template whose encoding is neither in memory nor stored,
    // all at once: one prepares and stores it, the others wait for it.
    let backend = Backend::fresh("racing");
    let remixer = backend.open().await;
    let captions: Vec<[String; 2]> = (0..8)
        .map(|i| [format!("first {i}"), format!("second {i}")])
        .collect();
    let made = futures::future::join_all(captions.iter().map(|c| {
        let c = [c[0].as_str(), c[1].as_str()];
        remixer.create_or_find(request(&c))
    }))
    .await;
    assert!(made.iter().all(|m| m.is_ok()), "{made:?}");
    assert_eq!(remixer.stats.jpeg_bases_prepared.load(Ordering::Relaxed), 1);
    assert_eq!(remixer.blobs().list("bases").await.unwrap().len(), 1);
}
