//! Rate limits that hold across nodes: new remixes per client, sign-in attempts per client
//! and per account, reports per client.
//!
//! The counts live in the database the nodes already share, so a client spread over two
//! nodes meets one limit. Each key counts hits in fixed windows and is judged as a sliding
//! window (the previous window weighted by how much of it still overlaps the last
//! `window`), which has no burst at window edges. A refused hit is taken back, so a client
//! that waits the `Retry-After` it was given is let in.

use std::net::IpAddr;
use std::time::Duration;

use crate::db::{Db, DbError, now_ms};

/// One limit: at most `max` hits per `window` for each key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The most hits in a window; 0 turns the limit off.
    pub max: u32,
    /// The window.
    pub window: Duration,
}

impl Limit {
    /// `max` hits a minute.
    pub fn per_minute(max: u32) -> Limit {
        Limit {
            max,
            window: Duration::from_secs(60),
        }
    }

    /// `max` hits an hour.
    pub fn per_hour(max: u32) -> Limit {
        Limit {
            max,
            window: Duration::from_secs(3600),
        }
    }
}

/// The answer to one hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Under the limit; the hit is counted.
    Allowed,
    /// Over the limit; try again after this many seconds.
    Refused {
        /// Whole seconds, rounded up.
        retry_after: u64,
    },
}

/// Counts a hit on `key` under `limit`, in the shared database.
pub async fn hit(db: &Db, key: &str, limit: Limit) -> Result<Verdict, DbError> {
    if limit.max == 0 {
        return Ok(Verdict::Allowed);
    }
    let window = limit.window.as_millis().max(1) as i64;
    let now = now_ms();
    let start = now - now.rem_euclid(window);
    let (previous, current) = db.hit_limit(key, start, window).await?;
    match judge(limit.max, window, now - start, previous, current) {
        Verdict::Allowed => Ok(Verdict::Allowed),
        refused => {
            db.unhit_limit(key, start).await?;
            Ok(refused)
        }
    }
}

/// Whether `current` hits in this window (the new one included) and `previous` in the one
/// before, `elapsed` ms into a window of `window` ms, stay within `max`; if not, how long
/// until one more hit would.
fn judge(max: u32, window: i64, elapsed: i64, previous: i64, current: i64) -> Verdict {
    let max = f64::from(max);
    let window = window as f64;
    let elapsed = elapsed as f64;
    let weight = 1.0 - elapsed / window;
    if previous as f64 * weight + current as f64 <= max {
        return Verdict::Allowed;
    }
    // Without this hit there are `current - 1` in this window. Find the first moment `t`
    // (ms from now) at which one more hit fits.
    let before = (current - 1) as f64;
    let wait_ms = if before + 1.0 <= max && previous > 0 {
        // Still in this window: wait for the previous window's weight to fall enough.
        let weight_needed = (max - before - 1.0) / previous as f64;
        (window * (1.0 - weight_needed) - elapsed).max(0.0)
    } else {
        // Into the next window, where this window's hits are the ones that fade.
        let to_next = window - elapsed;
        let weight_needed = if before > 0.0 {
            ((max - 1.0) / before).min(1.0)
        } else {
            1.0
        };
        to_next + window * (1.0 - weight_needed)
    };
    Verdict::Refused {
        retry_after: ((wait_ms / 1000.0).ceil() as u64).max(1),
    }
}

/// The part of a client's address a limit counts by: the whole IPv4 address, or the /64
/// of an IPv6 one (a phone or a home gets a whole /64, and can pick any address in it).
pub fn client_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_within_the_limit_are_allowed() {
        assert_eq!(judge(10, 60_000, 0, 0, 10), Verdict::Allowed);
        assert_eq!(judge(10, 60_000, 30_000, 10, 5), Verdict::Allowed);
    }

    #[test]
    fn the_previous_window_still_counts_while_it_overlaps() {
        // 10 hits just before the edge: right after it they still weigh almost fully.
        assert!(matches!(
            judge(10, 60_000, 1_000, 10, 1),
            Verdict::Refused { .. }
        ));
    }

    #[test]
    fn retry_after_is_long_enough_to_be_obeyed() {
        for (elapsed, previous, current) in [
            (1_000, 10, 1),
            (59_500, 0, 11),
            (30_000, 10, 6),
            (0, 10, 10),
            (45_000, 3, 11),
        ] {
            let Verdict::Refused { retry_after } = judge(10, 60_000, elapsed, previous, current)
            else {
                panic!("{elapsed} ms, {previous} then {current}: should be refused");
            };
            // Move on by `retry_after` and try again with the refused hit taken back.
            let later = elapsed + retry_after as i64 * 1000;
            let (elapsed2, previous2, current2) = if later < 60_000 {
                (later, previous, current)
            } else {
                (later - 60_000, current - 1, 1)
            };
            assert_eq!(
                judge(10, 60_000, elapsed2, previous2, current2),
                Verdict::Allowed,
                "{elapsed} ms, {previous} then {current}: still refused after {retry_after} s"
            );
        }
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(client_key(mapped), "203.0.113.9");
    }
}
