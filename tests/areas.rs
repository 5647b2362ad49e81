//! Areas: the starter list, the supporter's optional choice on every form, and staff
//! adding, renaming, retiring, importing and exporting them.

mod common;

use axum::http::{StatusCode, header};
use common::service::{
    Answer, Options, Service, SignIn, csrf_in, json_of, page_text, text, with_id,
};
use serde_json::{Value, json};

async fn service() -> Service {
    Service::start(Options::default()).await
}

/// The ids of the areas supporters are offered.
async fn listed(s: &Service) -> Vec<String> {
    json_of(s.get("/api/areas").await)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A supporter's remix through the API, read whole.
async fn post_remix(s: &Service, body: Value) -> Answer {
    Answer::of(s.post_json("/api/remixes", body).await).await
}

/// A supporter's remix of the Hubble photo with one caption, from `area`, through the API.
async fn remix_in(s: &Service, caption: &str, area: &str) -> Answer {
    post_remix(
        s,
        json!({"template": "hubble", "captions": [caption], "area": area}),
    )
    .await
}

/// Staff changing areas through the API with a token; each answer read whole.
struct AreasApi<'a> {
    s: &'a Service,
    token: &'a str,
}

impl<'a> AreasApi<'a> {
    /// The areas API as the staff member with `token`.
    fn new(s: &'a Service, token: &'a str) -> Self {
        AreasApi { s, token }
    }

    /// Adds an area.
    async fn add(&self, body: Value) -> Answer {
        let r = self
            .s
            .staff_post("/api/staff/areas", self.token, Some(body));
        Answer::of(r.await).await
    }

    /// Renames or retires the area `id`.
    async fn change(&self, id: &str, body: Value) -> Answer {
        let uri = format!("/api/staff/areas/{id}");
        Answer::of(self.s.staff_post(&uri, self.token, Some(body)).await).await
    }
}

