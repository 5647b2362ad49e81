//! Reach counters: per remix, per hour, per metric, added to in batches.

use std::collections::{BTreeMap, HashMap};

use sqlx::Row;

use super::{Db, DbError};

/// One counter to add to: a remix, an hour (its start, Unix ms), a metric, how many.
pub type ReachCount = (String, i64, String, i64);

/// The columns of `reach_series`: its key (span, start), then the named sums.
const SERIES_COLUMNS: [&str; 10] = [
    "span",
    "at",
    "made",
    "page_views",
    "picture_views",
    "previews",
    "shares",
    "copies",
    "downloads",
    "children",
];

/// A campaign figure to add to: a dimension, a span, its start, a key, a metric, how many.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rollup {
    /// What it is rolled up over.
    pub dim: Dim,
    /// An hour or a UTC day.
    pub span: Span,
    /// The span's start, Unix ms.
    pub at: i64,
    /// '' for [`Dim::All`]; else the template, area or constituency id.
    pub key: String,
    /// As in `reach_hourly`, or `made` for remixes made.
    pub metric: String,
}

/// What a campaign figure is rolled up over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    /// Every remix.
    All,
    /// The remixes of a template or frame.
    Template,
    /// The remixes made from an area ('' for none).
    Area,
    /// The remixes made from a constituency ('' for none).
    Constituency,
    /// One remix, by id: only how often it was seen (metric `seen`), for the most seen.
    Remix,
}

impl Dim {
    /// The dimensions every count adds to ([`Dim::Remix`] takes only what was seen).
    pub const ALL: [Dim; 4] = [Dim::All, Dim::Template, Dim::Area, Dim::Constituency];

    fn as_str(self) -> &'static str {
        match self {
            Dim::All => "all",
            Dim::Template => "template",
            Dim::Area => "area",
            Dim::Constituency => "constituency",
            Dim::Remix => "remix",
        }
    }
}

/// The length of a rolled-up span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Span {
    /// An hour.
    Hour,
    /// A UTC day.
    Day,
    /// Thirty UTC days counted from 1970-01-01: the coarsest rollup, so a year is a dozen
    /// rows a key (a storage block, not shown as such).
    Block,
}

impl Span {
    /// Every span, finest first.
    pub const ALL: [Span; 3] = [Span::Hour, Span::Day, Span::Block];

    /// Its length in milliseconds.
    pub fn ms(self) -> i64 {
        match self {
            Span::Hour => 3_600_000,
            Span::Day => 86_400_000,
            Span::Block => 30 * 86_400_000,
        }
    }

    /// The start of the span holding `at` (Unix ms).
    pub fn start(self, at: i64) -> i64 {
        at.div_euclid(self.ms()) * self.ms()
    }

    fn as_str(self) -> &'static str {
        match self {
            Span::Hour => "hour",
            Span::Day => "day",
            Span::Block => "block",
        }
    }
}

/// Where a remix's counts roll up: its template, area and constituency.
#[derive(Clone, Debug, Default)]
pub struct RemixDims {
    /// Its template or frame.
    pub template: String,
    /// Its area ('' for none).
    pub area: String,
    /// Its constituency ('' for none).
    pub constituency: String,
}

impl RemixDims {
    /// The key of this remix under `dim`.
    pub fn key(&self, dim: Dim) -> &str {
        match dim {
            Dim::All => "",
            Dim::Template => &self.template,
            Dim::Area => &self.area,
            Dim::Constituency => &self.constituency,
            Dim::Remix => "",
        }
    }
}

/// Whether a metric counts as its remix being seen: a visit, its picture, a preview.
pub fn is_seen(metric: &str) -> bool {
    matches!(metric, "page_view" | "picture_view" | "preview")
}

