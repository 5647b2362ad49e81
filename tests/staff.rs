//! The staff area: nobody else gets in, every form needs its CSRF token, tokens can be
//! revoked, uploads are checked, and curation decides what the gallery shows.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use common::png_bomb;
use common::service::{
    Answer, Options, PASSWORD, Service, SignIn, csrf_in, header_of, json_of, set_cookie, text,
    with_id,
};
use jalsa::catalog::Catalog;
use jalsa::db::Db;
use jalsa::remix::{BlockAction, Moderation, Policy, Remixer};
use serde_json::{Value, json};

async fn service(moderation: Moderation, block_action: BlockAction) -> Service {
    Service::start(Options {
        policy: Policy {
            moderation,
            block_action,
            blocklist: Default::default(),
        },
        // The tests stand behind a proxy on loopback, so X-Forwarded-For names the client.
        behind_proxy: true,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn outsiders_never_get_in() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    for page in [
        "/staff",
        "/staff/templates",
        "/staff/templates/astronaut",
        "/staff/blocklist",
        "/staff/audit",
        "/staff/tokens",
        "/staff/templates/astronaut/preview.jpg",
    ] {
        let r = Answer::of(s.get(page).await).await;
        r.expect(StatusCode::SEE_OTHER, page);
        assert!(
            r.header(header::LOCATION).starts_with("/staff/login?next="),
            "{page}: {}",
            r.header(header::LOCATION)
        );
    }
    for (uri, form) in [
        ("/staff/remixes", vec![("status", "approved")]),
        ("/staff/blocklist", vec![("phrase", "x")]),
        ("/staff/logout", vec![]),
    ] {
        Answer::of(s.post_form(uri, &form).await)
            .await
            .expect(StatusCode::SEE_OTHER, uri);
    }
    let r = s.get_with("/staff", Some("jalsa_session=forged")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for (method, uri) in [
        ("GET", "/api/staff/queue"),
        ("POST", "/api/staff/remixes/0123456789abcdef/status"),
        ("POST", "/api/staff/remixes/status"),
        ("POST", "/api/staff/templates"),
        ("POST", "/api/staff/templates/astronaut/retire"),
        ("GET", "/api/staff/audit"),
        ("GET", "/api/staff/blocklist"),
        ("POST", "/api/staff/tokens"),
    ] {
        for token in [None, Some("jst_nope")] {
            let case = format!("{method} {uri} with {token:?}");
            let r = Answer::of(s.api(method, uri, token, None).await).await;
            assert_eq!(
                r.error_code(StatusCode::UNAUTHORIZED, &case),
                "unauthorized"
            );
            assert_eq!(r.header(header::WWW_AUTHENTICATE), "Bearer", "{case}");
        }
    }
}

#[tokio::test]
async fn sign_in_needs_the_right_password_and_is_rate_limited() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    let (cookie, csrf) = login_form(&s).await;
    let r = sign_in(&s, Some(&cookie), "wrong one!!", &csrf).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(text(r).await.contains("do not match"));
    // Without the login form's cookie the post is refused: no CSRF on sign-in either.
    let r = sign_in(&s, None, PASSWORD, &csrf).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let mut limited = false;
    for _ in 0..12 {
        let r = sign_in(&s, Some(&cookie), "guess guess", &csrf).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait: u64 = header_of(&r, header::RETRY_AFTER).parse().unwrap();
            assert!((1..=120).contains(&wait), "Retry-After {wait}");
            limited = true;
            break;
        }
    }
    assert!(limited, "unlimited password guessing");
}

/// Posts the sign-in form as amna with `password`, the login form's `cookie` if any and
/// its `csrf` token.
async fn sign_in(s: &Service, cookie: Option<&str>, password: &str, csrf: &str) -> Response {
    s.post_form_with(
        "/staff/login",
        cookie,
        &[("name", "amna"), ("password", password), ("csrf", csrf)],
    )
    .await
}

/// The sign-in form's CSRF cookie (`name=value`) and token, as a browser gets them.
async fn login_form(s: &Service) -> (String, String) {
    let page = s.get("/staff/login").await;
    let cookie = header_of(&page, header::SET_COOKIE)
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    (cookie, csrf_in(&text(page).await))
}

/// Signs in as `name` from `client` (through the trusted proxy); the status.
async fn sign_in_from(s: &Service, client: &str, name: &str, password: &str) -> StatusCode {
    let (cookie, csrf) = login_form(s).await;
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("name", name), ("password", password), ("csrf", &csrf)])
        .finish();
    let r = s
        .send(
            Request::post("/staff/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &cookie)
                .header("x-forwarded-for", client)
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    r.status()
}

#[tokio::test]
async fn a_wrong_password_flood_cannot_lock_a_staff_member_out() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    // Guesses at amna's password from many addresses, each until it is refused.
    let mut refused = 0;
    for i in 1..=4 {
        for _ in 0..12 {
            let status = sign_in_from(&s, &format!("203.0.113.{i}"), "amna", "guess guess").await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                refused += 1;
                break;
            }
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    assert_eq!(refused, 4, "every guessing address is slowed down");
    // A forged header from a guessing address changes nothing.
    assert_eq!(
        sign_in_from(&s, "198.51.100.1, 203.0.113.1", "amna", "guess guess").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // amna, from her own address, still signs in.
    assert_eq!(
        sign_in_from(&s, "198.51.100.77", "amna", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_many_addresses_leaves_room_for_staff_where_they_signed_in_before() {
    let s = Arc::new(service(Moderation::Pre, BlockAction::Hold).await);
    // amna signed in from her office last week.
    assert_eq!(
        sign_in_from(&s, "198.51.100.7", "amna", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    // Now wrong passwords pour in from thousands of addresses, each under its own limit.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flood: Vec<_> = (0..96)
        .map(|task| {
            let (s, stop) = (s.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let client = format!("10.{}.{}.{}", task, n / 250, n % 250);
                    sign_in_from(&s, &client, "amna", "guess guess").await;
                    n += 1;
                }
            })
        })
        .collect();
    // The flood fills the password checks: a sign-in from a new place is told to wait...
    let mut busy = false;
    for i in 0..200 {
        let status = sign_in_from(&s, &format!("192.0.2.{i}"), "amna", PASSWORD).await;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            busy = true;
            break;
        }
    }
    // ...but amna, from her office, signs in at once, every time.
    let mut from_office = Vec::new();
    for _ in 0..3 {
        from_office.push(sign_in_from(&s, "198.51.100.7", "amna", PASSWORD).await);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for f in flood {
        f.await.unwrap();
    }
    assert!(busy, "the flood never filled the password checks");
    assert_eq!(from_office, [StatusCode::SEE_OTHER; 3]);
}

#[tokio::test]
async fn a_sign_in_leaves_a_device_cookie_that_is_known_from_anywhere() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    let (csrf_cookie, csrf) = login_form(&s).await;
    let r = sign_in(&s, Some(&csrf_cookie), PASSWORD, &csrf).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let device = set_cookie(&r, "jalsa_device").expect("a device cookie");
    assert!(
        device.contains("HttpOnly") && device.contains("Path=/staff"),
        "{device}"
    );
    let token = device["jalsa_device=".len()..].split(';').next().unwrap();
    let db = s.state.remixer().db();
    let known = |devices: Vec<String>| async move {
        jalsa::staff::known_device(db, "amna", &devices)
            .await
            .unwrap()
    };
    assert!(known(vec![jalsa::staff::cookie_device(token)]).await);
    assert!(!known(vec![jalsa::staff::cookie_device(&"0".repeat(64))]).await);
    assert!(!known(vec!["client:203.0.113.250".into()]).await);
}

#[tokio::test]
async fn every_staff_form_needs_its_csrf_token() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    let staff = s.login().await;
    let id = s.remix_id("astronaut", &["csrf"]).await;
    for (uri, form) in [
        (
            "/staff/remixes",
            vec![("id", id.as_str()), ("status", "approved")],
        ),
        ("/staff/blocklist", vec![("phrase", "crook")]),
        ("/staff/blocklist/remove", vec![("phrase", "crook")]),
        (
            "/staff/templates/astronaut/status",
            vec![("status", "retired")],
        ),
        (
            "/staff/templates/astronaut",
            vec![("title", "x"), ("alt", "y")],
        ),
        ("/staff/tokens", vec![]),
        ("/staff/logout", vec![]),
    ] {
        let mut with_bad = form.clone();
        with_bad.push(("csrf", "0000"));
        for pairs in [form.clone(), with_bad] {
            // Missing or wrong, the token is refused the same way: 403, saying why.
            let r = Answer::of(s.post_form_with(uri, Some(&staff.cookie), &pairs).await).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{uri} with {pairs:?}: {}",
                r.text()
            );
            assert!(
                r.text().contains("did not come from this site"),
                "{uri}: {}",
                r.text()
            );
        }
    }
    // Nothing happened.
    assert_eq!(s.row(&id).await.status, jalsa::db::Status::New);
    assert_eq!(
        s.state.remixer().template_status("astronaut"),
        Some(jalsa::db::TemplateStatus::Published)
    );
    // With the token it works.
    let r = s
        .post_form_with(
            "/staff/remixes",
            Some(&staff.cookie),
            &[("id", &id), ("status", "approved"), ("csrf", &staff.csrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.row(&id).await.status, jalsa::db::Status::Approved);
    // Signing out ends the session.
    s.staff_form(&staff, "/staff/logout", &[]).await;
    assert_eq!(
        s.get_with("/staff", Some(&staff.cookie)).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_revoked_token_stops_working() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    let token = s.token().await;
    let r = s
        .staff_get("/api/staff/queue?cursor=not-ours", &token)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a bad cursor is the client's error"
    );
    assert_eq!(
        s.staff_get("/api/staff/queue", &token).await.status(),
        StatusCode::OK
    );
    let r = s.staff_post("/api/staff/tokens", &token, None).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let second = json_of(r).await;
    let id = token.split('_').nth(1).unwrap();
    let r = s
        .api(
            "POST",
            &format!("/api/staff/tokens/{id}/revoke"),
            second["token"].as_str(),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        s.staff_get("/api/staff/queue", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.api("GET", "/api/staff/queue", second["token"].as_str(), None)
            .await
            .status(),
        StatusCode::OK
    );
    // Tokens are stored hashed: the secret is nowhere in the database's files.
    for entry in std::fs::read_dir(s.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes
                .windows(token.len() - 4)
                .any(|w| w == &token.as_bytes()[4..]),
            "the token's secret is in {}",
            path.display()
        );
    }
}

/// A multipart body with these fields and, if given, a file in the field `photo`.
fn multipart(fields: &[(&str, &str)], photo: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let files: Vec<(&str, &str, &[u8])> = photo
        .into_iter()
        .map(|(name, bytes)| ("photo", name, bytes))
        .collect();
    common::service::multipart(fields, &files)
}

async fn upload(
    s: &Service,
    token: &str,
    fields: &[(&str, &str)],
    photo: Option<(&str, &[u8])>,
) -> Response {
    let (content_type, body) = multipart(fields, photo);
    s.send(
        Request::post("/api/staff/templates")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
    });
    jalsa::render::encode::jpeg(&img, 90)
}

#[tokio::test]
async fn refused_uploads_name_the_reason() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    let token = s.token().await;
    let fields = [("title", "Rally"), ("alt", "A crowd")];
    let truncated = {
        let full = jpeg(400, 300);
        full[..full.len() / 2].to_vec()
    };
    let huge = vec![0xFFu8; 25 * 1024 * 1024];
    let cases: [(&str, Vec<u8>, StatusCode, &str); 7] = [
        (
            "dot.jpg",
            jpeg(1, 1),
            StatusCode::UNPROCESSABLE_ENTITY,
            "1x1 pixels; each side needs at least 64",
        ),
        (
            "strip.jpg",
            jpeg(800, 40),
            StatusCode::UNPROCESSABLE_ENTITY,
            "800x40",
        ),
        (
            "bomb.png",
            png_bomb(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "100000x100000",
        ),
        ("big.jpg", huge, StatusCode::PAYLOAD_TOO_LARGE, "20 MB"),
        (
            "notes.jpg",
            b"this is just text, not a photo".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not a JPEG, PNG or WebP",
        ),
        (
            "cut.jpg",
            truncated,
            StatusCode::UNPROCESSABLE_ENTITY,
            "cut short",
        ),
        (
            "anim.gif",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "gif images are not accepted",
        ),
    ];
    let before = s.state.remixer().templates().len();
    for (name, bytes, status, reason) in cases {
        let r = Answer::of(upload(&s, &token, &fields, Some((name, &bytes))).await).await;
        r.error_code(status, name);
        assert!(r.text().contains(reason), "{name}: {}", r.text());
    }
    // Words longer than the page's fields allow, sent by a program, in either language.
    let long_title = "جلسہ ".repeat(20);
    let long_alt = "x".repeat(301);
    for (field, value, reason) in [
        (
            "title",
            long_title.as_str(),
            "title: 99 characters; at most 80",
        ),
        (
            "title_ur",
            long_title.as_str(),
            "title_ur: 99 characters; at most 80",
        ),
        (
            "alt_ur",
            long_alt.as_str(),
            "alt_ur: 301 characters; at most 300",
        ),
    ] {
        let mut fields = vec![("title", "Rally"), ("alt", "A crowd")];
        fields.retain(|(name, _)| *name != field);
        fields.push((field, value));
        let photo = jpeg(400, 300);
        let r = Answer::of(upload(&s, &token, &fields, Some(("ok.jpg", &photo))).await).await;
        r.error_code(StatusCode::UNPROCESSABLE_ENTITY, field);
        assert!(r.text().contains(reason), "{field}: {}", r.text());
    }
    assert_eq!(
        s.state.remixer().templates().len(),
        before,
        "a refused upload left a template"
    );
}

/// A template's edit form: these fields, then each box's x, y, width and height.
fn template_form<'a>(
    fields: &[(&'static str, &'a str)],
    boxes: &[[&'a str; 4]],
) -> Vec<(&'static str, &'a str)> {
    let mut form = fields.to_vec();
    for b in boxes {
        form.extend(["x", "y", "width", "height"].into_iter().zip(*b));
    }
    form
}

/// The photo stored for the template `id`.
async fn template_photo(s: &Service, id: &str) -> bytes::Bytes {
    s.state.remixer().template_photo(id).await.unwrap().unwrap()
}

#[tokio::test]
async fn upload_place_publish_remix_curate() {
    let s = &service(Moderation::Pre, BlockAction::Hold).await;
    let staff = s.login().await;

    // Upload through the page: a 2000x1500 photo with EXIF rotation and GPS-like metadata.
    let mut bytes = Vec::new();
    let img = image::RgbImage::from_fn(2000, 1500, |x, _| image::Rgb([(x / 8) as u8, 120, 60]));
    let exif: &[u8] = &[
        b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
    ];
    let mut enc = jpeg_encoder::Encoder::new(&mut bytes, 90);
    enc.add_exif_metadata(exif).unwrap();
    enc.add_app_segment(13, b"GPSLatitude 33.6844".to_vec())
        .unwrap();
    enc.encode(img.as_raw(), 2000, 1500, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let (content_type, body) = multipart(
        &[
            ("csrf", &staff.csrf),
            ("title", "Minar-e-Pakistan Rally"),
            ("alt", "A crowd at Minar-e-Pakistan"),
            ("hashtags", "#Jalsa, Lahore"),
        ],
        Some(("rally.jpg", &bytes)),
    );
    let r = s
        .send(
            Request::post("/staff/templates")
                .header(header::COOKIE, &staff.cookie)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    let edit = header_of(&r, header::LOCATION);
    let id = edit.trim_start_matches("/staff/templates/").to_owned();
    assert_eq!(id, "minar-e-pakistan-rally");
    let t = s.state.remixer().template(&id).unwrap();
    assert_eq!(
        t.size(),
        (1200, 1600),
        "not upright and scaled to 1600 on the long side"
    );
    let stored = template_photo(s, &id).await;
    assert!(
        !stored.windows(11).any(|w| w == b"GPSLatitude"),
        "metadata kept"
    );
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "EXIF kept");

    // A draft: supporters cannot see or remix it yet.
    assert!(!text(s.get("/").await).await.contains(&format!("/t/{id}")));
    assert_eq!(
        s.supporter_remix(&id, &["too early"]).await.status(),
        StatusCode::NOT_FOUND
    );

    // Place the boxes with numbers, preview, publish.
    let page = s.staff_page(&staff, &edit).await;
    assert!(page.contains("preview.jpg?text=Sample"));
    let r = s
        .staff_form(
            &staff,
            &edit,
            &template_form(
                &[
                    ("title", "Minar-e-Pakistan Rally"),
                    ("alt", "A crowd at Minar-e-Pakistan"),
                    ("hashtags", "Jalsa Lahore"),
                ],
                &[["0.05", "0.70", "0.9", "0.25"], ["", "", "", ""]],
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let t = s.state.remixer().template(&id).unwrap();
    assert_eq!(t.spec.boxes.len(), 1);
    assert!((t.spec.boxes[0].y - 0.70).abs() < 1e-9);
    let preview = s
        .get_with(
            &format!("/staff/templates/{id}/preview.jpg?text=hello"),
            Some(&staff.cookie),
        )
        .await;
    assert_eq!(header_of(&preview, header::CONTENT_TYPE), "image/jpeg");
    let bad = s
        .staff_form(
            &staff,
            &edit,
            &template_form(
                &[("title", "T"), ("alt", "A")],
                &[["0.5", "0.1", "0.9", "0.2"]],
            ),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(bad).await.contains("x + width"));
    let r = s
        .staff_form(
            &staff,
            &format!("{edit}/status"),
            &[("status", "published")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(text(s.get("/").await).await.contains(&format!("/t/{id}")));

    // A supporter remixes it; pre-moderation keeps it out of the gallery until approved.
    let r = s.supporter_remix(&id, &["Lahore zindabad"]).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let remix = json_of(r).await["id"].as_str().unwrap().to_owned();
    let gallery = || async { text(s.get("/gallery").await).await };
    assert!(!gallery().await.contains(&remix));
    assert!(
        s.staff_page(&staff, "/staff").await.contains(&remix),
        "not in the queue"
    );

    let staff = &staff;
    let set = |status: &'static str| {
        let remix = remix.clone();
        async move {
            s.staff_form(
                staff,
                "/staff/remixes",
                &[("id", &remix), ("status", status)],
            )
            .await
            .status()
        }
    };
    assert_eq!(set("approved").await, StatusCode::SEE_OTHER);
    assert!(
        gallery().await.contains(&remix),
        "approved but not in the gallery"
    );
    assert!(
        !s.staff_page(staff, "/staff")
            .await
            .contains(&format!("value=\"{remix}\"")),
        "still queued"
    );
    assert_eq!(set("featured").await, StatusCode::SEE_OTHER);
    assert!(
        text(s.get("/").await)
            .await
            .contains(&format!("/m/{remix}")),
        "featured not on the home page"
    );
    assert_eq!(set("hidden").await, StatusCode::SEE_OTHER);
    assert!(!gallery().await.contains(&remix));
    assert_eq!(
        s.status(&format!("/m/{remix}")).await,
        StatusCode::OK,
        "hidden breaks the link"
    );
    assert_eq!(set("removed").await, StatusCode::SEE_OTHER);
    assert_eq!(s.status(&format!("/m/{remix}")).await, StatusCode::GONE);
    assert_eq!(s.status(&format!("/i/{remix}.jpg")).await, StatusCode::GONE);
    // The same picture asked for again is refused by name, not sent to its 410.
    let r = s.supporter_remix(&id, &["Lahore zindabad"]).await;
    assert_eq!(r.status(), StatusCode::GONE);
    assert_eq!(json_of(r).await["error"]["code"], "picture_removed");

    // Retire: no new remixes, old links keep working.
    let keep = s.remix_id("coffee", &["chai"]).await;
    let r = s
        .staff_form(
            staff,
            "/staff/templates/coffee/status",
            &[("status", "retired")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = s.supporter_remix("coffee", &["more chai"]).await;
    assert_eq!(r.status(), StatusCode::GONE);
    assert_eq!(json_of(r).await["error"]["code"], "template_retired");
    assert_eq!(s.status(&format!("/m/{keep}")).await, StatusCode::OK);
    assert_eq!(
        s.status(&format!("/i/{keep}/card.jpg")).await,
        StatusCode::OK
    );
    assert!(!text(s.get("/").await).await.contains("href=\"/t/coffee\""));

    // Everything is in the audit log, with who, what and on which item.
    let audit = s.staff_page(staff, "/staff/audit").await;
    for needle in [
        "staff.login",
        "template.upload",
        "template.edit",
        "template.status",
        "remix.status",
        "approved",
        "featured",
        "hidden",
        "removed",
        "retired",
        &remix,
        "amna",
    ] {
        assert!(
            audit.contains(needle),
            "{needle} missing from the audit log"
        );
    }
}

/// The text field `key` of each item in a list.
fn each<'a>(items: &'a Value, key: &str) -> Vec<&'a str> {
    let items = items.as_array().unwrap();
    items.iter().map(|i| i[key].as_str().unwrap()).collect()
}

#[tokio::test]
async fn api_twins_of_the_staff_actions() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    let token = s.token().await;
    let photo = jpeg(800, 600);
    let boxes = r#"[{"x":0.05,"y":0.05,"width":0.9,"height":0.2}]"#;
    let r = upload(
        &s,
        &token,
        &[
            ("title", "Api Photo"),
            ("alt", "An API photo"),
            ("hashtags", "Jalsa"),
            ("boxes", boxes),
        ],
        Some(("p.jpg", &photo)),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let t = json_of(r).await;
    assert_eq!(t["id"], "api-photo");
    assert_eq!(t["status"], "published");
    assert_eq!(t["boxes"].as_array().unwrap().len(), 1);

    let a = s.remix_id("api-photo", &["one"]).await;
    let b = s.remix_id("api-photo", &["two"]).await;
    let queue = json_of(s.staff_get("/api/staff/queue", &token).await).await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 2);
    let r = s.set_remix_status(&token, &a, "featured").await;
    assert_eq!(json_of(r).await["status"], "featured");
    let r = s
        .staff_post(
            "/api/staff/remixes/status",
            &token,
            Some(json!({"ids": [b.clone()], "status": "approved"})),
        )
        .await;
    assert_eq!(json_of(r).await["changed"], 1);
    let gallery = json_of(s.api("GET", "/api/gallery", None, None).await).await;
    let ids = each(&gallery["items"], "id");
    assert_eq!(ids, vec![a.as_str(), b.as_str()]);
    let r = s
        .set_remix_status(&token, "0123456789abcdef", "approved")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = s.set_remix_status(&token, &a, "burned").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let r = s
        .staff_post("/api/staff/templates/api-photo/retire", &token, None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        s.supporter_remix("api-photo", &["three"]).await.status(),
        StatusCode::GONE
    );
    assert_eq!(
        s.staff_post("/api/staff/templates/nope/retire", &token, None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let audit = json_of(s.staff_get("/api/staff/audit", &token).await).await;
    let actions = each(&audit["items"], "action");
    assert_eq!(
        actions.first(),
        Some(&"template.status"),
        "newest first: {actions:?}"
    );
    assert!(actions.contains(&"template.upload") && actions.contains(&"remix.status"));
    assert!(audit["items"][0]["staff"] == "amna" && audit["items"][0]["item"] == "api-photo");
}

/// Staff change the blocklist through the API: `action` is `""` to add, `"/remove"` to
/// remove.
async fn blocklist(s: &Service, token: &str, action: &str, body: Value) -> Response {
    let uri = format!("/api/staff/blocklist{action}");
    s.staff_post(&uri, token, Some(body)).await
}

#[tokio::test]
async fn the_blocklist_holds_in_english_and_urdu() {
    let s = service(Moderation::Post, BlockAction::Hold).await;
    let token = s.token().await;
    for phrase in ["crook", "چور", "chor hai"] {
        let r = blocklist(&s, &token, "", json!({"phrase": phrase})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // Post-moderation: clean remixes go straight to the gallery...
    let clean = json_of(s.supporter_remix("rocket", &["lift off"]).await).await;
    assert_eq!(clean["status"], "approved");
    // ...but blocked words are held for review, whatever their case or script.
    for caption in ["what a CROOK", "وہ چور ہے", "ye to CHOR HAI"] {
        let held = json_of(s.supporter_remix("rocket", &["fine", caption]).await).await;
        assert_eq!(held["status"], "new", "{caption} was not held");
    }
    assert_eq!(
        json_of(s.supporter_remix("rocket", &["crooked smile"]).await).await["status"],
        "approved",
        "not a whole word"
    );
    let queue = json_of(s.staff_get("/api/staff/queue", &token).await).await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 3);
    // Removing nothing is refused, and removes nothing.
    for blank in ["", "  "] {
        let r = blocklist(&s, &token, "/remove", json!({"phrase": blank})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{blank:?}");
    }
    let held = json_of(s.supporter_remix("rocket", &["still a crook"]).await).await;
    assert_eq!(held["status"], "new", "the blocklist was emptied");
    // Removing a phrase lets it through again.
    let r = blocklist(&s, &token, "/remove", json!({"phrase": "CROOK"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        json_of(s.supporter_remix("rocket", &["another crook"]).await).await["status"],
        "approved"
    );
}

#[tokio::test]
async fn invisible_and_look_alike_spellings_do_not_walk_past_the_blocklist() {
    let s = service(Moderation::Pre, BlockAction::Refuse).await;
    let staff = s.login().await;
    for phrase in ["chor", "کرپٹ"] {
        let r = s
            .staff_form(&staff, "/staff/blocklist", &[("phrase", phrase)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    for caption in [
        "ch\u{200b}or",
        "c\u{00ad}hor hai",
        "ｃｈｏｒ",
        "\u{0441}hor",
        "CH0R",
        "وہ كرپٹ ہے",
    ] {
        let r = s.supporter_remix("rocket", &["top", caption]).await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{caption:?} was let through"
        );
    }
    let r = s.supporter_remix("rocket", &["top", "anchor chorus"]).await;
    assert_eq!(r.status(), StatusCode::CREATED, "an innocent caption");
    // A report reason is held to the same list.
    let id = json_of(r).await["id"].as_str().unwrap().to_owned();
    let r = s
        .post_form(&format!("/m/{id}/report"), &[("reason", "c\u{200d}hor")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("<html"));
}

#[tokio::test]
async fn the_blocklist_refuses_when_configured() {
    let s = service(Moderation::Pre, BlockAction::Refuse).await;
    let staff = s.login().await;
    let r = s
        .staff_form(&staff, "/staff/blocklist", &[("phrase", "چور")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        s.staff_page(&staff, "/staff/blocklist")
            .await
            .contains("چور")
    );
    let r = s.supporter_remix("rocket", &["top", "وہ چور ہے"]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v = json_of(r).await;
    assert_eq!(v["error"]["code"], "caption_blocked");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("caption 2")
    );
    assert!(s.stored("remixes").await.is_empty(), "rendered anyway");
}

/// Captions that draw "chor" without typing it, each with what the queue should name.
const DISGUISED: [(&[&str], &str); 6] = [
    (&["top", "wo to \u{202E}rohc\u{202C} hai"], "display_order"),
    (&["ch\u{0000}or"], ""),
    (&["top", "CH0R"], "digits"),
    (&["wo ch", "or hai"], "across_boxes"),
    (&["c.h.o.r"], "spaced"),
    (&["choron ka tola"], "plural"),
];

/// Captions a campaign writes every day, which must go through.
const ALLOWED: [&[&str]; 4] = [
    &["100", "1000 log"],
    &["8 Feb - be there!", "NA-127"],
    &["Chorangi par milenge"],
    &["ووٹ ڈالنے ضرور جائیں", "پاکستان زندہ باد"],
];

#[tokio::test]
async fn the_blocklist_holds_what_is_drawn_and_the_queue_says_why() {
    let s = service(Moderation::Post, BlockAction::Hold).await;
    let token = s.token().await;
    let r = blocklist(
        &s,
        &token,
        "",
        json!({"phrase": "Chor", "variants": ["CHOOR"]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        json_of(r).await,
        json!({"phrase": "chor", "variants": ["choor"]})
    );
    let list = json_of(s.staff_get("/api/staff/blocklist", &token).await).await;
    assert_eq!(
        list["entries"],
        json!([{"phrase": "chor", "variants": ["choor"]}])
    );
    for captions in ALLOWED {
        let v = json_of(s.supporter_remix("rocket", captions).await).await;
        assert_eq!(v["status"], "approved", "{captions:?} was held: {v}");
    }
    for (captions, _) in DISGUISED {
        let v = json_of(s.supporter_remix("rocket", captions).await).await;
        assert_eq!(v["status"], "new", "{captions:?} was not held: {v}");
    }
    let v = json_of(s.supporter_remix("rocket", &["sab choor hain"]).await).await;
    assert_eq!(v["status"], "new", "a variant staff added");

    // The queue says which phrase held each and how it was written.
    let queue = json_of(s.staff_get("/api/staff/queue", &token).await).await;
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), DISGUISED.len() + 1);
    for (captions, how) in DISGUISED {
        let item = items
            .iter()
            .find(|i| i["captions"] == json!(captions))
            .unwrap_or_else(|| panic!("{captions:?} not in the queue"));
        assert_eq!(item["held_by"], "chor", "{item}");
        assert_eq!(item["held_for"]["phrase"], "chor", "{item}");
        if !how.is_empty() {
            assert!(
                item["held_for"]["how"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(how)),
                "{captions:?}: {item}"
            );
        }
    }
    let variant = items
        .iter()
        .find(|i| i["captions"] == json!(["sab choor hain"]))
        .unwrap();
    assert_eq!(variant["held_for"]["variant"], "choor");
    let staff = s.login().await;
    let page = s.staff_page(&staff, "/staff").await;
    assert!(page.contains("matches the blocked phrase"), "{page}");
    assert!(page.contains("with bidi overrides"), "{page}");
    assert!(page.contains("split across the text boxes"), "{page}");
    let page = s.staff_page(&staff, "/staff/blocklist").await;
    assert!(page.contains("held in the moderation queue"), "{page}");
    assert!(page.contains("choor"));
}

#[tokio::test]
async fn the_blocklist_refuses_what_is_drawn() {
    let s = service(Moderation::Pre, BlockAction::Refuse).await;
    let staff = s.login().await;
    let r = s
        .staff_form(
            &staff,
            "/staff/blocklist",
            &[("phrase", "chor"), ("variants", "choor, چور")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = s.staff_page(&staff, "/staff/blocklist").await;
    assert!(page.contains("is refused"), "{page}");
    for (captions, _) in DISGUISED {
        let r = s.supporter_remix("rocket", captions).await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{captions:?} was let through"
        );
        assert_eq!(json_of(r).await["error"]["code"], "caption_blocked");
    }
    let r = s.supporter_remix("rocket", &["وہ چور ہے"]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a variant");
    // The form's live preview does not draw them either, nor a bidi-reversed spelling.
    let preview = |text: &str| {
        let mut url = url::Url::parse("http://x/preview/rocket.jpg").unwrap();
        url.query_pairs_mut().append_pair("text", text);
        format!("{}?{}", url.path(), url.query().unwrap())
    };
    for text in [
        "wo chor hai",
        "wo \u{202E}rohc\u{202C} hai",
        "sab theek hai",
    ] {
        let r = s.get(&preview(text)).await;
        let refused = r.status() == StatusCode::UNPROCESSABLE_ENTITY;
        assert_eq!(
            refused,
            !text.starts_with("sab"),
            "preview of {text:?}: {}",
            r.status()
        );
    }
    assert!(s.stored("remixes").await.is_empty(), "rendered anyway");
    for captions in ALLOWED {
        let r = s.supporter_remix("rocket", captions).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{captions:?} was refused");
    }
}

#[tokio::test]
async fn supporters_can_report_a_remix() {
    let s = service(Moderation::Post, BlockAction::Hold).await;
    let token = s.token().await;
    let id = s.remix_id("hubble", &["space"]).await;
    assert!(
        text(s.get(&format!("/m/{id}")).await)
            .await
            .contains(&format!("action=\"/m/{id}/report\""))
    );
    let r = s
        .post_form(&format!("/m/{id}/report"), &[("reason", "offensive")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        text(s.get(&header_of(&r, header::LOCATION)).await)
            .await
            .contains("Thank you")
    );
    let queue = json_of(s.staff_get("/api/staff/queue", &token).await).await;
    let item = &queue["items"][0];
    assert_eq!(item["id"], json!(id));
    assert_eq!(item["reported"], true);
    assert_eq!(
        s.post_form("/m/0123456789abcdef/report", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let mut limited = false;
    for _ in 0..25 {
        if s.post_form(&format!("/m/{id}/report"), &[("reason", "x")])
            .await
            .status()
            == StatusCode::TOO_MANY_REQUESTS
        {
            limited = true;
            break;
        }
    }
    assert!(limited, "reports are not rate-limited");
}

#[test]
fn the_command_line_adds_staff_and_prints_tokens() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jalsa"))
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&["staff", "add", "bilal"], "a long enough password\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["staff", "add", "bilal"], "a long enough password\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already"));
    let out = run(&["staff", "add", "short"], "short\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
    let out = run(&["staff", "token", "bilal"], "");
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap();
    assert!(token.trim().starts_with("jst_"), "{token}");
    let out = run(&["staff", "token", "nobody"], "");
    assert!(!out.status.success());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt
        .block_on(Db::connect(&format!(
            "sqlite://{}",
            dir.path().join("jalsa.db").display()
        )))
        .unwrap();
    assert_eq!(
        rt.block_on(jalsa::staff::token_staff(&db, token.trim()))
            .unwrap()
            .as_deref(),
        Some("bilal")
    );
    let checker = jalsa::staff::PasswordChecker::new(1, 1);
    assert!(
        rt.block_on(jalsa::staff::check_password(
            &db,
            &checker,
            "bilal",
            "a long enough password"
        ))
        .unwrap()
    );
    assert!(
        !rt.block_on(jalsa::staff::check_password(
            &db,
            &checker,
            "bilal",
            "wrong password"
        ))
        .unwrap()
    );
}

/// Every template photo in the store is in the format its key says.
async fn photo_keys_match_their_bytes(s: &Service) {
    for blob in s.stored("templates").await {
        let bytes = s
            .state
            .remixer()
            .blobs()
            .get(&blob.key)
            .await
            .unwrap()
            .unwrap();
        let format = image::guess_format(&bytes).unwrap();
        let extension = blob.key.rsplit('.').next().unwrap();
        assert!(
            format.extensions_str().contains(&extension),
            "{} holds {format:?}",
            blob.key
        );
    }
}

#[tokio::test]
async fn a_staff_edit_of_a_bundled_template_keeps_its_photo_and_survives_a_restart() {
    let s = service(Moderation::Pre, BlockAction::Hold).await;
    let staff = s.login().await;
    let before = s.state.remixer().template("coffee").unwrap();
    let r = s
        .staff_form(
            &staff,
            "/staff/templates/coffee",
            &template_form(
                &[
                    ("title", "Chai pe charcha"),
                    ("alt", "A cup of coffee on a table"),
                    ("title_ur", "چائے پہ چرچا"),
                    ("alt_ur", ""),
                    ("hashtags", "chai, jalsa"),
                ],
                &[["0.1", "0.6", "0.8", "0.3"]],
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);

    // The photo is the bundled PNG, stored as PNG under a .png key, and unchanged.
    let edited = s.state.remixer().template("coffee").unwrap();
    assert_eq!(edited.photo_hash, before.photo_hash, "the photo changed");
    assert_eq!(edited.spec.boxes.len(), 1);
    let photo = template_photo(&s, "coffee").await;
    assert_eq!(
        image::guess_format(&photo).unwrap(),
        image::ImageFormat::Png
    );
    photo_keys_match_their_bytes(&s).await;

    // A restart on the same stores: the folder has not changed, so the edit stays.
    let again = Remixer::new(
        s.state.remixer().blobs().clone(),
        s.state.remixer().db().clone(),
        1,
        8,
    );
    let templates = common::repo().join("templates");
    again
        .register_catalog(&templates, &Catalog::load(&templates).unwrap())
        .await
        .unwrap();
    let after = again.template("coffee").unwrap();
    assert_eq!(
        after.spec.title, "Chai pe charcha",
        "the edit was overwritten"
    );
    assert_eq!(after.spec.boxes, edited.spec.boxes);
    assert_eq!(after.spec.hashtags, ["chai", "jalsa"]);
    // The Urdu title given, the Urdu alt text emptied (Urdu pages then show the English).
    assert_eq!(after.spec.title_ur, "چائے پہ چرچا");
    assert_eq!(after.spec.alt_ur, "");
    let form = s.staff_page(&staff, "/staff/templates/coffee").await;
    assert!(
        form.contains("name=\"title_ur\" value=\"چائے پہ چرچا\""),
        "{form}"
    );
    // Supporters see the edited words.
    let r = s.get("/api/templates").await;
    let listed = json_of(r).await;
    let coffee = with_id(&listed, "coffee").unwrap().clone();
    assert_eq!(coffee["title"], "Chai pe charcha");
    assert_eq!(coffee["boxes"].as_array().unwrap().len(), 1);
}
