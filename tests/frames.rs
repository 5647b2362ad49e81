//! Frames: a supporter's own photo under an official frame, through the API and the form,
//! as a supporter and as staff would use them.

mod common;

use axum::http::{StatusCode, header};
use common::service::{Answer, Options, Service, json_of, page_text, text, with_id};
use image::{Rgb, RgbImage, Rgba, RgbaImage};
use serde_json::{Value, json};

const BADGE: &str = "jalsa-badge";

async fn service() -> Service {
    Service::start(Options::default()).await
}

/// A phone photo: `width` x `height` as stored, red on its left half and blue on its right,
/// with an EXIF block (orientation and a GPS position) and an XMP packet naming the place.
fn phone_photo(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        let grain = ((x * 7 + y * 13) % 9) as u8;
        if x < width / 2 {
            Rgb([210 + grain, 30, 30])
        } else {
            Rgb([30, 40, 200 + grain])
        }
    });
    let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0: the orientation, and where the GPS block is (offset 38).
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    // The GPS block: latitude 33° 41' 4" N (Islamabad), its numbers at offset 68.
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    for n in [33u32, 41, 4] {
        tiff.extend_from_slice(&n.to_be_bytes());
        tiff.extend_from_slice(&1u32.to_be_bytes());
    }
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.add_exif_metadata(&tiff).unwrap();
    encoder
        .add_app_segment(
            1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>33,41.07N</exif:GPSLatitude></x:xmpmeta>"
                .to_vec(),
        )
        .unwrap();
    encoder
        .encode(
            image.as_raw(),
            width as u16,
            height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
    out
}

/// Every metadata container found in a JPEG, PNG or WebP: EXIF, XMP, ICC, comments, text
/// chunks. A picture made from a supporter's photo must have none.
fn metadata(bytes: &[u8]) -> Vec<String> {
    let mut found = vec![];
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut at = 2;
        while at + 4 <= bytes.len() && bytes[at] == 0xFF {
            let marker = bytes[at + 1];
            if marker == 0xDA {
                break;
            }
            let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
            if (0xE1..=0xEF).contains(&marker) || marker == 0xFE {
                found.push(format!("JPEG segment {marker:02X}"));
            }
            at += 2 + length;
        }
    } else if bytes.starts_with(b"\x89PNG") {
        let mut at = 8;
        while at + 8 <= bytes.len() {
            let length = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let kind = String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned();
            if !["IHDR", "PLTE", "IDAT", "IEND", "tRNS"].contains(&kind.as_str()) {
                found.push(format!("PNG chunk {kind}"));
            }
            at += 12 + length;
        }
    } else if bytes.starts_with(b"RIFF") {
        let mut at = 12;
        while at + 8 <= bytes.len() {
            let kind = String::from_utf8_lossy(&bytes[at..at + 4]).into_owned();
            let length = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
            if !["VP8 ", "VP8L", "VP8X", "ALPH"].contains(&kind.as_str()) {
                found.push(format!("WebP chunk {kind}"));
            }
            at += 8 + length + (length & 1);
        }
    } else {
        found.push("not a JPEG, PNG or WebP".into());
    }
    for needle in [&b"GPS"[..], b"Exif", b"xmpmeta", b"ns.adobe.com"] {
        if bytes.windows(needle.len()).any(|w| w == needle) {
            found.push(format!("the bytes {:?}", String::from_utf8_lossy(needle)));
        }
    }
    found
}

async fn send_photo(
    s: &Service,
    frame: &str,
    fields: &[(&str, &str)],
    name: &str,
    photo: &[u8],
) -> Answer {
    Answer::of(
        s.post_multipart(
            &format!("/api/frames/{frame}/pictures"),
            None,
            fields,
            &[("photo", name, photo)],
        )
        .await,
    )
    .await
}

fn json(a: &Answer) -> Value {
    serde_json::from_slice(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.text()))
}

fn path_of(url: &str) -> &str {
    url.strip_prefix("https://jalsa.example.org").unwrap_or(url)
}