/// The campaign's rollups of some counts (remix, hour, metric, how many): each adds to its
/// hour and its day, over everything and over its remix's template, area and constituency,
/// and what was seen to the remix's own `seen` (a remix not in `dims`, deleted meanwhile,
/// adds to the whole only).
pub fn roll_up<'a>(
    counts: impl Iterator<Item = (&'a str, i64, String, i64)>,
    dims: &HashMap<String, RemixDims>,
) -> Vec<(Rollup, i64)> {
    let mut sums: BTreeMap<Rollup, i64> = BTreeMap::new();
    for (remix, hour, metric, n) in counts {
        let found = dims.get(remix);
        for dim in Dim::ALL {
            let key = match (dim, found) {
                (Dim::All, _) => "",
                (_, Some(of)) => of.key(dim),
                (_, None) => continue,
            };
            for span in Span::ALL {
                let rollup = Rollup {
                    dim,
                    span,
                    at: span.start(hour),
                    key: key.to_owned(),
                    metric: metric.clone(),
                };
                *sums.entry(rollup).or_default() += n;
            }
        }
        if found.is_some() && is_seen(&metric) {
            for span in Span::ALL {
                let rollup = Rollup {
                    dim: Dim::Remix,
                    span,
                    at: span.start(hour),
                    key: remix.to_owned(),
                    metric: "seen".to_owned(),
                };
                *sums.entry(rollup).or_default() += n;
            }
        }
    }
    sums.into_iter().collect()
}

