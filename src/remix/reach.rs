//! Reach: what happens to each remix, counted in memory on the hot path and written in
//! batches (every few seconds, and at shutdown) as additions to per-hour rows, so counting
//! costs a request a hash, a set lookup and a hash-map update, and many nodes add up right
//! on one database. What a visitor does counts once per remix per figure per UTC day
//! (`visitors`), so one client cannot move a figure by more than a handful. Nothing about
//! the person is kept: no address, cookie or user agent, only the counts.

use super::event::{Event, Tally};
use super::{RemixError, RemixId, Remixer, Visitor};
use crate::db::now_ms;

/// The length of a counting hour, in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;

impl Remixer {
    /// Counts an event a visitor caused on a remix, in memory, if it is the visitor's first
    /// of its kind on that remix today (see `visitors`: one client moves a figure by a
    /// handful at most); `true` if it counted. [`Remixer::flush_counters`] writes it.
    pub fn count(&self, remix: &RemixId, event: Event, by: Visitor<'_>) -> bool {
        if !self.counting.load(std::sync::atomic::Ordering::Relaxed)
            || !self.visitors.first(by, remix.as_str(), &event.metric())
        {
            return false;
        }
        self.tally_up(remix, event);
        true
    }

    /// Counts a "remix this" child made: each is a remix stored, so it counts every time.
    pub(super) fn count_child(&self, parent: &RemixId) {
        if self.counting.load(std::sync::atomic::Ordering::Relaxed) {
            self.tally_up(parent, Event::Child);
        }
    }

    /// Counts a remix made: in the campaign's figures even where reach counting is off,
    /// since they count remixes whatever else is counted.
    pub(super) fn count_made(&self, remix: &RemixId) {
        self.tally_up(remix, Event::Made);
    }

    fn tally_up(&self, remix: &RemixId, event: Event) {
        let hour = now_ms().div_euclid(HOUR_MS) * HOUR_MS;
        *self
            .tally
            .lock()
            .expect("tally lock")
            .0
            .entry((remix.clone(), hour, event))
            .or_default() += 1;
    }

    /// Turns reach counting on or off (on by default).
    pub fn set_counting(&self, on: bool) {
        self.counting
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Writes the counts gathered since the last write, adding them to their hourly rows
    /// and to the campaign's rollups; on failure they are kept for the next write.
    pub(super) async fn flush_reach(&self) -> Result<(), RemixError> {
        let gathered = std::mem::take(&mut *self.tally.lock().expect("tally lock"));
        if gathered.0.is_empty() {
            return Ok(());
        }
        let written = self.write_reach(&gathered).await;
        if written.is_err() {
            let mut tally = self.tally.lock().expect("tally lock");
            for (key, n) in gathered.0 {
                *tally.0.entry(key).or_default() += n;
            }
        }
        written
    }

    async fn write_reach(&self, gathered: &Tally) -> Result<(), RemixError> {
        let counts: Vec<_> = gathered
            .0
            .iter()
            .filter(|((_, _, event), _)| *event != Event::Made)
            .map(|((remix, hour, event), n)| (remix.to_string(), *hour, event.metric(), *n))
            .collect();
        let mut ids: Vec<String> = gathered.0.keys().map(|(id, _, _)| id.to_string()).collect();
        ids.sort_unstable();
        ids.dedup();
        let dims = self.db.remix_dims(&ids).await?;
        let rollups = crate::db::roll_up(
            gathered
                .0
                .iter()
                .map(|((remix, hour, event), n)| (remix.as_str(), *hour, event.metric(), *n)),
            &dims,
        );
        self.db.add_reach(&counts, &rollups).await?;
        Ok(())
    }
}

/// Whether a user agent is a link-preview crawler (Facebook, X, WhatsApp, Telegram, Slack,
/// LinkedIn, Discord and others): its card fetch is a preview shown to someone.
pub fn is_preview_crawler(user_agent: &str) -> bool {
    preview_crawler(&user_agent.to_ascii_lowercase())
}

/// [`is_preview_crawler`] of a user agent already lowercased.
fn preview_crawler(ua: &str) -> bool {
    const CRAWLERS: [&str; 14] = [
        "facebookexternalhit",
        "facebot",
        "twitterbot",
        "whatsapp",
        "telegrambot",
        "slackbot",
        "linkedinbot",
        "discordbot",
        "skypeuripreview",
        "pinterest",
        "redditbot",
        "embedly",
        "viber",
        "snapchat",
    ];
    CRAWLERS.iter().any(|c| ua.contains(c))
}

/// Whether a user agent is some robot (a crawler, a search engine, a script), not a person.
pub fn is_robot(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    preview_crawler(&ua)
        || [
            "bot", "crawler", "spider", "curl/", "wget/", "python-", "headless",
        ]
        .iter()
        .any(|m| ua.contains(m))
        || ua.is_empty()
}

/// The sites whose links are counted by name; a visit from anywhere else counts as
/// `other`. `Referer` is written by the client, so an open list would let anyone add a row
/// per made-up domain per remix per hour.
const KNOWN_REFERRERS: [&str; 24] = [
    "facebook.com",
    "fb.com",
    "fb.me",
    "messenger.com",
    "instagram.com",
    "threads.net",
    "t.co",
    "x.com",
    "twitter.com",
    "wa.me",
    "whatsapp.com",
    "web.whatsapp.com",
    "api.whatsapp.com",
    "t.me",
    "telegram.org",
    "tiktok.com",
    "youtube.com",
    "linkedin.com",
    "reddit.com",
    "pinterest.com",
    "snapchat.com",
    "google.com",
    "bing.com",
    "duckduckgo.com",
];

/// The domain a visit came from, by its `Referer`: the host alone, without `www.` or `m.`
/// (`facebook.com` for `https://m.facebook.com/story.php?...`), one of
/// [`KNOWN_REFERRERS`] or else `other`; `None` for none, or for this site itself.
pub fn referring_domain(referer: &str, own_host: &str) -> Option<String> {
    let url = url::Url::parse(referer).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("m."))
        .or_else(|| host.strip_prefix("l."))
        .or_else(|| host.strip_prefix("lm."))
        .unwrap_or(&host)
        .to_owned();
    if host == own_host || host.is_empty() {
        return None;
    }
    Some(if KNOWN_REFERRERS.contains(&host.as_str()) {
        host
    } else {
        "other".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawlers_people_and_referrers_are_told_apart() {
        for crawler in [
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Twitterbot/1.0",
            "WhatsApp/2.23.20.0 A",
            "TelegramBot (like TwitterBot)",
        ] {
            assert!(
                is_preview_crawler(crawler) && is_robot(crawler),
                "{crawler}"
            );
        }
        let phone = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36";
        assert!(!is_preview_crawler(phone) && !is_robot(phone));
        assert!(is_robot("Googlebot/2.1") && !is_preview_crawler("Googlebot/2.1"));
        assert!(is_robot("curl/8.5.0") && is_robot(""));
        let own = "jalsa.example.org";
        assert_eq!(
            referring_domain("https://l.facebook.com/l.php?u=x", own).as_deref(),
            Some("facebook.com")
        );
        assert_eq!(
            referring_domain("https://t.co/abc", own).as_deref(),
            Some("t.co")
        );
        assert_eq!(
            referring_domain("https://jalsa.example.org/gallery", own),
            None
        );
        assert_eq!(referring_domain("not a url", own), None);
        // A made-up domain is "other": a forged header cannot add rows without end.
        assert_eq!(
            referring_domain("https://x7f3a.attacker.example/", own).as_deref(),
            Some("other")
        );
    }
}
