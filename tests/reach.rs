//! Reach: what happens to a remix is counted (people apart from robots, previews apart
//! from people), once per visitor per remix per figure per day, written in batches, and
//! read back through `GET /api/staff/reach`.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::service::{Answer, Options, Service, json_of};
use serde_json::{Value, json};

const PHONE: &str = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36";

/// A service that believes `X-Forwarded-For` from loopback, so a test can be many clients.
async fn service() -> Service {
    Service::start(Options {
        behind_proxy: true,
        ..Options::default()
    })
    .await
}

/// A request from `client` (an address, through the trusted proxy).
fn from(client: &str, method: &str, uri: &str, agent: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::USER_AGENT, agent)
        .header("x-forwarded-for", client)
}

async fn fetch(s: &Service, method: &str, uri: &str, agent: &str, referer: Option<&str>) -> Answer {
    fetch_from(s, "198.51.100.1", method, uri, agent, referer).await
}

async fn fetch_from(
    s: &Service,
    client: &str,
    method: &str,
    uri: &str,
    agent: &str,
    referer: Option<&str>,
) -> Answer {
    let mut r = from(client, method, uri, agent);
    if let Some(referer) = referer {
        r = r.header(header::REFERER, referer);
    }
    Answer::of(s.send(r.body(Body::empty()).unwrap()).await).await
}

/// The share page's copy-link beacon, as a browser sends it from the page.
async fn copy_from(s: &Service, client: &str, agent: &str, id: &str) -> Answer {
    let r = from(client, "POST", &format!("/s/{id}/copy"), agent)
        .header("sec-fetch-site", "same-origin")
        .header(header::ORIGIN, "https://jalsa.example.org");
    Answer::of(s.send(r.body(Body::empty()).unwrap()).await).await
}

/// One remix's figures.
async fn figures_of(s: &Service, token: &str, id: &str) -> Value {
    json_of(
        s.staff_get(&format!("/api/staff/reach?remix={id}"), token)
            .await,
    )
    .await
}