async fn picture(s: &Service, path: &str) -> (Vec<u8>, RgbImage) {
    let a = Answer::of(s.get(path).await).await;
    a.expect(StatusCode::OK, path);
    let image = image::load_from_memory(&a.body)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .into_rgb8();
    (a.body.to_vec(), image)
}

fn near(p: &Rgb<u8>, want: [u8; 3]) -> bool {
    (0..3).all(|c| p.0[c].abs_diff(want[c]) < 40)
}

#[tokio::test]
async fn a_phone_photo_becomes_a_framed_picture_with_no_metadata_in_any_rendition() {
    let s = service().await;
    // Stored landscape, shown portrait (EXIF 6): red is on top as the supporter sees it.
    let photo = phone_photo(2400, 1800, 6);
    assert!(
        !metadata(&photo).is_empty(),
        "the test photo carries metadata"
    );
    let crop = json!({"x": 0.0, "y": 0.0, "width": 1.0, "height": 0.5}).to_string();
    let a = send_photo(
        &s,
        BADGE,
        &[("crop", &crop), ("text", "Lahore ke liye")],
        "IMG_2041.jpg",
        &photo,
    )
    .await;
    a.expect(StatusCode::CREATED, "a framed picture");
    let made = json(&a);
    for field in ["id", "url", "image_url", "card_url", "delete_url"] {
        assert!(
            made[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}: {made}"
        );
    }
    assert_eq!(made["created"], true);
    assert_eq!(
        a.header(header::LOCATION),
        format!("/m/{}", made["id"].as_str().unwrap())
    );

    let (bytes, image) = picture(&s, path_of(made["image_url"].as_str().unwrap())).await;
    assert_eq!(image.dimensions(), (1080, 1080));
    // The chosen top of the photo fills the window; the frame is drawn over it.
    assert!(
        near(image.get_pixel(540, 400), [210, 30, 30]),
        "{:?}",
        image.get_pixel(540, 400)
    );
    assert!(
        near(image.get_pixel(10, 10), [8, 60, 28]),
        "{:?}",
        image.get_pixel(10, 10)
    );
    assert!(
        metadata(&bytes).is_empty(),
        "picture: {:?}",
        metadata(&bytes)
    );

    let id = made["id"].as_str().unwrap();
    let renditions = [
        format!("/i/{id}.png"),
        format!("/i/{id}.webp"),
        format!("/i/{id}/card.jpg"),
        format!("/i/{id}/thumb.jpg"),
        format!("/i/{id}/small.jpg"),
        format!("/i/{id}/medium.jpg"),
        format!("/i/{id}/square.jpg"),
        format!("/i/{id}/story.jpg"),
    ];
    for path in &renditions {
        let (bytes, image) = picture(&s, path).await;
        assert!(
            metadata(&bytes).is_empty(),
            "{path}: {:?}",
            metadata(&bytes)
        );
        let expected = match path.rsplit('/').next().unwrap() {
            "card.jpg" => (1200, 630),
            "thumb.jpg" => (240, 240),
            "small.jpg" => (480, 480),
            "medium.jpg" => (800, 800),
            "story.jpg" => (1080, 1920),
            _ => (1080, 1080),
        };
        assert_eq!(image.dimensions(), expected, "{path}");
    }
    // A square frame's picture is its own profile picture.
    let (square, _) = picture(&s, &format!("/i/{id}/square.jpg")).await;
    assert_eq!(square, bytes);

    // Unlisted: not in the gallery, not in the queue, kept out of search engines.
    let gallery = json_of(s.get("/api/gallery").await).await;
    assert!(!gallery.to_string().contains(id), "{gallery}");
    let token = s.token().await;
    let queue = json_of(s.staff_get("/api/staff/queue", &token).await).await;
    assert!(!queue.to_string().contains(id), "{queue}");
    let page = text(s.get(&format!("/m/{id}")).await).await;
    assert!(
        page.contains(r#"<meta name="robots" content="noindex">"#),
        "{page}"
    );
    for path in [format!("/i/{id}.jpg"), format!("/i/{id}/card.jpg")] {
        let a = Answer::of(s.get(&path).await).await;
        assert_eq!(
            a.header(header::HeaderName::from_static("x-robots-tag")),
            "noindex",
            "{path}"
        );
    }
    assert!(
        page.contains(&format!("href=\"/f/{BADGE}\"")),
        "make your own: {page}"
    );
    assert!(page.contains("Lahore ke liye"));
}

#[tokio::test]
async fn the_same_photo_crop_and_frame_give_the_same_picture() {
    let s = service().await;
    let photo = phone_photo(1600, 1200, 1);
    let first = json(&send_photo(&s, BADGE, &[], "a.jpg", &photo).await);
    let again = send_photo(&s, BADGE, &[], "renamed.jpg", &photo).await;
    again.expect(StatusCode::OK, "the same photo again");
    let again = json(&again);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["created"], false);
    assert!(
        again.get("delete_url").is_none(),
        "the delete link is given once: {again}"
    );
    // The centre by default is the same picture as the centre asked for.
    let centre = json!({"x": 0.125, "y": 0.0, "width": 0.75, "height": 1.0}).to_string();
    let asked = json(&send_photo(&s, BADGE, &[("crop", &centre)], "a.jpg", &photo).await);
    assert_eq!(asked["id"], first["id"], "{asked}");
    let left = json!({"x": 0.0, "y": 0.0, "width": 0.5, "height": 0.5}).to_string();
    let other = json(&send_photo(&s, BADGE, &[("crop", &left)], "a.jpg", &photo).await);
    assert_ne!(other["id"], first["id"]);
    assert_eq!(other["created"], true);
}