impl Db {
    /// Adds counts to their hourly rows and to the campaign's rollups, all in one
    /// transaction, so two nodes adding to the same row at once both count and a crash
    /// leaves both or neither.
    pub async fn add_reach(
        &self,
        counts: &[ReachCount],
        rollups: &[(Rollup, i64)],
    ) -> Result<(), DbError> {
        // One row a key: PostgreSQL refuses a statement that updates a row twice.
        let mut summed: BTreeMap<(&str, i64, &str), i64> = BTreeMap::new();
        for (remix, hour, metric, n) in counts {
            *summed.entry((remix, *hour, metric)).or_default() += n;
        }
        let counts: Vec<_> = summed.into_iter().collect();
        let mut tx = self.pool.begin().await?;
        for batch in counts.chunks(self.rows_per_statement(4)) {
            let sql = upsert_sql(
                "reach_hourly",
                &["remix_id", "hour", "metric", "count"],
                3,
                batch.len(),
            );
            // Audited: the dynamic part is only numbered placeholders; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for ((remix, hour, metric), count) in batch {
                query = query.bind(*remix).bind(*hour).bind(*metric).bind(*count);
            }
            query.execute(&mut *tx).await?;
        }
        // The campaign's hours and days as one row each, named sums in columns, for the
        // charts and `by_hour`: a year of hours is 8,760 rows to read, not 100,000.
        let mut series: BTreeMap<(Span, i64), Sums> = BTreeMap::new();
        for (r, n) in rollups {
            if r.dim == Dim::All && r.span != Span::Block {
                series.entry((r.span, r.at)).or_default().add(&r.metric, *n);
            }
        }
        let series: Vec<_> = series.into_iter().collect();
        for batch in series.chunks(self.rows_per_statement(SERIES_COLUMNS.len())) {
            let sql = upsert_sql("reach_series", &SERIES_COLUMNS, 2, batch.len());
            // Audited: the dynamic part is only numbered placeholders; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for ((span, at), m) in batch {
                query = query
                    .bind(span.as_str())
                    .bind(*at)
                    .bind(m.made)
                    .bind(m.page_views)
                    .bind(m.picture_views)
                    .bind(m.previews)
                    .bind(m.shares)
                    .bind(m.copies)
                    .bind(m.downloads)
                    .bind(m.children);
            }
            query.execute(&mut *tx).await?;
        }
        for batch in rollups.chunks(self.rows_per_statement(6)) {
            let sql = upsert_sql(
                "reach_rollup",
                &["dim", "span", "at", "key", "metric", "count"],
                5,
                batch.len(),
            );
            // Audited: the dynamic part is only numbered placeholders; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (r, count) in batch {
                query = query
                    .bind(r.dim.as_str())
                    .bind(r.span.as_str())
                    .bind(r.at)
                    .bind(&r.key)
                    .bind(&r.metric)
                    .bind(*count);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Where each of these remixes' counts roll up; a remix no longer there is left out.
    pub async fn remix_dims(&self, ids: &[String]) -> Result<HashMap<String, RemixDims>, DbError> {
        let mut dims = HashMap::with_capacity(ids.len());
        for batch in ids.chunks(self.rows_per_statement(1)) {
            let places: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, template_id, area_id, constituency_id FROM remixes WHERE id IN ({})",
                places.join(", ")
            );
            // Audited: the dynamic part is only numbered placeholders; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in batch {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.pool).await? {
                dims.insert(
                    row.try_get("id")?,
                    RemixDims {
                        template: row.try_get("template_id")?,
                        area: row.try_get("area_id")?,
                        constituency: row.try_get("constituency_id")?,
                    },
                );
            }
        }
        Ok(dims)
    }

    /// One remix's total of each metric over `[from, to)` (Unix ms).
    pub async fn reach_totals(
        &self,
        remix: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, i64)>, DbError> {
        let rows = sqlx::query(
            "SELECT metric, CAST(SUM(count) AS BIGINT) AS total FROM reach_hourly \
             WHERE remix_id = $1 AND hour >= $2 AND hour < $3 GROUP BY metric ORDER BY metric",
        )
        .bind(remix)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("metric")?, r.try_get("total")?)))
            .collect()
    }

    /// One remix's metrics per hour over `[from, to)`, oldest first.
    pub async fn reach_by_hour(
        &self,
        remix: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, String, i64)>, DbError> {
        let rows = sqlx::query(
            "SELECT hour, metric, count FROM reach_hourly \
             WHERE remix_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour, metric",
        )
        .bind(remix)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("hour")?,
                    r.try_get("metric")?,
                    r.try_get("count")?,
                ))
            })
            .collect()
    }

    /// The campaign's figures over `[from, to)` (Unix ms, whole hours) per key of `dim`
    /// and metric, from the fewest rollup rows that cover it (see [`cover`]).
    pub async fn rollup_totals(
        &self,
        dim: Dim,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, String, i64)>, DbError> {
        let rows = self
            .over_period(dim, from, to, |spans| {
                format!(
                    "SELECT key, metric, CAST(SUM(count) AS BIGINT) AS total FROM ({spans}) s \
                     GROUP BY key, metric"
                )
            })
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("metric")?, r.try_get("total")?)))
            .collect()
    }

    /// The campaign's named sums over `[from, to)` per key of `dim`, from the fewest rollup
    /// rows that cover it (see [`cover`]), by key.
    pub async fn rollup_sums(
        &self,
        dim: Dim,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, Sums)>, DbError> {
        let rows = self
            .over_period(dim, from, to, |spans| {
                format!("SELECT key, {SUMS} FROM ({spans}) s GROUP BY key ORDER BY key")
            })
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("key")?, Sums::of_row(r)?)))
            .collect()
    }

    /// The campaign's named sums per hour or per day over `[from, to)`, oldest first: (the
    /// span's start, its sums), only those with any.
    pub async fn rollup_series(
        &self,
        span: Span,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Sums)>, DbError> {
        let rows = sqlx::query(
            "SELECT at, made, page_views, picture_views, previews, shares, copies, downloads, \
             children FROM reach_series WHERE span = $1 AND at >= $2 AND at < $3 ORDER BY at",
        )
        .bind(span.as_str())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("at")?, Sums::of_row(r)?)))
            .collect()
    }
}