#[tokio::test]
async fn views_previews_shares_copies_downloads_and_children_are_counted_apart() {
    let s = service().await;
    let token = s.token().await;
    let id = s.remix_id("hubble", &["count me", "once"]).await;
    let page = format!("/m/{id}");
    let (one, two, three) = ("198.51.100.1", "198.51.100.2", "2001:db8:3::1");

    // People on the share page: three visitors, two by links from Facebook and X. The
    // first comes back (by another link): still one visitor today.
    fetch_from(&s, one, "GET", &page, PHONE, None)
        .await
        .expect(StatusCode::OK, "a visit");
    fetch_from(
        &s,
        two,
        "GET",
        &page,
        PHONE,
        Some("https://l.facebook.com/l.php?u=x"),
    )
    .await;
    fetch_from(&s, three, "GET", &page, PHONE, Some("https://t.co/abc123")).await;
    fetch_from(&s, one, "GET", &page, PHONE, Some("https://t.co/again")).await;
    // Crawlers and robots reading the page are not visits.
    fetch(&s, "GET", &page, "facebookexternalhit/1.1", None).await;
    fetch(&s, "GET", &page, "curl/8.5.0", None).await;
    // The card: two previews (Facebook's and WhatsApp's crawlers, each from its own
    // address; Facebook's twice); a person's fetch is none.
    for (crawler, at) in [
        ("facebookexternalhit/1.1", "203.0.113.1"),
        ("facebookexternalhit/1.1", "203.0.113.1"),
        ("WhatsApp/2.23.20.0 A", "203.0.113.2"),
    ] {
        fetch_from(&s, at, "GET", &format!("/i/{id}/card.jpg"), crawler, None)
            .await
            .expect(StatusCode::OK, crawler);
    }
    fetch(&s, "GET", &format!("/i/{id}/card.jpg"), PHONE, None).await;
    // Pictures seen: by two visitors (the first also a narrower copy); downloads: the
    // picture by one, a shape by another.
    fetch_from(&s, one, "GET", &format!("/i/{id}.jpg"), PHONE, None)
        .await
        .expect(StatusCode::OK, "seen");
    // The rest of a download the phone's connection dropped is the same view.
    let resumed =
        from(two, "GET", &format!("/i/{id}.jpg"), PHONE).header(header::RANGE, "bytes=2000-");
    let resumed = s.send(resumed.body(Body::empty()).unwrap()).await;
    assert_eq!(resumed.status(), StatusCode::PARTIAL_CONTENT);
    fetch_from(&s, one, "GET", &format!("/i/{id}/medium.jpg"), PHONE, None).await;
    fetch_from(
        &s,
        three,
        "GET",
        &format!("/i/{id}/medium.jpg"),
        PHONE,
        None,
    )
    .await;
    fetch_from(&s, one, "GET", &format!("/i/{id}.jpg?dl=1"), PHONE, None).await;
    fetch_from(&s, two, "GET", &format!("/i/{id}/story.jpg"), PHONE, None).await;
    fetch(&s, "GET", &format!("/i/{id}.jpg"), "Googlebot/2.1", None).await;
    // Share buttons go through our own domain to the network's share page.
    let facebook = fetch(&s, "GET", &format!("/s/{id}/facebook"), PHONE, None).await;
    facebook.expect(StatusCode::SEE_OTHER, "facebook");
    let to = facebook.header(header::LOCATION);
    assert!(
        to.starts_with(
            "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fjalsa.example.org%2Fm%2F"
        ) && to.contains("hashtag=%23Jalsa"),
        "{to}"
    );
    let x = fetch(&s, "GET", &format!("/s/{id}/x"), PHONE, None).await;
    assert!(
        x.header(header::LOCATION)
            .starts_with("https://twitter.com/intent/tweet?text=")
    );
    // WhatsApp by two visitors, one of them twice.
    for client in [one, two, two] {
        let w = fetch_from(&s, client, "GET", &format!("/s/{id}/whatsapp"), PHONE, None).await;
        assert!(
            w.header(header::LOCATION)
                .starts_with("https://wa.me/?text=")
        );
    }
    fetch(&s, "GET", &format!("/s/{id}/myspace"), PHONE, None)
        .await
        .expect(StatusCode::NOT_FOUND, "no such network");
    copy_from(&s, one, PHONE, &id)
        .await
        .expect(StatusCode::NO_CONTENT, "a copied link");
    // Remixed twice: two children.
    for caption in ["child one", "child two"] {
        let r = s
            .post_json(
                "/api/remixes",
                json!({"template": "hubble", "captions": [caption], "parent": id}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }

    let mine = figures_of(&s, &token, &id).await;
    let expected = [
        ("page_views", 3),
        ("picture_views", 2),
        ("previews", 2),
        ("shares", 4),
        ("copies", 1),
        ("downloads", 2),
        ("children", 2),
    ];
    for (name, n) in expected {
        assert_eq!(mine[name], n, "{name}: {mine}");
    }
    assert_eq!(
        mine["shares_by_network"],
        json!({"facebook": 1, "x": 1, "whatsapp": 2})
    );
    let network = |name: &str| {
        mine["by_network"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["network"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        network("facebook"),
        json!({"network": "facebook", "shares": 1, "visits": 1})
    );
    assert_eq!(
        network("x"),
        json!({"network": "x", "shares": 1, "visits": 1})
    );

    // The campaign's figures: three remixes, by template and by hour.
    let all = json_of(s.staff_get("/api/staff/reach", &token).await).await;
    assert_eq!(all["remixes"], 3, "{all}");
    assert_eq!(all["page_views"], 3);
    let hubble = all["by_template"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "hubble")
        .expect("hubble in the breakdown");
    assert_eq!(
        (hubble["remixes"].as_i64(), hubble["previews"].as_i64()),
        (Some(3), Some(2))
    );
    let hours = all["by_hour"].as_array().unwrap();
    assert!(
        !hours.is_empty()
            && hours
                .iter()
                .map(|h| h["remixes"].as_i64().unwrap())
                .sum::<i64>()
                == 3
    );
    // The same numbers are in the database: counts are written, not only held.
    let stored: i64 = s
        .state
        .db()
        .reach_totals(&id, 0, i64::MAX)
        .await
        .unwrap()
        .iter()
        .filter(|(m, _)| m == "page_view")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(stored, 3);
}

#[tokio::test]
async fn the_figures_refuse_a_period_they_cannot_read() {
    let s = Service::start(Options::default()).await;
    let token = s.token().await;
    for (query, status) in [
        ("from=yesterday", StatusCode::BAD_REQUEST),
        (
            "from=2026-11-29T10:00:00Z&to=2026-11-28T10:00:00Z",
            StatusCode::BAD_REQUEST,
        ),
        ("remix=0123456789abcdef", StatusCode::NOT_FOUND),
    ] {
        let a = Answer::of(
            s.staff_get(&format!("/api/staff/reach?{query}"), &token)
                .await,
        )
        .await;
        a.error_code(status, query);
    }
    let a = Answer::of(s.get("/api/staff/reach").await).await;
    a.error_code(StatusCode::UNAUTHORIZED, "anonymous");
    // An old period: nothing happened then.
    let old = json_of(
        s.staff_get(
            "/api/staff/reach?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z",
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(old["remixes"], 0);
    assert_eq!(old["from"], "2020-01-01T00:00:00Z");
}

#[tokio::test]
async fn the_dashboard_draws_its_charts_and_tables_and_gives_each_table_as_csv() {
    use common::service::SignIn;
    let s = service().await;
    let staff = s.login().await;
    let id = s.remix_id("hubble", &["on the dashboard"]).await;
    for client in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        fetch_from(
            &s,
            client,
            "GET",
            &format!("/m/{id}"),
            PHONE,
            Some("https://l.facebook.com/"),
        )
        .await;
    }
    fetch(
        &s,
        "GET",
        &format!("/i/{id}/card.jpg"),
        "Twitterbot/1.0",
        None,
    )
    .await;
    s.state.remixer().flush_counters().await.unwrap();

    let r = s.get("/staff/reach").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "anonymous: to the sign-in page"
    );
    let en = s.staff_page(&staff, "/staff/reach?lang=en").await;
    assert_eq!(en.matches("<svg role=\"img\"").count(), 2, "two charts");
    assert!(en.contains("aria-label=\"The last 48 hours, per hour\""));
    assert!(en.contains("<dt>Visits</dt><dd>3</dd>"), "{en}");
    // It says what its figures count.
    assert!(
        en.contains("count unique visitors per remix per day"),
        "{en}"
    );
    assert!(en.contains("<dt>Previews</dt><dd>1</dd>"));
    assert!(
        en.contains(&format!("href=\"/m/{id}\"")),
        "the most seen remix"
    );
    assert!(
        en.contains("A sky full of voters"),
        "the template by its title"
    );
    let ur = s.staff_page(&staff, "/staff/reach?lang=ur&days=30").await;
    assert!(
        ur.contains("<dt>وزٹ</dt><dd>3</dd>")
            && ur.contains("پچھلے \u{2068}30\u{2069} دن")
            && ur.contains("روزانہ الگ الگ وزیٹر"),
        "{ur}"
    );

    let csv = Answer::of(
        s.get_with("/staff/reach/templates.csv?days=7", Some(&staff.cookie))
            .await,
    )
    .await;
    csv.expect(StatusCode::OK, "a table as CSV");
    assert!(csv.header(header::CONTENT_TYPE).starts_with("text/csv"));
    assert_eq!(
        &csv.body[..3],
        [0xEF, 0xBB, 0xBF],
        "a byte-order mark for Excel"
    );
    let body = csv.text();
    assert!(
        body.starts_with("\u{FEFF}\"\",\"Remixes\",\"Visits\","),
        "{body}"
    );
    assert!(
        body.contains("\"A sky full of voters\",\"1\",\"3\","),
        "{body}"
    );
    let networks = Answer::of(
        s.get_with("/staff/reach/networks.csv", Some(&staff.cookie))
            .await,
    )
    .await;
    assert!(
        networks.text().contains("\"facebook\",\"0\",\"3\""),
        "{}",
        networks.text()
    );
    let none = s
        .get_with("/staff/reach/passwords.csv", Some(&staff.cookie))
        .await;
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_remix_lineage_shows_how_deep_the_wave_went() {
    use common::service::SignIn;
    let s = Service::start(Options::default()).await;
    let token = s.token().await;
    let make = |caption: &'static str, parent: Option<String>| {
        let s = &s;
        async move {
            let mut body = json!({"template": "hubble", "captions": [caption]});
            if let Some(p) = parent {
                body["parent"] = json!(p);
            }
            json_of(s.post_json("/api/remixes", body).await).await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let root = make("the first", None).await;
    let a = make("child a", Some(root.clone())).await;
    make("child b", Some(root.clone())).await;
    let grandchild = make("grandchild", Some(a.clone())).await;
    make("great-grandchild", Some(grandchild.clone())).await;

    let figures = json_of(
        s.staff_get(&format!("/api/staff/reach?remix={root}"), &token)
            .await,
    )
    .await;
    let lineage = &figures["lineage"];
    assert_eq!(lineage["children"], 2, "{lineage}");
    assert_eq!(lineage["descendants"], 4);
    assert_eq!(lineage["generations"], 3);
    assert_eq!(
        lineage["tree"][0],
        json!({"id": root, "parent": "", "depth": 0})
    );
    assert_eq!(figures["children"], 2, "counted as they were made");
    let of_a = json_of(
        s.staff_get(&format!("/api/staff/reach?remix={a}"), &token)
            .await,
    )
    .await;
    assert_eq!(
        (
            of_a["lineage"]["descendants"].as_i64(),
            of_a["lineage"]["generations"].as_i64()
        ),
        (Some(2), Some(2))
    );

    let staff = s.login().await;
    let page = s
        .staff_page(&staff, &format!("/staff/reach?lang=en&remix={root}"))
        .await;
    assert!(
        page.contains("<dt>Generations deep</dt><dd>3</dd>"),
        "{page}"
    );
    assert!(page.contains(&format!(">{grandchild}</a>")));
    let missing = s
        .staff_page(&staff, "/staff/reach?lang=en&remix=0123456789abcdef")
        .await;
    assert!(missing.contains("There is no remix"));
}

/// The campaign's figures come from rollups: over any period, whole days or odd hours,
/// they must be what the hourly rows and the remixes themselves add up to.
#[tokio::test]
async fn the_campaign_figures_agree_with_the_hourly_counts_over_any_period() {
    let s = Service::start(Options::default()).await;
    let token = s.token().await;
    let db = s.state.db();
    let templates: Vec<String> = s
        .state
        .remixer()
        .templates()
        .iter()
        .map(|t| t.id.to_string())
        .collect();
    let areas: Vec<String> = db
        .list_areas(false)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let plan = jalsa::jobs::fill::Plan {
        remixes: 3_000,
        days: 20,
        seed: 5,
    };
    let filled = jalsa::jobs::fill::fill(db, &plan, &templates, &areas, &[])
        .await
        .unwrap();
    assert_eq!(filled.remixes, 3_000);
    // A second fill would mix made-up remixes with these: refused.
    assert!(
        jalsa::jobs::fill::fill(db, &plan, &templates, &areas, &[])
            .await
            .is_err()
    );

    // The expected figures, straight from the hourly rows and the remixes.
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", s.dir.path().join("jalsa.db").display());
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let hour = 3_600_000_i64;
    let now = jalsa::db::now_ms().div_euclid(hour) * hour;
    let rfc = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp(ms / 1000)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    for (from, to) in [
        // Odd hours at both ends, whole days between.
        (
            now - 17 * 24 * hour + 5 * hour,
            now - 2 * 24 * hour - 7 * hour,
        ),
        // Within one day.
        (now - 3 * 24 * hour + hour, now - 3 * 24 * hour + 9 * hour),
        // Everything.
        (now - 30 * 24 * hour, now + hour),
    ] {
        use sqlx::Row;
        let figures = json_of(
            s.staff_get(
                &format!("/api/staff/reach?from={}&to={}", rfc(from), rfc(to)),
                &token,
            )
            .await,
        )
        .await;
        let sum = |metric: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query(
                    "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) AS n FROM reach_hourly \
                     WHERE hour >= $1 AND hour < $2 AND metric LIKE $3",
                )
                .bind(from)
                .bind(to)
                .bind(metric)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get::<i64, _>("n")
            }
        };
        let made: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM remixes WHERE created_at >= $1 AND created_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("n");
        let period = format!("{} to {}", rfc(from), rfc(to));
        assert!(made > 0, "{period}: remixes were made");
        assert_eq!(figures["remixes"], made, "{period}: remixes");
        for (field, metric) in [
            ("page_views", "page_view"),
            ("picture_views", "picture_view"),
            ("previews", "preview"),
            ("shares", "share:%"),
            ("children", "child"),
        ] {
            assert_eq!(figures[field], sum(metric).await, "{period}: {field}");
        }
        // Per template: the visits of its remixes.
        let by_template: Vec<(String, i64)> = sqlx::query(
            "SELECT r.template_id AS t, CAST(SUM(h.count) AS BIGINT) AS n FROM reach_hourly h \
             JOIN remixes r ON r.id = h.remix_id WHERE h.hour >= $1 AND h.hour < $2 \
             AND h.metric = 'page_view' GROUP BY r.template_id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("t"), r.get("n")))
        .collect();
        for (template, visits) in by_template {
            let shown = figures["by_template"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["key"] == template.as_str())
                .unwrap_or_else(|| panic!("{period}: {template} in the breakdown"));
            assert_eq!(shown["page_views"], visits, "{period}: {template}");
        }
        // Hour by hour, the visits add up to the period's.
        let hourly: i64 = figures["by_hour"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["page_views"].as_i64().unwrap())
            .sum();
        assert_eq!(figures["page_views"], hourly, "{period}: by hour");
    }

    // The most seen of the week are the week's most seen by the hourly rows.
    use common::service::SignIn;
    let staff = s.login().await;
    let csv = s
        .staff_page(&staff, "/staff/reach/top-week.csv?days=7&lang=en")
        .await;
    let first = csv.lines().nth(1).expect("a most-seen remix");
    let (id, seen) = first.split_once(',').unwrap();
    let (id, seen) = (id.trim_matches('"'), seen.trim_matches('"'));
    use sqlx::Row;
    let expected = sqlx::query(
        "SELECT remix_id, CAST(SUM(count) AS BIGINT) AS n FROM reach_hourly \
         WHERE hour >= $1 AND metric IN ('page_view', 'picture_view', 'preview') \
         GROUP BY remix_id ORDER BY n DESC, remix_id LIMIT 1",
    )
    .bind(now + hour - 7 * 24 * hour)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (id, seen.parse::<i64>().unwrap()),
        (
            expected.get::<String, _>("remix_id").as_str(),
            expected.get::<i64, _>("n")
        )
    );
}

/// Every figure one visitor can move: (what, request); each is counted once per visitor
/// per remix per day.
fn moves(id: &str) -> [(&'static str, &'static str, String, Option<&'static str>); 6] {
    [
        ("page_views", "GET", format!("/m/{id}"), None),
        ("picture_views", "GET", format!("/i/{id}.jpg"), None),
        ("downloads", "GET", format!("/i/{id}.jpg?dl=1"), None),
        (
            "previews",
            "GET",
            format!("/i/{id}/card.jpg"),
            Some("facebookexternalhit/1.1"),
        ),
        ("shares", "GET", format!("/s/{id}/facebook"), None),
        ("copies", "POST", format!("/s/{id}/copy"), None),
    ]
}

/// Makes one of [`moves`] from `client` with `agent`, and insists it is answered.
async fn make_move(s: &Service, what: &str, method: &str, uri: &str, client: &str, agent: &str) {
    let mut r = from(client, method, uri, agent);
    if method == "POST" {
        r = r.header("sec-fetch-site", "same-origin");
    }
    let status = s.send(r.body(Body::empty()).unwrap()).await.status();
    assert!(
        status.is_success() || status.is_redirection(),
        "{what}: {status}"
    );
}

/// Does each of [`moves`] `times` times, the `i`th time from `client(i)` with `agent`
/// followed by `i` (so a different browser each time; behind a crawler's name for
/// previews).
async fn flood(s: &Service, id: &str, client: &dyn Fn(usize) -> String, agent: &str, times: usize) {
    for (what, method, uri, crawler) in moves(id) {
        for i in 0..times {
            let agent = match crawler {
                Some(c) => format!("{c} {agent} {i}"),
                None => format!("{agent} {i}"),
            };
            make_move(s, what, method, &uri, &client(i), &agent).await;
        }
    }
}

#[tokio::test]
async fn a_flood_from_one_client_moves_each_figure_by_a_handful_at_most() {
    let s = service().await;
    let token = s.token().await;
    let id = s.remix_id("hubble", &["flood me"]).await;
    let handful = i64::from(jalsa::remix::AGENT_CLASSES);

    // 1,000 of each from one address with one browser: each figure moves by one.
    for (what, method, uri, crawler) in moves(&id) {
        for _ in 0..1000 {
            make_move(
                &s,
                what,
                method,
                &uri,
                "192.0.2.1",
                crawler.unwrap_or(PHONE),
            )
            .await;
        }
    }
    let mine = figures_of(&s, &token, &id).await;
    for (what, ..) in moves(&id) {
        assert_eq!(mine[what], 1, "{what}: {mine}");
    }
    // The same address claiming to be 1,000 different browsers, and a client roaming over
    // the addresses of its IPv6 /64: still a handful.
    flood(&s, &id, &|_| "192.0.2.1".into(), PHONE, 1000).await;
    flood(&s, &id, &|i| format!("2001:db8:7:7::{i:x}"), PHONE, 1000).await;
    let mine = figures_of(&s, &token, &id).await;
    for (what, ..) in moves(&id) {
        let n = mine[what].as_i64().unwrap();
        assert!(
            (1..=2 * handful).contains(&n),
            "{what}: {n} after 3,000 from two clients"
        );
    }

    // Different people still each count: 50 addresses, one of each thing apiece.
    flood(&s, &id, &|i| format!("198.51.100.{}", i + 1), PHONE, 50).await;
    let after = figures_of(&s, &token, &id).await;
    for (what, ..) in moves(&id) {
        assert_eq!(
            after[what].as_i64().unwrap() - mine[what].as_i64().unwrap(),
            50,
            "{what}: {after}"
        );
    }
    // And the campaign's figures say the same.
    let all = json_of(s.staff_get("/api/staff/reach", &token).await).await;
    assert_eq!(all["shares"], after["shares"], "{all}");
}

#[tokio::test]
async fn no_address_or_browser_is_stored_only_counts() {
    let s = service().await;
    let token = s.token().await;
    let id = s.remix_id("hubble", &["who saw me"]).await;
    let marker = "Mozilla/5.0 (X11; Linux) Firefox/128.0 unmistakable-agent";
    flood(&s, &id, &|i| format!("192.0.2.{}", i + 1), marker, 5).await;
    flood(&s, &id, &|i| format!("2001:db8:ab:cd{i}::1"), marker, 5).await;
    s.state.remixer().flush_counters().await.unwrap();
    assert_eq!(figures_of(&s, &token, &id).await["page_views"], 10);
    // Nothing in the database (every file of it) holds an address or the agent.
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(s.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("jalsa.db")
        {
            stored.extend(std::fs::read(&path).unwrap());
        }
    }
    let text = String::from_utf8_lossy(&stored);
    assert!(text.contains(&id), "the database files were read");
    for secret in ["192.0.2.", "2001:db8", "unmistakable-agent", "Firefox"] {
        assert!(!text.contains(secret), "{secret} is stored");
    }
}

#[tokio::test]
async fn only_a_browser_on_our_page_counts_a_copy_or_a_share_click() {
    let s = service().await;
    let token = s.token().await;
    let id = s.remix_id("hubble", &["copy me"]).await;
    let copy = |client: &'static str, headers: &'static [(&'static str, &'static str)]| {
        let (s, id) = (&s, id.clone());
        async move {
            let mut r = from(client, "POST", &format!("/s/{id}/copy"), PHONE);
            for (name, value) in headers {
                r = r.header(*name, *value);
            }
            s.send(r.body(Body::empty()).unwrap()).await.status()
        }
    };
    // A script (no browser's headers), another site's page, another origin: refused.
    for (client, headers) in [
        ("192.0.2.1", &[][..]),
        (
            "192.0.2.2",
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://jalsa.example.org"),
            ][..],
        ),
        ("192.0.2.3", &[("origin", "https://evil.example")][..]),
        ("192.0.2.4", &[("origin", "null")][..]),
    ] {
        assert_eq!(
            copy(client, headers).await,
            StatusCode::FORBIDDEN,
            "{headers:?}"
        );
    }
    // A current browser (Sec-Fetch-Site), an older one (Origin alone): counted.
    assert_eq!(
        copy("192.0.2.5", &[("sec-fetch-site", "same-origin")]).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        copy("192.0.2.6", &[("origin", "https://jalsa.example.org")]).await,
        StatusCode::NO_CONTENT
    );
    // A share link another site's page makes browsers follow is sent on, not counted.
    let share = |client: &'static str, site: &'static str| {
        let (s, id) = (&s, id.clone());
        async move {
            let r =
                from(client, "GET", &format!("/s/{id}/x"), PHONE).header("sec-fetch-site", site);
            s.send(r.body(Body::empty()).unwrap()).await.status()
        }
    };
    assert_eq!(
        share("192.0.2.7", "cross-site").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        share("192.0.2.8", "same-origin").await,
        StatusCode::SEE_OTHER
    );
    let mine = figures_of(&s, &token, &id).await;
    assert_eq!(
        (mine["copies"].as_i64(), mine["shares"].as_i64()),
        (Some(2), Some(1)),
        "{mine}"
    );
}
