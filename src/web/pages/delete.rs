//! The maker's private delete link: a confirmation page, then the deletion.

use askama::Template as Page;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;
use crate::remix::DeleteLink;
use crate::web::AppState;
use crate::web::api::find_remix;
use crate::web::i18n::Locale;
use crate::web::problem::{PageError, html};

use super::alt_text;

#[derive(Page)]
#[template(path = "delete.html")]
pub(crate) struct DeletePage {
    l: Locale,
    title: String,
    deleted: bool,
    image: String,
    alt: String,
    width: u32,
    height: u32,
    action: String,
}

pub(crate) fn private(page: Html<String>) -> Response {
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
pub(crate) async fn delete_page(
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
pub(crate) async fn delete(
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
pub(crate) async fn opened(state: &AppState, id: &str, token: &str) -> Result<(), AppError> {
    match state.remixer().check_delete_token(id, token).await? {
        DeleteLink::Valid => Ok(()),
        DeleteLink::Unknown => Err(AppError::not_found("no such delete link")),
        DeleteLink::Gone => {
            let row = state
                .db()
                .get_remix(id)
                .await?
                .ok_or_else(|| AppError::not_found("no such delete link"))?;
            Err(crate::web::api::gone(&row))
        }
    }
}