/// `[from, to)` (whole hours) cut into the fewest rollup spans: whole blocks inside, whole
/// days at either end of them, hours at either end of those: (span, start, end), at most
/// five.
pub fn cover(from: i64, to: i64) -> Vec<(Span, i64, i64)> {
    fn within(from: i64, to: i64, spans: &[Span], out: &mut Vec<(Span, i64, i64)>) {
        let Some((&span, finer)) = spans.split_last() else {
            return;
        };
        if finer.is_empty() {
            if from < to {
                out.push((span, from, to));
            }
            return;
        }
        let (a, b) = (span.start(from + span.ms() - 1), span.start(to));
        if a >= b {
            return within(from, to, finer, out);
        }
        within(from, a, finer, out);
        out.push((span, a, b));
        within(b, to, finer, out);
    }
    let mut out = Vec::new();
    within(from, to, &Span::ALL, &mut out);
    out
}

/// The rollup rows of some spans for a dimension: `$1` the dimension, then three values a
/// span (its name, start and end).
fn spans_sql(spans: usize) -> String {
    let parts: Vec<String> = (0..spans)
        .map(|i| {
            let n = 2 + i * 3;
            format!(
                "SELECT key, metric, count FROM reach_rollup \
                 WHERE dim = $1 AND span = ${} AND at >= ${} AND at < ${}",
                n,
                n + 1,
                n + 2
            )
        })
        .collect();
    parts.join(" UNION ALL ")
}

impl Db {
    /// Runs `sql` (given the rollup rows of `[from, to)` for `dim` as a subquery, see
    /// [`spans_sql`]) with the dimension and the spans bound.
    async fn over_period(
        &self,
        dim: Dim,
        from: i64,
        to: i64,
        sql: impl FnOnce(&str) -> String,
    ) -> Result<Vec<sqlx::any::AnyRow>, DbError> {
        let mut cover = cover(from, to);
        if cover.is_empty() {
            // An empty period: one span that holds nothing.
            cover.push((Span::Hour, 0, 0));
        }
        // Audited: the dynamic parts are numbered placeholders and constant text; every
        // value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql(&spans_sql(cover.len()))));
        query = query.bind(dim.as_str());
        for (span, from, to) in &cover {
            query = query.bind(span.as_str()).bind(*from).bind(*to);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }
}

/// The named sums of rows of (metric, count), as columns.
const SUMS: &str = "CAST(SUM(CASE WHEN metric = 'made' THEN count ELSE 0 END) AS BIGINT) AS made, \
     CAST(SUM(CASE WHEN metric = 'page_view' THEN count ELSE 0 END) AS BIGINT) AS page_views, \
     CAST(SUM(CASE WHEN metric = 'picture_view' THEN count ELSE 0 END) AS BIGINT) AS picture_views, \
     CAST(SUM(CASE WHEN metric = 'preview' THEN count ELSE 0 END) AS BIGINT) AS previews, \
     CAST(SUM(CASE WHEN metric LIKE 'share:%' THEN count ELSE 0 END) AS BIGINT) AS shares, \
     CAST(SUM(CASE WHEN metric = 'copy' THEN count ELSE 0 END) AS BIGINT) AS copies, \
     CAST(SUM(CASE WHEN metric = 'download' THEN count ELSE 0 END) AS BIGINT) AS downloads, \
     CAST(SUM(CASE WHEN metric = 'child' THEN count ELSE 0 END) AS BIGINT) AS children";

/// The named sums of a span or a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    /// Remixes made.
    pub made: i64,
    /// Share-page visits.
    pub page_views: i64,
    /// Pictures seen.
    pub picture_views: i64,
    /// Link previews.
    pub previews: i64,
    /// Share-button clicks.
    pub shares: i64,
    /// Copy-link clicks.
    pub copies: i64,
    /// Downloads.
    pub downloads: i64,
    /// "Remix this" children.
    pub children: i64,
}

impl Sums {
    /// Adds `n` of a metric (one it names; others are left out).
    fn add(&mut self, metric: &str, n: i64) {
        let sum = match metric {
            "made" => &mut self.made,
            "page_view" => &mut self.page_views,
            "picture_view" => &mut self.picture_views,
            "preview" => &mut self.previews,
            "copy" => &mut self.copies,
            "download" => &mut self.downloads,
            "child" => &mut self.children,
            m if m.starts_with("share:") => &mut self.shares,
            _ => return,
        };
        *sum += n;
    }

