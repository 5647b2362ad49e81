//! The caption blocklist: phrases the campaign holds or refuses.

use askama::Template as Page;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiStaff, StaffForm, StaffUser, csrf_form, html, record};
use crate::error::{AppError, ErrorBody};
use crate::staff::{self, Session};
use crate::web::AppState;
use crate::web::extract::JsonBody;
use crate::web::i18n::Locale;
use crate::web::openapi::JsonRefusals;
use crate::web::pages::PageError;

#[derive(Page)]
#[template(path = "staff_blocklist.html")]
struct BlocklistPage {
    l: Locale,
    staff: String,
    csrf: String,
    phrases: Vec<String>,
    error: String,
}

pub(super) async fn blocklist_page(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
) -> Result<Html<String>, PageError> {
    page(&state, l, session, String::new()).await
}

/// The blocklist page, with why the last phrase was refused if it was.
async fn page(
    state: &AppState,
    l: Locale,
    session: Session,
    error: String,
) -> Result<Html<String>, PageError> {
    let phrases = staff::blocked_phrases(state.db()).await?;
    html(BlocklistPage {
        l,
        staff: session.staff,
        csrf: session.csrf,
        phrases,
        error,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct PhraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phrase: String,
}

csrf_form!(PhraseForm);

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
    l: Locale,
    StaffForm(session, form): StaffForm<PhraseForm>,
) -> Result<Response, PageError> {
    match block(&state, &session.staff, &form.phrase).await {
        Ok(_) => {}
        // Ours: the error page, and the cause in the log.
        Err(e) if e.status.is_server_error() => return Err(e.into()),
        Err(e) => {
            let message = l.error(&e);
            let page = page(&state, l, session, message).await?;
            return Ok((e.status, page).into_response());
        }
    }
    Ok(Redirect::to("/staff/blocklist").into_response())
}

pub(super) async fn unblock_form(
    State(state): State<AppState>,
    StaffForm(session, form): StaffForm<PhraseForm>,
) -> Result<Response, PageError> {
    unblock(&state, &session.staff, &form.phrase).await?;
    Ok(Redirect::to("/staff/blocklist").into_response())
}

/// The blocked phrases.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Phrases {
    /// Each as stored (trimmed, NFC, lowercase).
    phrases: Vec<String>,
}

/// The blocked phrases.
#[utoipa::path(get, path = "/api/staff/blocklist",
    responses((status = 200, description = "The blocklist", body = Phrases)))]
pub(crate) async fn api_blocklist(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
) -> Result<Json<Phrases>, AppError> {
    let phrases = staff::blocked_phrases(state.db()).await?;
    Ok(Json(Phrases { phrases }))
}

/// A phrase to block or unblock.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhraseBody {
    /// The phrase, in any script, with at least one word.
    #[schema(min_length = 1, max_length = 100)]
    phrase: String,
}

/// A phrase as stored, or as removed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PhraseAnswer {
    /// The phrase added, as stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    phrase: Option<String>,
    /// The phrase removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    removed: Option<String>,
}

/// Blocks a phrase.
#[utoipa::path(post, path = "/api/staff/blocklist",
    request_body = PhraseBody,
    responses(
        (status = 201, description = "Blocked, as stored", body = PhraseAnswer),
        JsonRefusals,
    ))]
pub(crate) async fn api_block(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    JsonBody(body): JsonBody<PhraseBody>,
) -> Result<Response, AppError> {
    let stored = block(&state, &staff, &body.phrase).await?;
    let answer = PhraseAnswer {
        phrase: Some(stored),
        removed: None,
    };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// Unblocks a phrase.
#[utoipa::path(post, path = "/api/staff/blocklist/remove",
    request_body = PhraseBody,
    responses(
        (status = 200, description = "Removed", body = PhraseAnswer),
        JsonRefusals,
        (status = 404, description = "Not on the blocklist", body = ErrorBody),
    ))]
pub(crate) async fn api_unblock(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    JsonBody(body): JsonBody<PhraseBody>,
) -> Result<Json<PhraseAnswer>, AppError> {
    if !unblock(&state, &staff, &body.phrase).await? {
        return Err(AppError::not_found(format!(
            "{:?} is not on the blocklist",
            body.phrase
        )));
    }
    Ok(Json(PhraseAnswer {
        phrase: None,
        removed: Some(body.phrase),
    }))
}
