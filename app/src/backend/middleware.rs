//! Axum middleware shared by every route: session resolution and cross-site request refusal.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::{cookie_value, lookup_session, session_cookie_name, CurrentUser};
use super::state::AppState;

/// The session's user, put into the request extensions for handlers and server functions.
#[derive(Clone, Debug, Default)]
pub struct Viewer(pub Option<CurrentUser>);

/// The client's address: the peer's, or, when the peer is a trusted proxy, the address the
/// proxy says it forwarded for (see [`TrustedProxies::client`]).
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

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

/// Resolves the session cookie to a [`Viewer`] and records the [`ClientIp`].
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| {
            cookie_value(h, session_cookie_name(state.settings.secure_cookies)).map(str::to_owned)
        });
    let viewer = match token {
        Some(token) => {
            let key = super::auth::token_hash(&token);
            match state.sessions.get(&key) {
                Some(user) => user,
                None => match lookup_session(&state.db, &token, state.settings.link_sessions.idle)
                    .await
                {
                    Ok(user) => {
                        state.sessions.put(key, user.clone());
                        user
                    }
                    Err(error) => {
                        tracing::error!(error = format!("{error:#}"), "session lookup failed");
                        return (StatusCode::SERVICE_UNAVAILABLE, "Service unavailable")
                            .into_response();
                    }
                },
            }
        }
        None => None,
    };
    if let Some(ConnectInfo(addr)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .cloned()
    {
        let client = state
            .settings
            .trusted_proxies
            .client(addr.ip(), request.headers());
        request
            .extensions_mut()
            .insert(ClientIp(client.to_string()));
    }
    request.extensions_mut().insert(Viewer(viewer));
    next.run(request).await
}

/// The Content-Security-Policy of a page whose inline scripts carry `nonce` (Leptos' hydration
/// script, the survey's loader), or, without one, of every other response (no inline script at
/// all). Scripts and styles come from this site only; WebAssembly may be compiled; no site may
/// frame a page; forms post only here.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; style-src-attr 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Headers every response carries: a Content-Security-Policy (unless the page set its own, with
/// its nonce), `nosniff`, a Referrer-Policy, no framing, and HSTS when the site is served over
/// HTTPS (secure cookies).
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(value) = header::HeaderValue::from_str(&content_security_policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(header::HeaderValue::from_static("same-origin"));
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    if state.settings.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Refuses state-changing requests that a browser marks as coming from another site.
///
/// Browsers send `Sec-Fetch-Site` (and `Origin`) on every POST; a request from another origin is
/// refused before it reaches a handler. Together with `SameSite=Lax` session cookies this is the
/// CSRF protection; it needs no token in forms, so forms work before WASM has loaded. Requests
/// without either header (command-line clients) carry no ambient browser credentials and pass.
///
/// Downloads (`/export/…`) and the research API (`/api/v1/…`) write the audit log on every read,
/// so a read another site starts (a link, an image) is refused there too.
pub async fn refuse_cross_site(request: Request<Body>, next: Next) -> Response {
    let path = request.uri().path();
    let audited_read = path.starts_with("/export/") || path.starts_with("/api/v1/");
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) && !audited_read
    {
        return next.run(request).await;
    }
    if is_cross_site(&request) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site request refused / Verzoek van andere site geweigerd",
        )
            .into_response();
    }
    next.run(request).await
}

fn is_cross_site(request: &Request<Body>) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin == "null" || origin_host != host
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
