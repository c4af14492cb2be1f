//! Axum middleware shared by every route: session resolution and cross-site request refusal.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::{cookie_value, lookup_session, CurrentUser, SESSION_COOKIE};
use super::state::AppState;

/// The session's user, put into the request extensions for handlers and server functions.
#[derive(Clone, Debug, Default)]
pub struct Viewer(pub Option<CurrentUser>);

/// The peer address of the request.
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
        .find_map(|h| cookie_value(h, SESSION_COOKIE).map(str::to_owned));
    let viewer = match token {
        Some(token) => {
            let key = super::auth::token_hash(&token);
            match state.sessions.get(&key) {
                Some(user) => user,
                None => match lookup_session(&state.db, &token).await {
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
        request
            .extensions_mut()
            .insert(ClientIp(addr.ip().to_string()));
    }
    request.extensions_mut().insert(Viewer(viewer));
    next.run(request).await
}

/// Refuses state-changing requests that a browser marks as coming from another site.
///
/// Browsers send `Sec-Fetch-Site` (and `Origin`) on every POST; a request from another origin is
/// refused before it reaches a handler. Together with `SameSite=Lax` session cookies this is the
/// CSRF protection; it needs no token in forms, so forms work before WASM has loaded. Requests
/// without either header (command-line clients) carry no ambient browser credentials and pass.
pub async fn refuse_cross_site(request: Request<Body>, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
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
