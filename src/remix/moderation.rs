//! Moderation: what status a new remix gets, which texts are refused, and the blocklist
//! they are checked against, by the rules in `policy`.

use super::policy::{BlockAction, Moderation, Policy};
use super::{RemixError, Remixer};
use crate::blocklist::{Blocklist, Held};
use crate::db::{RemixId, Status};
use crate::render::{self, Remix, Template};

/// The longest report reason kept, in characters.
pub const MAX_REASON_CHARS: usize = 500;

impl Remixer {
    /// Replaces the curation rules.
    pub fn set_policy(&self, policy: Policy) {
        *self.policy.write().expect("policy lock") = policy;
    }

    /// Whether blocked captions are held or refused.
    pub fn block_action(&self) -> BlockAction {
        self.policy.read().expect("policy lock").block_action
    }

    /// Replaces the blocklist, keeping the rest of the policy.
    pub fn set_blocklist(&self, blocklist: Blocklist) {
        self.policy.write().expect("policy lock").blocklist = blocklist;
    }

    /// Whether the campaign refuses this text (a report reason, an alt text): it holds a
    /// blocked phrase, as typed or as displayed, and blocked phrases are refused, not held.
    pub fn refuses(&self, text: &str) -> bool {
        let policy = self.policy.read().expect("policy lock");
        policy.block_action == BlockAction::Refuse && policy.blocklist.matches(text)
    }

    /// Reloads the blocklist from the database (after an edit here or on another node).
    pub async fn reload_blocklist(&self) -> Result<(), RemixError> {
        let entries = self.db.blocklist_entries().await?;
        self.set_blocklist(Blocklist::new(entries));
        Ok(())
    }

    /// What a picture drawn but not kept (the form's live preview) must pass: where the
    /// campaign refuses blocked phrases, the captions as typed and as drawn on the
    /// template, as a remix's are; otherwise nothing (a remix of them would be held for
    /// review, not refused). To be run in the render slot, with the drawing.
    pub fn preview_check(
        &self,
    ) -> impl FnOnce(&Template, &Remix) -> Result<(), RemixError> + Send + 'static {
        let screen = self.screen();
        move |template, remix| {
            if screen.block_action != BlockAction::Refuse {
                return Ok(());
            }
            let typed = screen.typed(&remix.captions)?;
            screen.drawn(typed, template, remix).map(drop)
        }
    }

    /// The curation rules as they are now, to judge one new remix by.
    pub(super) fn screen(&self) -> Screen {
        let policy = self.policy.read().expect("policy lock");
        Screen {
            moderation: policy.moderation,
            block_action: policy.block_action,
            blocklist: policy.blocklist.clone(),
        }
    }
}

/// The curation rules one new remix is judged by: a copy, cheap to take (the blocklist is
/// shared), that can go along into a render slot.
pub(super) struct Screen {
    moderation: Moderation,
    block_action: BlockAction,
    blocklist: Blocklist,
}

impl Screen {
    /// Judges captions as typed, before a render slot is taken: the blocked phrase found,
    /// or the refusal of it when the campaign refuses them.
    pub(super) fn typed(&self, captions: &[String]) -> Result<Option<Held>, RemixError> {
        self.refuse(self.blocklist.check(captions))
    }

    /// Judges what the captions draw on `template` (in the render slot, as laying them out
    /// is the renderer's work), unless the typed captions were held already.
    pub(super) fn drawn(
        &self,
        typed: Option<Held>,
        template: &Template,
        remix: &Remix,
    ) -> Result<Option<Held>, RemixError> {
        if typed.is_some() || self.blocklist.is_empty() {
            return Ok(typed);
        }
        let drawn = render::drawn(template, remix).map_err(RemixError::from)?;
        self.refuse(self.blocklist.check_drawn(&drawn))
    }

    /// The status a new remix starts in: held for review if a blocked phrase was found,
    /// whatever the moderation mode.
    pub(super) fn status(&self, held: &Option<Held>) -> Status {
        match (held, self.moderation) {
            (None, Moderation::Post) => Status::Approved,
            _ => Status::New,
        }
    }

    fn refuse(&self, held: Option<Held>) -> Result<Option<Held>, RemixError> {
        match held {
            Some(h) if self.block_action == BlockAction::Refuse => {
                Err(RemixError::Blocked(h.caption))
            }
            held => Ok(held),
        }
    }
}

impl Remixer {
    /// Records a supporter's report of a remix (the reason is kept for staff); `false` if
    /// there is no such remix.
    pub async fn report(&self, id: &RemixId, reason: &str) -> Result<bool, RemixError> {
        if self.remix(id).await?.is_none() {
            return Ok(false);
        }
        // Kept for staff to read, not stored without bound.
        let reason: String = reason.chars().take(MAX_REASON_CHARS).collect();
        self.db.report(id, &reason).await?;
        self.rows.invalidate(id.as_str());
        Ok(true)
    }
}
