//! The campaign's dashboard, `/staff/reach`: totals, charts per hour and per day drawn on
//! the server as SVG (plotters), breakdowns by network, template and area, the remixes
//! most seen, and every table as CSV.

use std::collections::BTreeMap;

use askama::Template as Page;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use plotters::prelude::*;
use serde::Deserialize;

use super::StaffUser;
use super::reach::{Counts, Hours, KeyedCounts, Reach, figures};
use crate::db::{Dim, Span, now_ms};
use crate::error::AppError;
use crate::remix::HOUR_MS;
use crate::web::AppState;
use crate::web::extract::PageQuery;
use crate::web::i18n::{Lang, Locale};
use crate::web::problem::PageError;
use crate::web::problem::html;

/// `?days=`: the period, ending now.
#[derive(Debug, Default, Deserialize)]
pub(super) struct DaysQuery {
    days: Option<u32>,
    /// One remix to show the reach and lineage of.
    remix: Option<String>,
}

/// One remix on the dashboard: its figures and its lineage.
struct OneRemix {
    id: String,
    totals: Vec<(String, String)>,
    descendants: String,
    generations: String,
    /// (id, depth) by generation.
    tree: Vec<(String, i64)>,
}

/// The periods offered.
const PERIODS: [u32; 4] = [1, 7, 30, 365];

fn days_of(query: &DaysQuery) -> u32 {
    query.days.filter(|d| PERIODS.contains(d)).unwrap_or(7)
}

/// A table row as shown: a label and its numbers.
struct Row {
    label: String,
    link: String,
    numbers: Vec<String>,
}

/// A table: its name (for its CSV), caption, headings and rows.
struct Table {
    name: &'static str,
    caption: String,
    headings: Vec<String>,
    rows: Vec<Row>,
}

#[derive(Page)]
#[template(path = "staff_reach.html")]
struct DashboardPage {
    l: Locale,
    staff: String,
    csrf: String,
    days: u32,
    periods: Vec<(u32, String, bool)>,
    totals: Vec<(String, String)>,
    /// What the figures count: unique visitors per remix per day.
    what_counts: String,
    hourly_chart: String,
    daily_chart: String,
    tables: Vec<Table>,
    remix: Option<OneRemix>,
    remix_error: String,
}

/// The headings and numbers of a breakdown row.
fn count_headings(l: &Locale) -> Vec<String> {
    [
        "reach-remixes",
        "reach-page-views",
        "reach-picture-views",
        "reach-previews",
        "reach-shares",
        "reach-downloads",
    ]
    .iter()
    .map(|id| l.t(id))
    .collect()
}

fn count_numbers(l: &Locale, c: &Counts) -> Vec<String> {
    [
        c.remixes,
        c.page_views,
        c.picture_views,
        c.previews,
        c.shares,
        c.downloads,
    ]
    .iter()
    .map(|n| l.number(*n))
    .collect()
}

