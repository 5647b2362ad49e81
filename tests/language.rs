//! The site in Urdu and in English: both message files say everything the pages ask for,
//! the language follows `?lang=` (kept in a cookie), then Accept-Language, then the
//! service's default, and every page (errors and staff pages included) speaks it, while the
//! JSON API stays English.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::service::{Options, Service, SignIn, header_of, text};
use jalsa::web::i18n::{Lang, message_ids};

/// Message ids a page or handler asks for by name: `.t("id")`, `.t1("id"`, `.t2("id"`.
fn ids_used_in(source: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for call in [".t(\"", ".t1(\"", ".t2(\""] {
        for (at, _) in source.match_indices(call) {
            let rest = &source[at + call.len()..];
            let id: String = rest.chars().take_while(|&c| c != '"').collect();
            if !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
            {
                used.insert(id);
            }
        }
    }
    used
}

fn sources() -> Vec<(String, String)> {
    let mut files = vec![];
    let mut folders = vec![common::repo().join("src/web")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                files.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    files
}

/// The quoted values of `pub const NAME: &str = "value";` lines, and of `=> "value",` arms
/// of a `fn code`: the error codes a page may have to explain.
fn error_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let errors = std::fs::read_to_string(common::repo().join("src/error.rs")).unwrap();
    for line in errors.lines() {
        if let Some(rest) = line.trim().strip_prefix("pub const ")
            && let Some((_, value)) = rest.split_once("&str = \"")
        {
            codes.insert(value.trim_end_matches("\";").to_owned());
        }
    }
    let render = std::fs::read_to_string(common::repo().join("src/render/mod.rs")).unwrap();
    let body = &render[render.find("pub fn code(&self)").unwrap()..];
    let body = &body[..body.find("\n    }\n").unwrap()];
    for line in body.lines() {
        if let Some((_, value)) = line.split_once("=> \"") {
            codes.insert(value.trim_end_matches("\",").to_owned());
        }
    }
    codes
}

#[test]
fn both_languages_have_every_message_the_pages_ask_for() {
    let urdu: BTreeSet<String> = message_ids(Lang::Ur).into_iter().collect();
    let english: BTreeSet<String> = message_ids(Lang::En).into_iter().collect();
    assert_eq!(
        urdu.symmetric_difference(&english).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "ids in one language's file and not the other's"
    );
    let mut wanted = BTreeSet::new();
    for (file, source) in sources() {
        let used = ids_used_in(&source);
        for id in &used {
            assert!(
                english.contains(id),
                "{file} asks for {id:?}, which en.ftl lacks"
            );
        }
        wanted.extend(used);
    }
    assert!(
        wanted.len() > 100,
        "only {} ids found in the sources",
        wanted.len()
    );
    // Ids made at run time from a code or a name.
    let codes = error_codes();
    assert!(codes.contains("caption_too_long") && codes.contains("rate_limited"));
    let mut dynamic: Vec<String> = codes.iter().map(|c| format!("error-{c}")).collect();
    for status in ["new", "approved", "featured", "hidden", "removed"] {
        let parsed: jalsa::db::Status = status.parse().unwrap();
        dynamic.push(format!("status-{}", parsed.as_str()));
    }
    for status in ["draft", "published", "retired"] {
        let parsed: jalsa::db::TemplateStatus = status.parse().unwrap();
        dynamic.push(format!("status-{parsed}"));
    }
    for (name, _) in jalsa::render::color::PALETTE.iter().skip(1) {
        dynamic.push(format!("colour-{name}"));
    }
    for id in dynamic {
        assert!(english.contains(&id), "en.ftl lacks {id:?}");
        assert!(urdu.contains(&id), "ur.ftl lacks {id:?}");
    }
}

async fn service(language: Lang) -> Service {
    Service::start(Options {
        language,
        ..Options::default()
    })
    .await
}

async fn page(
    s: &Service,
    uri: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, String) {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let r = s.send(request.body(Body::empty()).unwrap()).await;
    (r.status(), text(r).await)
}

