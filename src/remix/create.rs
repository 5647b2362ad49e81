//! Create-or-find, and the counters of repeats.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::{RemixError, RemixId, RemixRequest, Remixer, request_key};
use crate::db::{RemixRow, Status, TemplateStatus, now_ms};
use crate::render::{Remix, Template};
use crate::store;

/// What a new remix's row records besides its picture.
pub(super) struct Made {
    /// Its template or frame.
    pub template: String,
    /// The remix it remixes.
    pub parent: Option<RemixId>,
    /// Its status.
    pub status: Status,
    /// Its maker's area.
    pub area: Option<String>,
    /// Its maker's constituency.
    pub constituency: Option<String>,
    /// The blocked phrase that held it, if one did.
    pub held: Option<crate::blocklist::Held>,
}

/// What looking a request up found.
pub enum Lookup {
    /// The remix it made before.
    Found(Arc<RemixRow>),
    /// Nothing yet: [`Remixer::make`] makes it.
    Missing(Pending),
}

/// A checked, keyed request not yet made.
pub struct Pending {
    template: Arc<Template>,
    remix: Remix,
    key: String,
    parent: Option<RemixId>,
    area: Option<String>,
    constituency: Option<String>,
}

impl Remixer {
    /// Checks a request and keys it; refuses templates that take no remixes.
    fn keyed(&self, request: RemixRequest) -> Result<Pending, RemixError> {
        // A frame takes a supporter's photo, not captions alone.
        let template = self
            .template(&request.template)
            .filter(|t| t.frame.is_none())
            .ok_or_else(|| RemixError::UnknownTemplate(request.template.clone()))?;
        match self.template_status(&request.template) {
            Some(TemplateStatus::Retired) => {
                return Err(RemixError::RetiredTemplate(request.template));
            }
            Some(TemplateStatus::Draft) => {
                return Err(RemixError::UnknownTemplate(request.template));
            }
            Some(TemplateStatus::Published) | None => {}
        }
        let parent = match request.parent.filter(|p| !p.is_empty()) {
            Some(p) => Some(p.parse().map_err(|_| RemixError::UnknownParent(p))?),
            None => None,
        };
        let remix = Remix {
            captions: request.captions,
            style: request.style,
            format: request.format,
            width: request.width,
        };
        let key = request_key(&template, &remix)?;
        Ok(Pending {
            template,
            remix,
            key,
            parent,
            area: request.area.filter(|a| !a.is_empty()),
            constituency: request.constituency.filter(|c| !c.is_empty()),
        })
    }

    /// Checks a request and finds the remix it already made, without rendering; a repeat
    /// is counted. What is not found yet is handed back for [`Remixer::make`], so a caller
    /// can admit new renders (rate limits) while repeats stay free.
    pub async fn lookup(&self, request: RemixRequest) -> Result<Lookup, RemixError> {
        let pending = self.keyed(request)?;
        let id = match self.keys.get(&pending.key) {
            Some(id) => Some(id),
            None => self.db.find_request(&pending.key).await?,
        };
        if let Some(id) = id
            && let Some(row) = self.remix(&id).await?
        {
            self.keys.insert(pending.key, row.id.clone());
            self.count_repeat(&row.id);
            return Ok(Lookup::Found(row));
        }
        Ok(Lookup::Missing(pending))
    }

    /// Makes the remix a looked-up request stands for (or finds it, if another request or
    /// node made it meanwhile). `true` if it is new.
    pub async fn make(&self, pending: Pending) -> Result<(Arc<RemixRow>, bool), RemixError> {
        let Pending {
            template,
            remix,
            key,
            parent,
            area,
            constituency,
        } = pending;
        // One render per key at a time in this process; the database settles races
        // between processes.
        let flight = self
            .inflight
            .lock()
            .expect("inflight lock")
            .entry(key.clone())
            .or_default()
            .clone();
        let mut created = false;
        let result = flight
            .get_or_try_init(|| async {
                let place = (area, constituency);
                let (row, new) = self.create(&key, &template, remix, parent, place).await?;
                created = new;
                Ok::<_, RemixError>(row)
            })
            .await
            .cloned();
        {
            let mut inflight = self.inflight.lock().expect("inflight lock");
            if inflight.get(&key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
                inflight.remove(&key);
            }
        }
        let row = result?;
        if !created {
            self.count_repeat(&row.id);
        }
        Ok((row, created))
    }