/// Everything the page and its CSV files show, for `days` ending with this hour.
async fn tables(state: &AppState, l: &Locale, days: u32) -> Result<(Reach, Vec<Table>), AppError> {
    let to = (now_ms().div_euclid(HOUR_MS) + 1) * HOUR_MS;
    let from = to - i64::from(days) * 24 * HOUR_MS;
    let period = figures(state.db(), None, from, to, Hours::Skip).await?;
    let keyed = |rows: &[KeyedCounts], name_of: &dyn Fn(&str) -> (String, String)| {
        rows.iter()
            .map(|r| {
                let (label, link) = name_of(&r.key);
                Row {
                    label,
                    link,
                    numbers: count_numbers(l, &r.counts),
                }
            })
            .collect::<Vec<_>>()
    };
    let templates = |id: &str| {
        let title = state
            .remixer()
            .template(id)
            .map(|t| t.spec.title.clone())
            .unwrap_or_else(|| id.to_owned());
        (title, format!("/staff/templates/{id}"))
    };
    let areas: BTreeMap<String, (String, String)> = state
        .db()
        .list_areas(true)
        .await?
        .into_iter()
        .map(|a| (a.id, (a.name_en, a.name_ur)))
        .collect();
    let area_name = |id: &str| match areas.get(id) {
        Some((en, ur)) => (
            match l.lang {
                Lang::Ur => ur.clone(),
                Lang::En => en.clone(),
            },
            String::new(),
        ),
        None if id.is_empty() => (l.t("reach-no-area"), String::new()),
        None => (id.to_owned(), String::new()),
    };
    let mut tables = vec![
        Table {
            name: "networks",
            caption: l.t("reach-by-network"),
            headings: vec![l.t("reach-shares"), l.t("reach-visits")],
            rows: period
                .by_network
                .iter()
                .map(|n| Row {
                    label: n.network.clone(),
                    link: String::new(),
                    numbers: vec![l.number(n.shares), l.number(n.visits)],
                })
                .collect(),
        },
        Table {
            name: "templates",
            caption: l.t("reach-by-template"),
            headings: count_headings(l),
            rows: keyed(&period.by_template, &templates),
        },
        Table {
            name: "areas",
            caption: l.t("reach-by-area"),
            headings: count_headings(l),
            rows: keyed(&period.by_area, &area_name),
        },
        Table {
            name: "constituencies",
            caption: l.t("reach-by-constituency"),
            headings: count_headings(l),
            rows: keyed(&period.by_constituency, &area_name),
        },
    ];
    tables.push(hashtag_trends(state, l, &period, from, to).await?);
    tables.extend(most_seen(state, l, to).await?);
    Ok((period, tables))
}

/// Each photo's hashtags, and how far they travelled this period against the one before:
/// visits, previews and shares together.
async fn hashtag_trends(
    state: &AppState,
    l: &Locale,
    period: &Reach,
    from: i64,
    to: i64,
) -> Result<Table, AppError> {
    let before: BTreeMap<String, Counts> = state
        .db()
        .rollup_sums(Dim::Template, from - (to - from), from)
        .await?
        .into_iter()
        .map(|(key, sums)| (key, Counts::from(sums)))
        .collect();
    let seen = |c: &Counts| c.page_views + c.previews + c.shares;
    let now_of = |id: &str| {
        period
            .by_template
            .iter()
            .find(|r| r.key == id)
            .map_or(0, |r| seen(&r.counts))
    };
    let mut trends: Vec<(i64, Row)> = state
        .remixer()
        .templates()
        .iter()
        .filter(|t| !t.spec.hashtags.is_empty())
        .map(|t| {
            let (now, then) = (
                now_of(t.id.as_str()),
                before.get(t.id.as_str()).map_or(0, seen),
            );
            let change = match (now, then) {
                (0, 0) => "–".to_owned(),
                (_, 0) => l.t("reach-new"),
                (now, then) => format!("{:+}%", (now - then) * 100 / then),
            };
            let tags: Vec<String> = t.spec.hashtags.iter().map(|h| format!("#{h}")).collect();
            (
                now,
                Row {
                    label: format!("{} ({})", tags.join(" "), t.spec.title),
                    link: format!("/staff/templates/{}", t.id),
                    numbers: vec![l.number(now), l.number(then), change],
                },
            )
        })
        .collect();
    trends.sort_by_key(|(now, _)| std::cmp::Reverse(*now));
    Ok(Table {
        name: "hashtags",
        caption: l.t("reach-hashtags"),
        headings: vec![
            l.t("reach-this-period"),
            l.t("reach-period-before"),
            l.t("reach-change"),
        ],
        rows: trends.into_iter().map(|(_, row)| row).collect(),
    })
}

