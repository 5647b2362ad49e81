//! The campaign's reach as figures: `GET /api/staff/reach`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiStaff;
use crate::db::{Db, DbError, Dim, Span, Sums, now_ms};
use crate::error::{AppError, Code};
use crate::remix::{HOUR_MS, Network};
use crate::web::AppState;
use crate::web::extract::ApiQuery;

/// `?remix=&from=&to=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReachQuery {
    /// One remix's figures instead of the campaign's.
    #[param(pattern = "^[0-9a-f]{16}$")]
    remix: Option<String>,
    /// The period's start, RFC 3339 (default: seven days before `to`).
    #[param(format = DateTime)]
    from: Option<String>,
    /// The period's end, RFC 3339 (default: now).
    #[param(format = DateTime)]
    to: Option<String>,
}

/// The counts of one row of figures. Every count but `remixes` and `children` is of
/// unique visitors per remix per UTC day: what one visitor (an address and a browser, at
/// most four per address) does to a remix counts once a day however often it is done,
/// and a period adds up its days (and its remixes). With several nodes a visitor may
/// count once on each.
#[derive(Debug, Default, Serialize, ToSchema)]
pub(crate) struct Counts {
    /// Remixes made (for one remix: remixes of it), every one.
    pub(super) remixes: i64,
    /// People who visited the share page: unique visitors per remix per day.
    pub(super) page_views: i64,
    /// People who saw the picture (or a narrower copy): unique visitors per remix per day.
    pub(super) picture_views: i64,
    /// Cards fetched by link-preview crawlers, previews shown somewhere: once per crawler
    /// address per remix per day.
    pub(super) previews: i64,
    /// Share-button clicks: unique visitors per remix per network per day, all networks.
    pub(super) shares: i64,
    /// Copy-link clicks, from our share page only: unique visitors per remix per day.
    pub(super) copies: i64,
    /// Downloads (the picture, the profile and status shapes): unique visitors per remix
    /// per day.
    pub(super) downloads: i64,
    /// "Remix this" children, every one made.
    pub(super) children: i64,
}

impl From<Sums> for Counts {
    fn from(s: Sums) -> Counts {
        Counts {
            remixes: s.made,
            page_views: s.page_views,
            picture_views: s.picture_views,
            previews: s.previews,
            shares: s.shares,
            copies: s.copies,
            downloads: s.downloads,
            children: s.children,
        }
    }
}

impl Counts {
    fn add(&mut self, metric: &str, n: i64) {
        match metric {
            "page_view" => self.page_views += n,
            "picture_view" => self.picture_views += n,
            "preview" => self.previews += n,
            "copy" => self.copies += n,
            "download" => self.downloads += n,
            "child" => self.children += n,
            "made" => self.remixes += n,
            m if m.starts_with("share:") => self.shares += n,
            _ => {}
        }
    }
}

/// A network: its share-button clicks and the visits that came from it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NetworkCounts {
    /// `facebook`, `x`, `whatsapp`, or another referring domain.
    pub(super) network: String,
    /// Share-button clicks (unique visitors per remix per day).
    pub(super) shares: i64,
    /// Share-page visits from a link on it (each visitor's first visit of the day to a
    /// remix, by the link it came by).
    pub(super) visits: i64,
}

/// Figures for a key (a template, an area, an hour).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct KeyedCounts {
    /// The template id, the area id ('' for none), or the hour (RFC 3339).
    pub(super) key: String,
    #[serde(flatten)]
    pub(super) counts: Counts,
}

/// The reach figures of a period: unique visitors per remix per day, added up over the
/// period's days (see the counts).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Reach {
    /// The period's start, RFC 3339.
    from: String,
    /// The period's end, RFC 3339.
    to: String,
    /// The remix these figures are of, if one.
    remix: Option<String>,
    #[serde(flatten)]
    pub(super) totals: Counts,
    /// Share-button clicks per network (unique visitors per remix per day).
    shares_by_network: BTreeMap<String, i64>,
    /// Per network: shares, and visits from links on it.
    pub(super) by_network: Vec<NetworkCounts>,
    /// Per template.
    pub(super) by_template: Vec<KeyedCounts>,
    /// Per area.
    pub(super) by_area: Vec<KeyedCounts>,
    /// Per constituency, for remixes made from one.
    pub(super) by_constituency: Vec<KeyedCounts>,
    /// Per hour, oldest first.
    pub(super) by_hour: Vec<KeyedCounts>,
    /// For one remix: everything remixed from it, generation by generation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) lineage: Option<Lineage>,
}