    /// Finds the remix this request already made, or makes it. `true` if it is new.
    pub async fn create_or_find(
        &self,
        request: RemixRequest,
    ) -> Result<(Arc<RemixRow>, bool), RemixError> {
        match self.lookup(request).await? {
            Lookup::Found(row) => Ok((row, false)),
            Lookup::Missing(pending) => self.make(pending).await,
        }
    }

    async fn create(
        &self,
        key: &str,
        template: &Arc<Template>,
        remix: Remix,
        parent: Option<RemixId>,
        (area, constituency): (Option<String>, Option<String>),
    ) -> Result<(Arc<RemixRow>, bool), RemixError> {
        // `lookup` asked the database a moment ago; a request that finished meanwhile in
        // this process left its key in memory. (Another node racing this one is settled
        // by the insert, which finds the picture it stored.)
        if let Some(id) = self.keys.get(key)
            && let Some(row) = self.remix(&id).await?
        {
            self.keys.insert(key.to_owned(), row.id.clone());
            return Ok((row, false));
        }
        if let Some(parent) = &parent
            && self.remix(parent).await?.is_none()
        {
            return Err(RemixError::UnknownParent(parent.to_string()));
        }
        let (area, constituency) = self.place(area, constituency).await?;
        let parent_counted = parent.clone();
        // A phrase in the captions as typed is refused before a render slot is taken; one
        // that only what they draw shows, once they are laid out in the slot.
        let screen = self.screen();
        let typed = screen.typed(&remix.captions)?;
        self.ready_for(template, &remix).await?;
        let t = template.clone();
        let r = remix.clone();
        let (rendered, held, screen) = self
            .run_render(move |renderer| {
                let held = screen.drawn(typed, &t, &r)?;
                Ok::<_, RemixError>((renderer.render(&t, &r)?, held, screen))
            })
            .await??;
        let made = Made {
            template: template.id.to_string(),
            parent,
            status: screen.status(&held),
            area,
            constituency,
            held,
        };
        let (row, new) = self.store_new(key, remix, rendered, made).await?;
        if new && let Some(parent) = &parent_counted {
            self.count_child(parent);
        }
        Ok((row, new))
    }

    /// Stores a picture just rendered (the blob first, then the rows in one transaction)
    /// and remembers it; `true` if it is new (another request or node may have stored the
    /// same picture meanwhile).
    pub(super) async fn store_new(
        &self,
        key: &str,
        remix: Remix,
        rendered: crate::render::Rendered,
        made: Made,
    ) -> Result<(Arc<RemixRow>, bool), RemixError> {
        let Made {
            template,
            parent,
            status,
            area,
            constituency,
            held,
        } = made;
        let hash = blake3::hash(&rendered.bytes);
        let blob_key = store::remix_key(&hash, rendered.format);
        let size = rendered.bytes.len() as u64;
        self.blobs
            .put(&blob_key, Bytes::from(rendered.bytes))
            .await?;
        let row = RemixRow {
            id: RemixId::of(&hash),
            hash: hash.to_hex().to_string(),
            template,
            captions: remix.captions,
            style: remix.style,
            format: rendered.format,
            width: rendered.width,
            height: rendered.height,
            bytes: size,
            blob_key,
            parent,
            status,
            requests: 1,
            reports: 0,
            created_at: now_ms(),
            area,
            constituency,
            held_for: held,
        };
        let (stored, inserted) = self.db.insert_remix(&row, key).await?;
        if inserted {
            self.count_made(&row.id);
        }
        let stored = Arc::new(stored);
        self.keys.insert(key.to_owned(), stored.id.clone());
        self.rows.insert(stored.id.to_string(), stored.clone());
        Ok((stored, inserted))
    }

