//! The site in Urdu and in English: both message files say everything the pages ask for,
//! the language follows `?lang=` (kept in a cookie), then Accept-Language, then the
//! service's default, and every page (errors and staff pages included) speaks it, while the
//! JSON API stays English.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::service::{Options, Service, SignIn, header_of, page_text, text, with_id};
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

/// Every error code a page may have to explain.
fn error_codes() -> BTreeSet<String> {
    jalsa::error::Code::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect()
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

/// Whether `text` has a letter of the Arabic script, which Urdu is written in.
fn in_urdu_script(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
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
        urdu_texts.iter().all(|h| in_urdu_script(h)),
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
        en_text.starts_with("\u{2068}Hope is priceless\u{2069}") && en_text.contains("jalsa"),
        "{en_text}"
    );
    assert!(ur_text.contains("Hope is priceless"), "{ur_text}");
    assert!(in_urdu_script(&ur_text), "{ur_text}");
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
    assert!(in_urdu_script(&alert(&ur)));

    // A caption too long for its box: the form again, the reason in Urdu naming the caption.
    let long = "ب".repeat(250);
    let r = s
        .post_form_with(
            "/remix?lang=ur",
            None,
            &[("template", "hubble"), ("text", "ok"), ("text", &long)],
        )
        .await;
    let html = page_text(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(is_urdu(&html));
    let reason = alert(&html);
    assert!(
        reason.contains('2') && reason.contains("250") && reason.contains("200"),
        "{reason}"
    );
    assert!(in_urdu_script(&reason), "{reason}");
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
    assert!(in_urdu_script(&ur_said), "{ur_said}");
    // So does an address whose options cannot be read at all, rather than the parser's
    // English.
    for (lang, readable) in [("en", "This address carries options"), ("ur", "اس لنک")] {
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
    let body = page_text(r, StatusCode::NOT_FOUND).await;
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
    assert!(in_urdu_script(&ur_date), "{ur_date}");
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
    let html = page_text(r, StatusCode::METHOD_NOT_ALLOWED).await;
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
    let hubble = with_id(&templates, "hubble").unwrap();
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

/// The Urdu glossary (`src/web/locales/glossary.tsv`) holds: every fixed term is what
/// ur.ftl says, and no word it replaces ("سرکاری" for the campaign's photos, "رسائی" for
/// reach, the Latin brand) is left in any Urdu message.
#[test]
fn the_urdu_interface_keeps_to_its_glossary() {
    let locales = common::repo().join("src/web/locales");
    let glossary = std::fs::read_to_string(locales.join("glossary.tsv")).unwrap();
    let urdu = std::fs::read_to_string(locales.join("ur.ftl")).unwrap();
    // Message values only: comments may name what is avoided.
    let values: Vec<&str> = urdu
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = ").map(|(_, v)| v).or(Some(l)))
        .collect();
    let mut terms = 0;
    for row in glossary.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let columns: Vec<&str> = row.split('\t').collect();
        assert!(
            columns.len() >= 3,
            "a glossary row needs english, urdu, avoid: {row:?}"
        );
        let (english, term, avoid) = (columns[0], columns[1], columns[2]);
        assert!(
            values.iter().any(|v| v.contains(term)),
            "{english}: ur.ftl never says {term:?}"
        );
        for word in avoid.split(',').filter(|w| !w.is_empty()) {
            let found: Vec<&&str> = values.iter().filter(|v| v.contains(word)).collect();
            assert!(
                found.is_empty(),
                "{english}: ur.ftl still says {word:?} (use {term:?}): {found:?}"
            );
        }
        terms += 1;
    }
    assert!(terms >= 30, "only {terms} glossary terms");
}

/// The cities a supporter picks from, in the order of the page's alphabet: an Urdu reader
/// finds کراچی among the ک names after قصور, not 29th of 32 as code points put it
/// (U+06A9 sorts after every Arabic letter).
#[tokio::test]
async fn cities_are_listed_in_the_readers_alphabetical_order() {
    let s = service(Lang::Ur).await;
    let cities = |html: &str| -> Vec<String> {
        let select = &html[html.find("name=\"area\"").expect("the area list")..];
        let select = &select[..select.find("</select>").unwrap()];
        select
            .split("<option value=\"")
            .skip(2) // what precedes the first, and "none"
            .map(|o| o[o.find('>').unwrap() + 1..o.find("</option>").unwrap()].to_owned())
            .filter(|name| !name.contains('·'))
            .collect()
    };
    let (_, ur) = page(&s, "/t/hubble?lang=ur", &[]).await;
    let ur = cities(&ur);
    let at = |name: &str| {
        ur.iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("{name} missing from {ur:?}"))
    };
    // Urdu's alphabet: ا ب پ ت ٹ ث ج چ ح خ د ڈ ذ ر ڑ ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن و ہ ی
    for (before, after) in [
        ("اسلام آباد", "بہاولپور"),
        ("پشاور", "جھنگ"),
        ("چنیوٹ", "حیدرآباد"),
        ("ڈیرہ غازی خان", "راولپنڈی"),
        ("قصور", "کراچی"),
        ("کوئٹہ", "گجرات"),
        ("گوجرانوالہ", "لاڑکانہ"),
        ("نواب شاہ", "واہ کینٹ"),
    ] {
        assert!(
            at(before) < at(after),
            "{before} should come before {after}: {ur:?}"
        );
    }
    let (_, en) = page(&s, "/t/hubble?lang=en", &[]).await;
    let en = cities(&en);
    let mut sorted = en.clone();
    sorted.sort();
    assert_eq!(en, sorted);
    assert_eq!(en.first().map(String::as_str), Some("Abbottabad"));
}

/// Urdu with English in one remix, the most common kind: each caption keeps its own order
/// wherever captions are joined or embedded. In HTML each is its own `<bdi>`; in plain
/// text (the tab title, og:title, alt text, the X and WhatsApp texts) each sits between
/// FSI and PDI, so "8 Feb - be there!" never reads "!Feb - be there 8" beside Urdu.
#[tokio::test]
async fn mixed_captions_keep_their_own_order_everywhere() {
    let s = service(Lang::Ur).await;
    let (urdu, english) = ("آٹھ فروری کو جلسے میں ضرور آئیں", "8 Feb - be there!");
    let id = s.remix_id("hubble", &[urdu, english]).await;
    // The staff queue, where it waits: each caption its own <bdi>.
    let bdi = format!("<bdi>{urdu}</bdi> / <bdi>{english}</bdi>");
    let staff = s.login().await;
    let queue = s.staff_page(&staff, "/staff").await;
    assert!(queue.contains(&bdi), "queue");
    let token = s.token().await;
    let featured = s.set_remix_status(&token, &id, "featured").await;
    assert!(featured.status().is_success());
    let isolated = format!("\u{2068}{urdu}\u{2069} / \u{2068}{english}\u{2069}");
    for lang in ["ur", "en"] {
        let (_, share) = page(&s, &format!("/m/{id}?lang={lang}"), &[]).await;
        assert!(
            share.contains(&format!("<h1>{bdi}</h1>")),
            "{lang}: heading"
        );
        for (what, tag) in [
            ("og:title", "<meta property=\"og:title\" content=\""),
            ("twitter:title", "<meta name=\"twitter:title\" content=\""),
            ("og:image:alt", "<meta property=\"og:image:alt\" content=\""),
            ("tab title", "<title>"),
        ] {
            let start = share
                .find(tag)
                .unwrap_or_else(|| panic!("{lang}: no {what}"));
            let value = &share[start + tag.len()..];
            let value = &value[..value.find(['"', '<']).unwrap()];
            assert!(value.contains(&isolated), "{lang}: {what}: {value:?}");
        }
        let picture = &share[share.find("<figure class=\"remixed\">").unwrap()..];
        let alt = &picture[picture.find("alt=\"").unwrap() + 5..];
        let alt = &alt[..alt.find('"').unwrap()];
        assert!(
            alt.contains(&isolated),
            "{lang}: the picture's alt: {alt:?}"
        );
        // The networks' own texts.
        for network in ["x", "whatsapp"] {
            let r = s.get(&format!("/s/{id}/{network}?lang={lang}")).await;
            let location = header_of(&r, header::LOCATION);
            let query = url::Url::parse(&location).unwrap();
            let text: String = query
                .query_pairs()
                .find(|(k, _)| k == "text")
                .map(|(_, v)| v.into_owned())
                .unwrap();
            assert!(text.contains(&isolated), "{lang}: {network}: {text:?}");
        }
        // The home page's strip and the gallery show it with its captions as alt text.
        for listing in ["/", "/gallery"] {
            let (_, html) = page(&s, &format!("{listing}?lang={lang}"), &[]).await;
            assert!(html.contains(&isolated), "{lang}: {listing}");
        }
    }
}
