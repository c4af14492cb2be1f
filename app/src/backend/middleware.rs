//! Axum middleware shared by every route: session resolution and cross-site request refusal.

use std::net::SocketAddr;

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
/// proxy says it forwarded for (see [`TrustedProxies::client`](super::proxies::TrustedProxies::client)).
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

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