/// The most seen remixes of the last hour, day and week.
async fn most_seen(state: &AppState, l: &Locale, to: i64) -> Result<Vec<Table>, AppError> {
    let mut tables = Vec::new();
    for (name, caption, hours) in [
        ("top-hour", "reach-top-hour", 1),
        ("top-day", "reach-top-day", 24),
        ("top-week", "reach-top-week", 24 * 7),
    ] {
        let top = state.db().top_remixes(to - hours * HOUR_MS, to, 10).await?;
        tables.push(Table {
            name,
            caption: l.t(caption),
            headings: vec![l.t("reach-seen")],
            rows: top
                .into_iter()
                .map(|(id, seen)| Row {
                    link: format!("/m/{id}"),
                    label: id,
                    numbers: vec![l.number(seen)],
                })
                .collect(),
        });
    }
    Ok(tables)
}

/// A line of a chart: its name, its colour, and its points (time in Unix ms, count).
struct Series {
    name: String,
    colour: RGBColor,
    points: Vec<(i64, i64)>,
}

/// Which count a chart's line draws.
type Pick = fn(&Counts) -> i64;

/// A line chart of some counts over time, as SVG: one line per series, labelled, with a
/// legend; the points are (start of the hour or day in Unix ms, count).
fn chart(title: &str, series: &[Series], label_x: &dyn Fn(i64) -> String) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 300)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        let (x0, x1) = (xs.clone().min().unwrap_or(0), xs.max().unwrap_or(1).max(1));
        let y1 = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .max()
            .unwrap_or(0)
            .max(1);
        let built = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(x0..x1.max(x0 + 1), 0..y1 + y1 / 10 + 1);
        let Ok(mut chart) = built else {
            return String::new();
        };
        let _ = chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|x| label_x(*x))
            .draw();
        for Series {
            name,
            colour: color,
            points,
        } in series
        {
            let color = *color;
            if let Ok(drawn) = chart.draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            )) {
                drawn.label(name.as_str()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
            }
        }
        let _ = chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw();
        let _ = root.present();
    }
    // Named for screen readers; the tables below carry the same numbers.
    svg.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\" class=\"chart\" direction=\"ltr\" ",
            title.replace('"', "&quot;")
        ),
        1,
    )
}

const COLOURS: [RGBColor; 4] = [
    RGBColor(11, 106, 58),
    RGBColor(198, 40, 40),
    RGBColor(21, 101, 192),
    RGBColor(120, 80, 0),
];

/// The series the charts draw: remixes, page views, previews, shares.
fn series(l: &Locale, rows: &[(i64, Counts)]) -> Vec<Series> {
    let pick: [(&str, Pick); 4] = [
        ("reach-remixes", |c| c.remixes),
        ("reach-page-views", |c| c.page_views),
        ("reach-previews", |c| c.previews),
        ("reach-shares", |c| c.shares),
    ];
    pick.iter()
        .zip(COLOURS)
        .map(|((id, get), colour)| Series {
            name: l.t(id),
            colour,
            points: rows.iter().map(|(at, c)| (*at, get(c))).collect(),
        })
        .collect()
}

/// Every hour or day of `[from, to)` (`from` a span's start), with the counts of those that
/// had any, from the campaign's rollups.
async fn filled(
    state: &AppState,
    span: Span,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, Counts)>, AppError> {
    let mut by: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut at = from;
    while at < to {
        by.insert(at, Counts::default());
        at += span.ms();
    }
    for (at, sums) in state.db().rollup_series(span, from, to).await? {
        if let Some(c) = by.get_mut(&at) {
            *c = Counts::from(sums);
        }
    }
    Ok(by.into_iter().collect())
}

/// The totals as shown: each count's name and number.
fn totals_of(l: &Locale, t: &Counts) -> Vec<(String, String)> {
    [
        ("reach-remixes", t.remixes),
        ("reach-page-views", t.page_views),
        ("reach-picture-views", t.picture_views),
        ("reach-previews", t.previews),
        ("reach-shares", t.shares),
        ("reach-copies", t.copies),
        ("reach-downloads", t.downloads),
        ("reach-children", t.children),
    ]
    .iter()
    .map(|(id, n)| (l.t(id), l.number(*n)))
    .collect()
}

fn clock(ms: i64) -> String {
    super::reach::rfc3339(ms)
        .get(5..16)
        .unwrap_or_default()
        .replace('T', " ")
}

