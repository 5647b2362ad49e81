//! API tokens for scripts: created, listed and revoked by staff.

use askama::Template as Page;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiStaff, CsrfForm, StaffForm, StaffUser, record};
use crate::error::{AppError, ErrorBody};
use crate::staff::{self, Session};
use crate::web::AppState;
use crate::web::i18n::Locale;
use crate::web::problem::PageError;
use crate::web::problem::html;

#[derive(Page)]
#[template(path = "staff_tokens.html")]
struct TokensPage {
    l: Locale,
    staff: String,
    csrf: String,
    tokens: Vec<staff::TokenInfo>,
    created: String,
}

pub(super) async fn tokens_page(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
) -> Result<Html<String>, PageError> {
    page(&state, l, session, String::new()).await
}

/// The tokens page, showing a secret just created once.
async fn page(
    state: &AppState,
    l: Locale,
    session: Session,
    created: String,
) -> Result<Html<String>, PageError> {
    let tokens = staff::list_tokens(state.db()).await?;
    html(TokensPage {
        l,
        staff: session.staff,
        csrf: session.csrf,
        tokens,
        created,
    })
}

pub(super) async fn create_token_form(
    State(state): State<AppState>,
    l: Locale,
    StaffForm(session, _): StaffForm<CsrfForm>,
) -> Result<Html<String>, PageError> {
    let (secret, info) = staff::create_token(state.db(), &session.staff).await?;
    record(&state, &session.staff, "token.create", &info.id, "").await?;
    page(&state, l, session, secret).await
}

pub(super) async fn revoke_token_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm(session, _): StaffForm<CsrfForm>,
) -> Result<Response, PageError> {
    if staff::revoke_token(state.db(), &id).await? {
        record(&state, &session.staff, "token.revoke", &id, "").await?;
    }
    Ok(Redirect::to("/staff/tokens").into_response())
}

/// A token, when made or revoked.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenAnswer {
    /// Its id, to revoke it by.
    id: String,
    /// The secret, shown this once (creation only).
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    /// Whether it is revoked (revocation only).
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked: Option<bool>,
}

/// Makes a token for the caller's account; the secret is shown once.
#[utoipa::path(post, path = "/api/staff/tokens",
    responses((status = 201, description = "The new token", body = TokenAnswer)))]
pub(crate) async fn api_create_token(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> Result<Response, AppError> {
    let (secret, info) = staff::create_token(state.db(), &staff).await?;
    record(&state, &staff, "token.create", &info.id, "").await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenAnswer {
            id: info.id,
            token: Some(secret),
            revoked: None,
        }),
    )
        .into_response())
}

/// Revokes a token: it stops working at once, on every node.
#[utoipa::path(post, path = "/api/staff/tokens/{id}/revoke",
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 200, description = "Revoked", body = TokenAnswer),
        (status = 404, description = "No live token with that id", body = ErrorBody),
    ))]
pub(crate) async fn api_revoke_token(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<TokenAnswer>, AppError> {
    if !staff::revoke_token(state.db(), &id).await? {
        return Err(AppError::not_found(format!("no live token {id:?}")));
    }
    record(&state, &staff, "token.revoke", &id, "").await?;
    Ok(Json(TokenAnswer {
        id,
        token: None,
        revoked: Some(true),
    }))
}