#[tokio::test]
async fn asking_for_the_gallery_puts_the_picture_in_the_moderation_queue() {
    let s = service().await;
    let token = s.token().await;
    let made = json(
        &send_photo(
            &s,
            BADGE,
            &[("gallery", "true")],
            "me.jpg",
            &phone_photo(1200, 1200, 1),
        )
        .await,
    );
    let id = made["id"].as_str().unwrap();
    assert_eq!(made["status"], "new");
    let queue = json_of(s.staff_get("/api/staff/queue", &token).await).await;
    assert!(queue.to_string().contains(id), "{queue}");
    let r = s.set_remix_status(&token, id, "approved").await;
    assert_eq!(r.status(), StatusCode::OK, "{}", text(r).await);
    let gallery = json_of(s.get("/api/gallery").await).await;
    assert!(gallery.to_string().contains(id), "{gallery}");
    let page = text(s.get(&format!("/m/{id}")).await).await;
    assert!(
        !page.contains("noindex"),
        "approved for the gallery: indexable"
    );
    let a = Answer::of(s.get(&format!("/i/{id}.jpg")).await).await;
    assert!(
        !a.headers.contains_key("x-robots-tag"),
        "approved: its picture is indexable"
    );
}

#[tokio::test]
async fn hostile_uploads_get_a_clear_refusal_and_the_service_keeps_serving() {
    let s = service().await;
    let good = phone_photo(800, 600, 1);
    let mut bomb = good.clone();
    let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bomb[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    let zip = [
        &good[..],
        b"PK\x03\x04payload.html",
        b"PK\x05\x06",
        &[0u8; 18],
    ]
    .concat();
    let heic = [&[0u8, 0, 0, 0x18][..], b"ftypheic", &[0; 64]].concat();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#.to_vec();
    let gif = b"GIF89a\x02\x00\x02\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00,\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02D\x01\x00,\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02L\x01\x00;".to_vec();
    let huge = vec![0xFFu8; 21 * 1024 * 1024];
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "a decompression bomb",
            "bomb.jpg",
            bomb,
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_too_many_pixels",
        ),
        (
            "a PNG bomb",
            "bomb.png",
            common::png_bomb(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_too_many_pixels",
        ),
        (
            "a truncated file",
            "cut.jpg",
            good[..good.len() / 2].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_damaged",
        ),
        (
            "a polyglot",
            "both.jpg",
            zip,
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_polyglot",
        ),
        (
            "an extension that lies",
            "photo.jpg",
            b"MZ\x90\x00 this is a program".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_not_accepted",
        ),
        (
            "an SVG",
            "avatar.png",
            svg,
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_svg",
        ),
        (
            "an animated GIF",
            "dance.gif",
            gif,
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_not_accepted",
        ),
        (
            "an iPhone HEIC",
            "IMG_0001.HEIC",
            heic,
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_heic",
        ),
        (
            "an empty file",
            "empty.jpg",
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_missing",
        ),
        (
            "a 32 px photo",
            "tiny.jpg",
            phone_photo(32, 32, 1),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_too_small",
        ),
        (
            "21 MB",
            "huge.jpg",
            huge,
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_large",
        ),
    ];
    for (case, name, bytes, status, code) in &cases {
        let a = send_photo(&s, BADGE, &[], name, bytes).await;
        assert_eq!(&a.error_code(*status, case), code, "{case}: {}", a.text());
    }
    // The request around the photo.
    type Refusal<'a> = (&'a str, Vec<(&'a str, &'a str)>, StatusCode, &'a str);
    let refusals: Vec<Refusal> = vec![
        (
            "a crop that is not JSON",
            vec![("crop", "left half")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_crop",
        ),
        (
            "a crop outside the photo",
            vec![("crop", r#"{"x":0.8,"y":0,"width":0.5,"height":0.5}"#)],
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_crop",
        ),
        (
            "more captions than boxes",
            vec![("text", "a"), ("text", "b"), ("text", "c")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_captions",
        ),
        (
            "gallery neither true nor false",
            vec![("gallery", "{}")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
    ];
    for (case, fields, status, code) in &refusals {
        let a = send_photo(&s, BADGE, fields, "fine.jpg", &good).await;
        assert_eq!(&a.error_code(*status, case), code, "{case}");
    }
    let a = Answer::of(
        s.post_multipart(
            &format!("/api/frames/{BADGE}/pictures"),
            None,
            &[("text", "hi")],
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(
        a.error_code(StatusCode::UNPROCESSABLE_ENTITY, "no photo"),
        "photo_missing"
    );
    let a = Answer::of(
        s.post_json(
            &format!("/api/frames/{BADGE}/pictures"),
            json!({"photo": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        a.error_code(StatusCode::BAD_REQUEST, "JSON, not multipart"),
        "bad_upload"
    );
    let a = send_photo(&s, "no-such-frame", &[], "fine.jpg", &good).await;
    assert_eq!(
        a.error_code(StatusCode::NOT_FOUND, "no such frame"),
        "unknown_frame"
    );
    // A caption template is not a frame, and a frame takes no caption-only remix.
    let a = send_photo(&s, "hubble", &[], "fine.jpg", &good).await;
    assert_eq!(
        a.error_code(StatusCode::NOT_FOUND, "a photo, not a frame"),
        "unknown_frame"
    );
    let a = Answer::of(s.supporter_remix(BADGE, &["hi"]).await).await;
    assert_eq!(
        a.error_code(StatusCode::NOT_FOUND, "captions on a frame"),
        "unknown_template"
    );

    // A PNG named .jpg is read as the PNG it is; everyone else is still served.
    let mut png = Vec::new();
    RgbImage::from_pixel(600, 600, Rgb([0, 150, 0]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    send_photo(&s, BADGE, &[], "really-a-png.jpg", &png)
        .await
        .expect(StatusCode::CREATED, "a PNG named .jpg");
    Answer::of(s.supporter_remix("hubble", &["still", "serving"]).await)
        .await
        .expect(StatusCode::CREATED, "a caption remix");
    assert_eq!(s.status("/healthz").await, StatusCode::OK);
}

#[tokio::test]
async fn photos_that_would_cost_minutes_or_a_gigabyte_are_refused_by_name_or_read_small() {
    use jalsa::photo::hostile;
    let s = service().await;
    let refused: Vec<(&str, Vec<u8>)> = vec![
        // Its one tiny scan repeated 3,000 times: each repeat walks every block again.
        (
            "a progressive JPEG of repeated scans",
            hostile::scan_bomb(1000, 1 << 20),
        ),
        // 40 megapixels, progressive 4:4:4: 240 MB of coefficients before any pixel.
        (
            "a 40-megapixel progressive JPEG",
            hostile::large_progressive_header(7300, 5470),
        ),
        // A lossless WebP's decoder holds every pixel twice: 320 MB.
        (
            "a 6300x6300 lossless WebP",
            hostile::lossless_webp_header(6300, 6300),
        ),
    ];
    for (case, bytes) in &refused {
        assert!(bytes.len() <= 1 << 20, "{case}: {} bytes", bytes.len());
        let a = send_photo(&s, BADGE, &[], "photo.jpg", bytes).await;
        assert_eq!(
            a.error_code(StatusCode::UNPROCESSABLE_ENTITY, case),
            "photo_too_costly",
            "{case}: {}",
            a.text()
        );
        assert!(
            a.text().contains("JPEG") || a.text().contains("smaller"),
            "{case}: says what to do instead: {}",
            a.text()
        );
    }
    // These are read, at no more than the frame needs: a colour profile that inflates to a
    // gigabyte is never inflated, and a 16-bit PNG is read a row at a time.
    for (case, bytes) in [
        (
            "a PNG with a gigabyte colour profile",
            hostile::profile_bomb(1 << 30),
        ),
        ("a 6300x6300 16-bit RGBA PNG", hostile::deep_png(6300, 6300)),
    ] {
        assert!(bytes.len() < 8 << 20, "{case}: {} bytes", bytes.len());
        send_photo(&s, BADGE, &[], "photo.png", &bytes)
            .await
            .expect(StatusCode::CREATED, case);
    }
    Answer::of(s.supporter_remix("hubble", &["still", "serving"]).await)
        .await
        .expect(StatusCode::CREATED, "a caption remix");
}

/// A frame PNG: opaque `color` with a transparent window in the middle.
fn frame_png(width: u32, height: u32, color: [u8; 3], alpha: bool) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, y| {
        let inside = x > width / 6 && x < width * 5 / 6 && y > height / 6 && y < height * 5 / 6;
        if inside && alpha {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([color[0], color[1], color[2], 255])
        }
    });
    let mut out = Vec::new();
    let write = std::io::Cursor::new(&mut out);
    if alpha {
        image
            .write_to(&mut { write }, image::ImageFormat::Png)
            .unwrap();
    } else {
        image::DynamicImage::ImageRgba8(image)
            .into_rgb8()
            .write_to(&mut { write }, image::ImageFormat::Png)
            .unwrap();
    }
    out
}

#[tokio::test]
async fn staff_upload_list_publish_and_retire_frames() {
    let s = service().await;
    let token = s.token().await;
    let upload = |fields: Vec<(&'static str, &'static str)>, name: &'static str, bytes: Vec<u8>| {
        let s = &s;
        let token = token.clone();
        async move {
            Answer::of(
                s.post_multipart(
                    "/api/staff/frames",
                    Some(&token),
                    &fields,
                    &[("frame", name, &bytes)],
                )
                .await,
            )
            .await
        }
    };
    let fields = vec![
        ("title", "Status frame"),
        ("alt", "A gold border for a story"),
        ("hashtags", "Jalsa"),
    ];
    for (case, name, bytes, why) in [
        ("a JPEG", "frame.jpg", phone_photo(1080, 1920, 1), "PNG"),
        (
            "no transparency",
            "frame.png",
            frame_png(1080, 1920, [200, 160, 0], false),
            "transparen",
        ),
        (
            "the wrong size",
            "frame.png",
            frame_png(1000, 1000, [200, 160, 0], true),
            "1080x1080",
        ),
    ] {
        let a = upload(fields.clone(), name, bytes).await;
        a.error_code(StatusCode::UNPROCESSABLE_ENTITY, case);
        assert!(a.text().contains(why), "{case}: {}", a.text());
    }
    // A draft first: not listed, no form.
    let a = upload(
        fields.clone(),
        "frame.png",
        frame_png(1080, 1920, [200, 160, 0], true),
    )
    .await;
    a.expect(StatusCode::CREATED, "a portrait frame");
    let id = json(&a)["id"].as_str().unwrap().to_owned();
    assert_eq!(json(&a)["status"], "draft");
    assert!(
        !json_of(s.get("/api/frames").await)
            .await
            .to_string()
            .contains(&id)
    );
    assert_eq!(s.status(&format!("/f/{id}")).await, StatusCode::NOT_FOUND);
    let r = s
        .staff_post(&format!("/api/staff/templates/{id}/publish"), &token, None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let frames = json_of(s.get("/api/frames").await).await;
    let listed = with_id(&frames, id.as_str()).expect("listed");
    assert_eq!(
        (listed["width"].as_u64(), listed["height"].as_u64()),
        (Some(1080), Some(1920))
    );
    assert_eq!(listed["boxes"], json!([]));
    let png = Answer::of(s.get(path_of(listed["frame_url"].as_str().unwrap())).await).await;
    png.expect(StatusCode::OK, "the frame's PNG");
    assert_eq!(png.header(header::CONTENT_TYPE), "image/png");
    assert!(
        image::load_from_memory(&png.body)
            .unwrap()
            .color()
            .has_alpha()
    );
    assert!(
        frames.to_string().contains(BADGE),
        "the bundled frame: {frames}"
    );
    // Frames are not photos to caption.
    let templates = json_of(s.get("/api/templates").await).await;
    assert!(!templates.to_string().contains(BADGE) && !templates.to_string().contains(&id));
    let home = text(s.get("/").await).await;
    assert!(
        home.contains(&format!("href=\"/f/{id}\"")),
        "home lists the frame"
    );

    // A story-shaped picture is its own story rendition.
    let made = json(&send_photo(&s, &id, &[], "me.jpg", &phone_photo(1200, 900, 1)).await);
    let (bytes, image) = picture(&s, path_of(made["image_url"].as_str().unwrap())).await;
    assert_eq!(image.dimensions(), (1080, 1920));
    assert!(near(image.get_pixel(5, 5), [200, 160, 0]));
    let (story, _) = picture(
        &s,
        &format!("/i/{}/story.jpg", made["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(story, bytes);

    // Retired: no new pictures, no listing; the pictures stay.
    let r = s
        .staff_post(&format!("/api/staff/templates/{id}/retire"), &token, None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        !json_of(s.get("/api/frames").await)
            .await
            .to_string()
            .contains(&id)
    );
    let a = send_photo(&s, &id, &[], "again.jpg", &phone_photo(640, 480, 1)).await;
    a.error_code(StatusCode::GONE, "a retired frame");
    assert_eq!(s.status(&format!("/f/{id}")).await, StatusCode::GONE);
    picture(&s, path_of(made["image_url"].as_str().unwrap())).await;
    let audit = json_of(s.staff_get("/api/staff/audit", &token).await).await;
    assert!(audit.to_string().contains("frame.upload"), "{audit}");
}

#[tokio::test]
async fn the_form_without_javascript_centres_the_photo_and_shows_the_delete_link_once() {
    let s = service().await;
    let page = text(s.get(&format!("/f/{BADGE}")).await).await;
    for needle in [
        r#"enctype="multipart/form-data""#,
        r#"type="file" name="photo""#,
        r#"name="crop""#,
        r#"name="text""#,
        r#"name="gallery""#,
        "frame.png?v=",
    ] {
        assert!(page.contains(needle), "{needle}: {page}");
    }
    let r = s
        .post_multipart(
            &format!("/f/{BADGE}"),
            None,
            &[("text", "")],
            &[("photo", "me.jpg", &phone_photo(900, 1200, 1))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let cookie = r.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let share = text(s.get_with(&to, Some(&cookie)).await).await;
    let at = share.find("/d/").expect("the delete link, once");
    let link = &share[at..at + share[at..].find('"').unwrap()];
    // The centre of a portrait photo: red left, blue right, split down the middle.
    let id = to.trim_start_matches("/m/");
    let (_, image) = picture(&s, &format!("/i/{id}.jpg")).await;
    assert!(near(image.get_pixel(400, 540), [210, 30, 30]));
    assert!(near(image.get_pixel(680, 540), [30, 40, 200]));
    // The maker deletes it: gone everywhere.
    let r = s.post_form(link, &[]).await;
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    assert_eq!(s.status(&format!("/i/{id}.jpg")).await, StatusCode::GONE);
    assert_eq!(
        s.status(&format!("/i/{id}/square.jpg")).await,
        StatusCode::GONE
    );
    assert_eq!(s.status(&to).await, StatusCode::GONE);

    // A HEIC through the form: the form again, saying what to do.
    let heic = [&[0u8, 0, 0, 0x18][..], b"ftypheic", &[0; 64]].concat();
    let r = s
        .post_multipart(
            &format!("/f/{BADGE}"),
            None,
            &[],
            &[("photo", "IMG_1.HEIC", &heic)],
        )
        .await;
    let page = page_text(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        page.contains("Most Compatible") && page.contains(r#"type="file""#),
        "{page}"
    );
}

#[tokio::test]
async fn uploads_are_limited_per_client() {
    let s = Service::start(Options {
        upload_limit: 2,
        behind_proxy: true,
        ..Options::default()
    })
    .await;
    let photo = phone_photo(640, 480, 1);
    let send = |client: &'static str| {
        let (content_type, body) = common::service::multipart(&[], &[("photo", "a.jpg", &photo)]);
        let s = &s;
        async move {
            s.send(
                axum::http::Request::post(format!("/api/frames/{BADGE}/pictures"))
                    .header(header::CONTENT_TYPE, content_type)
                    .header("x-forwarded-for", client)
                    .body(axum::body::Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };
    assert!(send("203.0.113.7").await.status().is_success());
    assert!(send("203.0.113.7").await.status().is_success());
    let refused = send("203.0.113.7").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key(header::RETRY_AFTER));
    assert!(
        send("198.51.100.4").await.status().is_success(),
        "another client"
    );
}

#[tokio::test]
async fn identical_uploads_at_once_make_one_picture_and_a_deleted_one_is_not_made_again() {
    use std::sync::atomic::Ordering;
    let s = service().await;
    let photo = phone_photo(1600, 1200, 1);
    let renders = || s.state.remixer().stats.renders.load(Ordering::Relaxed);
    let before = renders();
    // The same photo sent twice at once (a double tap, a retry racing the first try).
    let (a, b) = tokio::join!(
        send_photo(&s, BADGE, &[], "a.jpg", &photo),
        send_photo(&s, BADGE, &[], "a.jpg", &photo)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CREATED],
        "{}",
        b.text()
    );
    assert_eq!(
        renders() - before,
        1,
        "the second waits for the first's picture"
    );
    let (made, other) = if a.status == StatusCode::CREATED {
        (json(&a), json(&b))
    } else {
        (json(&b), json(&a))
    };
    assert_eq!(made["id"], other["id"]);
    assert!(other.get("delete_url").is_none(), "{other}");

    // Its maker deletes it: the same photo, crop and frame again is refused, as the same
    // captions are on a photo, instead of pointing at a picture that answers 410.
    let delete = path_of(made["delete_url"].as_str().expect("a delete link")).to_owned();
    Answer::of(s.post_form(&delete, &[]).await)
        .await
        .expect(StatusCode::OK, "deleted by its maker");
    let again = send_photo(&s, BADGE, &[], "a.jpg", &photo).await;
    assert_eq!(
        again.error_code(StatusCode::GONE, "the deleted picture again"),
        "picture_deleted"
    );
    let id = made["id"].as_str().unwrap();
    Answer::of(s.get(&format!("/m/{id}")).await)
        .await
        .expect(StatusCode::GONE, "the deleted picture's page");
}