/// The most remixes a lineage lists.
const LINEAGE_LIMIT: u32 = 1000;

/// A remix's lineage: its children, their children, and on.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Lineage {
    /// Remixes made from it directly.
    pub(super) children: i64,
    /// Remixes made from it at any depth.
    pub(super) descendants: i64,
    /// How many generations deep the wave went (0: never remixed).
    pub(super) generations: i64,
    /// Each remix of the tree, by generation (at most 1,000): the remix itself first.
    pub(super) tree: Vec<LineageNode>,
}

/// A remix in a lineage.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LineageNode {
    /// Its id.
    pub(super) id: String,
    /// The remix it was made from ('' for the root of the tree asked about).
    pub(super) parent: String,
    /// Its generation: 0 for the remix asked about, 1 for its children, and on.
    pub(super) depth: i64,
}

/// A remix's lineage.
pub(super) async fn lineage(db: &Db, id: &str) -> Result<Lineage, DbError> {
    let rows = db.lineage(id, LINEAGE_LIMIT).await?;
    let mut tree: Vec<LineageNode> = rows
        .into_iter()
        .map(|(id, parent, depth)| LineageNode { id, parent, depth })
        .collect();
    if let Some(root) = tree.first_mut() {
        root.parent.clear();
    }
    Ok(Lineage {
        children: tree.iter().filter(|n| n.depth == 1).count() as i64,
        descendants: tree.len().saturating_sub(1) as i64,
        generations: tree.iter().map(|n| n.depth).max().unwrap_or(0),
        tree,
    })
}

pub(super) fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn parse_time(name: &str, text: &str) -> Result<i64, AppError> {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| {
            AppError::new(
                Code::BadQuery,
                format!("{name}: {text:?} is not an RFC 3339 time ({e})"),
            )
        })?;
    Ok((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// The network a referring domain belongs to, or the domain itself.
fn network_of(domain: &str) -> String {
    match domain {
        "facebook.com" | "fb.com" | "fb.me" | "messenger.com" => "facebook".into(),
        "t.co" | "x.com" | "twitter.com" => "x".into(),
        "wa.me" | "whatsapp.com" | "web.whatsapp.com" | "api.whatsapp.com" => "whatsapp".into(),
        other => other.into(),
    }
}

/// Whether figures give each hour (`by_hour`) or leave it empty (the dashboard draws its
/// own charts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Hours {
    /// Each hour of the period.
    Each,
    /// None.
    Skip,
}

/// A breakdown's rows, the busiest first.
fn keyed(map: BTreeMap<String, Counts>) -> Vec<KeyedCounts> {
    let mut rows: Vec<KeyedCounts> = map
        .into_iter()
        .map(|(key, counts)| KeyedCounts { key, counts })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.counts.remixes + r.counts.page_views));
    rows
}

/// Each network's (shares, visits), the busiest first.
fn network_rows(networks: BTreeMap<String, (i64, i64)>) -> Vec<NetworkCounts> {
    let mut rows: Vec<NetworkCounts> = networks
        .into_iter()
        .map(|(network, (shares, visits))| NetworkCounts {
            network,
            shares,
            visits,
        })
        .collect();
    rows.sort_by_key(|n| std::cmp::Reverse(n.shares + n.visits));
    rows
}

