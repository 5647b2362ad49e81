//! Who a request comes from, for per-client limits.
//!
//! A client can write any `X-Forwarded-For` it likes, so the header is believed only as far
//! as it was written by proxies the operator named (`--trusted-proxies`). As nginx's realip
//! module does, the addresses are read from the right (the hop nearest us) and the first
//! one that is not a trusted proxy is the client. With no trusted proxies (the default) the
//! header is ignored and the client is the connection's peer.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies whose forwarding headers are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// Comma- or space-separated CIDRs or plain addresses: `10.0.0.0/8, 127.0.0.1`.
    fn from_str(s: &str) -> Result<TrustedProxies, String> {
        s.split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpNet>()
                    .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{p:?} is not an address or a CIDR like 10.0.0.0/8"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the
    /// right-most forwarded address that is not one. A request with no recorded peer (a
    /// test driving the router directly) counts as coming from loopback.
    pub fn client_ip(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
        let mut client = peer.map_or(IpAddr::from([127, 0, 0, 1]), |p| p.ip().to_canonical());
        if !self.trusts(client) {
            return client;
        }
        // Several X-Forwarded-For headers are one list, in order.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.iter().rev() {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip.to_canonical();
                    if !self.trusts(client) {
                        return client;
                    }
                }
                // Garbage where an address should be: the last good hop is the client.
                Err(_) => return client,
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn peer(ip: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(ip.parse().unwrap(), 40000))
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        for (case, xff, from) in [
            ("loopback peer", vec!["203.0.113.7"], "127.0.0.1"),
            ("private peer", vec!["203.0.113.7"], "10.1.2.3"),
            (
                "forged then loopback",
                vec!["203.0.113.7, 127.0.0.1"],
                "127.0.0.1",
            ),
        ] {
            assert_eq!(
                none.client_ip(&headers(&xff), peer(from)),
                from.parse::<IpAddr>().unwrap(),
                "{case}"
            );
        }
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        let trusted: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        for (case, xff, from, client) in [
            (
                "one proxy",
                vec!["198.51.100.4"],
                "127.0.0.1",
                "198.51.100.4",
            ),
            (
                "forged first address",
                vec!["203.0.113.7, 198.51.100.4"],
                "127.0.0.1",
                "198.51.100.4",
            ),
            (
                "two trusted hops",
                vec!["203.0.113.7, 198.51.100.4, 10.0.0.5"],
                "127.0.0.1",
                "198.51.100.4",
            ),
            (
                "split over two headers",
                vec!["203.0.113.7", "198.51.100.4"],
                "10.0.0.9",
                "198.51.100.4",
            ),
            (
                "untrusted peer",
                vec!["198.51.100.4"],
                "192.0.2.1",
                "192.0.2.1",
            ),
            ("no header", vec![], "127.0.0.1", "127.0.0.1"),
            ("garbage hop", vec!["junk"], "127.0.0.1", "127.0.0.1"),
            (
                "all trusted",
                vec!["10.0.0.1, 10.0.0.2"],
                "127.0.0.1",
                "10.0.0.1",
            ),
            (
                "mapped peer",
                vec!["198.51.100.4"],
                "::ffff:127.0.0.1",
                "198.51.100.4",
            ),
        ] {
            assert_eq!(
                trusted.client_ip(&headers(&xff), peer(from)),
                client.parse::<IpAddr>().unwrap(),
                "{case}"
            );
        }
    }

    #[test]
    fn bad_proxy_lists_say_what_is_wrong() {
        let e = "10.0.0.0/8, nope".parse::<TrustedProxies>().unwrap_err();
        assert!(e.contains("\"nope\""), "{e}");
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::default()
        );
    }
}
