//! The campaign's areas: add, rename, retire; import and export as CSV.

use askama::Template as Page;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiStaff, StaffForm, StaffUser, check_csrf, csrf_form, record};
use crate::areas::{self, Area};
use crate::error::{AppError, Code, ErrorBody};
use crate::staff::Session;
use crate::web::AppState;
use crate::web::extract::JsonBody;
use crate::web::i18n::Locale;
use crate::web::problem::JsonRefusals;
use crate::web::problem::PageError;
use crate::web::problem::html;

#[derive(Page)]
#[template(path = "staff_areas.html")]
struct AreasPage {
    l: Locale,
    staff: String,
    csrf: String,
    areas: Vec<Area>,
    /// The cities and districts a new constituency may be in.
    cities: Vec<Area>,
    error: String,
}

async fn page(
    state: &AppState,
    l: Locale,
    session: Session,
    error: String,
) -> Result<Html<String>, PageError> {
    let areas = state.db().list_areas(true).await?;
    let cities = areas
        .iter()
        .filter(|a| a.parent.is_empty() && !a.retired)
        .cloned()
        .collect();
    html(AreasPage {
        l,
        staff: session.staff,
        csrf: session.csrf,
        areas,
        cities,
        error,
    })
}

pub(super) async fn areas_page(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
) -> Result<Html<String>, PageError> {
    page(&state, l, session, String::new()).await
}

/// The page again with the reason, for a refusal; the error page for our own failure.
async fn refused(
    state: &AppState,
    l: Locale,
    session: Session,
    e: AppError,
) -> Result<Response, PageError> {
    if e.status.is_server_error() {
        return Err(e.into());
    }
    let message = l.error(&e);
    let page = page(state, l, session, message).await?;
    Ok((e.status, page).into_response())
}

fn invalid(why: String) -> AppError {
    AppError::new(Code::Invalid, why)
}

/// An area to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewArea {
    /// Its id (made from the English name when left out).
    #[serde(default)]
    #[schema(pattern = "^([a-z0-9][a-z0-9-]{0,39})?$")]
    id: String,
    /// Its name in English.
    #[schema(min_length = 1, max_length = 80)]
    name_en: String,
    /// Its name in Urdu.
    #[schema(min_length = 1, max_length = 80)]
    name_ur: String,
    /// For a constituency, the id of the city or district it is in.
    #[serde(default)]
    #[schema(pattern = "^([a-z0-9][a-z0-9-]{0,39})?$")]
    parent: String,
    #[serde(default)]
    #[schema(ignore)]
    csrf: String,
}

csrf_form!(NewArea);

/// Refuses a parent that is not a city or district on the list, or an area with
/// constituencies made into one.
async fn check_parent(state: &AppState, area: &Area) -> Result<(), AppError> {
    let known = state.db().list_areas(true).await?;
    areas::check_parent(area, std::slice::from_ref(area), &known).map_err(invalid)
}

async fn add(state: &AppState, staff: &str, new: &NewArea) -> Result<Area, AppError> {
    let (name_en, name_ur) = areas::check_names(&new.name_en, &new.name_ur).map_err(invalid)?;
    let id = match new.id.trim() {
        "" => areas::id_for(&name_en),
        id => id.to_owned(),
    };
    if !areas::valid_id(&id) {
        return Err(invalid(format!(
            "id {id:?} must be 1 to 40 of a-z, 0-9 and '-', not starting with '-'"
        )));
    }
    let area = Area {
        id,
        name_en,
        name_ur,
        retired: false,
        parent: new.parent.trim().to_owned(),
    };
    check_parent(state, &area).await?;
    if !state.db().add_area(&area).await? {
        return Err(AppError::new(
            Code::AreaExists,
            format!("an area {:?} already exists; rename that one", area.id),
        ));
    }
    record(state, staff, "area.add", &area.id, &area.name_en).await?;
    Ok(area)
}

/// An area's names and whether it is retired.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AreaChange {
    /// Its name in English.
    #[schema(min_length = 1, max_length = 80)]
    name_en: String,
    /// Its name in Urdu.
    #[schema(min_length = 1, max_length = 80)]
    name_ur: String,
    /// Retired: no longer offered to supporters.
    #[serde(default)]
    retired: bool,
    /// For a constituency, the city or district it is in ('' for none); left out, it
    /// stays as it is.
    #[serde(default)]
    #[schema(pattern = "^([a-z0-9][a-z0-9-]{0,39})?$")]
    parent: Option<String>,
}

/// The same from the staff page, where `retired` is a checkbox (`on`, or absent).
#[derive(Debug, Deserialize)]
pub(super) struct AreaChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    name_ur: String,
    retired: Option<String>,
}

csrf_form!(AreaChangeForm);

async fn change(
    state: &AppState,
    staff: &str,
    id: &str,
    change: &AreaChange,
) -> Result<Area, AppError> {
    let (name_en, name_ur) =
        areas::check_names(&change.name_en, &change.name_ur).map_err(invalid)?;
    let Some(now) = state.db().get_area(id).await? else {
        return Err(AppError::not_found(format!("no area {id:?}")));
    };
    let area = Area {
        id: id.to_owned(),
        name_en,
        name_ur,
        retired: change.retired,
        parent: change
            .parent
            .as_deref()
            .map_or(now.parent, |p| p.trim().to_owned()),
    };
    check_parent(state, &area).await?;
    if !state.db().change_area(&area).await? {
        return Err(AppError::not_found(format!("no area {id:?}")));
    }
    let detail = format!(
        "{} / {}{}",
        area.name_en,
        area.name_ur,
        if area.retired { " (retired)" } else { "" }
    );
    record(state, staff, "area.change", id, &detail).await?;
    Ok(area)
}

