//! The service through its real router: every route, every error, the headers a browser and
//! a share crawler see.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::service::{
    Answer, Options, Service, body, error_code, header_of, json_of, page_text, set_cookie, text,
    with_id,
};
use jalsa::catalog::Catalog;
use jalsa::db::{Db, RenditionKind, Status};
use jalsa::remix::Remixer;
use jalsa::store::Blobs;
use jalsa::web::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn service_with(rate_limit: u32, slots: usize, queue: usize) -> Service {
    Service::start(Options {
        rate_limit,
        slots,
        queue,
        ..Options::default()
    })
    .await
}

async fn service() -> Service {
    service_with(0, 2, 64).await
}

/// What the web tests add to the harness.
trait Remixes {
    /// Creates a remix of the astronaut through the API and returns its JSON.
    async fn remix(&self, captions: &[&str]) -> Value;
}

impl Remixes for Service {
    async fn remix(&self, captions: &[&str]) -> Value {
        let r = Answer::of(self.supporter_remix("astronaut", captions).await).await;
        assert!(
            r.status.is_success(),
            "{captions:?}: {} {}",
            r.status,
            r.text()
        );
        serde_json::from_slice(&r.body).unwrap()
    }
}

#[tokio::test]
async fn home_lists_the_photos_and_pages_carry_security_headers() {
    let s = service().await;
    let r = s.get_ok("/").await;
    let csp = header_of(&r, header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(header_of(&r, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(!header_of(&r, header::REFERRER_POLICY).is_empty());
    let html = text(r).await;
    for id in ["astronaut", "chelsea", "coffee", "hubble", "rocket"] {
        assert!(html.contains(&format!("href=\"/t/{id}\"")), "{id} missing");
    }
    assert!(!html.contains("<script>"), "inline script on the page");
}

#[tokio::test]
async fn html_and_json_are_compressed() {
    let s = service().await;
    for (uri, kind) in [
        ("/api/templates", "application/json"),
        ("/gallery", "text/html"),
        ("/t/rocket", "text/html"),
    ] {
        let r = s
            .send(get_with_header(uri, header::ACCEPT_ENCODING, "gzip"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert!(
            header_of(&r, header::CONTENT_TYPE).starts_with(kind),
            "{uri}"
        );
        assert_eq!(header_of(&r, header::CONTENT_ENCODING), "gzip", "{uri}");
        let zipped = body(r).await;
        let mut plain = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&zipped[..]), &mut plain)
            .unwrap_or_else(|e| panic!("{uri}: not gzip: {e}"));
        assert!(plain.len() > zipped.len(), "{uri}: smaller once compressed");
        let start = plain[..15].to_ascii_lowercase();
        assert!(
            start.starts_with('[') || start == "<!doctype html>",
            "{uri}: {start}"
        );
    }
}

#[tokio::test]
async fn the_form_has_a_field_per_box_and_a_preview() {
    let s = service().await;
    let html = text(s.get("/t/rocket").await).await;
    assert_eq!(html.matches("name=\"text\"").count(), 2);
    assert!(html.contains("dir=\"auto\""));
    assert!(html.contains("<label>Caption 1 (top)"));
    assert!(html.contains("src=\"/preview/rocket.jpg\""));
    let r = s.get("/t/nope").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(header_of(&r, header::CONTENT_TYPE).starts_with("text/html"));
}

#[tokio::test]
async fn submitting_the_form_lands_on_a_share_page_with_every_tag() {
    let s = service().await;
    let r = s
        .remix_form(&[
            ("template", "astronaut"),
            ("text", "Hope <is> \"priceless\""),
            ("text", "زندہ باد"),
            ("color", "yellow"),
            ("outline", ""),
            ("font", ""),
        ])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = header_of(&r, header::LOCATION);
    assert!(location.starts_with("/m/"), "{location}");
    let id = location.trim_start_matches("/m/").to_owned();

    let html = text(s.get(&location).await).await;
    let base = "https://jalsa.example.org";
    for tag in [
        format!("<meta property=\"og:url\" content=\"{base}/m/{id}\">"),
        format!("<meta property=\"og:image\" content=\"{base}/i/{id}/card.jpg\">"),
        "<meta property=\"og:image:width\" content=\"1200\">".to_string(),
        "<meta property=\"og:image:height\" content=\"630\">".to_string(),
        "<meta name=\"twitter:card\" content=\"summary_large_image\">".to_string(),
        format!("<meta name=\"twitter:image\" content=\"{base}/i/{id}/card.jpg\">"),
        "og:title".to_string(),
        "og:description".to_string(),
        "og:image:alt".to_string(),
        "twitter:image:alt".to_string(),
    ] {
        assert!(html.contains(&tag), "missing {tag}");
    }
    // Captions are escaped in the body and in attributes alike.
    assert!(
        !html.contains("<is>") && !html.contains("\"priceless\""),
        "caption not escaped"
    );
    assert!(html.contains("Hope &#60;is&#62;") || html.contains("Hope &lt;is&gt;"));
    // The share buttons go through our counting redirect to the networks' share pages.
    for network in ["facebook", "x", "whatsapp"] {
        assert!(
            html.contains(&format!("href=\"/s/{id}/{network}\"")),
            "{network}"
        );
    }
    let to = |network: &str| {
        let s = &s;
        let uri = format!("/s/{id}/{network}");
        async move { header_of(&s.get(&uri).await, header::LOCATION) }
    };
    assert!(to("facebook").await.starts_with(
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fjalsa.example.org%2Fm%2F"
    ));
    let x = to("x").await;
    assert!(x.starts_with("https://twitter.com/intent/tweet?text="));
    assert!(x.contains("hashtags=Jalsa%2CReadyForChange"));
    assert!(to("whatsapp").await.starts_with("https://wa.me/?text="));
    assert!(html.contains(&format!("href=\"/t/astronaut?parent={id}\"")));
    assert!(html.contains("download="));

    // "Remix this" pre-fills the form and the parent is recorded.
    let form = text(s.get(&format!("/t/astronaut?parent={id}")).await).await;
    assert!(form.contains(&format!("name=\"parent\" value=\"{id}\"")));
    assert!(form.contains("زندہ باد"));
    assert!(form.contains("<option value=\"yellow\" selected>"));
    let r = s
        .remix_form(&[
            ("template", "astronaut"),
            ("text", "a new top"),
            ("text", "زندہ باد"),
            ("parent", &id),
        ])
        .await;
    let child = header_of(&r, header::LOCATION)
        .trim_start_matches("/m/")
        .to_owned();
    let v = json_of(s.get(&format!("/api/remixes/{child}")).await).await;
    assert_eq!(v["parent"], json!(id));
}

#[tokio::test]
async fn bad_form_input_shows_the_form_again_with_the_reason() {
    let s = service().await;
    let long = "x".repeat(201);
    let r = s
        .remix_form(&[("template", "coffee"), ("text", "keep me"), ("text", &long)])
        .await;
    let html = page_text(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        html.contains("Caption 2 is too long: 201 characters, and at most 200 fit."),
        "{html}"
    );
    assert!(html.contains("keep me"), "what was typed is lost");
    let r = s
        .remix_form(&[("template", "coffee"), ("text", "a"), ("color", "mauve")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(r)
            .await
            .contains("That colour, outline or font does not exist")
    );
    let r = s.remix_form(&[("template", "nope"), ("text", "a")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// Search engines may index the photos, share pages, pictures and gallery, and are kept
/// out of the staff area, the makers' delete links, the uncached previews (a render each)
/// and the counted share redirects; link-preview crawlers reach all they need.
#[tokio::test]
async fn robots_are_kept_out_of_private_and_costly_places() {
    let s = service().await;
    let r = s.get_ok("/robots.txt").await;
    assert!(header_of(&r, header::CONTENT_TYPE).starts_with("text/plain"));
    let robots = text(r).await;
    let rules: Vec<(bool, &str)> = robots
        .lines()
        .filter_map(|line| {
            let (field, value) = line.split_once(':')?;
            match field.trim().to_ascii_lowercase().as_str() {
                "allow" => Some((true, value.trim())),
                "disallow" => Some((false, value.trim())),
                _ => None,
            }
        })
        .collect();
    assert!(robots.starts_with("User-agent: *"), "{robots}");
    // As crawlers read it: the longest matching rule wins.
    let allowed = |path: &str| {
        rules
            .iter()
            .filter(|(_, prefix)| path.starts_with(prefix))
            .max_by_key(|(_, prefix)| prefix.len())
            .is_none_or(|(allow, _)| *allow)
    };
    for path in [
        "/",
        "/t/hubble",
        "/m/0123456789abcdef",
        "/i/0123456789abcdef.jpg",
        "/i/0123456789abcdef/card.jpg",
        "/gallery",
        "/photos/hubble",
        "/render/hubble/hope/change.jpg",
        "/f/jalsa-badge",
        "/api/templates",
    ] {
        assert!(allowed(path), "{path} is kept from crawlers:\n{robots}");
    }
    for path in [
        "/staff",
        "/staff/login",
        "/api/staff/queue",
        "/d/0123456789abcdef/token",
        "/preview/hubble.jpg?text=a",
        "/s/0123456789abcdef/facebook",
        "/remix",
    ] {
        assert!(!allowed(path), "{path} is open to crawlers:\n{robots}");
    }
}

/// A phone whose connection dropped halfway through a picture asks for the rest with
/// `Range` and gets just that; a range past the end is refused, one for another picture
/// (`If-Range`) or several at once get the whole picture.
#[tokio::test]
async fn a_dropped_download_resumes_where_it_stopped() {
    let s = service().await;
    let v = s.remix(&["resume me", "on a slow phone"]).await;
    let id = v["id"].as_str().unwrap();
    let uri = format!("/i/{id}.jpg");
    let whole = s.get(&uri).await;
    assert_eq!(header_of(&whole, header::ACCEPT_RANGES), "bytes");
    let etag = header_of(&whole, header::ETAG);
    let whole = body(whole).await;
    let len = whole.len();
    let ranged = |range: &str, if_range: Option<&str>| {
        let mut r = Request::get(&uri).header(header::RANGE, range);
        if let Some(tag) = if_range {
            r = r.header(header::IF_RANGE, tag);
        }
        s.send(r.body(Body::empty()).unwrap())
    };

    // The rest, from where it stopped; the first bytes; the last ones.
    for (range, from, to) in [
        ("bytes=1000-".to_owned(), 1000, len - 1),
        ("bytes=0-99".to_owned(), 0, 99),
        ("bytes=-500".to_owned(), len - 500, len - 1),
        (format!("bytes=1000-{}", len + 5000), 1000, len - 1),
    ] {
        let r = ranged(&range, Some(&etag)).await;
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            header_of(&r, header::CONTENT_RANGE),
            format!("bytes {from}-{to}/{len}"),
            "{range}"
        );
        assert_eq!(header_of(&r, header::ETAG), etag, "{range}");
        assert_eq!(body(r).await, whole[from..=to], "{range}");
    }

    let r = ranged(&format!("bytes={len}-"), None).await;
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        header_of(&r, header::CONTENT_RANGE),
        format!("bytes */{len}")
    );
    assert!(text(r).await.contains("range_not_satisfiable"));

    // Another picture's ETag, several ranges, or a range that cannot be read: all of it.
    for (range, if_range) in [
        ("bytes=1000-", Some("\"0123456789abcdef\"")),
        ("bytes=0-9,20-29", None),
        ("bytes=ten-twenty", None),
        ("lines=1-2", None),
    ] {
        let r = ranged(range, if_range).await;
        assert_eq!(r.status(), StatusCode::OK, "{range} {if_range:?}");
        assert_eq!(body(r).await, whole, "{range} {if_range:?}");
    }

    // A proxy that weakened the ETag still gets its 304.
    let weakened = format!("W/\"x\", W/{etag}");
    let r = s
        .send(get_with_header(&uri, header::IF_NONE_MATCH, &weakened))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn images_are_immutable_with_strong_etags() {
    let s = service().await;
    let v = s.remix(&["cache me"]).await;
    let id = v["id"].as_str().unwrap();
    let r = s.get_ok(&format!("/i/{id}.jpg")).await;
    assert_eq!(header_of(&r, header::CONTENT_TYPE), "image/jpeg");
    assert_eq!(
        header_of(&r, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    let etag = header_of(&r, header::ETAG);
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    let bytes = body(r).await;
    assert_eq!(
        jalsa::remix::RemixId::of(&blake3::hash(&bytes)),
        id,
        "id is not derived from the bytes"
    );

    let r = s
        .send(get_with_header(
            &format!("/i/{id}.jpg"),
            header::IF_NONE_MATCH,
            &etag,
        ))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = s.send(bare(Method::HEAD, &format!("/i/{id}.jpg"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(body(r).await.is_empty());

    let png = s.get(&format!("/i/{id}.png")).await;
    assert_eq!(header_of(&png, header::CONTENT_TYPE), "image/png");
    assert_eq!(common::decode(&body(png).await).dimensions(), (512, 512));
    let webp = s.get(&format!("/i/{id}.webp")).await;
    assert_eq!(&body(webp).await[8..12], b"WEBP");

    let card = s.get_ok(&format!("/i/{id}/card.jpg")).await;
    let card = body(card).await;
    assert!(card.len() < 300_000);
    assert_eq!(common::decode(&card).dimensions(), (1200, 630));

    let gif = format!("/i/{id}.gif");
    assert_not_found(
        &s,
        &[&gif, "/i/0123456789abcdef.jpg", "/i/..%2F..%2Fetc.jpg"],
    )
    .await;
    assert_eq!(s.status("/photos/astronaut").await, StatusCode::OK);
}

#[tokio::test]
async fn removed_remixes_answer_410_everywhere() {
    let s = service().await;
    let v = s.remix(&["take me down"]).await;
    let id = v["id"].as_str().unwrap();
    s.state
        .remixer()
        .set_status(id, Status::Removed)
        .await
        .unwrap();
    assert_eq!(s.status(&format!("/m/{id}")).await, StatusCode::GONE);
    assert_eq!(
        get_error(&s, &format!("/api/remixes/{id}"), StatusCode::GONE).await,
        "removed"
    );
    assert_eq!(
        s.status(&format!("/i/{id}/card.jpg")).await,
        StatusCode::GONE
    );
}

#[tokio::test]
async fn a_remix_links_to_the_one_it_came_from_only_while_that_is_there() {
    let s = service().await;
    let body = |captions: &[&str], parent: Option<&str>| json!({"template": "rocket", "captions": captions, "parent": parent});
    let made = |v: Value| v["id"].as_str().expect("an id").to_owned();

    // Removed by the campaign.
    let parent = made(
        json_of(
            s.post_json("/api/remixes", body(&["the first"], None))
                .await,
        )
        .await,
    );
    let child = made(
        json_of(
            s.post_json("/api/remixes", body(&["the second"], Some(&parent)))
                .await,
        )
        .await,
    );
    let link = format!("href=\"/m/{parent}\" id=\"parent-link\"");
    assert!(
        share_page(&s, &child).await.contains(&link),
        "no link to {parent}"
    );
    s.state
        .remixer()
        .set_status(&parent, Status::Removed)
        .await
        .unwrap();
    let after = share_page(&s, &child).await;
    assert!(!after.contains("parent-link"), "a link to a removed remix");

    // Deleted by its maker, with the private link.
    let made_first = json_of(
        s.post_json("/api/remixes", body(&["mine, for now"], None))
            .await,
    )
    .await;
    let parent = made(made_first.clone());
    let child = made(
        json_of(
            s.post_json("/api/remixes", body(&["built on it"], Some(&parent)))
                .await,
        )
        .await,
    );
    assert!(share_page(&s, &child).await.contains("parent-link"));
    let delete = made_first["delete_url"].as_str().expect("a delete link");
    let path = delete.trim_start_matches("https://jalsa.example.org");
    let deleted = Answer::of(s.post_form(path, &[]).await).await;
    assert!(
        deleted.status.is_success() || deleted.status.is_redirection(),
        "delete: {}",
        deleted.status
    );
    assert_eq!(s.status(&format!("/m/{parent}")).await, StatusCode::GONE);
    assert!(
        !share_page(&s, &child).await.contains("parent-link"),
        "a link to a deleted remix"
    );
}

/// The share page of a remix, which must be there.
async fn share_page(s: &Service, id: &str) -> String {
    let page = Answer::of(s.get(&format!("/m/{id}")).await).await;
    page.expect(StatusCode::OK, "share page");
    page.text()
}

#[tokio::test]
async fn previews_are_small_and_uncached() {
    let s = service().await;
    let r = s
        .get("/preview/hubble.jpg?text=hello&text=%D8%B2%D9%86%D8%AF%DB%81&color=yellow")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header_of(&r, header::CACHE_CONTROL), "no-store");
    assert_eq!(common::decode(&body(r).await).width(), 480);
    let r = s.get("/preview/hubble.png?text=a&width=200").await;
    assert_eq!(common::decode(&body(r).await).width(), 200);
    assert_eq!(
        get_error(&s, "/preview/nope.jpg", StatusCode::NOT_FOUND).await,
        "unknown_template"
    );
    assert_eq!(
        get_error(
            &s,
            "/preview/hubble.jpg?width=5000",
            StatusCode::BAD_REQUEST
        )
        .await,
        "bad_width"
    );
    assert_eq!(
        get_error(
            &s,
            "/preview/hubble.jpg?color=mauve",
            StatusCode::BAD_REQUEST
        )
        .await,
        "bad_style"
    );
    assert_eq!(
        get_error(
            &s,
            "/preview/hubble.jpg?text=a&text=b&text=c",
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await,
        "too_many_captions"
    );
    // Nothing was stored.
    assert!(s.stored("remixes").await.is_empty());
}

#[tokio::test]
async fn remixes_addressed_by_url_are_stored_once() {
    let s = service().await;
    let a = s.get_ok("/render/coffee/chai_time~q/yes__please.jpg").await;
    let etag = header_of(&a, header::ETAG);
    let b = s
        .get("/render/coffee/chai_time~q/yes__please.jpg?width=600")
        .await;
    assert_eq!(header_of(&b, header::ETAG), etag, "the same remix twice");
    let rows = s
        .state
        .remixer()
        .db()
        .list_remixes(&[Status::New], None, None, 10)
        .await
        .unwrap();
    assert_eq!(rows.items.len(), 1);
    assert_eq!(rows.items[0].captions, vec!["chai time?", "yes_please"]);
    assert_not_found(&s, &["/render/nope/a/b.jpg", "/render/coffee/a/b"]).await;
}

#[tokio::test]
async fn the_api_creates_then_finds() {
    let s = service().await;
    let templates = json_of(s.get("/api/templates").await).await;
    let astronaut = with_id(&templates, "astronaut").unwrap();
    assert_eq!(astronaut["width"], 512);
    assert_eq!(
        astronaut["photo_url"],
        "https://jalsa.example.org/photos/astronaut"
    );
    assert!(astronaut["boxes"][0]["x"].as_f64().unwrap() < 0.1);

    let body = json!({"template": "rocket", "captions": ["up", "and away"], "style": {"color": "#ffcc00", "outline": "none"}});
    let r = s.post_json("/api/remixes", body.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created = json_of(r).await;
    assert_eq!(created["created"], true);
    for key in ["id", "url", "image_url", "card_url"] {
        assert!(created[key].as_str().is_some(), "{key} missing");
    }
    let r = s.post_json("/api/remixes", body).await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = json_of(r).await;
    assert_eq!(again["created"], false);
    assert_eq!(again["id"], created["id"]);

    let got = json_of(
        s.get(&format!("/api/remixes/{}", created["id"].as_str().unwrap()))
            .await,
    )
    .await;
    assert_eq!(got["captions"], json!(["up", "and away"]));
    assert_eq!(got["status"], "new");
    assert_eq!(got["template"], "rocket");
    assert!(got["created_at"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn api_errors_are_json_with_the_right_status() {
    let s = service().await;
    let cases = [
        (
            json!({"template": "nope"}),
            StatusCode::NOT_FOUND,
            "unknown_template",
        ),
        (
            json!({"template": "coffee", "captions": ["x".repeat(201)]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "caption_too_long",
        ),
        (
            json!({"template": "coffee", "captions": ["a", "b", "c"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_captions",
        ),
        (
            json!({"template": "coffee", "captions": ["1", "2", "3", "4", "5", "6", "7"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_captions",
        ),
        (
            json!({"template": "coffee", "captions": ["\u{E000}"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unsupported_character",
        ),
        (
            json!({"template": "coffee", "width": 9000}),
            StatusCode::BAD_REQUEST,
            "bad_width",
        ),
        (
            json!({"template": "coffee", "width": 813.5}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            json!({"template": "coffee", "style": {"color": "mauve"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            json!({"template": "coffee", "parent": "../../x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_parent",
        ),
        (
            json!({"template": "coffee", "parent": "0123456789abcdef"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_parent",
        ),
        (
            json!({"template": "coffee", "surprise": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
    ];
    for (body, status, code) in cases {
        let case = body.to_string();
        let answer = Answer::of(s.post_json("/api/remixes", body).await).await;
        assert_eq!(answer.error_code(status, &case), code, "{case}");
    }
    // A whole width written with a fraction is an integer by JSON Schema's rules.
    let body = json!({"template": "coffee", "captions": ["813"], "width": 813.0});
    let made = Answer::of(s.post_json("/api/remixes", body).await).await;
    made.expect(StatusCode::CREATED, "width 813.0");
    let made: Value = serde_json::from_slice(&made.body).unwrap();
    assert_eq!(made["width"], 813);
    let r = s
        .send(post_as("/api/remixes", "application/json", "{"))
        .await;
    assert_eq!(error_code(r, StatusCode::BAD_REQUEST).await, "bad_json");
    let r = s
        .send(
            Request::post("/api/remixes")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(
        error_code(r, StatusCode::UNSUPPORTED_MEDIA_TYPE).await,
        "unsupported_media_type"
    );
    let huge = json!({"template": "coffee", "captions": ["x".repeat(100_000)]});
    let r = s.post_json("/api/remixes", huge).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        get_error(&s, "/api/remixes/zzz", StatusCode::NOT_FOUND).await,
        "not_found"
    );
    assert_eq!(
        get_error(&s, "/api/nothing", StatusCode::NOT_FOUND).await,
        "not_found"
    );
    assert_eq!(
        get_error(&s, "/api/gallery?cursor=bogus", StatusCode::BAD_REQUEST).await,
        "bad_cursor"
    );
    assert_eq!(
        get_error(
            &s,
            "/api/gallery?cursor=f:1234.not-an-id!",
            StatusCode::BAD_REQUEST
        )
        .await,
        "bad_cursor"
    );
}

#[tokio::test]
async fn the_gallery_shows_featured_first_then_approved() {
    let s = service().await;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(
            s.remix(&[&format!("remix number {i}")]).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let db = s.state.remixer().clone();
    for id in &ids[..26] {
        db.set_status(id, Status::Approved).await.unwrap();
    }
    db.set_status(&ids[0], Status::Featured).await.unwrap();
    db.set_status(&ids[29], Status::Hidden).await.unwrap();

    let first = json_of(s.get("/api/gallery").await).await;
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 24);
    assert_eq!(items[0]["id"], json!(ids[0]), "featured is not first");
    assert_eq!(items[1]["id"], json!(ids[25]), "then newest approved");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = json_of(
        s.get(&format!("/api/gallery?cursor={}", urlencode(cursor)))
            .await,
    )
    .await;
    let mut all: Vec<Value> = items
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(all.len(), 26, "{second}");
    all.sort_by_key(|v| v.to_string());
    all.dedup();
    assert_eq!(all.len(), 26, "a remix shown twice");
    assert!(second["next_cursor"].is_null());

    let html = text(s.get("/gallery").await).await;
    assert!(html.contains(&format!("href=\"/m/{}\"", ids[0])));
    assert!(
        !html.contains(&format!("href=\"/m/{}\"", ids[29])),
        "hidden remix in the gallery"
    );
    assert!(html.contains("rel=\"next\""));
    let home = text(s.get("/").await).await;
    assert!(
        home.contains(&format!("href=\"/m/{}\"", ids[0])),
        "featured strip missing"
    );
    let other = json_of(s.get("/api/gallery?template=rocket").await).await;
    assert!(other["items"].as_array().unwrap().is_empty());
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn new_remixes_are_rate_limited_per_client_but_repeats_are_not() {
    let s = service_with(2, 2, 64).await;
    s.remix(&["one"]).await;
    s.remix(&["two"]).await;
    let r = s.supporter_remix("astronaut", &["three"]).await;
    assert!(!header_of(&r, header::RETRY_AFTER).is_empty());
    assert_eq!(
        error_code(r, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );
    // A repeat costs no render, so it is answered.
    let r = s.supporter_remix("astronaut", &["one"]).await;
    assert_eq!(r.status(), StatusCode::OK);
    // A client that writes its own X-Forwarded-For is still the same client: with no
    // trusted proxy the header means nothing.
    for forged in ["203.0.113.9", "203.0.113.10, 127.0.0.1"] {
        let r = s.send(json_from(forged, &["three"])).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{forged}");
    }
}

/// Asserts that each of `uris` answers 404.
async fn assert_not_found(s: &Service, uris: &[&str]) {
    for uri in uris {
        assert_eq!(s.status(uri).await, StatusCode::NOT_FOUND, "{uri}");
    }
}

/// The error code `GET uri` answers with, after checking its status.
async fn get_error(s: &Service, uri: &str, status: StatusCode) -> String {
    error_code(s.get(uri).await, status).await
}

/// A request with no body.
fn bare(method: Method, uri: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap()
}

/// A `GET uri` carrying one more header.
fn get_with_header(uri: &str, name: header::HeaderName, value: &str) -> Request<Body> {
    Request::get(uri)
        .header(name, value)
        .body(Body::empty())
        .unwrap()
}

/// A `POST uri` carrying `body` as `content_type`.
fn post_as(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

/// A remix of the astronaut through the API, from `client` as `X-Forwarded-For` names it.
fn json_from(client: &str, captions: &[&str]) -> Request<Body> {
    Request::post("/api/remixes")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", client)
        .body(Body::from(
            json!({"template": "astronaut", "captions": captions}).to_string(),
        ))
        .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_told_apart_and_limits_hold_across_nodes() {
    // Two nodes over one database, each behind the same proxy on loopback.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("jalsa.db").display());
    let templates = common::repo().join("templates");
    let mut nodes = Vec::new();
    for _ in 0..2 {
        let remixer = Remixer::new(Blobs::memory(), Db::connect(&url).await.unwrap(), 2, 64);
        remixer
            .register_catalog(&templates, &Catalog::load(&templates).unwrap())
            .await
            .unwrap();
        let config = jalsa::web::Config {
            limits: jalsa::web::Limits {
                remix: jalsa::limits::Limit::per_minute(3),
                ..Default::default()
            },
            trusted_proxies: "127.0.0.1".parse().unwrap(),
            ..jalsa::web::Config::new("https://jalsa.example.org/")
        };
        let state = AppState::new(Arc::new(remixer), config);
        nodes.push(app(state));
    }
    // Sends a remix to one node, from `client`.
    let send = |node: &Router, client: &str, caption: &str| {
        node.clone().oneshot(json_from(client, &[caption]))
    };
    let mut created = 0;
    let mut refused = 0;
    for i in 0..8 {
        let r = send(&nodes[i % 2], "198.51.100.4", &format!("spread {i}"))
            .await
            .unwrap();
        match r.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("request {i}: {other}"),
        }
    }
    assert_eq!(
        (created, refused),
        (3, 5),
        "the limit is 3 a minute over both nodes"
    );
    // The proxy's other clients are not held back, and a forged first hop changes nothing.
    let r = send(&nodes[0], "198.51.100.5", "someone else")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = send(&nodes[1], "203.0.113.1, 198.51.100.4", "forged")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn callers_that_go_away_give_their_place_in_the_queue_back() {
    let s = service_with(0, 1, 64).await;
    let remixer = s.state.remixer().clone();
    let (hold, wait) = std::sync::mpsc::channel::<()>();
    let busy = {
        let remixer = remixer.clone();
        tokio::spawn(async move { remixer.run_render(move |_| wait.recv().ok()).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    // Forty callers queue behind it, then hang up.
    let waiting: Vec<_> = (0..40)
        .map(|_| {
            let remixer = remixer.clone();
            tokio::spawn(async move { remixer.run_render(|_| ()).await })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let queued = || {
        remixer
            .stats
            .queued
            .load(std::sync::atomic::Ordering::SeqCst)
    };
    assert!(queued() > 0, "they were waiting");
    for w in &waiting {
        w.abort();
    }
    for w in waiting {
        let _ = w.await;
    }
    assert_eq!(queued(), 0, "every dropped caller gave its place back");
    hold.send(()).unwrap();
    busy.await.unwrap().unwrap();
    let metrics = text(s.get("/metrics").await).await;
    assert!(metrics.contains("jalsa_render_queue_depth 0"), "{metrics}");
}

#[tokio::test]
async fn no_admitted_render_waits_longer_than_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("j.db").display()))
        .await
        .unwrap();
    let mut remixer = Remixer::new(Blobs::memory(), db, 1, 1000);
    remixer.set_max_wait(std::time::Duration::from_millis(300));
    let remixer = Arc::new(remixer);
    let (hold, wait) = std::sync::mpsc::channel::<()>();
    let busy = {
        let remixer = remixer.clone();
        tokio::spawn(async move { remixer.run_render(move |_| wait.recv().ok()).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    let refused = remixer.run_render(|_| ()).await;
    let waited = started.elapsed();
    match refused {
        Err(jalsa::remix::RemixError::Busy { retry_after }) => assert!(retry_after >= 1),
        other => panic!("expected Busy, got {:?}", other.map(|_| ())),
    }
    assert!(
        waited < std::time::Duration::from_secs(2),
        "refused after {waited:?}"
    );
    assert_eq!(
        remixer
            .stats
            .queued
            .load(std::sync::atomic::Ordering::SeqCst),
        0
    );
    assert_eq!(
        remixer
            .stats
            .overloaded
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    hold.send(()).unwrap();
    busy.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_lost_or_damaged_picture_is_drawn_again_and_checked() {
    let s = service().await;
    let made = s.remix(&["lost and found"]).await;
    let id = made["id"].as_str().unwrap().to_owned();
    let first = s.get(&format!("/i/{id}.jpg")).await;
    let etag = header_of(&first, header::ETAG);
    let original = body(first).await;
    let row = s.row(&id).await;
    for damage in ["deleted", "overwritten"] {
        match damage {
            "deleted" => s
                .state
                .remixer()
                .blobs()
                .delete(&row.blob_key)
                .await
                .unwrap(),
            _ => s
                .state
                .remixer()
                .blobs()
                .put(&row.blob_key, bytes::Bytes::from_static(b"junk"))
                .await
                .unwrap(),
        }
        s.state.pictures().clear();
        let r = s.get(&format!("/i/{id}.jpg")).await;
        assert_eq!(r.status(), StatusCode::OK, "{damage}");
        assert_eq!(header_of(&r, header::ETAG), etag, "{damage}");
        assert_eq!(body(r).await, original, "{damage}: the same bytes");
        let stored = s.state.remixer().blobs().get(&row.blob_key).await.unwrap();
        assert_eq!(
            stored.as_deref(),
            Some(&original[..]),
            "{damage}: stored again"
        );
    }
    // A share card lost from the store is drawn again too.
    let card = body(s.get(&format!("/i/{id}/card.jpg")).await).await;
    let key = s
        .state
        .remixer()
        .db()
        .get_rendition(&id, jalsa::db::RenditionKind::Card)
        .await
        .unwrap()
        .unwrap()
        .blob_key;
    s.state.remixer().blobs().delete(&key).await.unwrap();
    s.state.pictures().clear();
    let r = s.get_ok(&format!("/i/{id}/card.jpg")).await;
    assert_eq!(body(r).await, card);
}

#[tokio::test]
async fn a_lost_picture_stored_before_the_jpeg_tables_changed_is_drawn_again() {
    // A remix stored by renderer version 3, whose JPEG Huffman tables differ from today's:
    // its row as that version wrote it, and its picture lost from the store.
    let s = service().await;
    let db = s.state.remixer().db();
    let made = s.remix(&["stored long ago"]).await;
    let today = s.row(made["id"].as_str().unwrap()).await;
    let template = s.state.remixer().template(&today.template).unwrap();
    let drawn = jalsa::render::Remix {
        captions: today.captions.clone(),
        style: today.style.clone(),
        format: today.format,
        width: Some(today.width),
    };
    let then = jalsa::render::Renderer::new()
        .render_as_version_3(&template, &drawn)
        .unwrap()
        .bytes;
    let hash = blake3::hash(&then);
    let id = jalsa::db::RemixId::of(&hash);
    assert_ne!(id, today.id, "version 3's bytes differ from today's");
    let old = jalsa::db::RemixRow {
        id: id.clone(),
        hash: hash.to_hex().to_string(),
        bytes: then.len() as u64,
        blob_key: jalsa::store::remix_key(&hash, today.format),
        ..(*today).clone()
    };
    db.insert_remix_rows(std::slice::from_ref(&old))
        .await
        .unwrap();
    let r = s.get_ok(&format!("/i/{}.jpg", id.as_str())).await;
    assert_eq!(body(r).await, then, "version 3's bytes, drawn again");
    let stored = s.state.remixer().blobs().get(&old.blob_key).await.unwrap();
    assert_eq!(stored.as_deref(), Some(&then[..]), "and stored again");

    // One no renderer here draws to its bytes (an older version's, say), lost too: an
    // error that says asking again will not help, not "please try again".
    let unknown = blake3::hash(b"drawn by a renderer long gone");
    let gone = jalsa::db::RemixRow {
        id: jalsa::db::RemixId::of(&unknown),
        hash: unknown.to_hex().to_string(),
        blob_key: jalsa::store::remix_key(&unknown, today.format),
        ..(*today).clone()
    };
    db.insert_remix_rows(std::slice::from_ref(&gone))
        .await
        .unwrap();
    let r = s.get(&format!("/i/{}.jpg", gone.id.as_str())).await;
    let answer = Answer::of(r).await;
    answer.expect(StatusCode::INTERNAL_SERVER_ERROR, "lost for good");
    assert!(
        answer.text().contains("picture_lost") && answer.text().contains("will not bring it back"),
        "{}",
        answer.text()
    );
}

#[tokio::test]
async fn every_error_keeps_the_documented_format() {
    let s = service().await;
    for (case, request, status) in [
        (
            "bad UTF-8 in an API path",
            bare(Method::GET, "/api/remixes/%FF"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong method on an API path",
            bare(Method::DELETE, "/api/templates"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "API body over the limit",
            post_as(
                "/api/remixes",
                "application/json",
                format!(
                    "{{\"template\":\"coffee\",\"captions\":[\"{}\"]}}",
                    "x".repeat(100_000)
                ),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        Answer::of(s.send(request).await)
            .await
            .error_code(status, case);
    }
    for (case, request, status) in [
        (
            "bad UTF-8 in a page path",
            bare(Method::GET, "/m/%FF"),
            StatusCode::NOT_FOUND,
        ),
        (
            "form over the limit",
            post_as(
                "/remix",
                "application/x-www-form-urlencoded",
                format!("template=coffee&text={}", "x".repeat(100_000)),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "wrong method on a page",
            bare(Method::DELETE, "/gallery"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ] {
        let r = s.send(request).await;
        let got = r.status();
        let kind = header_of(&r, header::CONTENT_TYPE);
        let page = text(r).await;
        assert!(
            got == status || (got.is_client_error() && status == StatusCode::NOT_FOUND),
            "{case}: {got}"
        );
        assert!(kind.starts_with("text/html"), "{case}: {kind}");
        assert!(page.contains("<html"), "{case}: {page}");
    }
}

#[tokio::test]
async fn titles_and_tags_carry_no_control_or_bidi_override_characters() {
    let s = service().await;
    let made = s.remix(&["hello\u{0}world\u{202e}dlrow\u{2066}x"]).await;
    let page = text(s.get(&format!("/m/{}", made["id"].as_str().unwrap())).await).await;
    for bad in ['\u{0}', '\u{202e}', '\u{2066}'] {
        assert!(!page.contains(bad), "{:?} reached the page", bad);
    }
    // Only the page's own isolation (FSI, PDI) around the caption, which keeps its order.
    assert!(
        page.contains("<title>\u{2068}helloworlddlrowx\u{2069}"),
        "{page}"
    );
}

#[tokio::test]
async fn health_says_ok_or_unavailable_and_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let blobs_dir = dir.path().join("blobs");
    std::fs::create_dir_all(&blobs_dir).unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("j.db").display()))
        .await
        .unwrap();
    let blobs = Blobs::open(&format!("file://{}", blobs_dir.display())).unwrap();
    let remixer = Arc::new(Remixer::new(blobs, db, 1, 8));
    let state = AppState::new(remixer, jalsa::web::Config::new("http://x"));
    let router = app(state);
    let get = |router: Router| async move {
        let r = router.oneshot(bare(Method::GET, "/healthz")).await.unwrap();
        (r.status(), text(r).await)
    };
    assert_eq!(get(router.clone()).await, (StatusCode::OK, "ok\n".into()));
    // The blob store stops taking writes: its folder is replaced by a file.
    std::fs::remove_dir_all(&blobs_dir).unwrap();
    std::fs::write(&blobs_dir, b"not a folder").unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        get(router.clone()).await,
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable\n".into())
    );
}

#[tokio::test]
async fn a_full_render_queue_answers_503_at_once() {
    let s = service_with(0, 1, 0).await;
    // Hold the only render slot.
    let (hold, wait) = std::sync::mpsc::channel::<()>();
    let remixer = s.state.remixer().clone();
    let busy = tokio::spawn(async move { remixer.run_render(move |_| wait.recv().ok()).await });
    while s
        .state
        .remixer()
        .stats
        .queued
        .load(std::sync::atomic::Ordering::SeqCst)
        > 0
    {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    let r = s.supporter_remix("astronaut", &["wait"]).await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "it waited"
    );
    let wait: u64 = header_of(&r, header::RETRY_AFTER).parse().unwrap();
    assert!(wait >= 1, "Retry-After {wait}");
    assert_eq!(error_code(r, StatusCode::SERVICE_UNAVAILABLE).await, "busy");
    hold.send(()).unwrap();
    busy.await.unwrap().unwrap();
    assert_eq!(
        s.supporter_remix("astronaut", &["wait"]).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn health_metrics_and_openapi() {
    let s = service().await;
    let r = s.get_ok("/healthz").await;
    assert_eq!(text(r).await.trim(), "ok");
    s.remix(&["counted"]).await;
    s.remix(&["counted"]).await;
    let metrics = text(s.get("/metrics").await).await;
    for needle in [
        "jalsa_http_requests_total{route=\"/api/remixes\",status=\"201\"} 1",
        "jalsa_http_requests_total{route=\"/api/remixes\",status=\"200\"} 1",
        "jalsa_render_seconds_bucket",
        "jalsa_dedup_hits_total",
        "jalsa_render_queue_depth",
    ] {
        assert!(metrics.contains(needle), "{needle} missing from\n{metrics}");
    }
    let spec = json_of(s.get("/api/openapi.json").await).await;
    let documented: Vec<&String> = spec["paths"].as_object().unwrap().keys().collect();
    let staff: Vec<_> = documented
        .iter()
        .filter(|p| p.starts_with("/api/staff/"))
        .collect();
    assert_eq!(staff.len(), 17, "staff routes documented: {staff:?}");
    // Every documented operation is served (not the router's 404), and the staff ones ask
    // for the token the document says they take.
    for (path, item) in spec["paths"].as_object().unwrap() {
        let uri = path.replace("{id}", "0123456789abcdef");
        for method in item.as_object().unwrap().keys() {
            let request = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let r = s.send(request).await;
            let status = r.status();
            let body = text(r).await;
            let code = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
            assert!(
                code.as_deref() != Some("not_found") || path.contains("{id}"),
                "{method} {path}: not routed: {status} {body}"
            );
            if path.starts_with("/api/staff/") {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
                assert!(
                    item[method]["security"].is_array(),
                    "{method} {path}: no security"
                );
            }
        }
    }
    // The body a client would send is described as the server reads it.
    let new_remix = &spec["components"]["schemas"]["NewRemix"];
    assert_eq!(new_remix["additionalProperties"], false);
    assert_eq!(new_remix["required"], json!(["template"]));
    let responses = &spec["paths"]["/api/remixes"]["post"]["responses"];
    for status in [
        "200", "201", "400", "404", "410", "413", "415", "422", "429", "503",
    ] {
        assert!(
            responses[status].is_object(),
            "POST /api/remixes {status} undocumented"
        );
    }
}

#[tokio::test]
async fn a_real_listener_serves_pages_and_images() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = service().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(
        axum::serve(
            listener,
            s.router
                .clone()
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .into_future(),
    );
    let get = |path: String| async move {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        response
    };
    let health = String::from_utf8(get("/healthz".into()).await).unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let v = s.remix(&["over the wire"]).await;
    let image = get(format!("/i/{}.jpg", v["id"].as_str().unwrap())).await;
    assert!(image.starts_with(b"HTTP/1.1 200"));
    let start = image.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(&image[start..start + 2], &[0xFF, 0xD8]);
    server.abort();
}

#[tokio::test]
async fn icons_and_the_manifest_make_the_home_screen_look_right() {
    let s = service().await;
    let icon = Answer::of(s.get("/favicon.ico").await).await;
    icon.expect(StatusCode::OK, "/favicon.ico");
    assert_eq!(icon.header(header::CONTENT_TYPE), "image/png");
    assert_eq!(common::decode(&icon.body).dimensions(), (32, 32));
    let manifest = Answer::of(s.get("/manifest.webmanifest").await).await;
    manifest.expect(StatusCode::OK, "manifest");
    assert_eq!(
        manifest.header(header::CONTENT_TYPE),
        "application/manifest+json"
    );
    let manifest: Value = serde_json::from_slice(&manifest.body).unwrap();
    assert_eq!(manifest["start_url"], "/");
    for icon in manifest["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap();
        let answer = Answer::of(s.get(src).await).await;
        answer.expect(StatusCode::OK, src);
        let (w, h) = common::decode(&answer.body).dimensions();
        assert_eq!(format!("{w}x{h}"), icon["sizes"], "{src}");
    }
    Answer::of(s.get("/icons/33.png").await)
        .await
        .expect(StatusCode::NOT_FOUND, "an icon size not offered");
    // Every page points at them, so no browser asks for what is not there, and says what
    // it is in a description.
    let remix = s.remix(&["described"]).await;
    let share = format!("/m/{}", remix["id"].as_str().unwrap());
    for page in ["/", "/t/astronaut", "/gallery", share.as_str()] {
        let html = text(s.get(page).await).await;
        for needle in [
            "rel=\"icon\" href=\"/favicon.ico\"",
            "rel=\"apple-touch-icon\" href=\"/icons/180.png\"",
            "rel=\"manifest\" href=\"/manifest.webmanifest\"",
            "<meta name=\"description\" content=\"",
        ] {
            assert!(html.contains(needle), "{page} lacks {needle}");
        }
    }
}

#[tokio::test]
async fn home_page_photos_carry_their_size_and_version() {
    let s = service().await;
    let home = text(s.get("/").await).await;
    for t in s.state.remixer().published_templates() {
        let (w, h) = t.size();
        let src = format!("/photos/{}?v={}", t.id, t.photo_version());
        let at = home
            .find(&format!("{src} {w}w\""))
            .unwrap_or_else(|| panic!("{} not offered whole as {src}", t.id));
        let start = home[..at].rfind("<img").unwrap();
        let img = &home[start..at + home[at..].find('>').unwrap()];
        assert!(
            img.contains(&format!("width=\"{w}\" height=\"{h}\"")),
            "{}: {img}",
            t.id
        );
        // A phone gets a narrower copy: made once, stored, as immutable as the photo.
        if w > 360 {
            let small = format!("{src}&#38;w=360");
            assert!(img.contains(&format!("src=\"{small}\"")), "{img}");
            assert!(img.contains(&format!("{small} 360w")), "{img}");
            let url = small.replace("&#38;", "&");
            let copy = Answer::of(s.get(&url).await).await;
            copy.expect(StatusCode::OK, &url);
            assert_eq!(
                copy.header(header::CACHE_CONTROL),
                "public, max-age=31536000, immutable"
            );
            let picture = image::load_from_memory(&copy.body).unwrap();
            assert_eq!(picture.width(), 360, "{url}");
            // Stored: a fresh node (no pictures in memory) reads the same bytes.
            s.state.pictures().clear();
            let again = Answer::of(s.get(&url).await).await;
            assert_eq!(again.body, copy.body, "{url}");
        } else {
            assert!(img.contains(&format!("src=\"{src}\"")), "{img}");
        }
        let odd = format!("{src}&w=361");
        Answer::of(s.get(&odd).await)
            .await
            .expect(StatusCode::BAD_REQUEST, "a width not offered");
        // Named by its version, the photo is cached for good; bare, or by another
        // version, for an hour (it may be replaced under the same id).
        for (url, cache) in [
            (src.clone(), "public, max-age=31536000, immutable"),
            (format!("/photos/{}", t.id), "public, max-age=3600"),
            (
                format!("/photos/{}?v=00000000", t.id),
                "public, max-age=3600",
            ),
        ] {
            let photo = Answer::of(s.get(&url).await).await;
            photo.expect(StatusCode::OK, &url);
            assert_eq!(photo.header(header::CACHE_CONTROL), cache, "{url}");
        }
    }
}

/// WCAG contrast of white text on `background` (`#rrggbb`).
fn contrast_with_white(background: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&background[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    1.05 / (luminance + 0.05)
}

#[test]
fn white_labels_on_share_buttons_are_readable() {
    let css = std::fs::read_to_string(common::repo().join("src/web/static/app.css")).unwrap();
    for selector in [
        ".facebook",
        ".whatsapp",
        ".x",
        "button, .button",
        "button[type=submit], .primary",
    ] {
        let rule = css
            .split('\n')
            .flat_map(|line| line.split('}'))
            .find(|rule| rule.trim_start().starts_with(&format!("{selector} {{")))
            .unwrap_or_else(|| panic!("no rule for {selector}"));
        let at = rule
            .find("background: #")
            .unwrap_or_else(|| panic!("{selector}: {rule}"))
            + 12;
        let colour = rule[at..].split([';', ' ']).next().unwrap();
        // #abc is #aabbcc.
        let long: String = match colour.len() {
            4 => colour.chars().flat_map(|c| [c, c]).skip(1).collect(),
            _ => colour.to_owned(),
        };
        let ratio = contrast_with_white(&long);
        assert!(
            ratio >= 4.5,
            "{selector}: white on {colour} is {ratio:.2}:1"
        );
    }
}

#[tokio::test]
async fn static_files_are_cached_for_good_under_their_hashed_names() {
    let s = service().await;
    let home = text(s.get("/t/hubble?lang=en").await).await;
    let mut seen = 0;
    for (attribute, plain) in [("href", "app.css"), ("src", "app.js")] {
        let (stem, extension) = plain.split_once('.').unwrap();
        let at = home
            .find(&format!("{attribute}=\"/static/{stem}."))
            .unwrap_or_else(|| panic!("{plain} not linked"));
        let url = home[at + attribute.len() + 2..].split('"').next().unwrap();
        assert!(
            url.ends_with(extension) && url.len() > plain.len() + 9,
            "{url}"
        );
        let hashed = Answer::of(s.get(url).await).await;
        hashed.expect(StatusCode::OK, url);
        assert_eq!(
            hashed.header(header::CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{url}"
        );
        // The plain name still answers the same bytes, briefly cached.
        let old = Answer::of(s.get(&format!("/static/{plain}")).await).await;
        old.expect(StatusCode::OK, plain);
        assert_eq!(old.body, hashed.body, "{plain}");
        assert_eq!(old.header(header::CACHE_CONTROL), "public, max-age=3600");
        seen += 1;
        if plain == "app.css" {
            // The font the stylesheet names is itself hashed and cached for good.
            let css = hashed.text();
            let font = css
                .split("url(\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            assert!(
                font.starts_with("/static/nastaliq.") && font.ends_with(".woff2"),
                "{font}"
            );
            let answer = Answer::of(s.get(font).await).await;
            answer.expect(StatusCode::OK, font);
            assert!(answer.header(header::CACHE_CONTROL).contains("immutable"));
        }
    }
    assert_eq!(seen, 2);
    // An Urdu page's stylesheet carries the Nastaliq font itself, so Urdu text first paints
    // in it; the home page, which needs no script, has none.
    let urdu = text(s.get("/?lang=ur").await).await;
    assert!(!urdu.contains("<script"), "the home page loads no script");
    let at = urdu
        .find("href=\"/static/app-ur.")
        .expect("the Urdu stylesheet")
        + 6;
    let url = urdu[at..].split('"').next().unwrap();
    let css = Answer::of(s.get(url).await).await;
    css.expect(StatusCode::OK, url);
    assert!(css.header(header::CACHE_CONTROL).contains("immutable"));
    let css = css.text();
    assert!(
        css.contains("url(\"data:font/woff2;base64,d09GMg"),
        "the font inline"
    );
    assert!(css.contains("font-display: block"));
    assert!(!css.contains("/static/nastaliq."));
    // Another release's name (a rolling deploy) gets today's file, briefly cached.
    let stale = Answer::of(s.get("/static/app.00000000.css").await).await;
    stale.expect(StatusCode::OK, "another release's hash");
    assert_eq!(stale.header(header::CACHE_CONTROL), "public, max-age=3600");
    Answer::of(s.get("/static/nothing.css").await)
        .await
        .expect(StatusCode::NOT_FOUND, "no such file");
}

#[tokio::test]
async fn the_share_page_and_grids_offer_narrower_copies_made_once() {
    let s = service().await;
    let created = s.supporter_remix("hubble", &["Hope is priceless"]).await;
    let share = header_of(&created, header::LOCATION);
    let id = share.trim_start_matches("/m/");
    let html = text(s.get(&share).await).await;
    let at = html.find("srcset=\"").expect("a srcset") + 8;
    let srcset = &html[at..at + html[at..].find('"').unwrap()];
    let offered: Vec<(String, u32)> = srcset
        .split(", ")
        .map(|entry| {
            let (url, width) = entry.split_once(' ').unwrap();
            (url.to_owned(), width.trim_end_matches('w').parse().unwrap())
        })
        .collect();
    let widths: Vec<u32> = offered.iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, [240, 480, 800, 1000], "{srcset}");
    for (url, width) in &offered {
        let answer = Answer::of(s.get(url).await).await;
        answer.expect(StatusCode::OK, url);
        assert!(answer.header(header::CACHE_CONTROL).contains("immutable"));
        let picture = image::load_from_memory(&answer.body).unwrap();
        assert_eq!(picture.width(), *width, "{url}");
    }
    // Made once: stored as renditions of the remix, read back by a fresh node.
    s.state.pictures().clear();
    let again = Answer::of(s.get(&format!("/i/{id}/small.jpg")).await).await;
    let first = Answer::of(s.get(&format!("/i/{id}/small.jpg")).await).await;
    assert_eq!(again.body, first.body);
    let row = s.state.remixer().db().get_remix(id).await.unwrap().unwrap();
    for kind in RenditionKind::SIZES {
        assert!(
            s.state
                .remixer()
                .db()
                .get_rendition(&row.id, kind)
                .await
                .unwrap()
                .is_some(),
            "{kind} not stored"
        );
    }
    // The gallery's grid offers them too, once the remix is in it.
    s.state
        .remixer()
        .set_status(id, Status::Featured)
        .await
        .unwrap();
    let gallery = text(s.get("/gallery").await).await;
    assert!(
        gallery.contains(&format!("/i/{id}/small.jpg 480w")),
        "{gallery}"
    );
}

#[tokio::test]
async fn profile_and_status_shapes_are_made_once_and_offered_on_the_share_page() {
    let s = service().await;
    for template in ["hubble", "astronaut", "rocket"] {
        let created = s.supporter_remix(template, &["Hope is priceless"]).await;
        let share = header_of(&created, header::LOCATION);
        let id = share.trim_start_matches("/m/").to_owned();
        let html = text(s.get(&share).await).await;
        for (kind, width, height) in [("square", 1080, 1080), ("story", 1080, 1920)] {
            let url = format!("/i/{id}/{kind}.jpg");
            assert!(
                html.contains(&format!("href=\"{url}\"")),
                "{share} offers no {kind}"
            );
            let answer = Answer::of(s.get(&url).await).await;
            answer.expect(StatusCode::OK, &url);
            assert_eq!(answer.header(header::CONTENT_TYPE), "image/jpeg");
            assert!(answer.header(header::CACHE_CONTROL).contains("immutable"));
            let picture = image::load_from_memory(&answer.body).unwrap().into_rgb8();
            assert_eq!(picture.dimensions(), (width, height), "{url}");
            assert!(
                answer.body.len() <= jalsa::render::POSTED_MAX_BYTES,
                "{url}"
            );
            // No metadata at all: no EXIF, no XMP.
            assert!(
                !answer.body.windows(4).any(|w| w == b"Exif")
                    && !answer.body.windows(9).any(|w| w == b"http://ns"),
                "{url} carries metadata"
            );
            // The picture itself sits in the middle; the fill around it is a blur of it,
            // not a flat colour, and not the picture again (the card's look).
            let (cx, cy) = (width / 2, height / 2);
            assert_ne!(picture.get_pixel(cx, cy), picture.get_pixel(2, 2), "{url}");
            // Stored once: the same bytes after this node forgets its memory.
            s.state.pictures().clear();
            let again = Answer::of(s.get(&url).await).await;
            assert_eq!(again.body, answer.body, "{url}");
            let kind: RenditionKind = kind.parse().unwrap();
            assert!(
                s.state
                    .remixer()
                    .db()
                    .get_rendition(&id, kind)
                    .await
                    .unwrap()
                    .is_some()
            );
        }
    }
    // A removed remix takes them with it.
    let created = s.supporter_remix("hubble", &["gone soon"]).await;
    let id = header_of(&created, header::LOCATION)
        .trim_start_matches("/m/")
        .to_owned();
    Answer::of(s.get(&format!("/i/{id}/square.jpg")).await)
        .await
        .expect(StatusCode::OK, "square before removal");
    s.state
        .remixer()
        .set_status(&id, Status::Removed)
        .await
        .unwrap();
    s.state.forget_pictures(&id);
    for kind in ["square", "story"] {
        Answer::of(s.get(&format!("/i/{id}/{kind}.jpg")).await)
            .await
            .expect(StatusCode::GONE, kind);
    }
}

#[tokio::test]
async fn the_maker_alone_can_delete_a_remix_for_good() {
    let s = service().await;
    let db = s.state.remixer().db();
    // Through the API: the request that makes a remix gets its private delete link; a
    // repeat of the same request does not.
    let body = json!({"template": "rocket", "captions": ["delete me later"]});
    let made = json_of(s.post_json("/api/remixes", body.clone()).await).await;
    let delete_url = made["delete_url"]
        .as_str()
        .expect("a delete link")
        .to_owned();
    let id = made["id"].as_str().unwrap().to_owned();
    assert!(delete_url.starts_with(&format!("https://jalsa.example.org/d/{id}/")));
    let again = json_of(s.post_json("/api/remixes", body).await).await;
    assert_eq!(again["created"], false);
    assert!(again.get("delete_url").is_none(), "{again}");
    let path = delete_url
        .trim_start_matches("https://jalsa.example.org")
        .to_owned();
    // Its renditions exist before.
    for url in [format!("/i/{id}/card.jpg"), format!("/i/{id}/square.jpg")] {
        Answer::of(s.get(&url).await)
            .await
            .expect(StatusCode::OK, &url);
    }
    let stored: Vec<String> = db
        .renditions_of(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.blob_key)
        .chain([db.get_remix(&id).await.unwrap().unwrap().blob_key])
        .collect();
    assert!(stored.len() >= 3, "{stored:?}");

    // A wrong token opens nothing, and says nothing about the remix.
    let wrong = format!("/d/{id}/{}", "0".repeat(32));
    Answer::of(s.get(&wrong).await)
        .await
        .expect(StatusCode::NOT_FOUND, "wrong token");
    Answer::of(s.post_form(&wrong, &[]).await)
        .await
        .expect(StatusCode::NOT_FOUND, "wrong token");
    Answer::of(s.get(&format!("/m/{id}")).await)
        .await
        .expect(StatusCode::OK, "still there");

    // The right one: a confirmation page, kept from caches, then the deletion.
    let confirm = Answer::of(s.get(&path).await).await;
    confirm.expect(StatusCode::OK, "confirmation");
    assert_eq!(confirm.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(confirm.header(header::REFERRER_POLICY), "no-referrer");
    assert!(confirm.text().contains(&format!("action=\"{path}\"")));
    Answer::of(s.post_form(&path, &[]).await)
        .await
        .expect(StatusCode::OK, "deletion");

    // Gone everywhere, from every address, and from the store.
    for url in [
        format!("/m/{id}"),
        format!("/i/{id}.jpg"),
        format!("/i/{id}.png"),
        format!("/i/{id}/card.jpg"),
        format!("/i/{id}/square.jpg"),
        format!("/i/{id}/story.jpg"),
        format!("/i/{id}/small.jpg"),
        format!("/api/remixes/{id}"),
        path.clone(),
    ] {
        Answer::of(s.get(&url).await)
            .await
            .expect(StatusCode::GONE, &url);
    }
    assert_eq!(
        get_error(&s, &format!("/api/remixes/{id}"), StatusCode::GONE).await,
        "deleted"
    );
    Answer::of(s.post_form(&path, &[]).await)
        .await
        .expect(StatusCode::GONE, "twice");
    for key in &stored {
        assert!(
            s.state.remixer().blobs().get(key).await.unwrap().is_none(),
            "{key} is still stored"
        );
    }
    let row = db.get_remix(&id).await.unwrap().unwrap();
    assert!(
        row.captions.is_empty(),
        "the captions are kept: {:?}",
        row.captions
    );
    assert!(db.renditions_of(&id).await.unwrap().is_empty());
    // A rendition drawn while the deletion ran is not recorded afterwards.
    let late = jalsa::db::Rendition {
        kind: RenditionKind::Story,
        hash: "0".repeat(64),
        blob_key: "cards/late.jpg".into(),
        bytes: 1,
    };
    db.put_rendition(&id, &late).await.unwrap();
    assert!(db.renditions_of(&id).await.unwrap().is_empty());
    // The same request again, by the API, the form or an address, finds it gone rather
    // than making it anew, and says so instead of sending the supporter to its 410.
    let r = s.supporter_remix("rocket", &["delete me later"]).await;
    assert_eq!(error_code(r, StatusCode::GONE).await, "picture_deleted");
    let r = s
        .post_form(
            "/remix?lang=en",
            &[("template", "rocket"), ("text", "delete me later")],
        )
        .await;
    let page = page_text(r, StatusCode::GONE).await;
    assert!(
        page.contains("deleted by the person who made it") && page.contains("delete me later"),
        "{page}"
    );
    Answer::of(s.get("/render/rocket/delete%20me%20later.jpg").await)
        .await
        .expect(StatusCode::GONE, "by its address");
    // And `jalsa verify` sees a tombstone, not a lost picture.
    let report = jalsa::jobs::verify::verify(s.state.remixer(), false, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn the_form_shows_its_maker_the_delete_link_once() {
    let s = service().await;
    let form = [("template", "coffee"), ("text", "chai for the delete test")];
    let r = s.remix_form(&form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let share = header_of(&r, header::LOCATION);
    let cookie = set_cookie(&r, "jalsa_made")
        .unwrap_or_else(|| panic!("the delete link rides in a cookie: {:?}", r.headers()));
    assert!(
        cookie.contains(&format!("Path={share}")) && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    // With it, once: the page shows the link and clears the cookie.
    let first = s.get_with(&share, Some(&pair)).await;
    assert_eq!(header_of(&first, header::CACHE_CONTROL), "no-store");
    let cleared = header_of(&first, header::SET_COOKIE);
    assert!(
        cleared.starts_with("jalsa_made=") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let html = text(first).await;
    let at = html
        .find("id=\"delete-link\"")
        .expect("the delete link is shown");
    let start = html[..at].rfind("value=\"").unwrap() + 7;
    let link = html[start..start + html[start..].find('"').unwrap()].to_owned();
    assert!(link.contains("/d/"), "{link}");
    // Without it (another visitor, or later): no link.
    let later = text(s.get(&share).await).await;
    assert!(!later.contains("delete-link"));
    // A cookie naming another remix, or a forged token, shows nothing.
    let id = share.trim_start_matches("/m/");
    let forged = format!("jalsa_made={id}.{}", "f".repeat(32));
    assert!(
        !text(s.get_with(&share, Some(&forged)).await)
            .await
            .contains("delete-link")
    );
    // A second maker of the same remix gets no link: it is the first maker's. Their share
    // page still says it is ready, so their cookie names the remix with no token.
    let r = s.remix_form(&form).await;
    assert!(
        !r.headers().get_all(header::SET_COOKIE).iter().any(|v| v
            .to_str()
            .unwrap()
            .starts_with("jalsa_made=")
            && !v
                .to_str()
                .unwrap()
                .starts_with(&format!("jalsa_made={id}.;"))),
        "a repeat got a delete link"
    );
    let path = link
        .trim_start_matches("https://jalsa.example.org")
        .to_owned();
    Answer::of(s.post_form(&path, &[]).await)
        .await
        .expect(StatusCode::OK, "deleted");
    Answer::of(s.get(&share).await)
        .await
        .expect(StatusCode::GONE, "gone");
}

#[tokio::test]
async fn a_page_on_another_site_cannot_make_new_remixes_but_sees_existing_ones() {
    let s = service().await;
    let from = |site: Option<&str>, path: &str| {
        let mut request = Request::get(path).header(header::USER_AGENT, "Mozilla/5.0");
        if let Some(site) = site {
            request = request
                .header("sec-fetch-site", site)
                .header("sec-fetch-dest", "image");
        }
        request.body(Body::empty()).unwrap()
    };
    let path = "/render/hubble/made_elsewhere/by_an_img_tag.jpg";
    // An <img> on another site: nothing is made, and it says why.
    let refused = s.send(from(Some("cross-site"), path)).await;
    assert_eq!(
        error_code(refused, StatusCode::FORBIDDEN).await,
        "cross_site"
    );
    let made = s.state.db().remix_count().await.unwrap();
    assert_eq!(made, 0, "a cross-site image request made a remix");
    // A form posted from another site to the API is refused the same way.
    let posted = s
        .send(
            Request::post("/api/remixes")
                .header(header::CONTENT_TYPE, "application/json")
                .header("sec-fetch-site", "cross-site")
                .body(Body::from(
                    json!({"template": "hubble", "captions": ["from", "elsewhere"]}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(
        error_code(posted, StatusCode::FORBIDDEN).await,
        "cross_site"
    );
    // Typed into the address bar, from our own pages or by a program: made.
    for site in [Some("none"), Some("same-origin"), None] {
        let path = format!("/render/hubble/typed/{}.jpg", site.unwrap_or("program"));
        let answer = s.send(from(site, &path)).await;
        assert_eq!(answer.status(), StatusCode::OK, "{site:?}");
    }
    // Once made, the same picture is served to other sites' pages too.
    assert_eq!(s.send(from(None, path)).await.status(), StatusCode::OK);
    let embedded = s.send(from(Some("cross-site"), path)).await;
    assert_eq!(embedded.status(), StatusCode::OK);
    assert_eq!(header_of(&embedded, header::CONTENT_TYPE), "image/jpeg");
}

#[tokio::test]
async fn every_error_code_carries_one_status_and_is_documented_and_translated() {
    use jalsa::error::{AppError, Code};
    let s = service().await;
    let doc = json_of(s.get("/api/openapi.json").await).await;
    let listed: Vec<&str> = doc["components"]["schemas"]["Code"]["enum"]
        .as_array()
        .unwrap_or_else(|| {
            panic!(
                "the OpenAPI document lists the codes: {}",
                doc["components"]
            )
        })
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let english = std::fs::read_to_string("src/web/locales/en.ftl").unwrap();
    let urdu = std::fs::read_to_string("src/web/locales/ur.ftl").unwrap();
    let mut seen = std::collections::HashSet::new();
    for &code in Code::ALL {
        let name = code.as_str();
        assert!(seen.insert(name), "{name} twice");
        assert!(
            listed.contains(&name),
            "{name} is not in the OpenAPI document"
        );
        for (language, ftl) in [("en", &english), ("ur", &urdu)] {
            assert!(
                ftl.contains(&format!("\nerror-{name} =")),
                "{name} has no message in {language}.ftl"
            );
        }
        let status = code.status();
        assert!(
            status.is_client_error() || status.is_server_error(),
            "{name}"
        );
        // The answer a client gets: that status, that code.
        let response = axum::response::IntoResponse::into_response(AppError::new(code, "x"));
        assert_eq!(response.status(), status, "{name}");
        let body = json_of(response).await;
        assert_eq!(body["error"]["code"], name);
    }
    assert_eq!(
        listed.len(),
        Code::ALL.len(),
        "the document lists no other code"
    );
}

#[tokio::test]
async fn a_share_page_leaves_out_a_parent_link_it_cannot_look_up() {
    let s = service().await;
    let parent = s.supporter_remix("rocket", &["the first"]).await;
    let parent = header_of(&parent, header::LOCATION);
    let parent_id = parent.trim_start_matches("/m/").to_owned();
    let child = json_of(
        s.post_json(
            "/api/remixes",
            json!({"template": "rocket", "captions": ["the second"], "parent": parent_id}),
        )
        .await,
    )
    .await;
    let page = format!("/m/{}", child["id"].as_str().unwrap());
    let html = text(s.get(&page).await).await;
    assert!(
        html.contains(&format!("href=\"/m/{parent_id}\"")),
        "linked while it can be"
    );
    // The database goes away with the child's row still in memory: its page goes out,
    // without the link it cannot check, rather than as a 500.
    s.state.remixer().forget_remix(&parent_id);
    s.state.remixer().db().close().await;
    let answer = Answer::of(s.get(&page).await).await;
    answer.expect(StatusCode::OK, "the share page without its parent");
    assert!(!answer.text().contains(&format!("href=\"/m/{parent_id}\"")));
}
