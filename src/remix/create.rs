//! The one create pipeline: every way of making a remix (captions on a photo, a
//! supporter's photo in a frame, whatever comes next) is made or found here, and the
//! counters of repeats.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::frames::{FrameRequest, frame_key};
use super::made::Made;
use super::{RemixError, RemixId, RemixRequest, Remixer, request_key};
use crate::db::{RemixRow, Status, TemplateStatus, now_ms};
use crate::render::{Format, Remix, Rendered, Style, Template};
use crate::secret::{hash_secret, random_hex};
use crate::store;

/// Where a new picture comes from: every way in (the web form, the API, an address alone,
/// a messaging channel) names one of these and goes through [`Remixer::create`].
pub enum Source {
    /// Captions on an official photo.
    Captions(RemixRequest),
    /// A supporter's photo under a published frame (from [`Remixer::published_frame`]).
    Framed(Arc<Template>, FrameRequest),
}

/// Whether a request may start a new render: the per-client limit, which the caller knows
/// and the domain does not. Asked only when nothing is found, so a repeat (no render) is
/// never limited.
pub trait Admission: Sync {
    /// What a refusal is; a remix error must convert into it.
    type Error: From<RemixError> + Send;

    /// `Ok` to go on and render.
    fn admit(&self) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// Admits everything: the command line and the service's own jobs.
pub struct Unlimited;

impl Admission for Unlimited {
    type Error = RemixError;

    async fn admit(&self) -> Result<(), RemixError> {
        Ok(())
    }
}

/// What [`Remixer::create`] made or found.
#[derive(Debug)]
pub struct Created {
    /// The remix.
    pub row: Arc<RemixRow>,
    /// Whether this request made it.
    pub created: bool,
    /// Its maker's private delete token: given once, to the request that made it; only
    /// its hash is kept, written with the remix's row.
    pub delete_token: Option<String>,
}

/// A checked, keyed request not made yet.
struct Prepared {
    key: String,
    work: Work,
    area: Option<String>,
    constituency: Option<String>,
}

/// What rendering a prepared request takes.
enum Work {
    Captions {
        template: Arc<Template>,
        remix: Remix,
        parent: Option<RemixId>,
    },
    Framed {
        frame: Arc<Template>,
        request: FrameRequest,
        remix: Remix,
    },
}

impl Remixer {
    /// Makes a remix from `source`, or finds the one the same source made before, in one
    /// pass: check and key it; find it by key (a repeat: counted, never limited); ask
    /// `admission`; render it once however many identical requests arrive together; store
    /// the picture, then its row, request key and delete token's hash in one transaction.
    /// A picture its maker deleted, or the campaign removed, is refused rather than made
    /// again ([`RemixError::PictureDeleted`], [`RemixError::PictureRemoved`]).
    pub async fn create<A: Admission>(
        &self,
        source: Source,
        admission: &A,
    ) -> Result<Created, A::Error> {
        let prepared = self.prepare(source).await?;
        let created = match self.find_key(&prepared.key).await? {
            Some(row) => {
                self.count_repeat(&row.id);
                Created {
                    row,
                    created: false,
                    delete_token: None,
                }
            }
            None => {
                admission.admit().await?;
                self.make(prepared).await?
            }
        };
        still_there(&created.row)?;
        Ok(created)
    }

    /// [`Remixer::create`] for captions, admitting every request: the command line's and
    /// the tests' way in. `true` if it is new.
    pub async fn create_or_find(
        &self,
        request: RemixRequest,
    ) -> Result<(Arc<RemixRow>, bool), RemixError> {
        let made = self.create(Source::Captions(request), &Unlimited).await?;
        Ok((made.row, made.created))
    }

    /// Checks a request and keys it.
    async fn prepare(&self, source: Source) -> Result<Prepared, RemixError> {
        match source {
            Source::Captions(request) => self.keyed(request),
            Source::Framed(frame, request) => self.keyed_frame(frame, request).await,
        }
    }

    /// Checks a caption request and keys it; refuses templates that take no remixes.
    fn keyed(&self, request: RemixRequest) -> Result<Prepared, RemixError> {
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
        Ok(Prepared {
            key,
            work: Work::Captions {
                template,
                remix,
                parent,
            },
            area: request.area.filter(|a| !a.is_empty()),
            constituency: request.constituency.filter(|c| !c.is_empty()),
        })
    }

    /// Checks a framed request and keys it. The key hashes the photo (up to 20 MB), off
    /// the async workers.
    async fn keyed_frame(
        &self,
        frame: Arc<Template>,
        mut request: FrameRequest,
    ) -> Result<Prepared, RemixError> {
        if let Some(crop) = &request.crop {
            crop.check()?;
        }
        let remix = Remix {
            captions: std::mem::take(&mut request.captions),
            style: Style::default(),
            format: Format::Jpeg,
            width: Some(frame.size().0),
        };
        crate::render::check(&frame, &remix)?;
        let photo = request.photo.clone();
        let photo_hash = tokio::task::spawn_blocking(move || blake3::hash(&photo))
            .await
            .map_err(|e| RemixError::Crashed(e.to_string()))?;
        let key = frame_key(&frame, &photo_hash, request.crop, &remix.captions);
        Ok(Prepared {
            key,
            area: request.area.take().filter(|a| !a.is_empty()),
            constituency: request.constituency.take().filter(|c| !c.is_empty()),
            work: Work::Framed {
                frame,
                request,
                remix,
            },
        })
    }

