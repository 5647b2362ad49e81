//! A photo's remix form: a field per text box, style choices, the live preview; and what sending it does.

use std::sync::Arc;

use askama::Template as Page;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::areas::Area;
use crate::error::{AppError, Code};
use crate::remix::{Created, RemixRequest, Source};
use crate::render::Template;
use crate::render::color::PALETTE;
use crate::web::AppState;
use crate::web::admission::WebAdmission;
use crate::web::api::find_remix;
use crate::web::extract::{PageForm, PageQuery};
use crate::web::i18n::Lang;
use crate::web::i18n::Locale;
use crate::web::images::StyleFields;
use crate::web::images::{PHOTO_WIDTHS, PREVIEW_WIDTH};
use crate::web::problem::{PageError, html, refused_form};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::MADE_COOKIE;

/// One caption field of the form.
pub(crate) struct Field {
    label: String,
    value: String,
}

/// A choice in a select.
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

/// The choices of a select: each value with its label, message `{prefix}-{value}`
/// (`{prefix}-default` for the empty value).
pub(crate) fn choices(l: &Locale, prefix: &str, values: &[&str], current: &str) -> Vec<Choice> {
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
pub(crate) struct FormPage {
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
pub(crate) fn draft(t: &Template, photo: Option<String>) -> String {
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
pub(crate) struct FormQuery {
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
pub(crate) fn area_choices(l: &Locale, areas: &[Area], current: Option<&str>) -> Vec<Choice> {
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

pub(crate) fn form_page(
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

pub(crate) fn find_template(state: &AppState, id: &str) -> Result<Arc<Template>, AppError> {
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

pub(crate) async fn form(
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

pub(crate) async fn submit(
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
    let refused = match attempt.await {
        Ok(made) => return Ok(to_share_page(&state, &made, json)),
        Err(e) => e,
    };
    // The form again, as typed, with the reason.
    let areas = match json || !refused.status.is_client_error() {
        true => Vec::new(),
        false => state.db().list_areas(false).await.map_err(AppError::from)?,
    };
    refused_form(l, refused, json, |l, message| {
        html(form_page(l, template, &form, message, &areas))
    })
}

/// Whether a form was sent by the page's own script, which asks for JSON to follow the
/// upload's progress and keep the form on a failure.
pub(crate) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// The way from a form to the share page of what it made: a `303` for a plain form, or
/// for the page's script (`Accept: application/json`) `{"location", "created"}` with 201
/// or 200. Either way a cookie for that page alone tells it, once, that its maker has just
/// made it ("ready"), carrying a new remix's private delete link.
pub(crate) fn to_share_page(state: &AppState, made: &Created, json: bool) -> Response {
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
