//! A supporter's phone on a crowded rally network, the short form of `benches/phone.sh`:
//! `benches/phone.mjs` drives Chromium (Pixel 7 profile, 400/150 kbps, 400 ms, fresh
//! cache) against a real node once per flow. What is asserted is what a supporter would
//! notice, not how fast: the Urdu home page shows photos and frames in its first screen;
//! a caption remix and a 12 MP phone photo in a frame reach their share pages with their
//! pictures; at most 160 KB and no GPS position leave the phone for the photo; and when the
//! network drops during the upload the form keeps everything and "send again" lands one
//! picture. The times are printed (the benchmark's job is to measure them).
//!
//! Needs Node.js, `playwright-core` (npm; `.ci/run` installs it) and Debian's `chromium`;
//! says SKIPPED loudly without them.

mod common;

use std::path::PathBuf;
use std::process::Command;

use jalsa::db::{Db, Status};

fn playwright() -> Option<PathBuf> {
    let path = std::env::var_os("JALSA_PLAYWRIGHT")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/jalsa-npm/node_modules/playwright-core"))
        })?;
    let node = Command::new("node").arg("--version").output().is_ok();
    (node && path.join("package.json").exists() && PathBuf::from("/usr/bin/chromium").exists())
        .then_some(path)
}

/// Runs the phone script on `base` for these flows; its output.
fn phone(playwright: &PathBuf, base: &str, only: &str) -> String {
    let out = Command::new("node")
        .arg(common::repo().join("benches/phone.mjs"))
        .args(["--base", base, "--runs", "1", "--only", only])
        .env("JALSA_PLAYWRIGHT", playwright)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "the phone flows {only} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

/// The framed pictures the node holds, all statuses.
async fn framed(database: &str) -> Vec<String> {
    let db = Db::connect(database).await.unwrap();
    let all = [
        Status::New,
        Status::Approved,
        Status::Featured,
        Status::Hidden,
    ];
    db.list_remixes(&all, Some("jalsa-badge"), None, 100)
        .await
        .unwrap()
        .items
        .iter()
        .map(|r| r.id.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_on_a_rally_network_frames_a_camera_photo_and_survives_a_drop() {
    let Some(playwright) = playwright() else {
        common::skipped(
            "SKIPPED phone test: needs node, playwright-core (npm install --prefix ~/.cache/jalsa-npm playwright-core) and /usr/bin/chromium",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let node = common::node::start_local(dir.path(), &["--rate-limit", "0"]).await;
    let base = format!("http://{}", node.address);
    let (database, _) = common::node::sqlite_and_files(dir.path());

    // The network drops in the middle of the upload; the second try lands one picture.
    let out = phone(&playwright, &base, "drop");
    let landed = out
        .lines()
        .find_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            (v["name"] == "drop_landed").then(|| v["value"].as_str().unwrap().to_owned())
        })
        .expect("the second try reached a share page");
    let pictures = framed(&database).await;
    assert_eq!(pictures.len(), 1, "{pictures:?}");
    assert_eq!(landed, format!("/m/{}", pictures[0]));

    // Home, a caption remix and a framed camera photo, once each, with their budgets.
    let out = phone(&playwright, &base, "home,caption,frame");
    for measure in [
        "home_load_ms",
        "caption_send_to_picture_shown_ms",
        "caption_send_to_full_picture_ms",
        "frame_send_to_picture_ms",
        "frame_sent_kb",
    ] {
        assert!(out.contains(measure), "{measure} was not measured:\n{out}");
    }
    assert_eq!(framed(&database).await.len(), 2);
}
