//! Moving up: a single-machine install (SQLite and local files) copied to the scale-out
//! backends, idempotently, with every remix still served afterwards. Targets PostgreSQL and
//! S3 when `JALSA_TEST_DATABASE_URL` and `JALSA_TEST_S3_URL` name them (CI does), and
//! another SQLite file and folder otherwise.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use jalsa::catalog::Catalog;
use jalsa::db::Db;
use jalsa::db::RenditionKind;
use jalsa::remix::{RemixRequest, Remixer};
use jalsa::render::Format;
use jalsa::store::Blobs;

async fn target_database(dir: &std::path::Path) -> String {
    match std::env::var("JALSA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => common::postgres_schema(&url).await,
        None => {
            common::skipped(
                "SKIPPED migrating to PostgreSQL: JALSA_TEST_DATABASE_URL is not set; migrating to SQLite instead",
            );
            format!("sqlite://{}", dir.join("target.db").display())
        }
    }
}

fn target_storage(dir: &std::path::Path) -> String {
    match std::env::var("JALSA_TEST_S3_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => format!("{url}/migrate-{}", common::nonce()),
        None => {
            common::skipped(
                "SKIPPED migrating to S3: JALSA_TEST_S3_URL is not set; migrating to local files instead",
            );
            format!("file://{}", dir.join("target-blobs").display())
        }
    }
}

