//! The service through its real router, in process: one harness for every test that drives
//! the web layer (pages, images, the JSON API, the staff area).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::Response;
use jalsa::catalog::Catalog;
use jalsa::db::{Db, RemixRow};
use jalsa::remix::{Policy, Remixer};
use jalsa::store::{Blobs, StoredBlob};
use jalsa::web::i18n::Lang;
use jalsa::web::{AppState, Config, app};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The staff member every service has, and the password.
pub const STAFF: &str = "amna";
/// Her password.
pub const PASSWORD: &str = "correct horse battery";

/// How a test wants the service.
pub struct Options {
    /// New remixes a minute per client (0: off).
    pub rate_limit: u32,
    /// Render slots.
    pub slots: usize,
    /// Renders that may wait for a slot.
    pub queue: usize,
    /// Moderation and blocklist.
    pub policy: Policy,
    /// Whether the tests stand behind a proxy on loopback (`X-Forwarded-For` names the
    /// client).
    pub behind_proxy: bool,
    /// The language for requests that name none (the binary's default is Urdu; the older
    /// tests read English pages).
    pub language: Lang,
    /// Photos sent to frames a minute per client (0: off).
    pub upload_limit: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            rate_limit: 0,
            slots: 2,
            queue: 64,
            policy: Policy::default(),
            behind_proxy: false,
            language: Lang::En,
            upload_limit: 0,
        }
    }
}

/// The router and the state behind it, over a fresh SQLite file and memory blobs, with the
/// bundled templates and one staff account.
pub struct Service {
    /// What requests go to.
    pub router: Router,
    /// What the handlers share.
    pub state: AppState,
    /// The folder of the SQLite file.
    pub dir: tempfile::TempDir,
}

impl Service {
    /// A service with these options.
    pub async fn start(options: Options) -> Service {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!(
            "sqlite://{}",
            dir.path().join("jalsa.db").display()
        ))
        .await
        .unwrap();
        jalsa::staff::add_staff(&db, STAFF, PASSWORD).await.unwrap();
        let remixer = Remixer::new(Blobs::memory(), db, options.slots, options.queue);
        let templates = super::repo().join("templates");
        remixer
            .register_catalog(&templates, &Catalog::load(&templates).unwrap())
            .await
            .unwrap();
        remixer.set_policy(options.policy);
        let config = Config {
            language: options.language,
            limits: jalsa::web::Limits {
                remix: jalsa::limits::Limit::per_minute(options.rate_limit),
                upload: jalsa::limits::Limit::per_minute(options.upload_limit),
                ..Default::default()
            },
            trusted_proxies: match options.behind_proxy {
                true => "127.0.0.1".parse().unwrap(),
                false => Default::default(),
            },
            ..Config::new("https://jalsa.example.org/")
        };
        let state = AppState::new(Arc::new(remixer), config);
        Service {
            router: app(state.clone()),
            state,
            dir,
        }
    }

    /// Sends a request.
    pub async fn send(&self, request: Request<Body>) -> Response {
        self.router.clone().oneshot(request).await.unwrap()
    }

    /// `GET uri`, with a cookie if given.
    pub async fn get_with(&self, uri: &str, cookie: Option<&str>) -> Response {
        let mut r = Request::get(uri);
        if let Some(c) = cookie {
            r = r.header(header::COOKIE, c);
        }
        self.send(r.body(Body::empty()).unwrap()).await
    }

    /// `GET uri`.
    pub async fn get(&self, uri: &str) -> Response {
        self.get_with(uri, None).await
    }

    /// `GET uri`, which must answer 200 OK.
    pub async fn get_ok(&self, uri: &str) -> Response {
        let r = self.get(uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        r
    }

    /// The status `GET uri` answers with.
    pub async fn status(&self, uri: &str) -> StatusCode {
        self.get(uri).await.status()
    }

    /// `POST uri` with a JSON body.
    pub async fn post_json(&self, uri: &str, body: Value) -> Response {
        self.api("POST", uri, None, Some(body)).await
    }

    /// `POST uri` with a form, and a cookie if given.
    pub async fn post_form_with(
        &self,
        uri: &str,
        cookie: Option<&str>,
        pairs: &[(&str, &str)],
    ) -> Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let mut r =
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            r = r.header(header::COOKIE, c);
        }
        self.send(r.body(Body::from(body)).unwrap()).await
    }

    /// `POST uri` with a form.
    pub async fn post_form(&self, uri: &str, pairs: &[(&str, &str)]) -> Response {
        self.post_form_with(uri, None, pairs).await
    }

    /// A supporter's remix through the form on a template's page.
    pub async fn remix_form(&self, pairs: &[(&str, &str)]) -> Response {
        self.post_form("/remix", pairs).await
    }

    /// An API call, with a bearer token and a JSON body if given.
    pub async fn api(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        json: Option<Value>,
    ) -> Response {
        let mut r = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match json {
            Some(v) => {
                r = r.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(r.body(body).unwrap()).await
    }

    /// What a folder of the blob store (`remixes`, `templates`) holds.
    pub async fn stored(&self, folder: &str) -> Vec<StoredBlob> {
        self.state.remixer().blobs().list(folder).await.unwrap()
    }

    /// `GET uri` with a staff API token.
    pub async fn staff_get(&self, uri: &str, token: &str) -> Response {
        self.api("GET", uri, Some(token), None).await
    }

    /// `POST uri` with a staff API token and, if given, a JSON body.
    pub async fn staff_post(&self, uri: &str, token: &str, json: Option<Value>) -> Response {
        self.api("POST", uri, Some(token), json).await
    }

    /// `POST uri` with a multipart body: text fields, then files (field name, file name,
    /// bytes), with a bearer token if given.
    pub async fn post_multipart(
        &self,
        uri: &str,
        token: Option<&str>,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Response {
        let (content_type, body) = multipart(fields, files);
        let mut r = Request::post(uri).header(header::CONTENT_TYPE, content_type);
        if let Some(t) = token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(r.body(Body::from(body)).unwrap()).await
    }

    /// A supporter's remix through the API, as sent.
    pub async fn supporter_remix(&self, template: &str, captions: &[&str]) -> Response {
        self.post_json(
            "/api/remixes",
            json!({"template": template, "captions": captions}),
        )
        .await
    }

    /// A supporter's new remix through the API: its id.
    pub async fn remix_id(&self, template: &str, captions: &[&str]) -> String {
        json_of(self.supporter_remix(template, captions).await).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Staff set a remix's status through the API with `token`.
    pub async fn set_remix_status(&self, token: &str, id: &str, status: &str) -> Response {
        let uri = format!("/api/staff/remixes/{id}/status");
        self.staff_post(&uri, token, Some(json!({"status": status})))
            .await
    }

    /// The row of the remix `id`, which must exist.
    pub async fn row(&self, id: &str) -> Arc<RemixRow> {
        self.state.remixer().remix(id).await.unwrap().unwrap()
    }

    /// A new API token for the staff member.
    pub async fn token(&self) -> String {
        jalsa::staff::create_token(self.state.db(), STAFF)
            .await
            .unwrap()
            .0
    }
}

/// A multipart/form-data body: its content type and bytes.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "jalsa-test-boundary-7d1f";
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, filename, bytes) in files {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}

/// A response read whole, so a failed assertion can show what came back.
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: bytes::Bytes,
}

impl Answer {
    /// Reads a response.
    pub async fn of(r: Response) -> Answer {
        let status = r.status();
        let headers = r.headers().clone();
        Answer {
            status,
            headers,
            body: body(r).await,
        }
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header, or empty.
    pub fn header(&self, name: header::HeaderName) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// Asserts the status, naming the case and showing the body when it is not.
    pub fn expect(&self, status: StatusCode, case: &str) -> &Answer {
        assert_eq!(
            self.status,
            status,
            "{case}: answered {} with {}",
            self.status,
            self.text()
        );
        self
    }

    /// The JSON error's code, after checking the status and the error's shape.
    pub fn error_code(&self, status: StatusCode, case: &str) -> String {
        self.expect(status, case);
        assert!(
            self.header(header::CONTENT_TYPE)
                .starts_with("application/json"),
            "{case}: not JSON: {}",
            self.text()
        );
        let v: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{case}: {e}: {}", self.text()));
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{case}: no message: {v}"
        );
        v["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{case}: no code: {v}"))
            .to_owned()
    }
}

