//! `jalsa fill-reach`: a campaign's worth of made-up remixes and their reach, to measure the
//! dashboard and `/api/staff/reach` at the size of a real campaign (a million remixes, a
//! year of hourly counts). Deterministic for a seed; written only to an empty database,
//! through the same upserts as real counts, so the rollups agree with the hourly rows.

use std::collections::HashMap;

use crate::db::{Db, DbError, Dim, ReachCount, RemixDims, RemixId, RemixRow, Rollup, Span, Status};
use crate::render::{Format, Style};

/// How much to make.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Remixes, spread evenly over the period.
    pub remixes: u64,
    /// The period, in days, ending now.
    pub days: u32,
    /// The seed of the made-up numbers.
    pub seed: u64,
}

/// What was written.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Filled {
    /// Remix rows.
    pub remixes: u64,
    /// Hourly reach rows written (before rows of the same hour added up).
    pub hourly_counts: u64,
    /// Rollup additions.
    pub rollups: u64,
    /// Seconds it took.
    pub seconds: f64,
}

/// Remixes per transaction.
const CHUNK: usize = 5_000;

/// How likely a remix is to have been made with "remix this" from a recent one.
const CHILD_SHARE: f64 = 0.15;

/// Fills `db` with `plan`'s remixes of `templates`, made from `areas` (and, for some,
/// their `constituencies`: (id, area)), each with a few weeks of reach: most of it in its
/// first hours, a tail after. Refuses a database that holds remixes already.
pub async fn fill(
    db: &Db,
    plan: &Plan,
    templates: &[String],
    areas: &[String],
    constituencies: &[(String, String)],
) -> Result<Filled, FillError> {
    if templates.is_empty() {
        return Err(FillError::NoTemplates);
    }
    if db.remix_count().await? > 0 {
        return Err(FillError::NotEmpty);
    }
    let started = std::time::Instant::now();
    let now = crate::db::now_ms().div_euclid(HOUR) * HOUR;
    let start = now - i64::from(plan.days) * 24 * HOUR;
    let mut maker = Maker {
        rng: fastrand::Rng::with_seed(plan.seed),
        seed: plan.seed,
        templates,
        areas,
        constituencies,
        recent: Vec::with_capacity(1000),
        start,
        step: (now - start) as f64 / plan.remixes.max(1) as f64,
        now,
    };
    let mut filled = Filled::default();
    let mut rollups = Rollups::default();
    let mut made = 0_u64;
    while made < plan.remixes {
        let n = CHUNK.min((plan.remixes - made) as usize);
        let mut rows = Vec::with_capacity(n);
        let mut counts: Vec<ReachCount> = Vec::with_capacity(n * 24);
        let mut dims: HashMap<String, RemixDims> = HashMap::with_capacity(n);
        for i in 0..n {
            rows.push(maker.remix(made + i as u64, &mut counts, &mut dims));
        }
        // Parents in earlier chunks are found in the database.
        let missing: Vec<String> = counts
            .iter()
            .filter(|(id, ..)| !dims.contains_key(id))
            .map(|(id, ..)| id.clone())
            .collect();
        dims.extend(db.remix_dims(&missing).await?);
        for (id, at, metric, n) in &counts {
            if let Some(of) = dims.get(id) {
                rollups.add(id, of, *at, metric, *n);
            }
        }
        counts.retain(|(_, _, metric, _)| metric != "made");
        db.insert_remix_rows(&rows).await?;
        db.add_reach(&counts, &[]).await?;
        filled.remixes += rows.len() as u64;
        filled.hourly_counts += counts.len() as u64;
        made += n as u64;
        if made % 100_000 < CHUNK as u64 {
            tracing::info!(made, "fill-reach");
        }
    }
    // The rollups last, each added once: far fewer rows than adding them chunk by chunk.
    let rollups = rollups.into_rows();
    for batch in rollups.chunks(50_000) {
        db.add_reach(&[], batch).await?;
    }
    filled.rollups = rollups.len() as u64;
    filled.seconds = started.elapsed().as_secs_f64();
    Ok(filled)
}

const HOUR: i64 = 3_600_000;

/// Makes up remixes one after another, each from a few photos and places that carry most
/// of them, some remixing a recent one.
struct Maker<'a> {
    rng: fastrand::Rng,
    seed: u64,
    templates: &'a [String],
    areas: &'a [String],
    constituencies: &'a [(String, String)],
    /// Up to a thousand recent remixes, the parents of new ones.
    recent: Vec<RemixId>,
    start: i64,
    step: f64,
    now: i64,
}

