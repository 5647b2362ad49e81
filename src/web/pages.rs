//! The supporter pages: home, the remix form, the share page, the gallery. They work
//! without JavaScript; `app.js` adds the live preview and copy-to-clipboard.

use std::sync::Arc;

use askama::Template as Page;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::admission::WebAdmission;
use super::api::{GalleryQuery, find_remix, gallery_page};
use super::i18n::Lang;
use super::i18n::Locale;
use super::images::StyleFields;
use super::images::{PHONE_PHOTO_WIDTH, PHOTO_WIDTHS, PREVIEW_WIDTH};
use crate::areas::Area;
use crate::db::{RemixRow, RenditionKind, Status};
use crate::error::{AppError, Code};
use crate::remix::{Created, DeleteLink, Event, Network, RemixRequest, Source};
use crate::render::Template;
use crate::render::color::PALETTE;
use crate::web::extract::{PageForm, PageQuery};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// A page-flavoured error: the same status, a readable page instead of JSON.
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

#[derive(Page)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: &'a Locale,
    title: &'a str,
    message: &'a str,
}

/// An error a page answers with, still to be written in the page's language: the
/// language layer ([`super::i18n::choose`]) renders it.
#[derive(Clone)]
pub(super) struct Failure(AppError);

/// A readable page for an error, with its status (rendered in the request's language on
/// the way out).
pub fn error_page(e: &AppError) -> Response {
    e.log();
    let mut response = (
        e.status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
    )
        .into_response();
    if let Some(s) = e.retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, s.into());
    }
    response.extensions_mut().insert(Failure(e.clone()));
    response
}

/// The error page of `failure` in `l`'s language, keeping `response`'s status and headers.
pub(super) fn render_failure(l: &Locale, Failure(e): Failure, response: Response) -> Response {
    let title = l.t(match e.status {
        StatusCode::NOT_FOUND => "error-title-not-found",
        StatusCode::GONE => "error-title-gone",
        StatusCode::TOO_MANY_REQUESTS => "error-title-slow-down",
        StatusCode::SERVICE_UNAVAILABLE => "error-title-busy",
        s if s.is_client_error() => "error-title-client",
        _ => "error-title-server",
    });
    let message = l.error(&e);
    let body = ErrorPage {
        l,
        title: &title,
        message: &message,
    }
    .render()
    .unwrap_or(message);
    let (parts, _) = response.into_parts();
    Response::from_parts(parts, axum::body::Body::from(body))
}

fn html(page: impl Page) -> Result<Html<String>, PageError> {
    page.render()
        .map(Html)
        .map_err(|e| PageError(AppError::internal(e)))
}

/// A remix as a card in a grid.
struct Tile {
    id: String,
    image: String,
    srcset: String,
    alt: String,
    width: u32,
    height: u32,
    /// Its width in CSS pixels in the home page's strip, where it is 140 px tall.
    strip_width: u32,
}

fn tile(state: &AppState, l: &Locale, row: &RemixRow) -> Tile {
    let image = format!("/i/{}.{}", row.id, row.format.extension());
    Tile {
        id: row.id.to_string(),
        srcset: remix_srcset(row, &image),
        image,
        alt: alt_text(state, l, row),
        width: row.width,
        height: row.height,
        strip_width: (140 * row.width).div_ceil(row.height.max(1)),
    }
}

/// `srcset` for a remix's picture: its narrower copies (made once, stored) and itself.
fn remix_srcset(row: &RemixRow, image: &str) -> String {
    let mut widths = vec![];
    let mut set: Vec<String> = RenditionKind::SIZES
        .iter()
        .filter_map(|kind| {
            let w = kind.width_for(row.width)?;
            (w < row.width && !widths.contains(&w)).then(|| {
                widths.push(w);
                format!("/i/{}/{}.jpg {w}w", row.id, kind.as_str())
            })
        })
        .collect();
    set.push(format!("{image} {}w", row.width));
    set.join(", ")
}