/// Staff import a CSV of areas through the API.
async fn import(s: &Service, token: &str, csv: String) -> Answer {
    Answer::of(
        s.send(
            axum::http::Request::post("/api/staff/areas/import")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(axum::body::Body::from(csv))
                .unwrap(),
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn supporters_may_say_where_they_are_on_every_form() {
    let s = service().await;
    let areas = json_of(s.get("/api/areas").await).await;
    assert!(areas.as_array().unwrap().len() >= 30, "{areas}");
    let lahore = with_id(&areas, "lahore").expect("Lahore is on the starter list");
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
    let made = remix_in(&s, "from Lahore", "lahore").await;
    made.expect(StatusCode::CREATED, "a remix from Lahore");
    let made: Value = serde_json::from_slice(&made.body).unwrap();
    assert_eq!(made["area"], "lahore");
    let r = s
        .remix_form(&[
            ("template", "hubble"),
            ("text", "from Quetta"),
            ("area", "quetta"),
        ])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = r.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/m/")
        .to_owned();
    let row = s.row(&id).await;
    assert_eq!(row.area.as_deref(), Some("quetta"));
    // Without one: no area.
    let plain = json_of(s.supporter_remix("hubble", &["from nowhere"]).await).await;
    assert_eq!(plain["area"], Value::Null);

    // An area not on the list is refused, in the API and on the form.
    let a = remix_in(&s, "x", "atlantis").await;
    assert_eq!(
        a.error_code(StatusCode::UNPROCESSABLE_ENTITY, "atlantis"),
        "unknown_area"
    );
    let r = s
        .remix_form(&[("template", "hubble"), ("text", "y"), ("area", "atlantis")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("not on the list"));
}

#[tokio::test]
async fn staff_add_rename_retire_import_and_export_areas() {
    let s = service().await;
    let token = s.token().await;
    let api = AreasApi::new(&s, &token);
    let added = api
        .add(json!({"name_en": "Mandi Bahauddin", "name_ur": "منڈی بہاؤالدین"}))
        .await;
    added.expect(StatusCode::CREATED, "an area added");
    let added: Value = serde_json::from_slice(&added.body).unwrap();
    assert_eq!(added["id"], "mandi-bahauddin");
    let again = api
        .add(json!({"name_en": "Mandi Bahauddin", "name_ur": "منڈی"}))
        .await;
    again.error_code(StatusCode::CONFLICT, "the same id again");
    let empty = api
        .add(json!({"name_en": "Somewhere", "name_ur": " "}))
        .await;
    assert!(empty.error_code(StatusCode::UNPROCESSABLE_ENTITY, "no Urdu name") == "invalid");
    assert!(listed(&s).await.contains(&"mandi-bahauddin".into()));

    // Renamed, then retired: no longer offered, no longer taken.
    let renamed = api
        .change(
            "mandi-bahauddin",
            json!({"name_en": "Mandi Bahauddin", "name_ur": "منڈی بہاءالدین", "retired": true}),
        )
        .await;
    renamed.expect(StatusCode::OK, "renamed and retired");
    assert!(!listed(&s).await.contains(&"mandi-bahauddin".into()));
    let a = remix_in(&s, "x", "mandi-bahauddin").await;
    a.error_code(StatusCode::UNPROCESSABLE_ENTITY, "a retired area");
    api.change("no-such", json!({"name_en": "A", "name_ur": "ا"}))
        .await
        .error_code(StatusCode::NOT_FOUND, "renaming nothing");

    // Export, change in a spreadsheet, import.
    let csv = Answer::of(s.staff_get("/api/staff/areas.csv", &token).await).await;
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
    let bad = import(
        &s,
        &token,
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
        !listed(&s).await.contains(&"chakwal".into()),
        "a bad import imported its good rows"
    );
    let good = import(
        &s,
        &token,
        exported.replace(
            "\"Mandi Bahauddin\",\"منڈی بہاءالدین\",\"true\"",
            "\"Mandi Bahauddin\",\"منڈی بہاءالدین\",\"false\"",
        ) + "chakwal,Chakwal,چکوال,false\n",
    )
    .await;
    good.expect(StatusCode::OK, "a good import");
    let offered = listed(&s).await;
    assert!(offered.contains(&"chakwal".into()) && offered.contains(&"mandi-bahauddin".into()));
    let audit = json_of(s.staff_get("/api/staff/audit", &token).await).await;
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
    let page = s.staff_page(&staff, "/staff/areas").await;
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
    let page = page_text(r, StatusCode::UNPROCESSABLE_ENTITY).await;
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
    let api = AreasApi::new(&s, &token);
    api.add(
        json!({"id": "na-127", "name_en": "NA-127", "name_ur": "این اے-127", "parent": "lahore"}),
    )
    .await
    .expect(StatusCode::CREATED, "a constituency in Lahore");
    // A parent that is not on the list, or is itself a constituency, is refused.
    for (parent, why) in [
        ("atlantis", "not an area"),
        ("na-127", "itself a constituency"),
    ] {
        let a = api
            .add(json!({"id": "na-999", "name_en": "NA-999", "name_ur": "این اے-999", "parent": parent}))
            .await;
        a.error_code(StatusCode::UNPROCESSABLE_ENTITY, parent);
        assert!(a.text().contains(why), "{}", a.text());
    }
    let areas = json_of(s.get("/api/areas").await).await;
    let na = with_id(&areas, "na-127").expect("offered");
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
        let made = post_remix(&s, request).await;
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
        let a = post_remix(&s, body.clone()).await;
        assert_eq!(
            a.error_code(StatusCode::UNPROCESSABLE_ENTITY, &body.to_string()),
            "unknown_area"
        );
    }
    // A constituency of a retired city is retired with it (here a made-up one, so the
    // rest of the test keeps Lahore).
    api.add(json!({"id": "ghost-town", "name_en": "Ghost Town", "name_ur": "ویران شہر"}))
        .await
        .expect(StatusCode::CREATED, "a city");
    api.add(json!({"id": "na-000", "name_en": "NA-000", "name_ur": "این اے-000", "parent": "ghost-town"}))
        .await
        .expect(StatusCode::CREATED, "its constituency");
    api.change(
        "ghost-town",
        json!({"name_en": "Ghost Town", "name_ur": "ویران شہر", "retired": true}),
    )
    .await
    .expect(StatusCode::OK, "the city retired");
    let a = remix_in(&s, "g", "na-000").await;
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
    let row = s.row(id["id"].as_str().unwrap()).await;
    assert_eq!(
        (row.area.as_deref(), row.constituency.as_deref()),
        (Some("lahore"), Some("na-127"))
    );

    // The figures break the campaign down by constituency.
    let reach = json_of(s.staff_get("/api/staff/reach", &token).await).await;
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
    let page = s.staff_page(&staff, "/staff/reach?lang=en").await;
    assert!(
        page.contains("By constituency") && page.contains("NA-127"),
        "the dashboard"
    );
    let table = s
        .staff_page(&staff, "/staff/reach/constituencies.csv?lang=en")
        .await;
    assert!(
        table.lines().any(|l| l.starts_with("\"NA-127\",\"4\",")),
        "{table}"
    );

    // The CSV carries the parent, and an import may name a city on the list.
    let csv = String::from_utf8(
        Answer::of(s.staff_get("/api/staff/areas.csv", &token).await)
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
            s.staff_post(
                "/api/staff/areas",
                &token,
                Some(json!({"id": format!("formula-{i}"), "name_en": name, "name_ur": name})),
            )
            .await,
        )
        .await;
        added.expect(StatusCode::CREATED, name);
    }
    let export = || async {
        Answer::of(s.staff_get("/api/staff/areas.csv", &token).await)
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
    for cell in cells(&text) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} would run"
        );
    }
    assert!(
        text.contains("\"formula-0\",\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""),
        "{text}"
    );
    assert!(text.contains("\"formula-1\",\"'+92 300\",\"'+92 300\""));
    // Imported again as it is: nothing changes, and the names are as typed.
    let before = json_of(s.get("/api/areas").await).await;
    let imported = import(&s, &token, text.clone()).await;
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
    let made = remix_in(&s, "from a formula", "formula-0").await;
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

/// Every cell of a CSV export, as a spreadsheet reads it (after the byte-order mark).
fn cells(csv: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    let records = reader.records().map(Result::unwrap);
    records
        .flat_map(|r| r.iter().map(str::to_owned).collect::<Vec<_>>())
        .collect()
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