    /// The remix a request key made before, from memory or the database.
    async fn find_key(&self, key: &str) -> Result<Option<Arc<RemixRow>>, RemixError> {
        let id = match self.keys.get(key) {
            Some(id) => Some(id),
            None => self.db.find_request(key).await?,
        };
        let Some(id) = id else {
            return Ok(None);
        };
        let row = self.remix(&id).await?;
        if let Some(row) = &row {
            self.keys.insert(key.to_owned(), row.id.clone());
        }
        Ok(row)
    }

    /// Makes a prepared request, one render per key at a time in this process (the
    /// database settles races between processes); identical requests arriving together
    /// wait for the first and get its remix, not made by them.
    async fn make(&self, prepared: Prepared) -> Result<Created, RemixError> {
        let key = prepared.key.clone();
        let flight = self
            .inflight
            .lock()
            .expect("inflight lock")
            .entry(key.clone())
            .or_default()
            .clone();
        let mut made = None;
        let result = flight
            .get_or_try_init(|| async {
                let created = self.render_and_store(prepared).await?;
                let row = created.row.clone();
                made = Some(created);
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
        match made {
            Some(created) if created.created => Ok(created),
            _ => {
                self.count_repeat(&row.id);
                Ok(Created {
                    row,
                    created: false,
                    delete_token: None,
                })
            }
        }
    }

    async fn render_and_store(&self, prepared: Prepared) -> Result<Created, RemixError> {
        let Prepared {
            key,
            work,
            area,
            constituency,
        } = prepared;
        // Another request in this process may have finished since the lookup. (Another
        // node racing this one is settled by the insert, which finds the picture it stored.)
        if let Some(row) = self.find_key(&key).await? {
            return Ok(Created {
                row,
                created: false,
                delete_token: None,
            });
        }
        let (area, constituency) = self.place(area, constituency).await?;
        let (remix, rendered, made) = match work {
            Work::Captions {
                template,
                remix,
                parent,
            } => self.render_captions(template, remix, parent).await?,
            Work::Framed {
                frame,
                request,
                remix,
            } => self.render_framed(frame, request, remix).await?,
        };
        let parent = made.parent.clone();
        let made = Made {
            area,
            constituency,
            ..made
        };
        let created = self.store_new(&key, remix, rendered, made).await?;
        if created.created
            && let Some(parent) = &parent
        {
            self.count_child(parent);
        }
        Ok(created)
    }

    async fn render_captions(
        &self,
        template: Arc<Template>,
        remix: Remix,
        parent: Option<RemixId>,
    ) -> Result<(Remix, Rendered, Made), RemixError> {
        if let Some(parent) = &parent
            && self.remix(parent).await?.is_none()
        {
            return Err(RemixError::UnknownParent(parent.to_string()));
        }
        // A phrase in the captions as typed is refused before a render slot is taken; one
        // that only what they draw shows, once they are laid out in the slot.
        let screen = self.screen();
        let typed = screen.typed(&remix.captions)?;
        self.ready_for(&template, &remix).await?;
        let (t, r) = (template.clone(), remix.clone());
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
            area: None,
            constituency: None,
            held,
        };
        Ok((remix, rendered, made))
    }

    /// Stores a picture just rendered (the blob first, then its row, request key and
    /// delete token's hash in one transaction) and remembers it. Another request or node
    /// may have stored the same picture meanwhile: then it is found, not made, and no
    /// token is given.
    pub(super) async fn store_new(
        &self,
        key: &str,
        remix: Remix,
        rendered: Rendered,
        made: Made,
    ) -> Result<Created, RemixError> {
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
        let token = random_hex(16);
        let (stored, inserted) = self
            .db
            .insert_remix(&row, key, &hash_secret(&token))
            .await?;
        if inserted {
            self.count_made(&row.id);
        }
        let stored = Arc::new(stored);
        self.keys.insert(key.to_owned(), stored.id.clone());
        self.rows.insert(stored.id.to_string(), stored.clone());
        Ok(Created {
            row: stored,
            created: inserted,
            delete_token: inserted.then_some(token),
        })
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

/// Refuses a remix found again after its maker deleted it or the campaign removed it: its
/// address answers 410 for good, so a supporter is told rather than sent there.
fn still_there(row: &RemixRow) -> Result<(), RemixError> {
    if row.blob_key.is_empty() {
        return Err(RemixError::PictureDeleted(row.id.clone()));
    }
    if row.status == Status::Removed {
        return Err(RemixError::PictureRemoved(row.id.clone()));
    }
    Ok(())
}
