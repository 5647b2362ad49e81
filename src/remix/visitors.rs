//! Who has been counted today, so that one client moves a figure by a handful at most.
//!
//! Reach counts unique visitors per remix per figure per UTC day, as privacy-first
//! analytics do: a visit is reduced to a keyed blake3 hash of (the client's address, a
//! class of its user agent, the remix, the figure) under a key that is random, made when
//! the day starts, held only in this process's memory and never written anywhere. Only the
//! hashes of the current day are kept, in memory, so the first time a visitor does a thing
//! to a remix today counts and every repeat costs a hash and a set lookup. At midnight
//! (UTC) the key and the hashes are dropped together: yesterday's hashes cannot be
//! recomputed by anyone, this process included.
//!
//! - The address is the client's as the rate limits see it (trusted proxies believed), the
//!   whole IPv4 address or the /64 of an IPv6 one, since a phone can pick any address in
//!   its /64.
//! - The user agent tells people sharing one address (a home, an office, a carrier's NAT)
//!   apart, but a client writes its own, so it is only sorted into one of
//!   [`AGENT_CLASSES`] classes: one address counts at most that many times per remix per
//!   figure per day, whatever it claims to be.
//! - Memory is bounded: the hashes are kept in two generations of at most
//!   [`GENERATION`] each (about 5 MB apiece). When the newer one is full the older one is
//!   forgotten, so a visitor can count once more only after hundreds of thousands of other
//!   first visits on this node since theirs.
//! - Each node has its own key (there is no cluster secret to derive one from, and a
//!   shared one would have to be stored), so behind a load balancer that spreads one
//!   client over N nodes it counts at most N times.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::db::now_ms;

/// How many classes user agents are sorted into: the most times one address counts per
/// remix per figure per day.
pub const AGENT_CLASSES: u8 = 4;

/// The most hashes a generation holds: what a hash table of 2^19 buckets holds without
/// growing (7/8 of them), 8 bytes each and one of control.
pub const GENERATION: usize = 458_752;

/// One UTC day, in milliseconds.
const DAY_MS: i64 = 24 * 3_600_000;

/// Who did something, as far as counting goes: hashed with the day's key, never kept.
#[derive(Clone, Copy, Debug)]
pub struct Visitor<'a> {
    /// The client's address.
    pub address: IpAddr,
    /// Its `User-Agent` ("" for none).
    pub agent: &'a str,
}

/// The visitors counted today.
pub struct Visitors {
    day: Mutex<Day>,
    generation: usize,
}

/// One day's key and hashes.
struct Day {
    /// Days since the Unix epoch (UTC) the key belongs to.
    number: i64,
    /// Random, made for this day; never stored.
    key: [u8; 32],
    /// Hashes counted since `older` filled up.
    newer: HashSet<u64>,
    older: HashSet<u64>,
}

impl Default for Visitors {
    fn default() -> Visitors {
        Visitors::with_generation(GENERATION)
    }
}

impl Visitors {
    /// Visitors kept in generations of at most `generation` hashes (tests use small ones).
    pub fn with_generation(generation: usize) -> Visitors {
        Visitors {
            day: Mutex::new(Day {
                number: i64::MIN,
                key: [0; 32],
                newer: HashSet::new(),
                older: HashSet::new(),
            }),
            generation: generation.max(1),
        }
    }

    /// Whether this is the first time today that `visitor` does `metric` to `remix` (and so
    /// counts); remembers that it did.
    pub fn first(&self, visitor: Visitor<'_>, remix: &str, metric: &str) -> bool {
        self.first_at(now_ms(), visitor, remix, metric)
    }

    /// [`Visitors::first`] at `now` (ms since the Unix epoch).
    pub fn first_at(&self, now: i64, visitor: Visitor<'_>, remix: &str, metric: &str) -> bool {
        let mut day = self.day.lock().expect("visitors lock");
        let today = now.div_euclid(DAY_MS);
        if day.number != today {
            // A new day: a new key, and yesterday's hashes (useless without its key) go.
            let mut key = [0; 32];
            getrandom::fill(&mut key).expect("the operating system gives random bytes");
            *day = Day {
                number: today,
                key,
                newer: HashSet::new(),
                older: HashSet::new(),
            };
        }
        let hash = visitor_hash(&day.key, visitor, remix, metric);
        if day.newer.contains(&hash) {
            return false;
        }
        // One seen in the older generation is still active: it moves to the newer one, to
        // be forgotten last.
        let known = day.older.remove(&hash);
        if day.newer.len() >= self.generation {
            day.older = std::mem::take(&mut day.newer);
        }
        day.newer.insert(hash);
        !known
    }
}