    fn of_row(r: &sqlx::any::AnyRow) -> Result<Sums, DbError> {
        Ok(Sums {
            made: r.try_get("made")?,
            page_views: r.try_get("page_views")?,
            picture_views: r.try_get("picture_views")?,
            previews: r.try_get("previews")?,
            shares: r.try_get("shares")?,
            copies: r.try_get("copies")?,
            downloads: r.try_get("downloads")?,
            children: r.try_get("children")?,
        })
    }
}

/// `INSERT INTO {table} ({columns}) VALUES (...), ... ON CONFLICT DO UPDATE` for `rows`
/// rows of numbered placeholders: the first `key` columns are the row's key, and every
/// other column adds up.
fn upsert_sql(table: &str, columns: &[&str], key: usize, rows: usize) -> String {
    let mut sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        super::values(columns.len(), rows)
    );
    let adds: Vec<String> = columns[key..]
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    sql.push_str(&format!(
        " ON CONFLICT ({}) DO UPDATE SET {}",
        columns[..key].join(", "),
        adds.join(", ")
    ));
    sql
}

impl Db {
    /// The remixes most seen over `[from, to)` (Unix ms, whole hours): page views,
    /// pictures seen and previews together, most first.
    pub async fn top_remixes(
        &self,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, DbError> {
        let rows = self
            .over_period(Dim::Remix, from, to, |spans| {
                format!(
                    "SELECT key AS remix_id, CAST(SUM(count) AS BIGINT) AS seen \
                     FROM ({spans}) s GROUP BY key ORDER BY seen DESC, key LIMIT {limit}"
                )
            })
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("remix_id")?, r.try_get("seen")?)))
            .collect()
    }
}

impl Db {
    /// A remix's lineage: itself (depth 0) and everything remixed from it, its children's
    /// children and on, at most `limit` remixes and 100 generations: (id, parent, depth),
    /// by depth.
    pub async fn lineage(
        &self,
        id: &str,
        limit: u32,
    ) -> Result<Vec<(String, String, i64)>, DbError> {
        let rows = sqlx::query(
            "WITH RECURSIVE tree (id, parent_id, depth) AS ( \
               SELECT id, COALESCE(parent_id, ''), CAST(0 AS BIGINT) FROM remixes WHERE id = $1 \
               UNION ALL \
               SELECT r.id, r.parent_id, t.depth + 1 FROM remixes r \
               JOIN tree t ON r.parent_id = t.id WHERE t.depth < 100 \
             ) SELECT id, parent_id, depth FROM tree ORDER BY depth, id LIMIT $2",
        )
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("parent_id")?,
                    r.try_get::<i64, _>("depth")?,
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_covered_by_whole_spans_exactly_once() {
        let hour = Span::Hour.ms();
        for (from, to) in [
            (0, 400 * 24 * hour),
            (5 * hour, 95 * 24 * hour + 7 * hour),
            (
                1_700_000_000_000 / hour * hour,
                1_731_000_000_000 / hour * hour,
            ),
            (10 * hour, 20 * hour),
            (10 * hour, 10 * hour),
        ] {
            let cover = cover(from, to);
            assert!(cover.len() <= 5, "{cover:?}");
            // Back to back, from `from` to `to`, each on its span's bounds.
            let mut at = from;
            for &(span, a, b) in &cover {
                assert_eq!(a, at, "{cover:?}");
                assert!(
                    a < b && a % span.ms() == 0 && b % span.ms() == 0,
                    "{cover:?}"
                );
                at = b;
            }
            assert_eq!(at, if cover.is_empty() { from } else { to });
        }
        // A year is mostly blocks.
        let year = cover(5 * hour, 5 * hour + 365 * 24 * hour);
        assert!(year.iter().any(|(s, ..)| *s == Span::Block), "{year:?}");
    }
}