/// The body of a response.
pub async fn body(r: Response) -> bytes::Bytes {
    axum::body::to_bytes(r.into_body(), 64 << 20).await.unwrap()
}

/// The body as text.
pub async fn text(r: Response) -> String {
    String::from_utf8(body(r).await.to_vec()).unwrap()
}

/// The body as text, after checking the status.
pub async fn page_text(r: Response, status: StatusCode) -> String {
    assert_eq!(r.status(), status);
    text(r).await
}

/// The body as JSON.
pub async fn json_of(r: Response) -> Value {
    serde_json::from_slice(&body(r).await).unwrap()
}

/// The item with this `id` in a JSON list the API gave.
pub fn with_id<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|i| i["id"] == id)
}

/// A header, or empty.
pub fn header_of(r: &Response, name: header::HeaderName) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The `Set-Cookie` header that sets the cookie `name`, whole with its attributes.
pub fn set_cookie(r: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    r.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&prefix))
}

/// The JSON error's code, after checking the status (the body is shown if it is not).
pub async fn error_code(r: Response, status: StatusCode) -> String {
    Answer::of(r).await.error_code(status, "")
}

/// The value of `name="csrf"` on a page.
pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// A signed-in browser: its session cookie and its CSRF token.
pub struct Staff {
    pub cookie: String,
    /// Its CSRF token.
    pub csrf: String,
}

/// What the staff tests add to the harness.
pub trait SignIn {
    /// Signs in through the login form, as a browser does.
    async fn login(&self) -> Staff;

    /// `POST uri` with a staff form: the session cookie, the CSRF token, then `pairs`.
    async fn staff_form(&self, staff: &Staff, uri: &str, pairs: &[(&str, &str)]) -> Response;

    /// The text of a staff page, fetched with the session cookie.
    async fn staff_page(&self, staff: &Staff, uri: &str) -> String;
}

impl SignIn for Service {
    async fn login(&self) -> Staff {
        let page = self.get("/staff/login").await;
        let login_cookie = header_of(&page, header::SET_COOKIE);
        let login_cookie = login_cookie.split(';').next().unwrap().to_owned();
        let csrf = csrf_in(&text(page).await);
        let r = self
            .post_form_with(
                "/staff/login",
                Some(&login_cookie),
                &[("name", STAFF), ("password", PASSWORD), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
        let set = set_cookie(&r, "jalsa_session").expect("a session cookie");
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"),
            "{set}"
        );
        let cookie = set.split(';').next().unwrap().to_owned();
        let csrf = csrf_in(&text(self.get_with("/staff", Some(&cookie)).await).await);
        Staff { cookie, csrf }
    }

    async fn staff_form(&self, staff: &Staff, uri: &str, pairs: &[(&str, &str)]) -> Response {
        let mut form = vec![("csrf", staff.csrf.as_str())];
        form.extend_from_slice(pairs);
        self.post_form_with(uri, Some(&staff.cookie), &form).await
    }

    async fn staff_page(&self, staff: &Staff, uri: &str) -> String {
        text(self.get_with(uri, Some(&staff.cookie)).await).await
    }
}