impl Maker<'_> {
    /// The `index`th remix, its reach added to `counts` and its breakdowns to `dims`.
    fn remix(
        &mut self,
        index: u64,
        counts: &mut Vec<ReachCount>,
        dims: &mut HashMap<String, RemixDims>,
    ) -> RemixRow {
        let created = self.start
            + (index as f64 * self.step) as i64
            + self.rng.i64(0..(self.step as i64).max(1));
        // Ids in the order made, so rows are appended rather than scattered through
        // the tables' indexes: a real id is its picture's hash, but these have none.
        let id: RemixId = format!("{:016x}", (self.seed << 40) + index)
            .parse()
            .expect("16 hex digits");
        let hash = blake3::hash(id.as_str().as_bytes());
        // A few photos and cities carry most of it.
        let template = self.templates[skewed(&mut self.rng, self.templates.len())].clone();
        let (area, constituency) = if !self.constituencies.is_empty() && self.rng.f64() < 0.1 {
            let (c, a) = &self.constituencies[self.rng.usize(0..self.constituencies.len())];
            (Some(a.clone()), Some(c.clone()))
        } else if !self.areas.is_empty() && self.rng.f64() < 0.7 {
            (
                Some(self.areas[skewed(&mut self.rng, self.areas.len())].clone()),
                None,
            )
        } else {
            (None, None)
        };
        let parent = (!self.recent.is_empty() && self.rng.f64() < CHILD_SHARE)
            .then(|| self.recent[self.rng.usize(0..self.recent.len())].clone());
        if let Some(p) = &parent {
            counts.push((
                p.to_string(),
                created.div_euclid(HOUR) * HOUR,
                "child".into(),
                1,
            ));
        }
        counts.push((
            id.to_string(),
            created.div_euclid(HOUR) * HOUR,
            "made".into(),
            1,
        ));
        reach_of(&mut self.rng, id.as_str(), created, self.now, counts);
        dims.insert(
            id.to_string(),
            RemixDims {
                template: template.clone(),
                area: area.clone().unwrap_or_default(),
                constituency: constituency.clone().unwrap_or_default(),
            },
        );
        if self.recent.len() == 1000 {
            self.recent.swap_remove(self.rng.usize(0..1000));
        }
        self.recent.push(id.clone());
        RemixRow {
            blob_key: format!("generated/{id}"),
            id,
            hash: hash.to_hex().to_string(),
            template,
            captions: vec!["fill-reach".into()],
            style: Style::default(),
            format: Format::Jpeg,
            width: 1200,
            height: 800,
            bytes: 100_000,
            parent,
            status: Status::Approved,
            requests: 1,
            reports: 0,
            created_at: created,
            area,
            constituency,
            held_for: None,
        }
    }
}

/// The campaign's rollups of everything made up, gathered in memory with small keys: a
/// year of them is millions of additions but only a few million rows.
#[derive(Default)]
struct Rollups {
    /// Template, area and constituency ids, and metrics, by number.
    names: Vec<String>,
    numbers: HashMap<String, u32>,
    /// (dim, span, start, key, metric) -> count.
    sums: HashMap<(Dim, Span, i64, u32, u32), i64>,
}

impl Rollups {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.numbers.insert(name.to_owned(), n);
        n
    }

    fn add(&mut self, remix: &str, of: &RemixDims, hour: i64, metric: &str, n: i64) {
        if crate::db::is_seen(metric) {
            let (key, seen) = (self.number(remix), self.number("seen"));
            for span in Span::ALL {
                *self
                    .sums
                    .entry((Dim::Remix, span, span.start(hour), key, seen))
                    .or_default() += n;
            }
        }
        let metric = self.number(metric);
        for dim in Dim::ALL {
            let key = self.number(of.key(dim));
            for span in Span::ALL {
                *self
                    .sums
                    .entry((dim, span, span.start(hour), key, metric))
                    .or_default() += n;
            }
        }
    }

    fn into_rows(self) -> Vec<(Rollup, i64)> {
        let mut rows: Vec<(Rollup, i64)> = self
            .sums
            .into_iter()
            .map(|((dim, span, at, key, metric), n)| {
                let rollup = Rollup {
                    dim,
                    span,
                    at,
                    key: self.names[key as usize].clone(),
                    metric: self.names[metric as usize].clone(),
                };
                (rollup, n)
            })
            .collect();
        rows.sort_unstable();
        rows
    }
}

/// An index below `n`, the first ones likelier (about 1/(i+1)).
fn skewed(rng: &mut fastrand::Rng, n: usize) -> usize {
    let x = rng.f64();
    (((n as f64 + 1.0).powf(x) - 1.0) as usize).min(n - 1)
}

/// A remix's reach: its first hour and a few after it, then a thinning tail, each hour
/// with visits and pictures seen, and some previews, shares, copies and downloads.
fn reach_of(rng: &mut fastrand::Rng, id: &str, created: i64, now: i64, out: &mut Vec<ReachCount>) {
    let hour = 3_600_000_i64;
    let first = created.div_euclid(hour) * hour;
    let mut offset = 0_i64;
    let mut strength = 1 + rng.i64(0..40);
    loop {
        let at = first + offset * hour;
        if at >= now {
            break;
        }
        let views = 1 + rng.i64(0..=strength);
        out.push((id.into(), at, "page_view".into(), views));
        out.push((
            id.into(),
            at,
            "picture_view".into(),
            views + rng.i64(0..=views),
        ));
        for (metric, share) in [
            ("preview", 0.6),
            ("share:whatsapp", 0.35),
            ("share:facebook", 0.2),
            ("share:x", 0.1),
            ("ref:facebook.com", 0.25),
            ("ref:t.co", 0.1),
            ("copy", 0.05),
            ("download", 0.1),
        ] {
            if rng.f64() < share {
                out.push((id.into(), at, metric.into(), 1 + rng.i64(0..=views / 3)));
            }
        }
        if rng.f64() < 0.3 {
            break;
        }
        offset += 1 + offset / 2 + rng.i64(0..3);
        strength = (strength * 2 / 3).max(1);
    }
}

/// Why filling failed.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    /// The database already holds remixes: made-up ones would mix with them.
    #[error(
        "the database already holds remixes; fill-reach writes only to an empty one (use a new --data-dir or --database)"
    )]
    NotEmpty,
    /// No template to make remixes of.
    #[error("no templates to make remixes of")]
    NoTemplates,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skewed_stays_in_range_and_favours_the_first() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut seen = [0_u32; 5];
        for _ in 0..10_000 {
            seen[skewed(&mut rng, 5)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
        assert!(seen[0] > seen[4] * 2, "{seen:?}");
    }
}