fn request(template: &str, captions: &[&str], parent: Option<String>) -> RemixRequest {
    RemixRequest {
        parent,
        area: Some("lahore".into()),
        ..RemixRequest::new(template, captions.iter().map(|s| s.to_string()).collect())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_node_install_moves_to_the_scale_out_backends() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let templates = common::repo().join("templates");
    let catalog = Catalog::load(&templates).unwrap();

    // A populated single-node install.
    let source_db = Db::connect(&format!("sqlite://{}", data.join("jalsa.db").display()))
        .await
        .unwrap();
    let source_blobs = Blobs::open(&format!("file://{}", data.join("blobs").display())).unwrap();
    let source = Remixer::new(source_blobs.clone(), source_db.clone(), 2, 64);
    source.register_catalog(&templates, &catalog).await.unwrap();
    let mut rows = Vec::new();
    for (i, template) in ["astronaut", "rocket", "coffee", "hubble"]
        .iter()
        .enumerate()
    {
        let (row, _) = source
            .create_or_find(request(
                template,
                &[&format!("rally {i}"), "زندہ باد"],
                None,
            ))
            .await
            .unwrap();
        rows.push(row);
    }
    let (child, _) = source
        .create_or_find(request(
            "astronaut",
            &["reply"],
            Some(rows[0].id.to_string()),
        ))
        .await
        .unwrap();
    rows.push(child);
    renditions(&source, &rows).await;
    jalsa::staff::add_staff(&source_db, "amna", "correct horse battery")
        .await
        .unwrap();
    let (token, _) = jalsa::staff::create_token(&source_db, "amna")
        .await
        .unwrap();
    jalsa::staff::audit(&source_db, "amna", "remix.status", &rows[2].id, "approved")
        .await
        .unwrap();
    jalsa::staff::block_phrase(&source_db, "amna", "چور", &["چوڑ".to_owned()])
        .await
        .unwrap();
    assert!(source.report(&rows[3].id, "spam").await.unwrap());
    source
        .set_template_status("chelsea", jalsa::db::TemplateStatus::Retired)
        .await
        .unwrap();

    let to_database = target_database(dir.path()).await;
    let to_storage = target_storage(dir.path());

    // Through the command line, twice: the second run finds everything there already.
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_jalsa"))
            .args([
                "migrate",
                "--to-database",
                &to_database,
                "--to-storage",
                &to_storage,
                "--data-dir",
            ])
            .arg(&data)
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8(first.stdout).unwrap();
    assert!(
        out.contains("remixes: 5 rows in the source, 5 in the target"),
        "{out}"
    );
    assert!(
        out.contains("reports: 1 rows in the source, 1 in the target"),
        "{out}"
    );
    let again = run();
    assert!(again.status.success());
    let out = String::from_utf8(again.stdout).unwrap();
    assert!(
        out.contains("copied now: 0") || out.contains(", 0 copied now"),
        "{out}"
    );
    assert!(
        out.contains("reports: 1 rows in the source, 1 in the target"),
        "not idempotent: {out}"
    );

    // A node on the new backends serves every remix without rendering anything.
    let target_db = Db::connect(&to_database).await.unwrap();
    let target = Remixer::new(Blobs::open(&to_storage).unwrap(), target_db.clone(), 2, 64);
    target.register_catalog(&templates, &catalog).await.unwrap();
    target.load_stored_templates().await.unwrap();
    for row in &rows {
        let moved = target.remix(&row.id).await.unwrap().expect("remix moved");
        assert_eq!(moved.captions, row.captions);
        assert_eq!(moved.parent, row.parent);
        assert_eq!(moved.area.as_deref(), Some("lahore"));
        let (bytes, _) = target.picture(&moved, Format::Jpeg).await.unwrap().unwrap();
        let (original, _) = source.picture(row, Format::Jpeg).await.unwrap().unwrap();
        assert!(bytes == original, "{}: picture differs", row.id);
    }
    renditions(&target, &rows).await;
    let (again, created) = target
        .create_or_find(request("rocket", &["rally 1", "زندہ باد"], None))
        .await
        .unwrap();
    assert!(
        !created && again.id == rows[1].id,
        "the request key did not move"
    );
    assert_eq!(
        target.stats.renders.load(Ordering::SeqCst),
        0,
        "something was rendered again"
    );
    assert_eq!(
        target.template_status("chelsea"),
        Some(jalsa::db::TemplateStatus::Retired)
    );
    assert!(
        jalsa::staff::check_password(
            &target_db,
            &jalsa::staff::PasswordChecker::new(1, 1),
            "amna",
            "correct horse battery"
        )
        .await
        .unwrap()
    );
    assert_eq!(
        jalsa::staff::token_staff(&target_db, &token)
            .await
            .unwrap()
            .as_deref(),
        Some("amna")
    );
    assert_eq!(
        jalsa::staff::blocklist(&target_db).await.unwrap(),
        vec![jalsa::staff::Entry {
            phrase: "چور".to_string(),
            variants: vec!["چوڑ".to_string()],
        }]
    );
    let queue = target_db.list_queue(None, 50).await.unwrap();
    assert!(
        queue
            .items
            .iter()
            .any(|r| r.id == rows[3].id && r.reports == 1)
    );
}

/// A card of the first remix and a PNG of the second, made (or found) on this side.
async fn renditions(remixer: &jalsa::remix::Remixer, rows: &[Arc<jalsa::db::RemixRow>]) {
    remixer.card(&rows[0]).await.unwrap().unwrap();
    let png = RenditionKind::Format(Format::Png);
    remixer.rendition_of(&rows[1], png).await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_column_migrate_does_not_know_stops_it_before_anything_is_copied() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let source = format!("sqlite://{}", data.join("jalsa.db").display());
    std::fs::create_dir_all(data.join("blobs/cards")).unwrap();
    let card = b"a card";
    let key = format!("blobs/cards/{}.jpg", blake3::hash(card).to_hex());
    std::fs::write(data.join(key), card).unwrap();
    Db::connect(&source).await.unwrap();
    // A later release's column, written into this one's database.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("{source}?mode=rw"))
        .await
        .unwrap();
    sqlx::query("ALTER TABLE remixes ADD COLUMN area TEXT")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let target = format!("sqlite://{}", dir.path().join("target.db").display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args(["migrate", "--to-database", &target, "--to-storage"])
        .arg(format!("file://{}", dir.path().join("blobs").display()))
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "migrated with an unknown column");
    assert!(stderr.contains("remixes.area"), "{stderr}");
    let copied = std::fs::read_dir(dir.path().join("blobs")).map_or(0, |d| d.count());
    assert_eq!(copied, 0, "blobs were copied before the refusal");
}
