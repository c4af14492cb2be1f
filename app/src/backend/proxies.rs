//! Which proxies' forwarding headers are believed, and the client address they give.

use std::net::{IpAddr, SocketAddr};

use axum::http::header;

/// Addresses and networks of proxies whose `Forwarded` / `X-Forwarded-For` headers are believed
/// (configuration `trusted_proxies`, such as `127.0.0.1, 10.0.0.0/8, ::1`). Empty: the peer's
/// address is the client's, and the headers, which anyone can send, are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and networks (`address/prefix`).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (addr, prefix) = item.split_once('/').unwrap_or((item, ""));
            let addr: IpAddr = addr.parse().map_err(|_| item.to_owned())?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let prefix = if prefix.is_empty() {
                max
            } else {
                prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| item.to_owned())?
            };
            nets.push((addr, prefix));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0
            .iter()
            .any(|(net, prefix)| match (canonical(*net), ip) {
                (IpAddr::V4(n), IpAddr::V4(a)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(*prefix)).unwrap_or(0);
                    u32::from(n) & mask == u32::from(a) & mask
                }
                (IpAddr::V6(n), IpAddr::V6(a)) => {
                    let mask = u128::MAX.checked_shl(128 - u32::from(*prefix)).unwrap_or(0);
                    u128::from(n) & mask == u128::from(a) & mask
                }
                _ => false,
            })
    }

    /// The client of a request from `peer`: the peer itself unless it is trusted; then the
    /// nearest address in the forwarding chain (`Forwarded: for=`, else `X-Forwarded-For`, read
    /// from the right) that is not a trusted proxy. A chain that cannot be read gives the peer.
    pub fn client(&self, peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
        if !self.contains(peer) {
            return canonical(peer);
        }
        let values = |name| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .collect::<Vec<_>>()
        };
        let forwarded: Vec<&str> = values(header::FORWARDED)
            .into_iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for").then_some(value)
                })
            })
            .collect();
        let chain = if forwarded.is_empty() {
            values(header::HeaderName::from_static("x-forwarded-for"))
        } else {
            forwarded
        };
        let mut client = peer;
        for hop in chain.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                break;
            };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        canonical(client)
    }
}

/// One address of a forwarding chain: `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    hop.parse::<SocketAddr>().ok().map(|a| a.ip())
}

/// IPv4 addresses mapped into IPv6 (`::ffff:192.0.2.1`) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> axum::http::HeaderMap {
        let mut map = axum::http::HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("header"));
        }
        map
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, ::1").expect("list");
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        let forwarded = headers(&[("x-forwarded-for", "198.51.100.7, 10.1.2.3")]);
        // From the proxy: the nearest address that is not a proxy.
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &forwarded),
            ip("198.51.100.7")
        );
        assert_eq!(proxies.client(ip("::1"), &forwarded), ip("198.51.100.7"));
        // From anyone else: the header is ignored.
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &forwarded),
            ip("203.0.113.9")
        );
        // A client cannot choose its address by putting one in front of the chain.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &spoofed), ip("198.51.100.7"));
        // RFC 7239, with a port and IPv6 in brackets.
        let rfc = headers(&[("forwarded", "for=\"[2001:db8::7]:4711\";proto=https")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &rfc), ip("2001:db8::7"));
        // Nothing readable: the proxy itself.
        let junk = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &junk), ip("10.0.0.1"));
        // None configured: never believed.
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &forwarded),
            ip("10.0.0.1")
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
        assert!(proxies.contains(ip("::ffff:10.9.9.9")));
    }
}
