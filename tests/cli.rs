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

/// Runs `jalsa render FROM --text CAPTION... FLAGS -o OUT`, where FROM is `--template ID`
/// or `--photo PATH`; insists it succeeds and returns what it wrote.
fn render(out: &Path, from: [&str; 2], captions: &[&str], flags: &[&str]) -> Vec<u8> {
    let mut all = vec!["render"];
    all.extend(from);
    for &caption in captions {
        all.extend(["--text", caption]);
    }
    all.extend_from_slice(flags);
    all.extend(["-o", out.to_str().unwrap()]);
    let run = jalsa(&all);
    assert!(run.status.success(), "{}", stderr(&run));
    std::fs::read(out).unwrap()
}

/// [`render`] to the file `name` in a fresh folder of its own.
fn render_alone(name: &str, from: [&str; 2], captions: &[&str], flags: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    render(&dir.path().join(name), from, captions, flags)
}

/// Runs `jalsa render --template coffee ARGS -o OUT`, whatever comes of it.
fn render_coffee(out: &str, args: &[&str]) -> Output {
    jalsa(&[&["render", "--template", "coffee"], args, &["-o", out]].concat())
}

/// Runs `jalsa render --photo PHOTO -o OUT`, whatever comes of it.
fn render_photo(photo: &Path, out: &Path) -> Output {
    jalsa(&[
        "render",
        "--photo",
        photo.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ])
}

/// Runs `jalsa templates` over the templates folder `dir`.
fn templates_in(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jalsa"))
        .args(["templates", "--templates"])
        .arg(dir)
        .output()
        .unwrap()
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
    let bytes = render_alone(
        "hope.jpg",
        ["--template", "astronaut"],
        &[
            "Hope is priceless",
            "for everything else there is the ballot",
        ],
        &[],
    );
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "not a JPEG");
    assert_eq!(decode(&bytes).dimensions(), (512, 512));
}

#[test]
fn format_comes_from_the_flag_or_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let rocket = |name: &str, flags: &[&str]| {
        render(
            &dir.path().join(name),
            ["--template", "rocket"],
            &["up"],
            flags,
        )
    };
    let png = rocket("a.png", &["--width", "320"]);
    assert_eq!(&png[1..4], b"PNG");
    let webp = rocket("a.out", &["--format", "webp"]);
    assert_eq!(&webp[8..12], b"WEBP");
    assert_eq!(decode(&png).dimensions(), (320, 214));
}

#[test]
fn render_takes_any_photo_and_style_flags() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("mine.png");
    std::fs::write(&photo, common::flat_png(400, 300, [10, 10, 10])).unwrap();
    let img = decode(&render(
        &dir.path().join("mine-remix.png"),
        ["--photo", photo.to_str().unwrap()],
        &["top", "bottom"],
        &[
            "--color",
            "#00ff00",
            "--outline",
            "none",
            "--font",
            "noto-sans",
        ],
    ));
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
    let bytes = render_alone(
        "card.jpg",
        ["--template", "hubble"],
        &["every vote counts"],
        &["--card"],
    );
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
    assert_fails(&render_coffee(o, &["--color", "mauve"]), "unknown colour");
    assert_fails(&render_coffee(o, &["--font", "comic"]), "unknown font");
    assert_fails(&render_coffee(o, &["--width", "9000"]), "width 9000");
    assert_fails(
        &render_coffee(o, &["--text", "a", "--text", "b", "--text", "c"]),
        "3 captions",
    );
    assert_fails(&render_coffee(o, &["--text", "\u{E000}"]), "U+E000");
    assert_fails(
        &render_coffee(o, &["--photo", "x.png"]),
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
    assert_fails(&render_photo(&fake, &out), "not a JPEG, PNG or WebP");

    // A JPEG cut short (a copy that stopped halfway) is named, not drawn half grey.
    let bytes = render(
        &dir.path().join("whole.jpg"),
        ["--template", "coffee"],
        &[],
        &[],
    );
    let cut = dir.path().join("cut.jpg");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    assert_fails(&render_photo(&cut, &out), "cut short");
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
        let run = templates_in(dir.path());
        assert_fails(&run, needle);
        assert_fails(&run, "rally/template.toml");
    }
    let dir = broken_templates(GOOD, true);
    let run = templates_in(dir.path());
    assert!(run.status.success(), "{}", stderr(&run));
}
