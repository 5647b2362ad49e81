//! The command line end to end, as a newcomer would run it.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{decode, repo};

fn jalsa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args(args)
        .current_dir(repo())
        .env_remove("JALSA_TEMPLATES")
        .output()
        .expect("jalsa runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A failure: non-zero exit, one line on stderr containing `needle`, no panic.
fn assert_fails(out: &Output, needle: &str) {
    let err = stderr(out);
    assert!(!out.status.success(), "succeeded; stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(needle), "{err:?} does not mention {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn render_writes_a_remix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hope.jpg");
    let run = jalsa(&[
        "render",
        "--template",
        "astronaut",
        "--text",
        "Hope is priceless",
        "--text",
        "for everything else there is the ballot",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "not a JPEG");
    assert_eq!(decode(&bytes).dimensions(), (512, 512));
}

#[test]
fn format_comes_from_the_flag_or_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("a.png");
    let run = jalsa(&[
        "render",
        "--template",
        "rocket",
        "--text",
        "up",
        "--width",
        "320",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");
    let webp = dir.path().join("a.out");
    let run = jalsa(&[
        "render",
        "--template",
        "rocket",
        "--text",
        "up",
        "--format",
        "webp",
        "-o",
        webp.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(&std::fs::read(&webp).unwrap()[8..12], b"WEBP");
    assert_eq!(
        decode(&std::fs::read(&png).unwrap()).dimensions(),
        (320, 214)
    );
}

#[test]
fn render_takes_any_photo_and_style_flags() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("mine.png");
    std::fs::write(&photo, common::flat_png(400, 300, [10, 10, 10])).unwrap();
    let out = dir.path().join("mine-remix.png");
    let run = jalsa(&[
        "render",
        "--photo",
        photo.to_str().unwrap(),
        "--text",
        "top",
        "--text",
        "bottom",
        "--color",
        "#00ff00",
        "--outline",
        "none",
        "--font",
        "noto-sans",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let img = decode(&std::fs::read(&out).unwrap());
    assert!(
        img.pixels().any(|p| p.0 == [0, 255, 0]),
        "green fill missing"
    );
    assert!(
        img.pixels().all(|p| p.0[0] < 20),
        "something not green or photo"
    );
}

#[test]
fn card_is_1200_by_630() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("card.jpg");
    let run = jalsa(&[
        "render",
        "--template",
        "hubble",
        "--text",
        "every vote counts",
        "--card",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.len() < 300_000);
    assert_eq!(decode(&bytes).dimensions(), (1200, 630));
}

#[test]
fn templates_lists_every_bundled_photo() {
    let run = jalsa(&["templates"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = String::from_utf8(run.stdout).unwrap();
    for id in ["astronaut", "chelsea", "coffee", "hubble", "rocket"] {
        assert!(
            text.lines().any(|l| l.starts_with(id)),
            "{id} missing from:\n{text}"
        );
    }
    assert!(text.contains("512x512"));
}

#[test]
fn bench_prints_one_json_line() {
    let run = jalsa(&[
        "bench",
        "--template",
        "coffee",
        "--count",
        "3",
        "--width",
        "300",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let line = String::from_utf8(run.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(v["count"], 3);
    for key in ["median_ms", "p99_ms", "per_core_per_s"] {
        assert!(v[key].as_f64().unwrap() > 0.0, "{key} in {line}");
    }
}

#[test]
fn bad_input_is_one_line_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.jpg");
    let o = out.to_str().unwrap();
    assert_fails(
        &jalsa(&["render", "--template", "nope", "--text", "a", "-o", o]),
        "no template \"nope\"",
    );
    assert_fails(
        &jalsa(&[
            "render",
            "--template",
            "coffee",
            "--color",
            "mauve",
            "-o",
            o,
        ]),
        "unknown colour",
    );
    assert_fails(
        &jalsa(&["render", "--template", "coffee", "--font", "comic", "-o", o]),
        "unknown font",
    );
    assert_fails(
        &jalsa(&["render", "--template", "coffee", "--width", "9000", "-o", o]),
        "width 9000",
    );
    assert_fails(
        &jalsa(&[
            "render",
            "--template",
            "coffee",
            "--text",
            "a",
            "--text",
            "b",
            "--text",
            "c",
            "-o",
            o,
        ]),
        "3 captions",
    );
    assert_fails(
        &jalsa(&[
            "render",
            "--template",
            "coffee",
            "--text",
            "\u{E000}",
            "-o",
            o,
        ]),
        "U+E000",
    );
    assert_fails(
        &jalsa(&[
            "render",
            "--template",
            "coffee",
            "--photo",
            "x.png",
            "-o",
            o,
        ]),
        "cannot be used with",
    );
    assert_fails(
        &jalsa(&["render", "--photo", "/does/not/exist.png", "-o", o]),
        "exist.png",
    );
    assert_fails(
        &jalsa(&["render", "--template", "coffee", "--text", "a"]),
        "--output",
    );
    assert!(!Path::new(o).exists(), "a failed render left a file");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "leftovers"
    );
}

#[test]
fn a_photo_that_is_not_an_image_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.jpg");
    std::fs::write(&fake, "just text").unwrap();
    let out = dir.path().join("x.jpg");
    assert_fails(
        &jalsa(&[
            "render",
            "--photo",
            fake.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]),
        "not a JPEG, PNG or WebP",
    );

    // A JPEG cut short (a copy that stopped halfway) is named, not drawn half grey.
    let whole = dir.path().join("whole.jpg");
    let made = jalsa(&[
        "render",
        "--template",
        "coffee",
        "-o",
        whole.to_str().unwrap(),
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    let bytes = std::fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.jpg");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    assert_fails(
        &jalsa(&[
            "render",
            "--photo",
            cut.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]),
        "cut short",
    );
    assert!(!out.exists(), "a refused photo left a picture");
}

/// A templates folder holding one template with this `template.toml`.
fn broken_templates(toml: &str, photo: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("rally");
    std::fs::create_dir(&t).unwrap();
    std::fs::write(t.join("template.toml"), toml).unwrap();
    if photo {
        std::fs::write(t.join("photo.png"), common::flat_png(100, 100, [1, 2, 3])).unwrap();
    }
    dir
}

const GOOD: &str = r#"
title = "Rally"
alt = "A crowd"
photo = "photo.png"
[[box]]
x = 0.1
y = 0.1
width = 0.8
height = 0.2
"#;

#[test]
fn broken_templates_are_named_with_file_and_field() {
    let cases: [(String, bool, &str); 6] = [
        (GOOD.into(), false, "photo: cannot read"),
        (GOOD.replace("x = 0.1", "x = 0.5"), true, "box 1: x + width"),
        (
            GOOD.replace("height = 0.2", "height = 0.2\nstyle = { font = \"comic\" }"),
            true,
            "comic",
        ),
        (
            GOOD.replace("height = 0.2", "height = 0.2\nmax_lines = 0"),
            true,
            "max_lines",
        ),
        (GOOD.replace("y = 0.1", "y = \"top\""), true, "line 7"),
        (
            GOOD.replace("title = \"Rally\"", "title = \"\""),
            true,
            "title",
        ),
    ];
    for (toml, photo, needle) in cases {
        let dir = broken_templates(&toml, photo);
        let run = Command::new(env!("CARGO_BIN_EXE_jalsa"))
            .args(["templates", "--templates"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_fails(&run, needle);
        assert_fails(&run, "rally/template.toml");
    }
    let dir = broken_templates(GOOD, true);
    let run = Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args(["templates", "--templates"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
}