/// The keyed hash standing for (address, class of user agent, remix, metric) today.
fn visitor_hash(key: &[u8; 32], visitor: Visitor<'_>, remix: &str, metric: &str) -> u64 {
    let agent_class =
        blake3::keyed_hash(key, visitor.agent.as_bytes()).as_bytes()[0] % AGENT_CLASSES;
    let mut hasher = blake3::Hasher::new_keyed(key);
    match visitor.address.to_canonical() {
        IpAddr::V4(v4) => hasher.update(&[4]).update(&v4.octets()),
        // The /64: a phone or a home can pick any address in it.
        IpAddr::V6(v6) => hasher.update(&[6]).update(&v6.octets()[..8]),
    };
    hasher
        .update(&[agent_class])
        .update(remix.as_bytes())
        .update(&[0])
        .update(metric.as_bytes());
    let bytes = hasher.finalize();
    u64::from_le_bytes(bytes.as_bytes()[..8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: &str = "Mozilla/5.0 (Linux; Android 13) Chrome/119.0 Mobile Safari/537.36";

    fn at(address: &str, agent: &'static str) -> Visitor<'static> {
        Visitor {
            address: address.parse().unwrap(),
            agent,
        }
    }

    #[test]
    fn a_visitor_counts_once_a_day_per_remix_and_figure() {
        let v = Visitors::default();
        let noon = 20_000 * DAY_MS + DAY_MS / 2;
        let phone = at("198.51.100.4", PHONE);
        assert!(v.first_at(noon, phone, "aaaa", "page_view"));
        for _ in 0..1000 {
            assert!(!v.first_at(noon, phone, "aaaa", "page_view"));
        }
        // Another figure, another remix, another address: each its own first time.
        assert!(v.first_at(noon, phone, "aaaa", "share:x"));
        assert!(v.first_at(noon, phone, "bbbb", "page_view"));
        assert!(v.first_at(noon, at("198.51.100.5", PHONE), "aaaa", "page_view"));
        // The next UTC day starts afresh.
        assert!(!v.first_at(noon + DAY_MS / 2 - 1, phone, "aaaa", "page_view"));
        assert!(v.first_at(noon + DAY_MS / 2, phone, "aaaa", "page_view"));
    }

    #[test]
    fn one_address_counts_a_handful_of_times_whatever_agent_it_claims() {
        let v = Visitors::default();
        let agents: Vec<&'static str> = (0..1000)
            .map(|i| &*Box::leak(format!("Mozilla/5.0 agent {i}").into_boxed_str()))
            .collect();
        let counted = agents
            .iter()
            .filter(|a| v.first_at(0, at("203.0.113.9", a), "aaaa", "download"))
            .count();
        assert_eq!(counted, usize::from(AGENT_CLASSES));
        // An IPv6 client roaming over its /64 is one address.
        let roaming = (0..1000)
            .filter(|i| {
                let address = format!("2001:db8:1:2::{i:x}");
                v.first_at(0, at(&address, PHONE), "aaaa", "copy")
            })
            .count();
        assert_eq!(roaming, 1);
    }

    #[test]
    fn memory_is_bounded_and_recent_visitors_are_remembered_longest() {
        let v = Visitors::with_generation(100);
        let phone = at("198.51.100.4", PHONE);
        assert!(v.first_at(0, phone, "target", "page_view"));
        let others = |range: std::ops::Range<u32>| {
            for i in range {
                let address = std::net::Ipv4Addr::from(0x0a00_0000 + i).to_string();
                assert!(v.first_at(0, at(&address, PHONE), "aaaa", "page_view"));
            }
        };
        // Filling a generation and more: the visitor is in the older one, still known.
        others(0..150);
        assert!(!v.first_at(0, phone, "target", "page_view"));
        {
            let day = v.day.lock().unwrap();
            assert!(day.newer.len() <= 100 && day.older.len() <= 100);
        }
        // Only after a whole generation of other first visits is it forgotten.
        others(150..350);
        assert!(v.first_at(0, phone, "target", "page_view"));
        let day = v.day.lock().unwrap();
        assert!(day.newer.len() <= 100 && day.older.len() <= 100);
    }

    #[test]
    fn the_key_is_new_each_day_and_random() {
        let (a, b) = (Visitors::default(), Visitors::default());
        a.first_at(0, at("198.51.100.4", PHONE), "aaaa", "copy");
        b.first_at(0, at("198.51.100.4", PHONE), "aaaa", "copy");
        let key_a = a.day.lock().unwrap().key;
        assert_ne!(key_a, b.day.lock().unwrap().key, "two nodes, two keys");
        a.first_at(DAY_MS, at("198.51.100.4", PHONE), "aaaa", "copy");
        assert_ne!(key_a, a.day.lock().unwrap().key, "a new day, a new key");
    }
}
