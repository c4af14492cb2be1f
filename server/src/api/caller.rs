//! Who calls the API: a personal API token, or else the browser session of an admin or
//! researcher. Refused tokens are counted per IP address; accepted calls per token (or session)
//! against the rate limit; every accepted call is recorded in the audit log with its status.

use app::api::Me;
use app::backend::audit::{self, Actor};
use app::backend::auth::CurrentUser;
use app::backend::middleware::{ClientIp, Viewer};
use app::backend::{api_tokens, AppState};
use app::domain::Role;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Problem;

/// The caller of an accepted request, for the handlers.
#[derive(Clone, Debug)]
pub struct Caller {
    pub me: Me,
    pub token_id: Option<i32>,
    pub token_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub ip: Option<String>,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.me.id),
            email: self.me.email.clone(),
            ip: self.ip.clone(),
        }
    }

    /// `Ok` when the caller acts with one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), Problem> {
        if roles.contains(&self.me.role) {
            Ok(())
        } else {
            Err(Problem::forbidden())
        }
    }
}

/// Resolves the caller, applies the rate limit, runs the handler and records the call.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let ip = request
        .extensions()
        .get::<ClientIp>()
        .map(|ip| ip.0.clone());
    // Read from the request before any await: a body is not `Sync`.
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let viewer = request
        .extensions()
        .get::<Viewer>()
        .and_then(|v| v.0.clone());
    let caller = match identify(&state, authorization, viewer, ip.clone()).await {
        Ok(caller) => caller,
        Err(problem) => return problem.into_response(),
    };
    let key = match caller.token_id {
        Some(id) => format!("token:{id}"),
        None => format!("user:{}", caller.me.id),
    };
    if let Err(wait) = state.api_limiter.take(&key) {
        return Problem::rate_limited(wait).into_response();
    }
    // Nested under /api/v1, the request's own URI lacks that prefix; the original has it.
    let uri = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri().clone(), |o| o.0.clone());
    let method = request.method().to_string();
    let (path, query) = (uri.path().to_owned(), uri.query().map(str::to_owned));
    request.extensions_mut().insert(caller.clone());
    let response = next.run(request).await;
    let details = serde_json::json!({
        "method": method, "query": query, "status": response.status().as_u16(),
        "token": caller.token_id,
    });
    if let Err(error) = audit::record(&state.db, &caller.actor(), "api.call", &path, details).await
    {
        // No record, no answer: the audit trail must hold every call that was served.
        return Problem::internal(format!("{error:#}")).into_response();
    }
    response
}

/// The token's owner when a token is sent (`authorization`), else the session's user.
async fn identify(
    state: &AppState,
    authorization: Option<String>,
    viewer: Option<CurrentUser>,
    ip: Option<String>,
) -> Result<Caller, Problem> {
    let ip_key = format!("ip:{}", ip.as_deref().unwrap_or("unknown"));
    if let Some(value) = authorization {
        // Counted before the token is looked up (taken back when it is valid), so parallel
        // guesses cannot all pass the limit.
        if let Err(wait) = state.api_refusals.reserve(&ip_key, 1) {
            return Err(Problem::rate_limited(wait));
        }
        let token = value.strip_prefix("Bearer ").map(str::trim).unwrap_or("");
        let found = api_tokens::authenticate(&state.db, token, chrono::Utc::now())
            .await
            .map_err(|e| Problem::internal(format!("{e:#}")))?;
        let Some(user) = found else {
            tracing::warn!(ip, "api token refused");
            return Err(Problem::unauthenticated());
        };
        state.api_refusals.release(&ip_key);
        return Ok(Caller {
            me: user.me,
            token_id: Some(user.token_id),
            token_expires_at: Some(user.expires_at),
            ip,
        });
    }
    match viewer {
        Some(user) if user.scope.is_none() => {
            if !matches!(user.me.role, Role::Admin | Role::Researcher) {
                return Err(Problem::forbidden());
            }
            Ok(Caller {
                me: user.me,
                token_id: None,
                token_expires_at: None,
                ip,
            })
        }
        Some(_) => Err(Problem::forbidden()),
        None => Err(Problem::unauthenticated()),
    }
}
