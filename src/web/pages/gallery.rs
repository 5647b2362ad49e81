//! The curated gallery: featured remixes first, then approved ones, newest first.

use askama::Template as Page;
use axum::extract::State;
use axum::response::Html;

use crate::web::AppState;
use crate::web::api::{GalleryQuery, gallery_page};
use crate::web::extract::PageQuery;
use crate::web::i18n::Locale;
use crate::web::problem::{PageError, html};

use super::{Tile, tile};

#[derive(Page)]
#[template(path = "gallery.html")]
pub(crate) struct GalleryPage {
    l: Locale,
    tiles: Vec<Tile>,
    next: String,
    template: String,
}

pub(crate) async fn gallery(
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