    /// Where a remix was made from, as (area, constituency): an area that names a
    /// constituency means its city too, and a constituency alone its own area. Refuses an
    /// area or constituency that does not exist or is retired, and a constituency outside
    /// the area named with it.
    pub(super) async fn place(
        &self,
        area: Option<String>,
        constituency: Option<String>,
    ) -> Result<(Option<String>, Option<String>), RemixError> {
        let live = |id: &str| {
            let id = id.to_owned();
            async move {
                match self.db.get_area(&id).await? {
                    Some(a) if !a.retired => Ok(a),
                    _ => Err(RemixError::UnknownArea(id)),
                }
            }
        };
        let area = match area {
            Some(id) => Some(live(&id).await?),
            None => None,
        };
        let constituency = match constituency {
            Some(id) => {
                let c = live(&id).await?;
                if c.parent.is_empty() {
                    // A city named as a constituency is no constituency.
                    return Err(RemixError::UnknownArea(id));
                }
                Some(c)
            }
            None => None,
        };
        // A constituency of a retired city is retired with it.
        let area = match area {
            Some(a) if !a.parent.is_empty() => {
                live(&a.parent).await?;
                Some(a)
            }
            other => other,
        };
        let constituency = match constituency {
            Some(c) => {
                live(&c.parent).await?;
                Some(c)
            }
            None => None,
        };
        match (area, constituency) {
            (None, None) => Ok((None, None)),
            (Some(a), None) if a.parent.is_empty() => Ok((Some(a.id), None)),
            (Some(c), None) | (None, Some(c)) => Ok((Some(c.parent), Some(c.id))),
            (Some(a), Some(c)) => {
                // The area named may be the constituency itself, or its city.
                if a.id == c.id || a.id == c.parent {
                    Ok((Some(c.parent), Some(c.id)))
                } else {
                    Err(RemixError::WrongConstituency {
                        constituency: c.id,
                        area: a.id,
                        within: c.parent,
                    })
                }
            }
        }
    }

    /// A remix by id, from the short-lived cache or the database.
    pub async fn remix(&self, id: &str) -> Result<Option<Arc<RemixRow>>, RemixError> {
        if let Some(row) = self.rows.get(id) {
            return Ok(Some(row));
        }
        let Some(row) = self.db.get_remix(id).await? else {
            return Ok(None);
        };
        let row = Arc::new(row);
        self.rows.insert(id.to_owned(), row.clone());
        Ok(Some(row))
    }

    /// Changes a remix's status; `false` if there is no such remix.
    pub async fn set_status(&self, id: &str, status: Status) -> Result<bool, RemixError> {
        let changed = self.db.set_status(id, status).await?;
        self.rows.invalidate(id);
        Ok(changed)
    }

    pub(super) fn count_repeat(&self, id: &str) {
        self.stats.dedup_hits.fetch_add(1, Ordering::Relaxed);
        *self
            .pending_requests
            .lock()
            .expect("pending lock")
            .entry(id.to_string())
            .or_default() += 1;
    }

    /// Writes the repeat counters and the reach counts gathered since the last flush.
    pub async fn flush_counters(&self) -> Result<(), RemixError> {
        let reach = self.flush_reach().await;
        self.flush_requests().await?;
        reach
    }

    async fn flush_requests(&self) -> Result<(), RemixError> {
        let counts: Vec<(String, i64)> = self
            .pending_requests
            .lock()
            .expect("pending lock")
            .drain()
            .collect();
        if counts.is_empty() {
            return Ok(());
        }
        if let Err(e) = self.db.add_requests(&counts).await {
            // Put them back for the next flush rather than lose them.
            let mut pending = self.pending_requests.lock().expect("pending lock");
            for (id, n) in counts {
                *pending.entry(id).or_default() += n;
            }
            return Err(e.into());
        }
        Ok(())
    }
}