/// An official photo on the home page, offered at the widths a grid cell needs.
struct PhotoTile {
    id: String,
    title: String,
    alt: String,
    src: String,
    srcset: String,
    /// The copy a phone's home page shows, whatever its pixel density.
    phone: String,
    width: u32,
    height: u32,
}

fn photo_tile(l: &Locale, t: &Template) -> PhotoTile {
    let (width, height) = t.size();
    let url = |w: Option<u32>| match w {
        Some(w) => format!("/photos/{}?v={}&w={w}", t.id, t.photo_version()),
        None => format!("/photos/{}?v={}", t.id, t.photo_version()),
    };
    let mut set: Vec<String> = PHOTO_WIDTHS
        .iter()
        .filter(|&&w| w < width && w != PHONE_PHOTO_WIDTH)
        .map(|&w| format!("{} {w}w", url(Some(w))))
        .collect();
    set.push(format!("{} {width}w", url(None)));
    PhotoTile {
        id: t.id.to_string(),
        title: l.photo_title(&t.spec).to_owned(),
        alt: l.photo_alt(&t.spec).to_owned(),
        src: url(PHOTO_WIDTHS[1..].iter().copied().find(|&w| w < width)),
        phone: url(Some(PHONE_PHOTO_WIDTH).filter(|&w| w < width)),
        srcset: set.join(", "),
        width,
        height,
    }
}

/// The captions a remix shows in text (titles, share tags, alt text): as plain text,
/// empty boxes left out.
fn shown_captions(row: &RemixRow) -> Vec<String> {
    row.captions
        .iter()
        .map(|c| plain_text(c))
        .filter(|c| !c.is_empty())
        .collect()
}

