//! The caption blocklist: phrases the campaign holds or refuses.

use askama::Template as Page;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiStaff, StaffUser, check_csrf, html, record};
use crate::error::AppError;
use crate::staff;
use crate::web::AppState;
use crate::web::extract::{JsonBody, PageForm};
use crate::web::pages::PageError;

#[derive(Page)]
#[template(path = "staff_blocklist.html")]
struct BlocklistPage {
    staff: String,
    csrf: String,
    phrases: Vec<String>,
    error: String,
}

pub(super) async fn blocklist_page(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
) -> Result<Html<String>, PageError> {
    let phrases = staff::blocked_phrases(state.db()).await?;
    html(BlocklistPage {
        staff: session.staff,
        csrf: session.csrf,
        phrases,
        error: String::new(),
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct PhraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phrase: String,
}

async fn block(state: &AppState, staff: &str, phrase: &str) -> Result<String, AppError> {
    let stored = staff::block_phrase(state.db(), staff, phrase).await?;
    state.remixer().reload_blocklist().await?;
    record(state, staff, "blocklist.add", &stored, "").await?;
    Ok(stored)
}

async fn unblock(state: &AppState, staff: &str, phrase: &str) -> Result<bool, AppError> {
    let removed = staff::unblock_phrase(state.db(), phrase).await?;
    state.remixer().reload_blocklist().await?;
    if removed {
        record(state, staff, "blocklist.remove", phrase, "").await?;
    }
    Ok(removed)
}

pub(super) async fn block_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    PageForm(form): PageForm<PhraseForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    if let Err(e) = block(&state, &session.staff, &form.phrase).await {
        let phrases = staff::blocked_phrases(state.db()).await?;
        let page = html(BlocklistPage {
            staff: session.staff,
            csrf: session.csrf,
            phrases,
            error: e.message.clone(),
        })?;
        return Ok((e.status, page).into_response());
    }
    Ok(Redirect::to("/staff/blocklist").into_response())
}

pub(super) async fn unblock_form(
    State(state): State<AppState>,
    StaffUser(session): StaffUser,
    PageForm(form): PageForm<PhraseForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &form.csrf)?;
    unblock(&state, &session.staff, &form.phrase).await?;
    Ok(Redirect::to("/staff/blocklist").into_response())
}

pub(super) async fn api_blocklist(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
) -> Result<Json<Value>, AppError> {
    let phrases = staff::blocked_phrases(state.db()).await?;
    Ok(Json(json!({"phrases": phrases})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PhraseBody {
    phrase: String,
}

pub(super) async fn api_block(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    JsonBody(body): JsonBody<PhraseBody>,
) -> Result<Response, AppError> {
    let stored = block(&state, &staff, &body.phrase).await?;
    Ok((StatusCode::CREATED, Json(json!({"phrase": stored}))).into_response())
}

pub(super) async fn api_unblock(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    JsonBody(body): JsonBody<PhraseBody>,
) -> Result<Json<Value>, AppError> {
    if !unblock(&state, &staff, &body.phrase).await? {
        return Err(AppError::not_found(format!(
            "{:?} is not on the blocklist",
            body.phrase
        )));
    }
    Ok(Json(json!({"removed": body.phrase})))
}