/// Imports a CSV: every bad row named, and then nothing imported.
async fn import(state: &AppState, staff: &str, text: &str) -> Result<usize, AppError> {
    let known = state.db().list_areas(true).await?;
    let areas = areas::read_csv(text, &known).map_err(|bad| {
        let rows: Vec<String> = bad.iter().map(ToString::to_string).collect();
        AppError::new(
            Code::BadRows,
            format!(
                "nothing was imported; {} bad row(s): {}",
                bad.len(),
                rows.join("; ")
            ),
        )
        .with_arg("rows", rows.join("; "))
    })?;
    state.db().put_areas(&areas).await?;
    record(
        state,
        staff,
        "area.import",
        "",
        &format!("{} rows", areas.len()),
    )
    .await?;
    Ok(areas.len())
}

pub(super) async fn add_form(
    State(state): State<AppState>,
    l: Locale,
    StaffForm(session, form): StaffForm<NewArea>,
) -> Result<Response, PageError> {
    match add(&state, &session.staff, &form).await {
        Ok(_) => Ok(Redirect::to("/staff/areas").into_response()),
        Err(e) => refused(&state, l, session, e).await,
    }
}

pub(super) async fn change_form(
    State(state): State<AppState>,
    l: Locale,
    Path(id): Path<String>,
    StaffForm(session, form): StaffForm<AreaChangeForm>,
) -> Result<Response, PageError> {
    let form = AreaChange {
        name_en: form.name_en,
        name_ur: form.name_ur,
        retired: form.retired.is_some(),
        parent: None,
    };
    match change(&state, &session.staff, &id, &form).await {
        Ok(_) => Ok(Redirect::to("/staff/areas").into_response()),
        Err(e) => refused(&state, l, session, e).await,
    }
}

pub(super) async fn import_form(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let (mut csrf, mut text) = (String::new(), String::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::new(Code::BadUpload, e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let data = field
            .bytes()
            .await
            .map_err(|e| AppError::new(Code::BadUpload, e.body_text()))?;
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&data).into_owned(),
            "csv" => text = csv_text(&data)?,
            _ => {}
        }
    }
    check_csrf(&session, &csrf)?;
    match import(&state, &session.staff, &text).await {
        Ok(_) => Ok(Redirect::to("/staff/areas").into_response()),
        Err(e) => refused(&state, l, session, e).await,
    }
}

/// A CSV file's text: UTF-8 (with or without a byte-order mark), as spreadsheets save it.
fn csv_text(data: &[u8]) -> Result<String, AppError> {
    String::from_utf8(data.to_vec()).map_err(|_| {
        AppError::new(
            Code::BadRows,
            "the file is not UTF-8 text; save the CSV as UTF-8",
        )
    })
}

fn csv_answer(areas: &[Area]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"jalsa-areas.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        areas::to_csv(areas),
    )
        .into_response()
}

pub(super) async fn export(
    State(state): State<AppState>,
    StaffUser(_): StaffUser,
) -> Result<Response, PageError> {
    Ok(csv_answer(&state.db().list_areas(true).await?))
}

/// Every area, retired ones too.
#[utoipa::path(get, path = "/api/staff/areas",
    responses((status = 200, description = "The areas", body = [Area])))]
pub(crate) async fn api_areas(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
) -> Result<Json<Vec<Area>>, AppError> {
    Ok(Json(state.db().list_areas(true).await?))
}

/// Adds an area.
#[utoipa::path(post, path = "/api/staff/areas", request_body = NewArea,
    responses(
        (status = 201, description = "Added", body = Area),
        (status = 409, description = "The id is taken", body = ErrorBody),
        JsonRefusals,
    ))]
pub(crate) async fn api_add(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    JsonBody(body): JsonBody<NewArea>,
) -> Result<Response, AppError> {
    let area = add(&state, &staff, &body).await?;
    Ok((StatusCode::CREATED, Json(area)).into_response())
}

/// Renames an area, retires or restores it, or moves a constituency to another city.
#[utoipa::path(post, path = "/api/staff/areas/{id}", request_body = AreaChange,
    params(("id" = String, Path, description = "The area id")),
    responses(
        (status = 200, description = "Changed", body = Area),
        (status = 404, description = "No such area", body = ErrorBody),
        JsonRefusals,
    ))]
pub(crate) async fn api_change(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AreaChange>,
) -> Result<Json<Area>, AppError> {
    Ok(Json(change(&state, &staff, &id, &body).await?))
}

/// How many areas an import added or changed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Imported {
    /// Rows imported.
    imported: usize,
}

/// Imports areas from a CSV body (`id,name_en,name_ur[,retired][,parent]`, a header
/// first; `parent` is a constituency's city or district): each row adds an area or
/// changes it. Any bad row, and nothing is imported; each is named.
#[utoipa::path(post, path = "/api/staff/areas/import",
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, description = "Imported", body = Imported),
        (status = 422, description = "Bad rows, each named by its line; nothing imported", body = ErrorBody),
    ))]
pub(crate) async fn api_import(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    body: Bytes,
) -> Result<Json<Imported>, AppError> {
    let imported = import(&state, &staff, &csv_text(&body)?).await?;
    Ok(Json(Imported { imported }))
}

/// Every area as CSV, as the import reads it.
#[utoipa::path(get, path = "/api/staff/areas.csv",
    responses((status = 200, description = "The areas", content_type = "text/csv", body = String)))]
pub(crate) async fn api_export(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
) -> Result<Response, AppError> {
    Ok(csv_answer(&state.db().list_areas(true).await?))
}