/// A caption made safe to put in a title or a tag: control characters (NUL, line breaks)
/// and the bidi embedding, override and isolate controls removed, since a crawler or a
/// browser tab would show them raw or let them reorder the text around them; runs of space
/// made one. Joiners stay: emoji and Urdu need them.
pub fn plain_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| {
            !c.is_control()
                && !matches!(
                    c,
                    '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}'
                        | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
                )
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Captions joined for plain text (a title, a tag, alt text, a share message), each one
/// isolated between FSI and PDI: an Urdu caption beside an English one ("8 Feb - be
/// there!") keeps its own order instead of being reordered by its neighbour's direction.
/// HTML shows each caption in its own `<bdi>` instead.
pub fn isolated(captions: &[String]) -> String {
    captions
        .iter()
        .map(|c| format!("\u{2068}{c}\u{2069}"))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Alt text made from the captions and the photo's own description.
fn alt_text(state: &AppState, l: &Locale, row: &RemixRow) -> String {
    let captions = shown_captions(row);
    let photo = state
        .remixer
        .template(&row.template)
        .map(|t| l.photo_alt(&t.spec).to_owned())
        .unwrap_or_default();
    match (captions.is_empty(), photo.is_empty()) {
        (true, _) => photo,
        (false, true) => isolated(&captions),
        (false, false) => l.t2(
            "remix-alt",
            "captions",
            isolated(&captions),
            "photo",
            lowercase_first(&photo),
        ),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[derive(Page)]
#[template(path = "home.html")]
struct Home {
    l: Locale,
    templates: Vec<PhotoTile>,
    frames: Vec<PhotoTile>,
    featured: Vec<Tile>,
}

pub(super) async fn home(
    State(state): State<AppState>,
    l: Locale,
) -> Result<Html<String>, PageError> {
    let featured = state
        .remixer
        .db()
        .list_remixes(&[Status::Featured], None, None, 8)
        .await
        .map_err(AppError::internal)?;
    html(Home {
        templates: state
            .remixer()
            .published_templates()
            .iter()
            .map(|t| photo_tile(&l, t))
            .collect(),
        frames: state
            .remixer()
            .published_frames()
            .iter()
            .map(|t| photo_tile(&l, t))
            .collect(),
        featured: featured.items.iter().map(|r| tile(&state, &l, r)).collect(),
        l,
    })
}

/// One caption field of the form.
struct Field {
    label: String,
    value: String,
}

/// A choice in a select.
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

/// The choices of a select: each value with its label, message `{prefix}-{value}`
/// (`{prefix}-default` for the empty value).
fn choices(l: &Locale, prefix: &str, values: &[&str], current: &str) -> Vec<Choice> {
    values
        .iter()
        .map(|&value| Choice {
            value: value.into(),
            label: l.t(&format!(
                "{prefix}-{}",
                if value.is_empty() { "default" } else { value }
            )),
            selected: value == current,
        })
        .collect()
}

#[derive(Page)]
#[template(path = "form.html")]
struct FormPage {
    l: Locale,
    description: String,
    template: Arc<Template>,
    preview_width: u32,
    preview_height: u32,
    fields: Vec<Field>,
    colors: Vec<Choice>,
    outlines: Vec<Choice>,
    fonts: Vec<Choice>,
    areas: Vec<Choice>,
    parent: String,
    preview: String,
    /// What the page's script needs to draw captions at once, while the server's preview
    /// is on its way: JSON from [`draft`].
    draft: String,
    error: String,
}

/// JSON for the page's script to draw captions in a photo's boxes as they are typed
/// (`boxes`, the palette's colours by name, and `photo`: the photo alone, to draw on).
pub(super) fn draft(t: &Template, photo: Option<String>) -> String {
    let palette: serde_json::Map<String, serde_json::Value> = PALETTE
        .iter()
        .map(|(name, c)| {
            let [r, g, b] = c.0;
            ((*name).to_owned(), format!("#{r:02x}{g:02x}{b:02x}").into())
        })
        .collect();
    serde_json::json!({ "boxes": t.spec.boxes, "palette": palette, "photo": photo }).to_string()
}

/// `?parent=ID` pre-fills the form from the remix being remixed.
#[derive(Debug, Default, Deserialize)]
pub(super) struct FormQuery {
    parent: Option<String>,
}

/// What the form posts.
#[derive(Debug, Default, Deserialize)]
pub struct RemixForm {
    /// Template id.
    pub template: String,
    /// Captions in box order.
    #[serde(default)]
    pub text: Vec<String>,
    /// Style.
    #[serde(flatten)]
    pub style: StyleFields,
    /// The remix this one remixes.
    pub parent: Option<String>,
    /// The supporter's area (or constituency), if they chose one.
    pub area: Option<String>,
    /// The supporter's constituency, if given apart from the area.
    pub constituency: Option<String>,
}

/// The areas a supporter may choose, named in the page's language, the first choice
/// none; `current` chosen.
pub(super) fn area_choices(l: &Locale, areas: &[Area], current: Option<&str>) -> Vec<Choice> {
    let none = Choice {
        value: String::new(),
        label: l.t("form-area-none"),
        selected: current.is_none_or(str::is_empty),
    };
    let name = |a: &Area| match l.lang {
        Lang::Ur => a.name_ur.clone(),
        Lang::En => a.name_en.clone(),
    };
    // A constituency follows its city: "Lahore · NA-127".
    let mut choices: Vec<Choice> = areas
        .iter()
        .filter_map(|a| {
            let label = match a.parent.as_str() {
                "" => name(a),
                parent => format!(
                    "{} · {}",
                    name(areas.iter().find(|p| p.id == parent)?),
                    name(a)
                ),
            };
            Some(Choice {
                value: a.id.clone(),
                label,
                selected: current == Some(a.id.as_str()),
            })
        })
        .collect();
    choices.sort_by(|a, b| l.compare(&a.label, &b.label));
    std::iter::once(none).chain(choices).collect()
}

fn form_page(
    l: Locale,
    template: Arc<Template>,
    form: &RemixForm,
    error: String,
    areas: &[Area],
) -> FormPage {
    let count = template.spec.boxes.len();
    let fields = (0..count)
        .map(|i| Field {
            label: match (count, i) {
                (2, 0) => l.t1("form-caption-top", "n", 1),
                (2, 1) => l.t1("form-caption-bottom", "n", 2),
                _ => l.t1("form-caption", "n", i + 1),
            },
            value: form.text.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let current = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut colors = vec![""];
    colors.extend(PALETTE.iter().skip(1).map(|(name, _)| *name));
    let outlines = ["", "white", "none", "green", "red"];
    let fonts = ["", "anton", "noto-sans", "nastaliq", "naskh"];
    let mut preview = format!("/preview/{}.jpg", template.id);
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for t in &form.text {
        query.append_pair("text", t);
    }
    for (name, value) in [
        ("color", &form.style.color),
        ("outline", &form.style.outline),
        ("font", &form.style.font),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            query.append_pair(name, v);
        }
    }
    let query = query.finish();
    if !query.is_empty() {
        preview = format!("{preview}?{query}");
    }
    let (width, height) = template.size();
    let preview_width = PREVIEW_WIDTH.min(width);
    FormPage {
        description: l.t2(
            "form-description",
            "photo",
            l.photo_title(&template.spec),
            "alt",
            l.photo_alt(&template.spec),
        ),
        fields,
        colors: choices(&l, "colour", &colors, &current(&form.style.color)),
        outlines: choices(&l, "outline", &outlines, &current(&form.style.outline)),
        fonts: choices(&l, "font", &fonts, &current(&form.style.font)),
        areas: area_choices(&l, areas, form.area.as_deref()),
        preview_width,
        preview_height: (u64::from(height) * u64::from(preview_width) / u64::from(width.max(1)))
            as u32,
        l,
        parent: form.parent.clone().unwrap_or_default(),
        draft: draft(
            &template,
            Some(format!(
                "/photos/{}?v={}&w={}",
                template.id,
                template.photo_version(),
                PHOTO_WIDTHS[2]
            )),
        ),
        preview,
        error,
        template,
    }
}

fn find_template(state: &AppState, id: &str) -> Result<Arc<Template>, AppError> {
    // Frames have their own form, /f/{frame}.
    state
        .remixer()
        .template(id)
        .filter(|t| t.frame.is_none())
        .ok_or_else(|| {
            AppError::new(
                Code::UnknownTemplate,
                format!("There is no photo {id:?} to remix."),
            )
        })
}

pub(super) async fn form(
    State(state): State<AppState>,
    l: Locale,
    Path(id): Path<String>,
    PageQuery(query): PageQuery<FormQuery>,
) -> Result<Html<String>, PageError> {
    let template = find_template(&state, &id)?;
    let mut form = RemixForm::default();
    if let Some(parent) = query.parent.filter(|p| !p.is_empty()) {
        let row = find_remix(&state, &parent).await?;
        form.text = row.captions.clone();
        form.style = StyleFields {
            color: row.style.color.map(|c| c.to_string()),
            outline: row.style.outline.map(|o| o.to_string()),
            font: row.style.font.map(|f| f.to_string()),
        };
        form.parent = Some(row.id.to_string());
    }
    let areas = state.db().list_areas(false).await.map_err(AppError::from)?;
    html(form_page(l, template, &form, String::new(), &areas))
}

pub(super) async fn submit(
    State(state): State<AppState>,
    l: Locale,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    PageForm(form): PageForm<RemixForm>,
) -> Result<Response, PageError> {
    let template = find_template(&state, &form.template)?;
    let json = wants_json(&headers);
    // Trailing empty fields are boxes left empty, not captions.
    let mut captions = form.text.clone();
    while captions.last().is_some_and(|c| c.trim().is_empty()) {
        captions.pop();
    }
    let attempt = async {
        let request = RemixRequest {
            style: form.style.to_style()?,
            parent: form.parent.clone().filter(|p| !p.is_empty()),
            area: form.area.clone(),
            constituency: form.constituency.clone(),
            ..RemixRequest::new(form.template.clone(), captions)
        };
        let admission = WebAdmission::new(&state, &form.template, &headers, &extensions);
        let made = state
            .remixer()
            .create(Source::Captions(request), &admission)
            .await?;
        Ok::<_, AppError>(made)
    };
    match attempt.await {
        Ok(made) => Ok(to_share_page(&state, &made, json)),
        // The page's script keeps the form as it is and says why, in the page's language.
        Err(mut e) if json => {
            e.message = l.error(&e);
            Ok(e.into_response())
        }
        // Bad input: the form again, as typed, with the reason and the right status.
        Err(e) if e.status.is_client_error() => {
            let message = l.error(&e);
            let areas = state.db().list_areas(false).await.map_err(AppError::from)?;
            let page = html(form_page(l, template, &form, message, &areas))?;
            let mut response = (e.status, page).into_response();
            if let Some(s) = e.retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, s.into());
            }
            Ok(response)
        }
        Err(e) => Err(PageError(e)),
    }
}

/// Whether a form was sent by the page's own script, which asks for JSON to follow the
/// upload's progress and keep the form on a failure.
pub(super) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// The way from a form to the share page of what it made: a `303` for a plain form, or
/// for the page's script (`Accept: application/json`) `{"location", "created"}` with 201
/// or 200. Either way a cookie for that page alone tells it, once, that its maker has just
/// made it ("ready"), carrying a new remix's private delete link.
pub(super) fn to_share_page(state: &AppState, made: &Created, json: bool) -> Response {
    let (row, created) = (&made.row, made.created);
    let location = format!("/m/{}", row.id);
    let token = made.delete_token.as_deref().unwrap_or_default();
    let cookie = Cookie::build((MADE_COOKIE, format!("{}.{token}", row.id)))
        .path(location.clone())
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.public_url().starts_with("https://"))
        .max_age(time::Duration::minutes(10))
        .build();
    let jar = CookieJar::new().add(cookie);
    if json {
        let status = if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        let body = axum::Json(serde_json::json!({ "location": location, "created": created }));
        return (status, jar, body).into_response();
    }
    (jar, Redirect::to(&location)).into_response()
}

#[derive(Page)]
#[template(path = "share.html")]
struct SharePage {
    l: Locale,
    /// The maker's private delete link, shown once, right after making the remix.
    delete_url: String,
    /// Right after the maker sent the form: whether and when the gallery shows it (else
    /// empty).
    ready: String,
    /// What goes with the picture when it is shared as a file (the browser's share sheet).
    share_text: String,
    /// Right after the maker sent the form: what it was made of (JSON: template, captions,
    /// style), for the page's script to show the phone's own preview of it until the
    /// picture arrives.
    made: String,
    row: Arc<RemixRow>,
    srcset: String,
    title: String,
    /// The captions, each shown in its own `<bdi>` in the heading (the photo's title when
    /// there are none).
    captions: Vec<String>,
    description: String,
    alt: String,
    page_url: String,
    image: String,
    card_url: String,
    facebook: String,
    twitter: String,
    whatsapp: String,
    remix_url: String,
    /// A framed picture: "make your own" with the frame, rather than "remix this".
    framed: bool,
    /// Kept out of search engines: a framed picture not in the gallery shows a person who
    /// shared a link, not the world.
    noindex: bool,
    parent: String,
    reported: bool,
}

/// `?reported=1` after a supporter reports a remix.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ShareQuery {
    reported: Option<String>,
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub(super) async fn share(
    State(state): State<AppState>,
    l: Locale,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    jar: CookieJar,
    Path(id): Path<String>,
    PageQuery(query): PageQuery<ShareQuery>,
) -> Result<Response, PageError> {
    let row = find_remix(&state, &id).await?;
    // Right after making it (or finding it made before), its maker's browser says so,
    // once, with a new remix's delete link.
    let made = jar.get(MADE_COOKIE).and_then(|c| {
        let (made_id, token) = c.value().split_once('.')?;
        (made_id == row.id.as_str()).then(|| token.to_owned())
    });
    let ready = made.is_some();
    let mut delete_url = String::new();
    if let Some(token) = made.filter(|t| !t.is_empty())
        && state
            .remixer()
            .check_delete_token(row.id.as_str(), &token)
            .await?
            == DeleteLink::Valid
    {
        delete_url = format!("{}/d/{}/{token}", state.public_url(), row.id);
    }
    let base = &state.public_url();
    let template = state.remixer().template(&row.template);
    let framed = template.as_ref().is_some_and(|t| t.frame.is_some());
    let photo_title = template
        .as_ref()
        .map(|t| l.photo_title(&t.spec).to_owned())
        .unwrap_or_default();
    let title = share_title(&state, &l, &row);
    let page_url = format!("{base}/m/{}", row.id);
    let image = format!("/i/{}.{}", row.id, row.format.extension());
    // The remix it was made from, linked only while it is there to see: one its maker
    // deleted or the campaign removed would be a link to a dead end.
    // An optional link: if it cannot be looked up now, the page goes out without it.
    let mut parent = String::new();
    if let Some(id) = &row.parent {
        let found = state
            .remixer()
            .remix(id.as_str())
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "a share page goes out without its parent's link");
                None
            });
        if found.is_some_and(|p| p.status != Status::Removed && !p.blob_key.is_empty()) {
            parent = id.to_string();
        }
    }
    count_visit(&state, &row, &headers, &extensions);
    html(SharePage {
        description: l.t1("share-description", "photo", &photo_title),
        alt: alt_text(&state, &l, &row),
        captions: shown_captions(&row),
        srcset: remix_srcset(&row, &image),
        image,
        card_url: format!("{base}/i/{}/card.jpg", row.id),
        facebook: format!("/s/{}/facebook", row.id),
        twitter: format!("/s/{}/x", row.id),
        whatsapp: format!("/s/{}/whatsapp", row.id),
        remix_url: if framed {
            format!("/f/{}", row.template)
        } else {
            format!("/t/{}?parent={}", row.template, row.id)
        },
        framed,
        noindex: framed && !matches!(row.status, Status::Approved | Status::Featured),
        parent,
        reported: query.reported.is_some(),
        ready: match (ready, row.status) {
            (false, _) => String::new(),
            (true, Status::New) => l.t("share-ready-waiting"),
            (true, Status::Approved | Status::Featured) => l.t("share-ready-in-gallery"),
            (true, _) => l.t("share-ready-unlisted"),
        },
        delete_url,
        share_text: format!("{} {page_url}", l.t1("share-text", "title", &title)),
        made: if ready {
            let text = |v: Option<String>| v.unwrap_or_default();
            serde_json::json!({
                "template": row.template,
                "captions": row.captions.iter().map(|c| c.trim()).collect::<Vec<_>>(),
                "color": text(row.style.color.map(|c| c.to_string())),
                "outline": text(row.style.outline.map(|o| o.to_string())),
                "font": text(row.style.font.map(|f| f.to_string())),
            })
            .to_string()
        } else {
            String::new()
        },
        page_url,
        title,
        row,
        l,
    })
    .map(|page| {
        if jar.get(MADE_COOKIE).is_none() {
            return page.into_response();
        }
        // Shown once: the cookie goes, and no cache keeps the page that showed it.
        let gone = Cookie::build((MADE_COOKIE, ""))
            .path(format!("/m/{id}"))
            .build();
        (
            jar.remove(gone),
            [(header::CACHE_CONTROL, "no-store")],
            page,
        )
            .into_response()
    })
}