fn is_urdu(html: &str) -> bool {
    html.contains("<html lang=\"ur\" dir=\"rtl\">")
}

fn is_english(html: &str) -> bool {
    html.contains("<html lang=\"en\" dir=\"ltr\">")
}

/// No message id shows raw, which is what a missing message looks like.
fn says_everything(html: &str, uri: &str) {
    for lang in Lang::ALL {
        for id in message_ids(lang) {
            assert!(
                !html.contains(&format!(">{id}<")) && !html.contains(&format!("\"{id}\"")),
                "{uri} shows the message id {id:?} raw"
            );
        }
    }
}

#[tokio::test]
async fn the_language_comes_from_the_link_then_the_cookie_then_the_browser_then_the_default() {
    let s = service(Lang::Ur).await;
    // Nothing asked: the service's default.
    let (_, html) = page(&s, "/", &[]).await;
    assert!(is_urdu(&html), "{html}");
    // The browser's languages, by quality.
    let (_, html) = page(&s, "/", &[(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")]).await;
    assert!(is_english(&html));
    let (_, html) = page(
        &s,
        "/",
        &[(header::ACCEPT_LANGUAGE, "fr;q=1, en;q=0.3, ur;q=0.8")],
    )
    .await;
    assert!(is_urdu(&html));
    // The link: this page in the other language, kept in a cookie.
    let r = s.get("/t/hubble?parent=&lang=en").await;
    let cookie = header_of(&r, header::SET_COOKIE);
    assert!(
        cookie.starts_with("lang=en;") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(header_of(&r, header::VARY).contains("Accept-Language"));
    assert_eq!(header_of(&r, header::CONTENT_LANGUAGE), "en");
    let html = text(r).await;
    assert!(is_english(&html));
    assert!(
        html.contains("href=\"/t/hubble?parent=&#38;lang=ur\""),
        "the switch link keeps the page"
    );
    // The cookie outranks the browser.
    let (_, html) = page(
        &s,
        "/gallery",
        &[
            (header::COOKIE, "other=1; lang=en"),
            (header::ACCEPT_LANGUAGE, "ur"),
        ],
    )
    .await;
    assert!(is_english(&html));
    // A language we do not speak is ignored, not an error.
    let (status, html) = page(&s, "/?lang=fr", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(is_urdu(&html));

    // An English default for a service that wants one.
    let s = service(Lang::En).await;
    let (_, html) = page(&s, "/", &[]).await;
    assert!(is_english(&html));
    let (_, html) = page(&s, "/", &[(header::ACCEPT_LANGUAGE, "ur-PK")]).await;
    assert!(is_urdu(&html));
}

#[tokio::test]
async fn every_supporter_page_speaks_both_languages() {
    let s = service(Lang::Ur).await;
    let created = s
        .supporter_remix("hubble", &["Hope is priceless", "ووٹ دو"])
        .await;
    let share = header_of(&created, header::LOCATION);
    let mut urdu_texts = vec![];
    for uri in [
        "/",
        "/t/hubble",
        "/f/jalsa-badge",
        share.as_str(),
        "/gallery",
        "/staff/login",
        "/no/such/page",
    ] {
        let (_, ur) = page(&s, &format!("{uri}?lang=ur"), &[]).await;
        let (_, en) = page(&s, &format!("{uri}?lang=en"), &[]).await;
        assert!(is_urdu(&ur), "{uri} in Urdu");
        assert!(is_english(&en), "{uri} in English");
        says_everything(&ur, uri);
        says_everything(&en, uri);
        let h1 = |html: &str| {
            let at = html.find("<h1").unwrap();
            html[at..at + html[at..].find("</h1>").unwrap()].to_owned()
        };
        // The page's own words differ; a remix's captions are the supporter's and stay.
        if uri != share {
            assert_ne!(
                h1(&ur),
                h1(&en),
                "{uri}: the same heading in both languages"
            );
            urdu_texts.push(h1(&ur));
        }
    }
    assert!(
        urdu_texts
            .iter()
            .all(|h| h.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))),
        "headings not in Urdu script: {urdu_texts:?}"
    );
}

#[tokio::test]
async fn the_share_page_and_its_buttons_follow_the_language() {
    let s = service(Lang::Ur).await;
    let created = s.supporter_remix("hubble", &["Hope is priceless"]).await;
    let share = header_of(&created, header::LOCATION);
    let (_, ur) = page(&s, &format!("{share}?lang=ur"), &[]).await;
    let (_, en) = page(&s, &format!("{share}?lang=en"), &[]).await;
    assert!(ur.contains("<meta property=\"og:locale\" content=\"ur_PK\">"));
    assert!(ur.contains("<meta property=\"og:locale:alternate\" content=\"en_US\">"));
    assert!(en.contains("<meta property=\"og:locale\" content=\"en_US\">"));
    assert!(en.contains("<meta property=\"og:locale:alternate\" content=\"ur_PK\">"));
    // One address for both: the canonical link and the copied link carry no language.
    let canonical = format!("<link rel=\"canonical\" href=\"https://jalsa.example.org{share}\">");
    assert!(ur.contains(&canonical) && en.contains(&canonical));
    let href = |html: &str, class: &str| {
        let at = html
            .find(&format!("class=\"button {class}\" href=\""))
            .unwrap()
            + 22
            + class.len();
        html[at..at + html[at..].find('"').unwrap()].replace("&#38;", "&")
    };
    // Each button goes through our counting redirect, which answers in the visitor's
    // language with the network's own share page.
    let mut resolved = std::collections::HashMap::new();
    for (lang, html) in [("ur", &ur), ("en", &en)] {
        for class in ["facebook", "x", "whatsapp"] {
            let link = href(html, class);
            assert_eq!(link, format!("{}/{class}", share.replace("/m/", "/s/")));
            let r = s
                .send(
                    Request::get(&link)
                        .header(header::COOKIE, format!("lang={lang}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            resolved.insert((lang, class), header_of(&r, header::LOCATION));
        }
    }
    let button = |lang: &str, class: &str| resolved[&(lang, class)].clone();
    let hashtags = common::template("hubble").spec.hashtags.clone();
    assert!(!hashtags.is_empty(), "hubble has hashtags to share");
    for lang in ["ur", "en"] {
        let x = button(lang, "x");
        assert!(
            x.contains(&format!("hashtags={}", hashtags.join("%2C"))),
            "{x}"
        );
        let whatsapp = button(lang, "whatsapp");
        assert!(
            whatsapp.contains(&format!("%23{}", hashtags[0])),
            "{whatsapp}"
        );
        let facebook = button(lang, "facebook");
        assert!(
            facebook.contains(&format!("hashtag=%23{}", hashtags[0])),
            "{facebook}"
        );
    }
    // The text the buttons carry is in the page's language.
    let said = |lang: &str| {
        let x = button(lang, "x");
        let text = x
            .split("text=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        url::form_urlencoded::parse(format!("t={text}").as_bytes())
            .next()
            .unwrap()
            .1
            .into_owned()
    };
    let (ur_text, en_text) = (said("ur"), said("en"));
    assert!(
        en_text.starts_with("Hope is priceless") && en_text.contains("jalsa"),
        "{en_text}"
    );
    assert!(ur_text.contains("Hope is priceless"), "{ur_text}");
    assert!(
        ur_text
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{ur_text}"
    );
    assert!(button("ur", "whatsapp").contains(&url_encoded(&ur_text)));
}

fn url_encoded(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn page_errors_are_translated_and_api_errors_stay_english() {
    let s = service(Lang::Ur).await;
    let (status, ur) = page(&s, "/m/0123456789abcdef?lang=ur", &[]).await;
    let (_, en) = page(&s, "/m/0123456789abcdef?lang=en", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(is_urdu(&ur) && is_english(&en));
    assert!(
        en.contains("There is nothing at this address") || en.contains("Not found"),
        "{en}"
    );
    let alert = |html: &str| {
        let at = html.find("role=\"alert\"").expect("an alert");
        let at = at + html[at..].find('>').unwrap() + 1;
        html[at..at + html[at..].find('<').unwrap()].to_owned()
    };
    assert_ne!(alert(&ur), alert(&en));
    assert!(
        alert(&ur)
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
    );

    // A caption too long for its box: the form again, the reason in Urdu naming the caption.
    let long = "ب".repeat(250);
    let r = s
        .post_form_with(
            "/remix?lang=ur",
            None,
            &[("template", "hubble"), ("text", "ok"), ("text", &long)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(is_urdu(&html));
    let reason = alert(&html);
    assert!(
        reason.contains('2') && reason.contains("250") && reason.contains("200"),
        "{reason}"
    );
    assert!(
        reason
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{reason}"
    );
    assert!(html.contains(&long), "the supporter's words are kept");

    // The form's live preview says why it cannot draw, in the page's language.
    let preview = format!("/preview/hubble.jpg?text=ok&text={}", "x".repeat(201));
    let said = |lang: &'static str| {
        let uri = format!("{preview}&lang={lang}");
        let s = &s;
        async move {
            let r = s.get(&uri).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let body: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
            assert_eq!(body["error"]["code"], "caption_too_long");
            body["error"]["message"].as_str().unwrap().to_owned()
        }
    };
    let (ur_said, en_said) = (said("ur").await, said("en").await);
    assert!(en_said.starts_with("Caption 2 is too long"), "{en_said}");
    assert!(
        ur_said
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{ur_said}"
    );
    // So does an address whose options cannot be read at all, rather than the parser's
    // English.
    for (lang, readable) in [("en", "This address carries options"), ("ur", "اس پتے")] {
        let r = s
            .get(&format!("/preview/hubble.jpg?width=wide&lang={lang}"))
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(body["error"]["code"], "bad_query");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(readable), "{lang}: {message}");
    }

    // The JSON API is for developers: English whatever the browser asks for.
    let r = s
        .send(
            Request::get("/api/remixes/0123456789abcdef?lang=ur")
                .header(header::ACCEPT_LANGUAGE, "ur")
                .header(header::COOKIE, "lang=ur")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = text(r).await;
    assert!(body.is_ascii(), "{body}");
}

#[tokio::test]
async fn staff_pages_speak_both_languages() {
    let s = service(Lang::Ur).await;
    let staff = s.login().await;
    for uri in [
        "/staff",
        "/staff/templates",
        "/staff/templates/hubble",
        "/staff/blocklist",
        "/staff/tokens",
        "/staff/audit",
    ] {
        for lang in Lang::ALL {
            let cookie = format!("{}; lang={lang}", staff.cookie);
            let r = s.get_with(uri, Some(&cookie)).await;
            assert_eq!(r.status(), StatusCode::OK, "{uri}");
            let html = text(r).await;
            assert!(
                html.contains(&format!("<html lang=\"{lang}\" dir=\"{}\">", lang.dir())),
                "{uri} in {lang}"
            );
            says_everything(&html, uri);
        }
    }
    // The audit log's dates are written the language's way.
    let audit = |lang: Lang| {
        let cookie = format!("{}; lang={lang}", staff.cookie);
        let s = &s;
        async move { text(s.get_with("/staff/audit", Some(&cookie)).await).await }
    };
    let (ur, en) = (audit(Lang::Ur).await, audit(Lang::En).await);
    let first_cell = |html: &str| {
        let at = html.find("<tr><td>").unwrap() + 8;
        html[at..at + html[at..].find('<').unwrap()].to_owned()
    };
    let (ur_date, en_date) = (first_cell(&ur), first_cell(&en));
    assert_ne!(ur_date, en_date);
    assert!(
        ur_date
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{ur_date}"
    );
}

#[tokio::test]
async fn pictures_and_the_api_skip_the_language_choice() {
    let s = service(Lang::Ur).await;
    let created = s.supporter_remix("hubble", &["Hope is priceless"]).await;
    let id = header_of(&created, header::LOCATION)
        .trim_start_matches("/m/")
        .to_owned();
    for uri in [
        format!("/i/{id}.jpg?lang=en"),
        "/favicon.ico?lang=en".to_owned(),
        "/api/templates?lang=en".to_owned(),
    ] {
        let r = s.get(&uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert!(r.headers().get(header::SET_COOKIE).is_none(), "{uri}");
        assert!(r.headers().get(header::CONTENT_LANGUAGE).is_none(), "{uri}");
    }
    // A readable error page on such a path still has its words (the default language).
    let r = s
        .send(
            Request::delete(format!("/i/{id}.jpg"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let html = text(r).await;
    assert!(is_urdu(&html) && html.contains("role=\"alert\""), "{html}");
}

/// An official photo's title and alt text are campaign words: Urdu pages show the Urdu ones
/// staff gave (bundled photos have them in `template.toml`), English pages the English,
/// and a photo with no Urdu title shows the one it has. The API gives both.
#[tokio::test]
async fn official_photos_are_titled_in_the_pages_language() {
    let s = service(Lang::Ur).await;
    let (urdu_title, urdu_alt) = ("ووٹروں سے بھرا آسمان", "ہبل ڈیپ فیلڈ");
    let english_title = "A sky full of voters";

    let (_, home) = page(&s, "/", &[]).await;
    assert!(is_urdu(&home));
    assert!(
        home.contains(urdu_title) && home.contains(urdu_alt),
        "{home}"
    );
    assert!(
        !home.contains(english_title),
        "an English title on the Urdu home page"
    );
    let (_, home) = page(&s, "/?lang=en", &[]).await;
    assert!(home.contains(english_title) && !home.contains(urdu_title));

    let (_, form) = page(&s, "/t/hubble", &[]).await;
    let heading = form.split("<h1>").nth(1).unwrap().split("</h1>").next();
    assert!(heading.unwrap().contains(urdu_title), "{form}");
    let (_, frame) = page(&s, "/f/jalsa-badge", &[]).await;
    assert!(frame.contains("میں بھی جلسہ بیج"), "{frame}");

    let api = s.get("/api/templates").await;
    let templates: serde_json::Value = serde_json::from_str(&text(api).await).unwrap();
    let hubble = templates
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "hubble")
        .unwrap();
    assert_eq!(hubble["title"], english_title);
    assert_eq!(hubble["title_ur"], urdu_title);

    // Uploaded by staff, with and without an Urdu title.
    let token = s.token().await;
    let photo = jalsa::render::encode::jpeg(&image::RgbImage::new(800, 600), 90);
    let mut ids = vec![];
    for fields in [
        vec![
            ("title", "Lahore rally"),
            ("alt", "A crowd in Lahore"),
            ("title_ur", "لاہور کا جلسہ"),
            ("alt_ur", "لاہور میں ایک ہجوم"),
            ("publish", "true"),
        ],
        vec![
            ("title", "Karachi rally"),
            ("alt", "A crowd in Karachi"),
            ("publish", "true"),
        ],
    ] {
        let (content_type, body) =
            common::service::multipart(&fields, &[("photo", "rally.jpg", &photo)]);
        let r = s
            .send(
                Request::post("/api/staff/templates")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let made: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
        ids.push(made["id"].as_str().unwrap().to_owned());
    }
    let (_, lahore) = page(&s, &format!("/t/{}", ids[0]), &[]).await;
    assert!(lahore.contains("لاہور کا جلسہ") && lahore.contains("لاہور میں ایک ہجوم"));
    let (_, lahore) = page(&s, &format!("/t/{}?lang=en", ids[0]), &[]).await;
    assert!(lahore.contains("Lahore rally") && !lahore.contains("لاہور کا جلسہ"));
    let (_, karachi) = page(&s, &format!("/t/{}", ids[1]), &[]).await;
    assert!(
        is_urdu(&karachi) && karachi.contains("Karachi rally"),
        "{karachi}"
    );
}
