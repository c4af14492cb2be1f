//! What every server function starts with: the state, the caller, and a role check; and the
//! layer that gives a failed call its status.

use leptos::prelude::*;

use super::ApiError;
use crate::backend::audit::{self, Actor};
use crate::backend::auth::CurrentUser;
use crate::backend::entities::user;
use crate::backend::middleware::{ClientIp, Viewer};
use crate::backend::state::AppState;
use crate::domain::Role;

/// The application state provided by the router.
pub fn state() -> Result<AppState, ApiError> {
    use_context::<AppState>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState not provided")))
}

/// Reads the request's head (provided by leptos_axum) in place: a copy of it would copy every
/// header and extension.
fn with_parts<R>(read: impl FnOnce(&http::request::Parts) -> Option<R>) -> Option<R> {
    with_context::<http::request::Parts, _>(read).flatten()
}

/// The logged-in user of this request, if any (resolved by the session middleware).
pub fn viewer() -> Option<CurrentUser> {
    with_parts(|p| p.extensions.get::<Viewer>()?.0.clone())
}

/// The caller's IP address, for the audit log and the login limit.
pub fn client_ip() -> Option<String> {
    with_parts(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone()))
}

/// The caller as an audit actor.
pub fn actor(user: &CurrentUser) -> Actor {
    Actor::user(user, client_ip())
}

/// The caller, if logged in with one of `roles`.
pub fn require(roles: &[Role]) -> Result<CurrentUser, ApiError> {
    let user = viewer().ok_or(ApiError::Unauthenticated)?;
    if roles.contains(&user.me.role) {
        Ok(user)
    } else {
        refused(&user);
        Err(ApiError::Forbidden)
    }
}

/// Logs and audits a refused call of a logged-in user (the path it asked for). The audit entry
/// is written beside the request, so a refusal answers as fast as before.
pub fn refused(user: &CurrentUser) {
    let path = with_parts(|p| Some(p.uri.path().to_owned())).unwrap_or_default();
    tracing::warn!(user = user.me.id, role = ?user.me.role, path, "refused");
    let (Ok(state), actor) = (state(), actor(user)) else {
        return;
    };
    tokio::spawn(async move {
        let details = serde_json::json!({ "path": path });
        if let Err(error) = audit::record(&state.db, &actor, "auth.refused", &path, details).await {
            tracing::error!(error = format!("{error:#}"), "cannot audit a refusal");
        }
    });
}

/// Any logged-in caller.
pub fn require_login() -> Result<CurrentUser, ApiError> {
    require(&Role::ALL)
}

/// Answers a failed server function with its error's status (the server-function layer answers
/// every error with 500): the one place that does it, as a layer around every route. A plain form
/// post (no WASM) that failed was already answered with the redirect back to its form.
pub async fn error_status(
    request: http::Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    let failed = response.status() == http::StatusCode::INTERNAL_SERVER_ERROR
        && response.headers().contains_key("serverfnerror");
    if !failed {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    if let Some(status) = serde_json::from_slice::<ApiError>(&bytes)
        .ok()
        .and_then(|error| http::StatusCode::from_u16(error.status()).ok())
    {
        parts.status = status;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Sets a response header (for example `Set-Cookie`).
pub fn set_header(name: http::HeaderName, value: &str) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        options.append_header(name, value);
    }
}

/// Counts one attempt of `key` (checked and counted in one step, see [`RateLimiter::reserve`]);
/// refuses the call while `key` has used up its attempts.
///
/// [`RateLimiter::reserve`]: crate::backend::rate_limit::RateLimiter::reserve
pub fn reserve_attempt(state: &AppState, key: &str, factor: u32) -> Result<(), ApiError> {
    state
        .login_limiter
        .reserve(key, factor)
        .map_err(|wait| ApiError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        })
}

/// A failed password hash or check: [`ApiError::Busy`] when every Argon2 permit was taken
/// (come back in a moment), otherwise an internal error.
pub fn password_work(error: anyhow::Error) -> ApiError {
    if crate::backend::auth::is_busy(&error) {
        tracing::warn!("password check refused: every argon2 permit is taken");
        ApiError::Busy
    } else {
        ApiError::internal(error)
    }
}

/// Records a failed login (the address as typed, never the password) in the log and the audit log.
pub async fn audit_failed_login(
    state: &AppState,
    user: Option<&user::Model>,
    typed: &str,
) -> Result<(), ApiError> {
    let email: String = typed.trim().to_lowercase().chars().take(254).collect();
    let ip = client_ip();
    tracing::warn!(email, ip, "failed login");
    let actor = Actor {
        user_id: user.map(|u| u.id),
        email,
        ip,
    };
    let target = user.map_or_else(|| "user:unknown".to_owned(), |u| format!("user:{}", u.id));
    audit::record(
        &state.db,
        &actor,
        "auth.login_failed",
        &target,
        serde_json::json!({}),
    )
    .await
    .map_err(ApiError::internal)
}

/// Records an action a user takes on their own account before a session exists (login, first
/// password), with the caller's IP address.
pub async fn audit_own(state: &AppState, user: &user::Model, action: &str) -> Result<(), ApiError> {
    let actor = Actor {
        user_id: Some(user.id),
        email: user.email.clone(),
        ip: client_ip(),
    };
    audit::record(
        &state.db,
        &actor,
        action,
        &format!("user:{}", user.id),
        serde_json::json!({}),
    )
    .await
    .map_err(ApiError::internal)
}
