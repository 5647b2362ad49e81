//! The share page of a remix, its share buttons and what they count, and reports from supporters.

use std::sync::Arc;

use askama::Template as Page;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::{RemixRow, Status};
use crate::error::{AppError, Code};
use crate::remix::{DeleteLink, Event, Network};
use crate::web::AppState;
use crate::web::api::find_remix;
use crate::web::extract::{PageForm, PageQuery};
use crate::web::i18n::Locale;
use crate::web::problem::{PageError, html};
use axum_extra::extract::cookie::{Cookie, CookieJar};

use super::{MADE_COOKIE, alt_text, isolated, remix_srcset, shown_captions};

#[derive(Page)]
#[template(path = "share.html")]
pub(crate) struct SharePage {
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
pub(crate) struct ShareQuery {
    reported: Option<String>,
}

pub(crate) fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub(crate) async fn share(
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
    let delete_url = match made.filter(|t| !t.is_empty()) {
        Some(token) => maker_delete_url(&state, &row, &token).await?,
        None => String::new(),
    };
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
    let parent = live_parent(&state, &row).await;
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
        ready: if ready {
            ready_text(&l, row.status)
        } else {
            String::new()
        },
        delete_url,
        share_text: format!("{} {page_url}", l.t1("share-text", "title", &title)),
        made: if ready {
            made_json(&row)
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

/// The maker's private delete link, if the token their browser carried is this remix's.
async fn maker_delete_url(
    state: &AppState,
    row: &RemixRow,
    token: &str,
) -> Result<String, AppError> {
    let link = state
        .remixer()
        .check_delete_token(row.id.as_str(), token)
        .await?;
    Ok(match link {
        DeleteLink::Valid => format!("{}/d/{}/{token}", state.public_url(), row.id),
        DeleteLink::Unknown | DeleteLink::Gone => String::new(),
    })
}

/// The remix this one was made from, linked only while it is there to see: one its maker
/// deleted or the campaign removed would be a link to a dead end. An optional link: if it
/// cannot be looked up now, the page goes out without it.
async fn live_parent(state: &AppState, row: &RemixRow) -> String {
    let Some(id) = &row.parent else {
        return String::new();
    };
    let found = state
        .remixer()
        .remix(id.as_str())
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "a share page goes out without its parent's link");
            None
        });
    match found {
        Some(p) if p.status != Status::Removed && !p.blob_key.is_empty() => id.to_string(),
        _ => String::new(),
    }
}

/// What its maker is told right after making it: whether and when the gallery shows it.
fn ready_text(l: &Locale, status: Status) -> String {
    match status {
        Status::New => l.t("share-ready-waiting"),
        Status::Approved | Status::Featured => l.t("share-ready-in-gallery"),
        _ => l.t("share-ready-unlisted"),
    }
}

/// The captions and style it was made with, for the page's script to keep (its maker's
/// "your pictures" and the preview they saw).
fn made_json(row: &RemixRow) -> String {
    let text = |v: Option<String>| v.unwrap_or_default();
    serde_json::json!({
        "template": row.template,
        "captions": row.captions.iter().map(|c| c.trim()).collect::<Vec<_>>(),
        "color": text(row.style.color.map(|c| c.to_string())),
        "outline": text(row.style.outline.map(|o| o.to_string())),
        "font": text(row.style.font.map(|f| f.to_string())),
    })
    .to_string()
}

/// What a remix is called where it is shared: its captions, or its photo's title (in the
/// page's language).
pub(crate) fn share_title(state: &AppState, l: &Locale, row: &RemixRow) -> String {
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
pub(crate) fn count_visit(
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
pub(crate) fn network_url(
    state: &AppState,
    l: &Locale,
    row: &RemixRow,
    network: Network,
) -> String {
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
pub(crate) async fn share_on(
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
pub(crate) async fn copied(
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
pub(crate) fn from_own_page(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site == "same-origin";
    }
    let ours = url::Url::parse(public_url).map(|u| u.origin().ascii_serialization());
    headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|origin| ours.is_ok_and(|ours| ours == origin))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReportForm {
    reason: Option<String>,
}

pub(crate) async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    PageForm(form): PageForm<ReportForm>,
) -> Result<Response, PageError> {
    let row = crate::web::api::find_remix(&state, &id).await?;
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
