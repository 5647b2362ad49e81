//! Areas: the starter list, the supporter's optional choice on every form, and staff
//! adding, renaming, retiring, importing and exporting them.

mod common;

use axum::http::{StatusCode, header};
use common::service::{Answer, Options, Service, SignIn, csrf_in, json_of, text};
use serde_json::{Value, json};

async fn service() -> Service {
    Service::start(Options::default()).await
}

fn ids(areas: &Value) -> Vec<String> {
    areas
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn supporters_may_say_where_they_are_on_every_form() {
    let s = service().await;
    let areas = json_of(s.get("/api/areas").await).await;
    assert!(areas.as_array().unwrap().len() >= 30, "{areas}");
    let lahore = areas
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "lahore")
        .expect("Lahore is on the starter list");
    assert_eq!(lahore["name_ur"], "لاہور");
    assert_eq!(lahore["name_en"], "Lahore");

    for page in ["/t/hubble", "/f/jalsa-badge"] {
        let en = text(s.get(&format!("{page}?lang=en")).await).await;
        assert!(
            en.contains(r#"<select name="area""#) && en.contains(">Lahore</option>"),
            "{page}"
        );
        let ur = text(s.get(&format!("{page}?lang=ur")).await).await;
        assert!(ur.contains(">لاہور</option>"), "{page} in Urdu");
    }

    // Through the API, the form and a frame.
    let made = Answer::of(
        s.post_json(
            "/api/remixes",
            json!({"template": "hubble", "captions": ["from Lahore"], "area": "lahore"}),
        )
        .await,
    )
    .await;
    made.expect(StatusCode::CREATED, "a remix from Lahore");
    let made: Value = serde_json::from_slice(&made.body).unwrap();
    assert_eq!(made["area"], "lahore");
    let r = s
        .post_form(
            "/remix",
            &[
                ("template", "hubble"),
                ("text", "from Quetta"),
                ("area", "quetta"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = r.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/m/")
        .to_owned();
    let row = s.state.remixer().remix(&id).await.unwrap().unwrap();
    assert_eq!(row.area.as_deref(), Some("quetta"));
    // Without one: no area.
    let plain = json_of(s.supporter_remix("hubble", &["from nowhere"]).await).await;
    assert_eq!(plain["area"], Value::Null);

    // An area not on the list is refused, in the API and on the form.
    let a = Answer::of(
        s.post_json(
            "/api/remixes",
            json!({"template": "hubble", "captions": ["x"], "area": "atlantis"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        a.error_code(StatusCode::UNPROCESSABLE_ENTITY, "atlantis"),
        "unknown_area"
    );
    let r = s
        .post_form(
            "/remix",
            &[("template", "hubble"), ("text", "y"), ("area", "atlantis")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("not on the list"));
}

#[tokio::test]
async fn staff_add_rename_retire_import_and_export_areas() {
    let s = service().await;
    let token = s.token().await;
    let api = |method: &'static str, uri: String, body: Option<Value>| {
        let (s, token) = (&s, token.clone());
        async move { Answer::of(s.api(method, &uri, Some(&token), body).await).await }
    };
    let added = api(
        "POST",
        "/api/staff/areas".into(),
        Some(json!({"name_en": "Mandi Bahauddin", "name_ur": "منڈی بہاؤالدین"})),
    )
    .await;
    added.expect(StatusCode::CREATED, "an area added");
    let added: Value = serde_json::from_slice(&added.body).unwrap();
    assert_eq!(added["id"], "mandi-bahauddin");
    let again = api(
        "POST",
        "/api/staff/areas".into(),
        Some(json!({"name_en": "Mandi Bahauddin", "name_ur": "منڈی"})),
    )
    .await;
    again.error_code(StatusCode::CONFLICT, "the same id again");
    let empty = api(
        "POST",
        "/api/staff/areas".into(),
        Some(json!({"name_en": "Somewhere", "name_ur": " "})),
    )
    .await;
    assert!(empty.error_code(StatusCode::UNPROCESSABLE_ENTITY, "no Urdu name") == "invalid");
    assert!(ids(&json_of(s.get("/api/areas").await).await).contains(&"mandi-bahauddin".into()));

    // Renamed, then retired: no longer offered, no longer taken.
    let renamed = api(
        "POST",
        "/api/staff/areas/mandi-bahauddin".into(),
        Some(json!({"name_en": "Mandi Bahauddin", "name_ur": "منڈی بہاءالدین", "retired": true})),
    )
    .await;
    renamed.expect(StatusCode::OK, "renamed and retired");
    assert!(!ids(&json_of(s.get("/api/areas").await).await).contains(&"mandi-bahauddin".into()));
    let a = Answer::of(
        s.post_json(
            "/api/remixes",
            json!({"template": "hubble", "captions": ["x"], "area": "mandi-bahauddin"}),
        )
        .await,
    )
    .await;
    a.error_code(StatusCode::UNPROCESSABLE_ENTITY, "a retired area");
    api(
        "POST",
        "/api/staff/areas/no-such".into(),
        Some(json!({"name_en": "A", "name_ur": "ا"})),
    )
    .await
    .error_code(StatusCode::NOT_FOUND, "renaming nothing");

    // Export, change in a spreadsheet, import.
    let csv = api("GET", "/api/staff/areas.csv".into(), None).await;
    csv.expect(StatusCode::OK, "the export");
    assert!(csv.header(header::CONTENT_TYPE).starts_with("text/csv"));
    let exported = csv.text();
    // A byte-order mark so that Excel reads Urdu; every cell quoted.
    assert!(
        exported.starts_with("\u{FEFF}\"id\",\"name_en\",\"name_ur\",\"retired\",\"parent\"\n")
    );
    assert!(
        exported.contains("\"mandi-bahauddin\",\"Mandi Bahauddin\",\"منڈی بہاءالدین\",\"true\"")
    );
    let import = |body: String| {
        let (s, token) = (&s, token.clone());
        async move {
            Answer::of(
                s.send(
                    axum::http::Request::post("/api/staff/areas/import")
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .header(header::CONTENT_TYPE, "text/csv")
                        .body(axum::body::Body::from(body))
                        .unwrap(),
                )
                .await,
            )
            .await
        }
    };
    let bad = import(
        "id,name_en,name_ur\nchakwal,Chakwal,چکوال\n,,خالی\nBAD,Bad,برا\nchakwal,Chakwal,چکوال\n"
            .into(),
    )
    .await;
    assert_eq!(
        bad.error_code(StatusCode::UNPROCESSABLE_ENTITY, "bad rows"),
        "bad_rows"
    );
    for line in ["line 3", "line 4", "line 5"] {
        assert!(bad.text().contains(line), "{line}: {}", bad.text());
    }
    assert!(
        !bad.text().contains("line 2"),
        "a good row named: {}",
        bad.text()
    );
    assert!(
        !ids(&json_of(s.get("/api/areas").await).await).contains(&"chakwal".into()),
        "a bad import imported its good rows"
    );
    let good = import(
        exported.replace(
            "\"Mandi Bahauddin\",\"منڈی بہاءالدین\",\"true\"",
            "\"Mandi Bahauddin\",\"منڈی بہاءالدین\",\"false\"",
        ) + "chakwal,Chakwal,چکوال,false\n",
    )
    .await;
    good.expect(StatusCode::OK, "a good import");
    let offered = ids(&json_of(s.get("/api/areas").await).await);
    assert!(offered.contains(&"chakwal".into()) && offered.contains(&"mandi-bahauddin".into()));
    let audit = json_of(s.api("GET", "/api/staff/audit", Some(&token), None).await).await;
    for action in ["area.add", "area.change", "area.import"] {
        assert!(audit.to_string().contains(action), "{action}");
    }
    // The starter list is recorded once: staff's changes are never overwritten by it.
    assert!(
        !s.state
            .db()
            .seed_areas(&jalsa::areas::starter())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn the_staff_page_imports_all_or_nothing_and_says_which_rows_are_bad() {
    let s = service().await;
    let staff = s.login().await;
    let page = text(s.get_with("/staff/areas", Some(&staff.cookie)).await).await;
    assert!(page.contains("لاہور") && page.contains("action=\"/staff/areas/import\""));
    let csrf = csrf_in(&page);
    let bad = "id,name_en,name_ur\nok-one,Ok,ٹھیک\nbroken,,\n".as_bytes();
    let (content_type, body) =
        common::service::multipart(&[("csrf", &csrf)], &[("csv", "areas.csv", bad)]);
    let r = s
        .send(
            axum::http::Request::post("/staff/areas/import")
                .header(header::COOKIE, &staff.cookie)
                .header(header::CONTENT_TYPE, content_type)
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(r).await;
    assert!(
        page.contains("line 3") && page.contains("name_en is empty"),
        "{page}"
    );
    assert!(s.state.db().get_area("ok-one").await.unwrap().is_none());
    // Added through the form.
    let r = s
        .post_form_with(
            "/staff/areas",
            Some(&staff.cookie),
            &[
                ("csrf", &csrf),
                ("name_en", "Khuzdar"),
                ("name_ur", "خضدار"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(s.state.db().get_area("khuzdar").await.unwrap().is_some());
    let csv = Answer::of(s.get_with("/staff/areas.csv", Some(&staff.cookie)).await).await;
    assert!(
        csv.text()
            .contains("\"khuzdar\",\"Khuzdar\",\"خضدار\",\"false\"")
    );
}

#[tokio::test]
async fn a_constituency_is_chosen_within_its_city_and_counted_apart() {
    let s = service().await;
    let token = s.token().await;
    let add = |body: Value| {
        let (s, token) = (&s, &token);
        async move {
            Answer::of(
                s.api("POST", "/api/staff/areas", Some(token), Some(body))
                    .await,
            )
            .await
        }
    };
    add(json!({"id": "na-127", "name_en": "NA-127", "name_ur": "این اے-127", "parent": "lahore"}))
        .await
        .expect(StatusCode::CREATED, "a constituency in Lahore");
    // A parent that is not on the list, or is itself a constituency, is refused.
    for (parent, why) in [
        ("atlantis", "not an area"),
        ("na-127", "itself a constituency"),
    ] {
        let a = add(
            json!({"id": "na-999", "name_en": "NA-999", "name_ur": "این اے-999", "parent": parent}),
        )
        .await;
        a.error_code(StatusCode::UNPROCESSABLE_ENTITY, parent);
        assert!(a.text().contains(why), "{}", a.text());
    }
    let areas = json_of(s.get("/api/areas").await).await;
    let na = areas
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "na-127")
        .expect("offered");
    assert_eq!(na["parent"], "lahore");
    // Offered on the form after its city.
    let form = text(s.get("/t/hubble?lang=en").await).await;
    assert!(
        form.contains(">Lahore · NA-127</option>"),
        "the form offers it"
    );

    // Chosen as the area, as the constituency alone, or with its city: all the same place.
    for (n, body) in [
        json!({"area": "na-127"}),
        json!({"constituency": "na-127"}),
        json!({"area": "lahore", "constituency": "na-127"}),
    ]
    .into_iter()
    .enumerate()
    {
        let mut request = json!({"template": "hubble", "captions": [format!("from NA-127, {n}")]});
        request
            .as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        let made = Answer::of(s.post_json("/api/remixes", request).await).await;
        made.expect(StatusCode::CREATED, &body.to_string());
        let made: Value = serde_json::from_slice(&made.body).unwrap();
        assert_eq!(
            (made["area"].as_str(), made["constituency"].as_str()),
            (Some("lahore"), Some("na-127")),
            "{body}"
        );
    }
    // A constituency outside the city named with it, or a city named as a constituency.
    for body in [
        json!({"template": "hubble", "captions": ["z"], "area": "karachi", "constituency": "na-127"}),
        json!({"template": "hubble", "captions": ["z"], "constituency": "lahore"}),
    ] {
        let a = Answer::of(s.post_json("/api/remixes", body.clone()).await).await;
        assert_eq!(
            a.error_code(StatusCode::UNPROCESSABLE_ENTITY, &body.to_string()),
            "unknown_area"
        );
    }
    // A constituency of a retired city is retired with it (here a made-up one, so the
    // rest of the test keeps Lahore).
    let api = |method: &'static str, uri: &'static str, body: Value| {
        let (s, token) = (&s, &token);
        async move { Answer::of(s.api(method, uri, Some(token), Some(body)).await).await }
    };
    api(
        "POST",
        "/api/staff/areas",
        json!({"id": "ghost-town", "name_en": "Ghost Town", "name_ur": "ویران شہر"}),
    )
    .await
    .expect(StatusCode::CREATED, "a city");
    api("POST", "/api/staff/areas", json!({"id": "na-000", "name_en": "NA-000", "name_ur": "این اے-000", "parent": "ghost-town"}))
        .await
        .expect(StatusCode::CREATED, "its constituency");
    api(
        "POST",
        "/api/staff/areas/ghost-town",
        json!({"name_en": "Ghost Town", "name_ur": "ویران شہر", "retired": true}),
    )
    .await
    .expect(StatusCode::OK, "the city retired");
    let a = Answer::of(
        s.post_json(
            "/api/remixes",
            json!({"template": "hubble", "captions": ["g"], "area": "na-000"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        a.error_code(StatusCode::UNPROCESSABLE_ENTITY, "retired city"),
        "unknown_area"
    );
    // A framed picture carries its place too.
    let photo = png(400, 400);
    let framed = Answer::of(
        s.post_multipart(
            "/api/frames/jalsa-badge/pictures",
            None,
            &[("area", "na-127")],
            &[("photo", "me.png", &photo)],
        )
        .await,
    )
    .await;
    framed.expect(StatusCode::CREATED, "a framed picture from NA-127");
    let id: Value = serde_json::from_slice(&framed.body).unwrap();
    let row = s
        .state
        .remixer()
        .remix(id["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.area.as_deref(), row.constituency.as_deref()),
        (Some("lahore"), Some("na-127"))
    );

    // The figures break the campaign down by constituency.
    let reach = json_of(s.api("GET", "/api/staff/reach", Some(&token), None).await).await;
    let by = reach["by_constituency"].as_array().unwrap();
    assert_eq!(by.len(), 1, "{by:?}");
    assert_eq!(
        (by[0]["key"].as_str(), by[0]["remixes"].as_i64()),
        (Some("na-127"), Some(4))
    );
    let lahore = reach["by_area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "lahore")
        .unwrap()
        .clone();
    assert_eq!(lahore["remixes"], 4);
    // And so does the dashboard, with the constituency's name, as a table and its CSV.
    let staff = s.login().await;
    let page = text(
        s.get_with("/staff/reach?lang=en", Some(&staff.cookie))
            .await,
    )
    .await;
    assert!(
        page.contains("By constituency") && page.contains("NA-127"),
        "the dashboard"
    );
    let table = text(
        s.get_with(
            "/staff/reach/constituencies.csv?lang=en",
            Some(&staff.cookie),
        )
        .await,
    )
    .await;
    assert!(
        table.lines().any(|l| l.starts_with("\"NA-127\",\"4\",")),
        "{table}"
    );

    // The CSV carries the parent, and an import may name a city on the list.
    let csv = String::from_utf8(
        Answer::of(
            s.api("GET", "/api/staff/areas.csv", Some(&token), None)
                .await,
        )
        .await
        .body
        .to_vec(),
    )
    .unwrap();
    assert!(
        csv.starts_with("\u{FEFF}\"id\",\"name_en\",\"name_ur\",\"retired\",\"parent\""),
        "{csv}"
    );
    assert!(
        csv.contains("\"na-127\",\"NA-127\",\"این اے-127\",\"false\",\"lahore\""),
        "{csv}"
    );
}

/// Names a spreadsheet would run as formulas: the export writes them as text (a `'` in
/// front, every cell quoted, a byte-order mark first), the import of that export gives back
/// exactly the names staff typed, and the dashboard's tables do the same.
#[tokio::test]
async fn exports_never_hand_a_spreadsheet_a_formula_and_still_round_trip() {
    let s = service().await;
    let token = s.token().await;
    let names = [
        "=HYPERLINK(\"http://x\",\"click\")",
        "+92 300",
        "-1",
        "@SUM(1)",
    ];
    for (i, name) in names.iter().enumerate() {
        let added = Answer::of(
            s.api(
                "POST",
                "/api/staff/areas",
                Some(&token),
                Some(json!({"id": format!("formula-{i}"), "name_en": name, "name_ur": name})),
            )
            .await,
        )
        .await;
        added.expect(StatusCode::CREATED, name);
    }
    let export = || async {
        Answer::of(
            s.api("GET", "/api/staff/areas.csv", Some(&token), None)
                .await,
        )
        .await
        .body
        .to_vec()
    };
    let exported = export().await;
    assert_eq!(
        &exported[..3],
        [0xEF, 0xBB, 0xBF],
        "a UTF-8 byte-order mark"
    );
    let text = String::from_utf8(exported).unwrap();
    // What a spreadsheet sees in each cell: never the start of a formula.
    let mut cells = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    for record in cells.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} would run"
            );
        }
    }
    assert!(
        text.contains("\"formula-0\",\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""),
        "{text}"
    );
    assert!(text.contains("\"formula-1\",\"'+92 300\",\"'+92 300\""));
    // Imported again as it is: nothing changes, and the names are as typed.
    let before = json_of(s.get("/api/areas").await).await;
    let imported = Answer::of(
        s.send(
            axum::http::Request::post("/api/staff/areas/import")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(axum::body::Body::from(text.clone()))
                .unwrap(),
        )
        .await,
    )
    .await;
    imported.expect(StatusCode::OK, "the export imported");
    assert_eq!(json_of(s.get("/api/areas").await).await, before);
    for (i, name) in names.iter().enumerate() {
        let area = s
            .state
            .db()
            .get_area(&format!("formula-{i}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (area.name_en.as_str(), area.name_ur.as_str()),
            (*name, *name)
        );
    }
    assert_eq!(String::from_utf8(export().await).unwrap(), text);

    // The dashboard's table by area: the same.
    let made = Answer::of(
        s.post_json(
            "/api/remixes",
            json!({"template": "hubble", "captions": ["from a formula"], "area": "formula-0"}),
        )
        .await,
    )
    .await;
    made.expect(StatusCode::CREATED, "a remix from there");
    let staff = s.login().await;
    let table = Answer::of(
        s.get_with("/staff/reach/areas.csv?lang=en", Some(&staff.cookie))
            .await,
    )
    .await;
    assert_eq!(&table.body[..3], [0xEF, 0xBB, 0xBF]);
    let table = table.text();
    assert!(
        table.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",\"1\""),
        "{table}"
    );
}

/// A plain PNG photo.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