/// What a remix is called where it is shared: its captions, or its photo's title (in the
/// page's language).
fn share_title(state: &AppState, l: &Locale, row: &RemixRow) -> String {
    let captions = shown_captions(row);
    if captions.is_empty() {
        state
            .remixer()
            .template(&row.template)
            .map(|t| l.photo_title(&t.spec).to_owned())
            .unwrap_or_default()
    } else {
        isolated(&captions)
    }
}

/// Counts a person's visit to a share page, and the domain of the link they came by: once
/// per visitor per remix per day, the link of their first visit (robots and link-preview
/// crawlers are not people; nothing about the visitor is kept).
fn count_visit(
    state: &AppState,
    row: &RemixRow,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) {
    let by = state.visitor(headers, extensions);
    if crate::remix::is_robot(by.agent) || !state.remixer().count(&row.id, Event::PageView, by) {
        return;
    }
    let own = url::Url::parse(state.public_url())
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    if let Some(domain) = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| crate::remix::referring_domain(r, &own))
    {
        state.remixer().count(&row.id, Event::Referrer(domain), by);
    }
}

/// The network's own share page for a remix, with the text in the page's language: Facebook
/// takes the link and one hashtag; X the text, the link and the hashtags; WhatsApp one
/// message, so the hashtags go in it.
fn network_url(state: &AppState, l: &Locale, row: &RemixRow, network: Network) -> String {
    let page_url = format!("{}/m/{}", state.public_url(), row.id);
    let hashtags = state
        .remixer()
        .template(&row.template)
        .map(|t| t.spec.hashtags.clone())
        .unwrap_or_default();
    let text = l.t1("share-text", "title", share_title(state, l, row));
    match network {
        Network::Facebook => match hashtags.first() {
            Some(tag) => format!(
                "https://www.facebook.com/sharer/sharer.php?u={}&hashtag={}",
                encode(&page_url),
                encode(&format!("#{tag}"))
            ),
            None => format!(
                "https://www.facebook.com/sharer/sharer.php?u={}",
                encode(&page_url)
            ),
        },
        Network::X => format!(
            "https://twitter.com/intent/tweet?text={}&url={}&hashtags={}",
            encode(&text),
            encode(&page_url),
            encode(&hashtags.join(","))
        ),
        Network::WhatsApp => format!(
            "https://wa.me/?text={}",
            encode(
                &[text]
                    .into_iter()
                    .chain(hashtags.iter().map(|t| format!("#{t}")))
                    .chain([page_url])
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        ),
    }
}

/// `GET /s/{id}/{network}`: a share button's click, counted (once per visitor per remix
/// per network per day), then `303` to the network's own share page. A link followed from
/// another site (an `<img>` pointing here, say) is sent on but not counted: the buttons
/// are on our own pages.
pub(super) async fn share_on(
    State(state): State<AppState>,
    l: Locale,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path((id, network)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let network: Network = network
        .parse()
        .map_err(|why: String| AppError::not_found(why))?;
    let row = find_remix(&state, &id).await?;
    let by = state.visitor(&headers, &extensions);
    let from_elsewhere = headers
        .get("sec-fetch-site")
        .is_some_and(|site| site != "same-origin" && site != "none");
    if !crate::remix::is_robot(by.agent) && !from_elsewhere {
        state.remixer().count(&row.id, Event::Share(network), by);
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, network_url(&state, &l, &row, network)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response())
}

/// `POST /s/{id}/copy`: the share page's "copy link" button was used (a beacon sent by
/// `app.js`), counted once per visitor per remix per day. Only a beacon a browser sent from
/// our own page counts: anything else is refused with `403`.
pub(super) async fn copied(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    if !from_own_page(&headers, state.public_url()) {
        return Err(AppError::new(
            Code::Csrf,
            "a copied link is counted only from the share page itself, \
             as a browser sends it (Sec-Fetch-Site: same-origin, or our Origin)",
        ));
    }
    let row = find_remix(&state, &id).await?;
    let by = state.visitor(&headers, &extensions);
    if !crate::remix::is_robot(by.agent) {
        state.remixer().count(&row.id, Event::Copy, by);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Whether a request is what a browser sends from one of our own pages: `Sec-Fetch-Site:
/// same-origin` where the browser sends it (every current one), else an `Origin` that is
/// ours. A script can write both, but then it counts once a day like anyone else; what
/// this stops is other sites' pages, and tools that send neither.
fn from_own_page(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site == "same-origin";
    }
    let ours = url::Url::parse(public_url).map(|u| u.origin().ascii_serialization());
    headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|origin| ours.is_ok_and(|ours| ours == origin))
}

/// The cookie that carries a new remix's delete link from the form to its share page:
/// `{id}.{token}`, for that page only, for ten minutes.
const MADE_COOKIE: &str = "jalsa_made";

#[derive(Page)]
#[template(path = "delete.html")]
struct DeletePage {
    l: Locale,
    title: String,
    deleted: bool,
    image: String,
    alt: String,
    width: u32,
    height: u32,
    action: String,
}

fn private(page: Html<String>) -> Response {
    // The address holds the secret: not kept by caches, not sent on as a referrer.
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        page,
    )
        .into_response()
}

/// `GET /d/{id}/{token}`: the maker's confirmation page.
pub(super) async fn delete_page(
    State(state): State<AppState>,
    l: Locale,
    Path((id, token)): Path<(String, String)>,
) -> Result<Response, PageError> {
    opened(&state, &id, &token).await?;
    let row = find_remix(&state, &id).await?;
    let page = html(DeletePage {
        title: l.t("delete-title"),
        deleted: false,
        image: format!("/i/{}.{}", row.id, row.format.extension()),
        alt: alt_text(&state, &l, &row),
        width: row.width,
        height: row.height,
        action: format!("/d/{id}/{token}"),
        l,
    })?;
    Ok(private(page))
}

/// `POST /d/{id}/{token}`: deletes the remix for good.
pub(super) async fn delete(
    State(state): State<AppState>,
    l: Locale,
    Path((id, token)): Path<(String, String)>,
) -> Result<Response, PageError> {
    opened(&state, &id, &token).await?;
    let link = state.remixer().erase_with_token(&id, &token).await?;
    if link != DeleteLink::Valid {
        return Err(PageError(AppError::not_found("no such delete link")));
    }
    state.forget_pictures(&id);
    let page = html(DeletePage {
        title: l.t("deleted-title"),
        deleted: true,
        image: String::new(),
        alt: String::new(),
        width: 0,
        height: 0,
        action: String::new(),
        l,
    })?;
    Ok(private(page))
}

/// Refuses a delete link that opens nothing: 404 for an unknown remix or a wrong token
/// (not told apart), 410 for a remix already gone.
async fn opened(state: &AppState, id: &str, token: &str) -> Result<(), AppError> {
    match state.remixer().check_delete_token(id, token).await? {
        DeleteLink::Valid => Ok(()),
        DeleteLink::Unknown => Err(AppError::not_found("no such delete link")),
        DeleteLink::Gone => {
            let row = state
                .db()
                .get_remix(id)
                .await?
                .ok_or_else(|| AppError::not_found("no such delete link"))?;
            Err(super::api::gone(&row))
        }
    }
}

#[derive(Page)]
#[template(path = "gallery.html")]
struct GalleryPage {
    l: Locale,
    tiles: Vec<Tile>,
    next: String,
    template: String,
}

pub(super) async fn gallery(
    State(state): State<AppState>,
    l: Locale,
    PageQuery(query): PageQuery<GalleryQuery>,
) -> Result<Html<String>, PageError> {
    let page = gallery_page(&state, &query, 24).await?;
    let template = query.template.clone().unwrap_or_default();
    let next = match page.next {
        Some(cursor) => {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("cursor", &cursor);
            if !template.is_empty() {
                q.append_pair("template", &template);
            }
            format!("/gallery?{}", q.finish())
        }
        None => String::new(),
    };
    html(GalleryPage {
        tiles: page.items.iter().map(|r| tile(&state, &l, r)).collect(),
        next,
        template,
        l,
    })
}

// ----- reports from supporters -----

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReportForm {
    reason: Option<String>,
}

pub(super) async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    PageForm(form): PageForm<ReportForm>,
) -> Result<Response, PageError> {
    let row = super::api::find_remix(&state, &id).await?;
    let client = crate::limits::client_key(state.client_ip(&headers, &extensions));
    state
        .check_limit(
            &format!("report:{client}"),
            state.limits.report,
            "You have sent many reports; thank you. Try again later.",
        )
        .await?;
    let reason = form.reason.as_deref().unwrap_or("");
    if state.remixer().refuses(reason) {
        return Err(PageError(AppError::new(
            Code::ReasonBlocked,
            "Your reason contains a phrase this campaign does not allow; please say it in other words.",
        )));
    }
    state.remixer().report(&row.id, reason).await?;
    Ok(Redirect::to(&format!("/m/{}?reported=1", row.id)).into_response())
}