/// Gathers the figures: one remix's from its hourly rows; the campaign's from the rollups
/// (whole days from the daily ones, the hours at either end from the hourly ones), one
/// query per breakdown.
pub(super) async fn figures(
    db: &Db,
    remix: Option<&str>,
    from: i64,
    to: i64,
    hours: Hours,
) -> Result<Reach, DbError> {
    let mut totals = Counts::default();
    let mut shares_by_network: BTreeMap<String, i64> = Network::ALL
        .iter()
        .map(|n| (n.as_str().to_owned(), 0))
        .collect();
    let mut networks: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let (mut by_template, mut by_area, mut by_constituency) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut by_hour: BTreeMap<i64, Counts> = BTreeMap::new();
    let overall = match remix {
        Some(id) => {
            for (hour, metric, n) in db.reach_by_hour(id, from, to).await? {
                let counts = by_hour.entry(hour).or_default();
                counts.add(&metric, n);
                if metric == "child" {
                    counts.remixes += n;
                }
            }
            db.reach_totals(id, from, to).await?
        }
        None => {
            for (dim, into) in [
                (Dim::Template, &mut by_template),
                (Dim::Area, &mut by_area),
                (Dim::Constituency, &mut by_constituency),
            ] {
                for (key, sums) in db.rollup_sums(dim, from, to).await? {
                    into.insert(key, Counts::from(sums));
                }
            }
            if hours == Hours::Each {
                for (hour, sums) in db.rollup_series(Span::Hour, from, to).await? {
                    by_hour.insert(hour, Counts::from(sums));
                }
            }
            db.rollup_totals(Dim::All, from, to)
                .await?
                .into_iter()
                .map(|(_, metric, n)| (metric, n))
                .collect()
        }
    };
    for (metric, n) in overall {
        totals.add(&metric, n);
        if let Some(network) = metric.strip_prefix("share:") {
            *shares_by_network.entry(network.to_owned()).or_default() += n;
            networks.entry(network.to_owned()).or_default().0 += n;
        } else if let Some(domain) = metric.strip_prefix("ref:") {
            networks.entry(network_of(domain)).or_default().1 += n;
        }
    }
    if remix.is_some() {
        totals.remixes = totals.children;
    }
    // The constituency breakdown leaves out remixes without one.
    by_constituency.remove("");
    Ok(Reach {
        from: rfc3339(from),
        to: rfc3339(to),
        remix: remix.map(str::to_owned),
        totals,
        shares_by_network,
        by_network: network_rows(networks),
        by_template: keyed(by_template),
        by_area: keyed(by_area),
        by_constituency: keyed(by_constituency),
        lineage: match remix {
            Some(id) => Some(lineage(db, id).await?),
            None => None,
        },
        by_hour: by_hour
            .into_iter()
            .map(|(hour, counts)| KeyedCounts {
                key: rfc3339(hour),
                counts,
            })
            .collect(),
    })
}

/// The campaign's reach over a period (default: the last seven days), or one remix's:
/// remixes made, share-page visits, pictures seen, previews shown by link-preview
/// crawlers, share-button clicks per network, copies, downloads and "remix this"
/// children, broken down by network, template, area and hour. Visits, pictures seen,
/// previews, shares, copies and downloads are unique visitors per remix per day (one
/// client moves each by a handful at most), added up over the period's days; remixes and
/// children count every remix made. Counts reach the database within seconds of happening.
#[utoipa::path(get, path = "/api/staff/reach", params(ReachQuery),
    responses(
        (status = 200, description = "The figures: unique visitors per remix per day, added up over the period", body = Reach),
        (status = 400, description = "A time that is not RFC 3339, or a period that ends before it starts", body = crate::error::ErrorBody),
        (status = 404, description = "No such remix", body = crate::error::ErrorBody),
    ))]
pub(crate) async fn api_reach(
    State(state): State<AppState>,
    ApiStaff(_): ApiStaff,
    ApiQuery(query): ApiQuery<ReachQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Reach>, AppError> {
    // An empty value reads as none; say so rather than use the default.
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if value.is_empty() && matches!(name.as_ref(), "from" | "to" | "remix") {
            return Err(AppError::new(
                Code::BadQuery,
                format!("{name} is empty; leave it out for the default"),
            ));
        }
    }
    let to = match &query.to {
        Some(t) => parse_time("to", t)?,
        // The hour in progress counts.
        None => (now_ms().div_euclid(HOUR_MS) + 1) * HOUR_MS,
    };
    let from = match &query.from {
        Some(f) => parse_time("from", f)?,
        None => to - 7 * 24 * HOUR_MS,
    };
    if from >= to {
        return Err(AppError::new(Code::BadQuery, "from must come before to"));
    }
    if let Some(id) = &query.remix
        && (id.parse::<crate::remix::RemixId>().is_err()
            || state.remixer().remix(id).await?.is_none())
    {
        return Err(AppError::new(Code::NotFound, format!("no remix {id:?}")));
    }
    // The counts gathered here so far, so the figures include this node's last seconds.
    state.remixer().flush_counters().await?;
    Ok(Json(
        figures(state.db(), query.remix.as_deref(), from, to, Hours::Each).await?,
    ))
}
