//! The home page: the campaign's photos and frames to remix, and a strip of featured remixes.

use askama::Template as Page;
use axum::extract::State;
use axum::response::Html;

use crate::db::Status;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::i18n::Locale;
use crate::web::problem::{PageError, html};

use super::{PhotoTile, Tile, photo_tile, tile};

#[derive(Page)]
#[template(path = "home.html")]
pub(crate) struct Home {
    l: Locale,
    templates: Vec<PhotoTile>,
    frames: Vec<PhotoTile>,
    featured: Vec<Tile>,
}

pub(crate) async fn home(
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