fn day(ms: i64) -> String {
    super::reach::rfc3339(ms)
        .get(5..10)
        .unwrap_or_default()
        .to_owned()
}

pub(super) async fn reach_page(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(session): StaffUser,
    PageQuery(query): PageQuery<DaysQuery>,
) -> Result<Html<String>, PageError> {
    let days = days_of(&query);
    // The counts gathered here so far, so the page includes this node's last seconds.
    state
        .remixer()
        .flush_counters()
        .await
        .map_err(AppError::from)?;
    let (period, tables) = tables(&state, &l, days).await?;
    let to = (now_ms().div_euclid(HOUR_MS) + 1) * HOUR_MS;
    let hourly = filled(&state, Span::Hour, to - 48 * HOUR_MS, to).await?;
    let from = to - i64::from(days) * 24 * HOUR_MS;
    let daily = filled(&state, Span::Day, Span::Day.start(from), to).await?;
    let (remix, remix_error) = match query.remix.as_deref().filter(|r| !r.is_empty()) {
        None => (None, String::new()),
        Some(id)
            if id.parse::<crate::remix::RemixId>().is_err()
                || state.remixer().remix(id).await?.is_none() =>
        {
            (None, l.t1("reach-no-remix", "id", id))
        }
        Some(id) => {
            let one = figures(state.db(), Some(id), from, to, Hours::Skip).await?;
            let lineage = match one.lineage {
                Some(lineage) => lineage,
                None => super::reach::lineage(state.db(), id).await?,
            };
            (
                Some(OneRemix {
                    id: id.to_owned(),
                    totals: totals_of(&l, &one.totals),
                    descendants: l.number(lineage.descendants),
                    generations: l.number(lineage.generations),
                    tree: lineage.tree.into_iter().map(|n| (n.id, n.depth)).collect(),
                }),
                String::new(),
            )
        }
    };
    let totals = totals_of(&l, &period.totals);
    html(DashboardPage {
        what_counts: l.t1("reach-what-counts", "most", crate::remix::AGENT_CLASSES),
        remix,
        remix_error,
        hourly_chart: chart(&l.t("reach-chart-hours"), &series(&l, &hourly), &clock),
        daily_chart: chart(&l.t("reach-chart-days"), &series(&l, &daily), &day),
        periods: PERIODS
            .iter()
            .map(|&d| {
                let label = match d {
                    1 => l.t("reach-one-day"),
                    d => l.t1("reach-days", "days", d),
                };
                (d, label, d == days)
            })
            .collect(),
        totals,
        tables,
        days,
        staff: session.staff,
        csrf: session.csrf,
        l,
    })
}

/// `/staff/reach/{table}.csv?days=`: a table of the dashboard as CSV.
pub(super) async fn reach_csv(
    State(state): State<AppState>,
    l: Locale,
    StaffUser(_): StaffUser,
    Path(file): Path<String>,
    PageQuery(query): PageQuery<DaysQuery>,
) -> Result<Response, PageError> {
    let days = days_of(&query);
    let name = file.strip_suffix(".csv").unwrap_or(&file);
    state
        .remixer()
        .flush_counters()
        .await
        .map_err(AppError::from)?;
    let (_, tables) = tables(&state, &l, days).await?;
    let table = tables
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| AppError::not_found(format!("no table {file:?}")))?;
    // Labels are names others chose (areas, photo titles): written so that a spreadsheet
    // shows them as text and never runs them.
    let mut csv = crate::spreadsheet::Csv::new();
    let mut heading = vec![String::new()];
    heading.extend(table.headings.iter().cloned());
    csv.row(&heading);
    for row in &table.rows {
        let mut record = vec![row.label.clone()];
        // Plain numbers in a CSV: no grouping marks.
        record.extend(
            row.numbers
                .iter()
                .map(|n| n.replace([',', '٬', '\u{a0}'], "")),
        );
        csv.row(&record);
    }
    let body = csv.finish();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"jalsa-reach-{name}-{days}d.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
