//! The caption blocklist: phrases the campaign holds or refuses.

use askama::Template as Page;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiStaff, StaffForm, StaffUser, csrf_form, record};
use crate::error::{AppError, ErrorBody};
use crate::remix::BlockAction;
use crate::staff::{self, Entry, Session};
use crate::web::AppState;
use crate::web::extract::JsonBody;
use crate::web::i18n::Locale;
use crate::web::problem::JsonRefusals;
use crate::web::problem::PageError;
use crate::web::problem::html;

#[derive(Page)]
#[template(path = "staff_blocklist.html")]
struct BlocklistPage {
    l: Locale,
    staff: String,
    csrf: String,
    entries: Vec<Entry>,
    error: String,
    /// Whether blocked captions are refused (else held for review).
    refuse: bool,
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
    let entries = staff::blocklist(state.db()).await?;
    html(BlocklistPage {
        l,
        staff: session.staff,
        csrf: session.csrf,
        entries,
        error,
        refuse: state.remixer().block_action() == BlockAction::Refuse,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct PhraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phrase: String,
    /// Spelling variants, separated by commas (English or Urdu).
    #[serde(default)]
    variants: String,
}

csrf_form!(PhraseForm);

async fn block(
    state: &AppState,
    staff: &str,
    phrase: &str,
    variants: &[String],
) -> Result<Entry, AppError> {
    let stored = staff::block_phrase(state.db(), staff, phrase, variants).await?;
    state.remixer().reload_blocklist().await?;
    let detail = stored.variants.join(", ");
    record(state, staff, "blocklist.add", &stored.phrase, &detail).await?;
    Ok(stored)
}

async fn unblock(state: &AppState, staff: &str, phrase: &str) -> Result<bool, AppError> {
    if phrase.trim().is_empty() {
        return Err(AppError::new(
            crate::error::Code::Invalid,
            "phrase: name the blocked phrase or variant to remove",
        ));
    }
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
    let variants: Vec<String> = form
        .variants
        .split([',', '،'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    match block(&state, &session.staff, &form.phrase, &variants).await {
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

/// A blocked phrase and its spelling variants.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EntryView {
    /// The phrase, as stored (trimmed, NFC, lowercase).
    phrase: String,
    /// Other spellings of it, matched as the phrase is.
    variants: Vec<String>,
}

impl From<Entry> for EntryView {
    fn from(e: Entry) -> EntryView {
        EntryView {
            phrase: e.phrase,
            variants: e.variants,
        }
    }
}

/// The blocked phrases.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Phrases {
    /// Each phrase as stored (trimmed, NFC, lowercase).
    phrases: Vec<String>,
    /// Each phrase with its spelling variants.
    entries: Vec<EntryView>,
}

/// The blocked phrases.
#[utoipa::path(get, path = "/api/staff/blocklist",
    responses((status = 200, description = "The blocklist", body = Phrases)))]
pub(crate) async fn api_blocklist(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
) -> Result<Json<Phrases>, AppError> {
    let entries = staff::blocklist(state.db()).await?;
    Ok(Json(Phrases {
        phrases: entries.iter().map(|e| e.phrase.clone()).collect(),
        entries: entries.into_iter().map(EntryView::from).collect(),
    }))
}

/// A phrase to block or unblock.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhraseBody {
    /// The phrase, in any script, with at least one word; to unblock, a phrase (with its
    /// variants) or one variant.
    #[schema(min_length = 1, max_length = 100)]
    phrase: String,
    /// Other spellings of the phrase to block with it (or to add to it, if it is blocked
    /// already), each matched as the phrase is. Ignored when unblocking.
    #[serde(default)]
    #[schema(max_items = 50)]
    variants: Vec<String>,
}

/// A phrase as stored, or as removed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PhraseAnswer {
    /// The phrase added, as stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    phrase: Option<String>,
    /// The variants added with it, as stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    variants: Option<Vec<String>>,
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
    let stored = block(&state, &staff, &body.phrase, &body.variants).await?;
    let answer = PhraseAnswer {
        phrase: Some(stored.phrase),
        variants: Some(stored.variants),
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
        variants: None,
        removed: Some(body.phrase),
    }))
}
